"""The officer's workspace: the local store, its layers on the map, the selected case, and the
two-way link between the case list and the map.

The layers belong to the project, which the officer may clear (Project → New), replace (open
another project) or edit (remove a layer by hand) at any time: the workspace follows the
project's signals, drops its references before the layers go, and puts them back for the open
store when a project is cleared or read. No Python reference outlives its layer."""

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


class Workspace(QObject):
    casesChanged = pyqtSignal()  # noqa: N815 - Qt signal naming
    layersChanged = pyqtSignal()  # noqa: N815 - the store's layers went or came back
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
        project = QgsProject.instance()
        project.layersWillBeRemoved.connect(self._layers_removed)
        project.cleared.connect(self._project_replaced)
        project.readProject.connect(self._project_replaced)

    # --- store and layers ----------------------------------------------------------------------
    def open_store(self, path: str, crs: str = "EPSG:4526") -> None:
        self.close_store()
        self.store = LocalStore(path, crs)
        self.ensure_layers()
        self.casesChanged.emit()

    def ensure_layers(self) -> None:
        """The store's two layers in the project (again), without marking a saved project as
        changed: they are the store's view, not the officer's edit of the project."""
        if self.store is None or self.parcels_layer is not None:
            return
        path = str(self.store.path)
        project = QgsProject.instance()
        was_dirty = project.isDirty()
        self.parcels_layer = QgsVectorLayer(f"{path}|layername=parcels",
                                            self.tr("Red lines of cases"), "ogr")
        self.cases_layer = QgsVectorLayer(f"{path}|layername=cases", self.tr("Cases"), "ogr")
        apply_style(self.parcels_layer, "redline")
        for layer, aliases in ((self.parcels_layer, self.parcel_aliases()),
                               (self.cases_layer, self.case_aliases())):
            for field, alias in aliases.items():
                index = layer.fields().indexOf(field)
                if index >= 0:
                    layer.setFieldAlias(index, alias)
        root = project.layerTreeRoot()
        name = self.tr("RedLine Approval")
        group = root.findGroup(name) or root.insertGroup(0, name)
        for layer in (self.parcels_layer, self.cases_layer):
            project.addMapLayer(layer, False)
            group.addLayer(layer)
        self.parcels_layer.selectionChanged.connect(self._layer_selection_changed)
        self.parcels_layer.committedGeometriesChanges.connect(self._geometries_committed)
        project.setDirty(was_dirty)

    def parcel_aliases(self) -> dict[str, str]:
        return {"case_number": self.tr("Case"), "number": self.tr("Parcel"),
                "name": self.tr("Name"), "use": self.tr("Use"),
                "declared_area_m2": self.tr("Declared area (m²)"),
                "planar_area_m2": self.tr("Planar area (m²)"),
                "ellipsoidal_area_m2": self.tr("Ellipsoidal area (m²)"),
                "valid": self.tr("Valid"), "srid": self.tr("CRS code")}

    def case_aliases(self) -> dict[str, str]:
        return {"number": self.tr("Case"), "business_name": self.tr("Business type"),
                "district": self.tr("District"), "applicant": self.tr("Applicant"),
                "location": self.tr("Location"), "stage_name": self.tr("Stage"),
                "handler": self.tr("Handler"), "deadline_due": self.tr("Due"),
                "deadline_status": self.tr("Deadline status")}

    def _layer_ids(self) -> set[str]:
        return {layer.id() for layer in (self.parcels_layer, self.cases_layer)
                if layer is not None}

    def _layers_removed(self, ids) -> None:
        """The project is about to drop layers: if ours are among them, let go of them first
        (their C++ objects go with the project's)."""
        if not self._layer_ids() & set(ids):
            return
        self.clear_markers()
        self.band.reset(QgsWkbTypes.PolygonGeometry)
        self.parcels_layer = self.cases_layer = None
        self.layersChanged.emit()

    def _project_replaced(self, *_args) -> None:
        """Project → New or another project opened: the store stays open, its layers return
        once the project has settled."""
        from qgis.PyQt.QtCore import QTimer

        self._layers_removed(list(self._layer_ids()))
        QTimer.singleShot(0, self._restore_layers)

    def _restore_layers(self) -> None:
        if self.store is not None and self.parcels_layer is None:
            self.ensure_layers()
            self.layersChanged.emit()
            self.casesChanged.emit()

    def close_store(self) -> None:
        self.clear_markers()
        self.band.reset(QgsWkbTypes.PolygonGeometry)
        project = QgsProject.instance()
        was_dirty = project.isDirty()
        ids = self._layer_ids()
        self.parcels_layer = self.cases_layer = None
        for layer_id in ids:
            if project.mapLayer(layer_id) is not None:
                project.removeMapLayer(layer_id)
        group = project.layerTreeRoot().findGroup(self.tr("RedLine Approval"))
        if group is not None and not group.children():
            group.parent().removeChildNode(group)
        project.setDirty(was_dirty)
        if self.store is not None:
            self.store.close()
            self.store = None
        self.current = ""

    def unload(self) -> None:
        project = QgsProject.instance()
        for signal, slot in ((project.layersWillBeRemoved, self._layers_removed),
                             (project.cleared, self._project_replaced),
                             (project.readProject, self._project_replaced)):
            try:
                signal.disconnect(slot)
            except (TypeError, RuntimeError):
                pass
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
        return QgsCoordinateTransform(self.crs(), self.canvas.mapSettings().destinationCrs(),
                                      QgsProject.instance())

    def case_fids(self, number: str) -> list[int]:
        request = QgsFeatureRequest().setFilterExpression(f"\"case_number\" = '{number}'")
        return [f.id() for f in self.parcels_layer.getFeatures(request)]

    def select_case(self, number: str, zoom: bool = True) -> None:
        """The case becomes current: its parcels highlighted, selected and (zoom) shown."""
        self.current = number
        self.band.reset(QgsWkbTypes.PolygonGeometry)
        if self.parcels_layer is None:
            self.caseSelected.emit(number)
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
        self.show_findings(self.findings_of(number))  # this case's, not the previous one's
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
        if self.store is not None:
            self.store.set_state(f"findings:{number}", [f.to_dict() for f in findings])
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

    # --- validation findings, kept with their case ----------------------------------------------
    def set_findings(self, number: str, findings) -> None:
        """The case's findings (import, drawing, a refused check) are stored with it: shown
        whenever the case is selected, gone when another case is."""
        if self.store is not None:
            self.store.set_state(f"findings:{number}", [f.to_dict() for f in findings])
        if number == self.current:
            self.show_findings(findings)

    def findings_of(self, number: str) -> list:
        from ..core.redline.validate import Finding

        rows = self.store.get_state(f"findings:{number}") if self.store and number else None
        return [Finding(**row) for row in rows or []]

    # --- validation markers -----------------------------------------------------------------------
    def clear_markers(self) -> None:
        for m in self.markers:
            self.canvas.scene().removeItem(m)
        self.markers.clear()

    def show_findings(self, findings) -> None:
        """A marker per finding: a red (error) or orange (warning) circled cross with a white
        halo, large enough to see over any background; the tooltip says what it is."""
        from ..core.redline.finding_text import describe
        from .i18n import plugin_language

        self.clear_markers()
        if self.store is None:
            return
        transform = self._to_canvas()
        lang = plugin_language()
        for f in findings:
            if f.x is None:
                continue
            point = transform.transform(f.x, f.y)
            colour = QColor(220, 0, 0) if f.severity == "error" else QColor(255, 140, 0)
            for icon, size, width, pen in ((QgsVertexMarker.ICON_CIRCLE, 22, 5,
                                            QColor(255, 255, 255)),
                                           (QgsVertexMarker.ICON_CIRCLE, 22, 2, colour),
                                           (QgsVertexMarker.ICON_X, 14, 3, colour)):
                marker = QgsVertexMarker(self.canvas)
                marker.setCenter(point)
                marker.setColor(pen)
                marker.setIconType(icon)
                marker.setIconSize(size)
                marker.setPenWidth(width)
                marker.setToolTip(describe(f, lang))
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
