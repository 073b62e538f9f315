"""Control-layer sources. A check never loads a whole layer: it asks each source for the
features in a bounding box, and the source filters on its side (GeoPackage R-tree, PostGIS
index, QGIS provider). ``OgrSource`` serves files and ``PG:`` URIs; the plugin adds a source
over a QGIS layer with the same three members."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np
import shapely
from pyproj import CRS

from ..dbf_encoding import shapefile_encoding
from ..errors import CrsError, RedlineFormatError
from ..geodesy.transforms import parse_crs
from .profile import LayerSpec

Feature = tuple[str, dict, object]  # (id, attributes, shapely geometry in the source CRS)


class FeatureSource(Protocol):
    name: str
    crs: CRS

    def features_in(self, bounds: tuple[float, float, float, float]) -> Iterator[Feature]: ...

    def describe(self) -> dict: ...


_FINGERPRINTS: dict[tuple, dict] = {}


def file_fingerprint(path: str | Path) -> dict:
    """Modification time and SHA-256 of a file and its sidecars, to re-verify a check later.
    Remembered per (path, size, mtime): a province layer is hashed once, not at every check."""
    path = Path(path)
    files = [path]
    if path.suffix.lower() == ".shp":
        files += [path.with_suffix(s) for s in (".dbf", ".shx", ".prj", ".cpg")
                  if path.with_suffix(s).exists()]
    key = tuple((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in files)
    if key not in _FINGERPRINTS:
        _FINGERPRINTS[key] = _hash_files(path, files)
    return dict(_FINGERPRINTS[key])


def _hash_files(path: Path, files: list[Path]) -> dict:
    digest = hashlib.sha256()
    for f in files:
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    mtime = max(os.path.getmtime(f) for f in files)
    return {"path": str(path), "modified": time.strftime("%Y-%m-%dT%H:%M:%S%z",
                                                         time.localtime(mtime)),
            "sha256": digest.hexdigest()}


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
        wanted = [k for k in [spec.class_field, *spec.key_fields] + (
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
        geoms = shapely.from_wkb(np.array(wkbs, dtype=object)) if wkbs else []
        yield from zip(ids, attrs, geoms, strict=True)

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
