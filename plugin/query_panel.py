"""Reviewers' query panel: by number, applicant, business type, stage, district, dates, area,
overdue; and in space: the map extent, a drawn polygon or a district polygon. Results select
on the map and export to CSV or GeoPackage."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateTransform,
    QgsGeometry,
    QgsMapLayerProxyModel,
    QgsProject,
)
from qgis.gui import QgsDockWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.store.query import export_csv, export_gpkg, query_cases
from ..processing_algorithms.qgis_bridge import from_qgs
from .i18n import tr
from .resources import scrollable

SPATIAL = ("none", "extent", "drawn", "district")


class QueryPanel(QgsDockWidget):
    drawRequested = pyqtSignal()  # noqa: N815

    def __init__(self, workspace, canvas, parent=None):
        super().__init__(tr("RedLine Approval — Query"), parent)
        self.setObjectName("RedlineApprovalQueryDock")
        self.workspace = workspace
        self.canvas = canvas
        self.drawn: QgsGeometry | None = None
        self.results: list[dict] = []
        body = QWidget(self)
        layout = QVBoxLayout(body)
        form = QFormLayout()
        self.number = QLineEdit()
        self.applicant = QLineEdit()
        self.business = QLineEdit()
        self.stage = QLineEdit()
        self.district = QLineEdit()
        self.date_from = QLineEdit()
        self.date_from.setPlaceholderText("2026-01-01")
        self.date_to = QLineEdit()
        self.date_to.setPlaceholderText("2026-12-31")
        self.area_min = QDoubleSpinBox()
        self.area_max = QDoubleSpinBox()
        for spin in (self.area_min, self.area_max):
            spin.setRange(0, 1e10)
            spin.setDecimals(0)
            spin.setSuffix(" m²")
        self.area_max.setSpecialValueText(tr("any"))
        self.overdue = QComboBox()
        for text, value in ((tr("any"), None), (tr("overdue"), True), (tr("not overdue"), False)):
            self.overdue.addItem(text, value)
        self.spatial = QComboBox()
        for text, value in zip((tr("anywhere"), tr("in the map extent"), tr("in a drawn polygon"),
                                tr("in the selected district polygon")), SPATIAL, strict=True):
            self.spatial.addItem(text, value)
        self.district_layer = QgsMapLayerComboBox()
        self.district_layer.setFilters(QgsMapLayerProxyModel.PolygonLayer)
        for label, w in ((tr("Number"), self.number), (tr("Applicant"), self.applicant),
                         (tr("Business type"), self.business), (tr("Stage"), self.stage),
                         (tr("District"), self.district), (tr("Created from"), self.date_from),
                         (tr("Created to"), self.date_to), (tr("Area at least"), self.area_min),
                         (tr("Area at most"), self.area_max), (tr("Deadline"), self.overdue),
                         (tr("Where"), self.spatial), (tr("District layer"), self.district_layer)):
            form.addRow(label, w)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.draw_button = QPushButton(tr("Draw polygon"))
        self.run_button = QPushButton(tr("Search"))
        self.select_button = QPushButton(tr("Select on map"))
        self.csv_button = QPushButton(tr("CSV…"))
        self.gpkg_button = QPushButton(tr("GeoPackage…"))
        for b in (self.draw_button, self.run_button, self.select_button, self.csv_button,
                  self.gpkg_button):
            row.addWidget(b)
        layout.addLayout(row)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels([tr("Number"), tr("Applicant"), tr("Business type"),
                                              tr("Stage"), tr("Area m²")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        self.setWidget(scrollable(body))
        self.run_button.clicked.connect(self.run)
        self.select_button.clicked.connect(self.select_on_map)
        self.csv_button.clicked.connect(self.export_csv)
        self.gpkg_button.clicked.connect(self.export_gpkg)
        self.draw_button.clicked.connect(self.drawRequested)
        self.table.itemDoubleClicked.connect(
            lambda item: self.workspace.select_case(self.results[item.row()]["number"]))

    def set_drawn(self, geometry: QgsGeometry) -> None:
        self.drawn = geometry
        self.spatial.setCurrentIndex(SPATIAL.index("drawn"))

    def _to_store(self, geometry: QgsGeometry, crs):
        g = QgsGeometry(geometry)
        g.transform(QgsCoordinateTransform(crs, self.workspace.crs(), QgsProject.instance()))
        return from_qgs(g)

    def _area(self):
        mode = self.spatial.currentData()
        canvas_crs = self.canvas.mapSettings().destinationCrs()
        if mode == "extent":
            return self._to_store(QgsGeometry.fromRect(self.canvas.extent()), canvas_crs)
        if mode == "drawn" and self.drawn is not None:
            return self._to_store(self.drawn, canvas_crs)
        if mode == "district":
            layer = self.district_layer.currentLayer()
            if layer is not None:
                feats = layer.selectedFeatures() or list(layer.getFeatures())
                geom = QgsGeometry.unaryUnion([f.geometry() for f in feats])
                return self._to_store(geom, layer.crs())
        return None

    def run(self) -> list[dict]:
        store = self.workspace.store
        if store is None:
            return []
        text = {w: w.text().strip() or None for w in (self.number, self.applicant, self.business,
                                                      self.stage, self.district, self.date_from,
                                                      self.date_to)}
        self.results = query_cases(
            store, number=text[self.number], applicant=text[self.applicant],
            business=text[self.business], stage=text[self.stage],
            district=text[self.district], date_from=text[self.date_from],
            date_to=text[self.date_to], area_min=self.area_min.value() or None,
            area_max=self.area_max.value() or None, overdue=self.overdue.currentData(),
            within=self._area())
        self.table.setRowCount(len(self.results))
        for row, r in enumerate(self.results):
            for col, value in enumerate((r["number"], r.get("applicant"), r.get("business_name"),
                                         r.get("stage_name"), f"{r['area_m2']:,.2f}")):
                self.table.setItem(row, col, QTableWidgetItem(value or ""))
        return self.results

    def select_on_map(self) -> None:
        layer = self.workspace.parcels_layer
        if layer is None:
            return
        fids = [fid for r in self.results for fid in self.workspace.case_fids(r["number"])]
        layer.selectByIds(fids)
        if fids:
            self.canvas.zoomToSelected(layer)

    def export_csv(self, path: str | None = None) -> None:
        path = path or QFileDialog.getSaveFileName(self, tr("Export CSV"), "", "CSV (*.csv)")[0]
        if path:
            export_csv(self.results, path)

    def export_gpkg(self, path: str | None = None) -> None:
        path = path or QFileDialog.getSaveFileName(self, tr("Export GeoPackage"), "",
                                                   "GeoPackage (*.gpkg)")[0]
        if path:
            export_gpkg(self.workspace.store, self.results, path)
