"""Control-layer sources. A check never loads a whole layer: it asks each source for the
features in a bounding box, and the source filters on its side (GeoPackage R-tree, PostGIS
index, QGIS provider). ``FionaSource`` serves files and ``PG:`` URIs; the plugin adds a source
over a QGIS layer with the same three members."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import fiona
from pyproj import CRS
from shapely.geometry import shape

from ..errors import CrsError, RedlineFormatError
from ..geodesy.transforms import parse_crs
from ..textfiles import shapefile_encoding
from .profile import LayerSpec

Feature = tuple[str, dict, object]  # (id, attributes, shapely geometry in the source CRS)


class FeatureSource(Protocol):
    name: str
    crs: CRS

    def features_in(self, bounds: tuple[float, float, float, float]) -> Iterator[Feature]: ...

    def describe(self) -> dict: ...


def file_fingerprint(path: str | Path) -> dict:
    """Modification time and SHA-256 of a file and its sidecars, to re-verify a check later."""
    path = Path(path)
    files = [path]
    if path.suffix.lower() == ".shp":
        files += [path.with_suffix(s) for s in (".dbf", ".shx", ".prj", ".cpg")
                  if path.with_suffix(s).exists()]
    digest = hashlib.sha256()
    for f in files:
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    mtime = max(os.path.getmtime(f) for f in files)
    return {"path": str(path), "modified": time.strftime("%Y-%m-%dT%H:%M:%S%z",
                                                         time.localtime(mtime)),
            "sha256": digest.hexdigest()}


class FionaSource:
    """A GeoPackage, Shapefile, GeoJSON or ``PG:`` layer read through GDAL's spatial filter."""

    def __init__(self, spec: LayerSpec):
        self.spec = spec
        self.name = spec.name
        try:
            self._collection = fiona.open(spec.path, layer=spec.layer,
                                          encoding=shapefile_encoding(spec.path))
        except Exception as exc:  # fiona raises many driver errors; all mean "cannot open"
            raise RedlineFormatError(spec.path, None,
                                     f"layer {spec.name!r}: cannot open: {exc}") from exc
        if spec.crs:
            self.crs = parse_crs(spec.crs)
        elif self._collection.crs_wkt:
            self.crs = CRS.from_wkt(self._collection.crs_wkt)
        else:
            raise CrsError(f"layer {spec.name!r} ({spec.path}) has no CRS: set crs = \"EPSG:…\" "
                           "in the profile")
        fields = self._collection.schema["properties"]
        for key in [spec.class_field, *spec.key_fields] + (
                [spec.level_field] if spec.role == "forest" else []):
            if key and key not in fields:
                raise RedlineFormatError(spec.path, None, f"layer {spec.name!r} has no field "
                                         f"{key!r}; it has {', '.join(fields)}")

    def features_in(self, bounds):
        for fid, feat in self._collection.items(bbox=tuple(bounds)):
            if feat.geometry is None:
                continue
            yield str(fid), dict(feat.properties), shape(feat.geometry)

    def describe(self) -> dict:
        info = {"name": self.name, "role": self.spec.role, "crs": self.crs.to_string()}
        if self.spec.is_uri:
            info["uri"] = self.spec.path.split("password=")[0]
        else:
            info.update(file_fingerprint(self.spec.path))
        return info

    def close(self) -> None:
        self._collection.close()
