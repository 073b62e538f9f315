"""Map tools: click a parcel to open its case; draw a red line or a query polygon."""

from __future__ import annotations

from qgis.core import QgsGeometry, QgsPointXY, QgsWkbTypes
from qgis.gui import QgsMapTool, QgsRubberBand
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor


class IdentifyCaseTool(QgsMapTool):
    """A click on a red line opens its case in the dock."""

    caseClicked = pyqtSignal(str)  # noqa: N815

    def __init__(self, canvas, workspace):
        super().__init__(canvas)
        self.workspace = workspace
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def canvasReleaseEvent(self, event):  # noqa: N802
        point = self.toMapCoordinates(event.pos())
        tolerance = self.canvas().mapUnitsPerPixel() * 4
        number = self.workspace.case_at(point, tolerance)
        if number:
            self.workspace.select_case(number, zoom=False)
            self.caseClicked.emit(number)


class PolygonTool(QgsMapTool):
    """Left clicks add vertices, right click (or double click) finishes; Esc cancels."""

    finished = pyqtSignal(QgsGeometry)

    def __init__(self, canvas, colour: QColor | None = None):
        super().__init__(canvas)
        colour = colour or QColor(230, 0, 0)
        self.points: list[QgsPointXY] = []
        self.band = QgsRubberBand(canvas, QgsWkbTypes.PolygonGeometry)
        self.band.setStrokeColor(colour)
        self.band.setColor(QColor(colour.red(), colour.green(), colour.blue(), 50))
        self.band.setWidth(2)
        self.setCursor(Qt.CursorShape.CrossCursor)

    def canvasReleaseEvent(self, event):  # noqa: N802
        if event.button() == Qt.MouseButton.RightButton:
            self._finish()
            return
        self.points.append(self.toMapCoordinates(event.pos()))
        self.band.addPoint(self.points[-1])

    def canvasMoveEvent(self, event):  # noqa: N802
        if self.points:
            self.band.movePoint(self.toMapCoordinates(event.pos()))

    def canvasDoubleClickEvent(self, event):  # noqa: N802
        self._finish()

    def keyPressEvent(self, event):  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.reset()

    def _finish(self) -> None:
        if len(self.points) >= 3:
            ring = [*self.points, self.points[0]]
            self.finished.emit(QgsGeometry.fromPolygonXY([ring]))
        self.reset()

    def reset(self) -> None:
        self.points = []
        self.band.reset(QgsWkbTypes.PolygonGeometry)

    def deactivate(self):
        self.reset()
        super().deactivate()
