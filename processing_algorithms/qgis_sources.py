"""Control-layer sources over QGIS layers (any provider: GeoPackage, Shapefile, PostGIS, WFS…):
the check engine asks for a bounding box and QGIS filters on the provider's side."""

from __future__ import annotations

from pathlib import Path

from pyproj import CRS
from qgis.core import QgsFeatureRequest, QgsProject, QgsRectangle, QgsVectorLayer

from ..core.check.layer_cache import file_fingerprint
from ..core.check.profile import LayerSpec
from ..core.errors import CrsError, RedlineError

LAYER_PREFIX = "layer:"


class QgsLayerSource:
    def __init__(self, spec: LayerSpec, layer: QgsVectorLayer):
        self.spec = spec
        self.name = spec.name
        self.layer = layer
        crs = layer.crs()
        if spec.crs:
            self.crs = CRS.from_user_input(spec.crs)
        elif crs.isValid():
            self.crs = CRS.from_user_input(crs.authid()) if crs.authid() else \
                CRS.from_wkt(crs.toWkt())
        else:
            raise CrsError(f"layer {spec.name!r} has no CRS: set crs = \"EPSG:…\" in the profile")
        names = layer.fields().names()
        wanted = [spec.class_field, *spec.key_fields] + (
            [spec.level_field] if spec.role == "forest" else [])
        missing = [k for k in wanted if k and k not in names]
        if missing:
            raise RedlineError(f"layer {spec.name!r} has no field {', '.join(missing)}; it has "
                               f"{', '.join(names)}")

    def candidates(self, boxes):
        from ..core.check.candidates import from_boxes

        return from_boxes(boxes, self.features_in)

    def features_in(self, bounds):
        request = QgsFeatureRequest().setFilterRect(QgsRectangle(*bounds))
        names = self.layer.fields().names()
        for f in self.layer.getFeatures(request):
            if not f.hasGeometry():
                continue
            attrs = dict(zip(names, f.attributes(), strict=True))
            yield (str(f.id()), {k: _plain(v) for k, v in attrs.items()},
                   bytes(f.geometry().asWkb()))

    def describe(self) -> dict:
        info = {"name": self.name, "role": self.spec.role, "crs": self.crs.to_string()}
        uri = self.layer.source()
        path = uri.split("|")[0]
        if Path(path).is_file():
            info.update(file_fingerprint(path))
        else:
            info["uri"] = uri.split("password=")[0]
        return info

    def close(self) -> None:
        pass


def _plain(value):
    """QVariant NULLs and dates as plain Python values."""
    if value is None or (hasattr(value, "isNull") and value.isNull()):
        return None
    return value if isinstance(value, str | int | float | bool) else str(value)


def layer_for(spec: LayerSpec) -> QgsVectorLayer:
    """A QGIS layer for a profile entry: ``layer:<name or id>`` of the current project, a data
    source URI, or a file path."""
    if spec.path.startswith(LAYER_PREFIX):
        key = spec.path[len(LAYER_PREFIX):]
        project = QgsProject.instance()
        layer = project.mapLayer(key) or next(iter(project.mapLayersByName(key)), None)
        if layer is None:
            raise RedlineError(f"profile layer {spec.name!r}: no layer {key!r} in the project")
        return layer
    uri = spec.path if not spec.layer else f"{spec.path}|layername={spec.layer}"
    provider = "postgres" if spec.path.startswith(("dbname=", "service=", "host=")) else "ogr"
    layer = QgsVectorLayer(uri, spec.name, provider)
    if not layer.isValid():
        raise RedlineError(f"profile layer {spec.name!r}: cannot open {spec.path}")
    return layer
