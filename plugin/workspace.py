"""The officer's workspace: the local store, its layers on the map, the selected case, and the
two-way link between the case list and the map."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsCoordinateTransform,
    QgsFeatureRequest,
    QgsGeometry,
    QgsProject,
    QgsRectangle,
    QgsVectorLayer,
    QgsWkbTypes,
)
from qgis.gui import QgsRubberBand, QgsVertexMarker
from qgis.PyQt.QtCore import QObject, pyqtSignal
from qgis.PyQt.QtGui import QColor

from ..core.redline.io import read_parcels
from ..core.redline.validate import validate_parcels
from ..core.store.local_store import LocalStore
from ..processing_algorithms.qgis_bridge import from_qgs, to_qgs
from ..processing_algorithms.result_layers import apply_style

GROUP = "RedLine Approval"


class Workspace(QObject):
    casesChanged = pyqtSignal()  # noqa: N815 - Qt signal naming
    caseSelected = pyqtSignal(str)  # noqa: N815
    parcelsChanged = pyqtSignal(str)  # noqa: N815

    def __init__(self, canvas, parent=None):
        super().__init__(parent)
        self.canvas = canvas
        self.store: LocalStore | None = None
        self.parcels_layer: QgsVectorLayer | None = None
        self.cases_layer: QgsVectorLayer | None = None
        self.current: str = ""
        self.band = QgsRubberBand(canvas, QgsWkbTypes.PolygonGeometry)
        self.band.setColor(QColor(230, 0, 0, 60))
        self.band.setStrokeColor(QColor(230, 0, 0))
        self.band.setWidth(3)
        self.markers: list[QgsVertexMarker] = []
        self._syncing_selection = False

    # --- store and layers ----------------------------------------------------------------------
    def open_store(self, path: str, crs: str = "EPSG:4526") -> None:
        self.close_store()
        self.store = LocalStore(path, crs)
        uri = f"{path}|layername=parcels"
        self.parcels_layer = QgsVectorLayer(uri, self.tr("Red lines of cases"), "ogr")
        self.cases_layer = QgsVectorLayer(f"{path}|layername=cases", self.tr("Cases"), "ogr")
        apply_style(self.parcels_layer, "redline")
        project = QgsProject.instance()
        root = project.layerTreeRoot()
        group = root.findGroup(GROUP) or root.insertGroup(0, GROUP)
        for layer in (self.parcels_layer, self.cases_layer):
            project.addMapLayer(layer, False)
            group.addLayer(layer)
        self.parcels_layer.selectionChanged.connect(self._layer_selection_changed)
        self.parcels_layer.committedGeometriesChanges.connect(self._geometries_committed)
        self.casesChanged.emit()

    def close_store(self) -> None:
        self.clear_markers()
        self.band.reset(QgsWkbTypes.PolygonGeometry)
        project = QgsProject.instance()
        for layer in (self.parcels_layer, self.cases_layer):
            if layer is not None and project.mapLayer(layer.id()) is not None:
                project.removeMapLayer(layer.id())
        self.parcels_layer = self.cases_layer = None
        if self.store is not None:
            self.store.close()
            self.store = None
        self.current = ""

    def unload(self) -> None:
        self.close_store()
        self.canvas.scene().removeItem(self.band)

    def refresh(self) -> None:
        for layer in (self.parcels_layer, self.cases_layer):
            if layer is not None:
                layer.dataProvider().reloadData()
                layer.triggerRepaint()
        self.casesChanged.emit()

    def tr(self, text: str) -> str:
        from qgis.PyQt.QtCore import QCoreApplication

        return QCoreApplication.translate("Workspace", text)

    # --- selection, both ways ------------------------------------------------------------------
    def _to_canvas(self) -> QgsCoordinateTransform:
        return QgsCoordinateTransform(self.parcels_layer.crs(),
                                      self.canvas.mapSettings().destinationCrs(),
                                      QgsProject.instance())

    def case_fids(self, number: str) -> list[int]:
        request = QgsFeatureRequest().setFilterExpression(f"\"case_number\" = '{number}'")
        return [f.id() for f in self.parcels_layer.getFeatures(request)]

    def select_case(self, number: str, zoom: bool = True) -> None:
        """The case becomes current: its parcels highlighted, selected and (zoom) shown."""
        self.current = number
        self.band.reset(QgsWkbTypes.PolygonGeometry)
        if self.parcels_layer is None:
            return
        fids = self.case_fids(number) if number else []
        self._syncing_selection = True
        try:
            self.parcels_layer.selectByIds(fids)
        finally:
            self._syncing_selection = False
        extent = QgsRectangle()
        transform = self._to_canvas()
        for f in self.parcels_layer.getFeatures(QgsFeatureRequest().setFilterFids(fids)):
            geom = QgsGeometry(f.geometry())
            geom.transform(transform)
            self.band.addGeometry(geom, None)
            extent.combineExtentWith(geom.boundingBox())
        if zoom and not extent.isEmpty():
            extent.scale(1.4)
            self.canvas.setExtent(extent)
            self.canvas.refresh()
        self.caseSelected.emit(number)

    def _layer_selection_changed(self, selected, _deselected, _clear) -> None:
        if self._syncing_selection or not selected:
            return
        numbers = {f["case_number"] for f in
                   self.parcels_layer.getFeatures(QgsFeatureRequest().setFilterFids(selected))}
        if len(numbers) == 1:
            self.select_case(numbers.pop(), zoom=False)

    def case_at(self, map_point, tolerance: float) -> str:
        """The case whose parcel lies under a map point (canvas CRS)."""
        if self.parcels_layer is None:
            return ""
        transform = self._to_canvas()
        rect = QgsRectangle(map_point.x() - tolerance, map_point.y() - tolerance,
                            map_point.x() + tolerance, map_point.y() + tolerance)
        rect = transform.transformBoundingBox(rect, QgsCoordinateTransform.ReverseTransform)
        probe = QgsGeometry.fromRect(rect)
        for f in self.parcels_layer.getFeatures(QgsFeatureRequest().setFilterRect(rect)):
            if f.geometry().intersects(probe):
                return f["case_number"]
        return ""

    # --- red lines into a case -------------------------------------------------------------------
    def import_redline(self, number: str, path: str) -> list:
        """A coordinate file, DXF or GIS file becomes the case's red line; returns findings."""
        source = read_parcels(path, self.store.crs.to_string() if path.lower().endswith(".dxf")
                              else None)
        if source.crs is not None and not source.crs.equals(self.store.crs):
            from ..core.errors import CrsError

            raise CrsError(f"{path} is in {source.crs.name}, the case store in "
                           f"{self.store.crs.name}: convert it first")
        findings = validate_parcels(source.parcels, self.store.crs)
        parcels = [self.store.measure(p.number, p.name, p.geometry,
                                      p.declared_area_ha * 10_000 if p.declared_area_ha else None,
                                      p.use)
                   for p in source.parcels]
        self.store.set_parcels(number, parcels)
        self._parcels_stored(number, findings, zoom=True)
        return findings

    def add_drawn_parcel(self, number: str, geometry_canvas: QgsGeometry) -> None:
        geom = QgsGeometry(geometry_canvas)
        geom.transform(self._to_canvas(), QgsCoordinateTransform.ReverseTransform)
        shapely_geom = from_qgs(geom)
        existing = self.store.parcels(number)
        new = self.store.measure(str(len(existing) + 1), "", shapely_geom, None)
        self.store.set_parcels(number, [*existing, new])
        findings = validate_parcels([_as_parcel(new)], self.store.crs)
        self._parcels_stored(number, findings, zoom=False)

    def _parcels_stored(self, number: str, findings, zoom: bool) -> None:
        self.refresh()
        self.show_findings(findings)
        self.parcelsChanged.emit(number)
        self.select_case(number, zoom=zoom)

    def _geometries_committed(self, _layer_id, changed: dict) -> None:
        """An edit saved on the map: areas measured again and the red line queued."""
        numbers = set()
        for fid, geom in changed.items():
            updated = self.store.update_parcel_geometry(int(fid), from_qgs(geom))
            numbers.add(updated.case_number)
        self.casesChanged.emit()
        for n in numbers:
            self.parcelsChanged.emit(n)

    # --- validation markers -----------------------------------------------------------------------
    def clear_markers(self) -> None:
        for m in self.markers:
            self.canvas.scene().removeItem(m)
        self.markers.clear()

    def show_findings(self, findings) -> None:
        self.clear_markers()
        if self.parcels_layer is None:
            return
        transform = self._to_canvas()
        for f in findings:
            if f.x is None:
                continue
            point = transform.transform(f.x, f.y)
            marker = QgsVertexMarker(self.canvas)
            marker.setCenter(point)
            marker.setColor(QColor(255, 0, 0) if f.severity == "error" else QColor(255, 140, 0))
            marker.setIconType(QgsVertexMarker.ICON_X)
            marker.setIconSize(14)
            marker.setPenWidth(3)
            marker.setToolTip(f"{f.code}: {f.message}")
            self.markers.append(marker)

    def parcel_geometry(self, number: str) -> QgsGeometry | None:
        parcels = self.store.parcels(number)
        if not parcels:
            return None
        import shapely

        return to_qgs(shapely.union_all([p.geometry for p in parcels]))

    def crs(self) -> QgsCoordinateReferenceSystem:
        return QgsCoordinateReferenceSystem(f"EPSG:{self.store.epsg}")


def _as_parcel(stored):
    from ..core.redline.model import parcel_from_geometry

    return parcel_from_geometry(stored.number, stored.name, stored.geometry)
