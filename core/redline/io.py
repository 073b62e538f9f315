"""One entry point for every red-line source: the ministry file (.txt) or a GIS/CAD file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyproj import CRS

from ..errors import CrsError, RedlineError
from ..geodesy.crs_catalog import SYSTEMS, lookup_epsg
from ..geodesy.transforms import parse_crs
from .coordfile import CoordinateDocument, read_coordinate_file, write_coordinate_file
from .gis_io import read_gis_parcels, write_gis_parcels
from .model import Parcel


@dataclass
class RedlineSource:
    parcels: list[Parcel]
    crs: CRS | None
    document: CoordinateDocument | None = None  # set for ministry files, keeps the header


def read_parcels(path: str | Path, crs: str | None = None) -> RedlineSource:
    path = Path(path)
    if path.suffix.lower() == ".txt":
        doc = read_coordinate_file(path)
        found = parse_crs(crs) if crs else parse_crs(doc.crs().authid)
        return RedlineSource(doc.parcels, found, doc)
    parcels, file_crs = read_gis_parcels(path)
    if crs:
        file_crs = parse_crs(crs)
    return RedlineSource(parcels, file_crs)


def header_for_crs(crs: CRS, base: dict[str, str] | None = None) -> dict[str, str]:
    member = lookup_epsg(crs.to_epsg() or 0)
    if member is None:
        raise CrsError(f"{crs.name} is not a Chinese Gauss-Kruger CRS: coordinate files need "
                       "one (e.g. EPSG:4526)")
    header = dict(base or {})
    header["坐标系"] = SYSTEMS[member.system][2]
    header["几度分带"] = str(member.width)
    header["投影类型"] = "高斯克吕格"
    header["计量单位"] = "米"
    header["带号"] = str(member.zone)
    return header


def write_parcels(source: RedlineSource, path: str | Path, encoding: str = "gbk") -> None:
    path = Path(path)
    if path.suffix.lower() == ".txt":
        if source.crs is None:
            raise CrsError(f"{path}: the parcels have no CRS; pass --crs")
        member = lookup_epsg(source.crs.to_epsg() or 0)
        if member is not None and not member.prefixed:
            raise CrsError(f"{path}: coordinate files carry zone-prefixed eastings; convert to "
                           "the prefixed CRS first (redline transform --target auto-3deg)")
        base = source.document.header if source.document else {}
        doc = CoordinateDocument(header_for_crs(source.crs, base), source.parcels)
        write_coordinate_file(doc, path, encoding)
        return
    if path.suffix.lower() not in (".gpkg", ".shp", ".geojson", ".json", ".dxf"):
        raise RedlineError(f"{path}: write .txt, .gpkg, .shp, .geojson or .dxf")
    write_gis_parcels(source.parcels, path, source.crs)
