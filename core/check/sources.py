"""Control-layer sources. A check never loads a whole layer: it asks each source for the
candidates of the parcels' bounding boxes (``candidates.py``) and the source filters on its side
(GeoPackage R-tree, PostGIS index, QGIS provider). ``gpkg_source.GpkgSource`` reads plain
GeoPackages in one pass; ``OgrSource`` serves other files and ``PG:`` URIs; the plugin adds a
source over a QGIS layer with the same members. ``open_source`` picks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import numpy as np
from pyproj import CRS

from ..dbf_encoding import shapefile_encoding
from ..errors import CrsError, RedlineFormatError
from ..geodesy.transforms import parse_crs
from .layer_cache import file_fingerprint
from .profile import LayerSpec

if TYPE_CHECKING:
    from .candidates import Candidates

Feature = tuple[str, dict, object]  # (id, attributes, geometry as WKB or shapely, source CRS)


class FeatureSource(Protocol):
    name: str
    crs: CRS

    def candidates(self, boxes: np.ndarray) -> Candidates: ...

    def describe(self) -> dict: ...


class OgrSource:
    """A GeoPackage, Shapefile, GeoJSON or ``PG:`` layer read through GDAL's spatial filter.

    GDAL's own bindings (Debian's, the GDAL QGIS links) rather than fiona here: a check reads
    100 000s of features, and fetching only the needed fields as WKB for one vectorised
    ``shapely.from_wkb`` is several times faster than building fiona feature objects.
    """

    def __init__(self, spec: LayerSpec):
        from osgeo import gdal

        gdal.UseExceptions()
        gdal.AllRegister()  # a QGIS that has exited in this process unregistered the drivers
        self.spec = spec
        self.name = spec.name
        encoding = shapefile_encoding(spec.path)
        options = [f"ENCODING={encoding}"] if encoding else []
        try:
            self._ds = gdal.OpenEx(spec.path, gdal.OF_VECTOR | gdal.OF_READONLY,
                                   open_options=options)
        except RuntimeError as exc:
            raise RedlineFormatError(spec.path, None,
                                     f"layer {spec.name!r}: cannot open: {exc}") from exc
        self._layer = self._ds.GetLayerByName(spec.layer) if spec.layer else self._ds.GetLayer(0)
        if self._layer is None:
            raise RedlineFormatError(spec.path, None, f"layer {spec.name!r}: no layer "
                                     f"{spec.layer!r} in the data source")
        ref = self._layer.GetSpatialRef()
        if spec.crs:
            self.crs = parse_crs(spec.crs)
        elif ref is not None:
            self.crs = CRS.from_wkt(ref.ExportToWkt())
        else:
            raise CrsError(f"layer {spec.name!r} ({spec.path}) has no CRS: set crs = \"EPSG:…\" "
                           "in the profile")
        defn = self._layer.GetLayerDefn()
        fields = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
        wanted = [k for k in [spec.class_field, *spec.key_fields, spec.deduction_field] + (
            [spec.level_field] if spec.role == "forest" else []) if k]
        for key in wanted:
            if key not in fields:
                raise RedlineFormatError(spec.path, None, f"layer {spec.name!r} has no field "
                                         f"{key!r}; it has {', '.join(fields)}")
        self._fields = [(k, fields.index(k)) for k in dict.fromkeys(wanted)]
        self._layer.SetIgnoredFields([f for f in fields if f not in wanted] + ["OGR_STYLE"])

    def features_in(self, bounds):
        layer = self._layer
        layer.SetSpatialFilterRect(*bounds)
        layer.ResetReading()
        ids, attrs, wkbs = [], [], []
        for f in layer:
            geom = f.GetGeometryRef()
            if geom is None:
                continue
            ids.append(str(f.GetFID()))
            attrs.append({k: f.GetField(i) for k, i in self._fields})
            wkbs.append(bytes(geom.ExportToIsoWkb()))
        layer.SetSpatialFilter(None)
        yield from zip(ids, attrs, wkbs, strict=True)  # WKB: the engine decodes in bulk

    def candidates(self, boxes):
        from .candidates import from_boxes

        return from_boxes(boxes, self.features_in)

    def pair_audit(self):
        """The pairs of this file's features tested for overlap by earlier checks (None for a
        database layer, whose content has no fingerprint)."""
        if self.spec.is_uri:
            return None
        from .layer_cache import PairAudit

        return PairAudit(f"{self.describe()['sha256']}-{self._layer.GetName()}")

    def describe(self) -> dict:
        info = {"name": self.name, "role": self.spec.role, "crs": self.crs.to_string()}
        if self.spec.is_uri:
            info["uri"] = self.spec.path.split("password=")[0]
        else:
            info.update(file_fingerprint(self.spec.path))
        return info

    def close(self) -> None:
        self._layer = None
        self._ds = None


def open_source(spec: LayerSpec) -> FeatureSource:
    """The fastest source that can read ``spec``."""
    from .gpkg_source import GpkgSource

    return GpkgSource.open(spec) or OgrSource(spec)
