"""One entry point for every red-line source: the ministry file (.txt) or a GIS/CAD file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pyproj import CRS

from ..errors import CrsError, RedlineError, RedlineFormatError
from ..geodesy.crs_catalog import SYSTEMS, lookup_epsg
from ..geodesy.transforms import epsg_of, parse_crs
from .coordfile import POINT_LIST_HINT, CoordinateDocument, read_coordinate_file, write_coordinate_file
from .model import Parcel
from .parcel_header import DECLARED_UNITS

GIS_SUFFIXES = (".gpkg", ".shp", ".geojson", ".json")


@dataclass
class RedlineSource:
    parcels: list[Parcel]
    crs: CRS | None
    document: CoordinateDocument | None = None  # set for ministry files, keeps the header
    notes: list[str] = field(default_factory=list)  # what the reader assumed (encodings …)


def _point_list(path: Path) -> bool:
    try:
        head = path.read_bytes()[:4096].decode("utf-8-sig", errors="ignore").splitlines()
    except OSError:
        return False
    columns = {c.strip().lower() for c in head[0].split(",")} if head else set()
    return {"id", "x", "y"} <= columns or {"id", "lon", "lat"} <= columns


def read_parcels(path: str | Path, crs: str | None = None, encoding: str | None = None,
                 declared_unit: str = "ha") -> RedlineSource:
    """Parcels from a coordinate file (.txt), GeoPackage, Shapefile, GeoJSON or DXF.
    ``encoding`` overrides a Shapefile's DBF encoding; ``declared_unit`` says whether 地块面积
    values without a unit are hectares (the standard) or m²."""
    path = Path(path)
    if declared_unit not in DECLARED_UNITS:
        raise RedlineError(f"declared unit {declared_unit!r}: use ha or m2")
    suffix = path.suffix.lower()
    if suffix == ".txt":
        doc = read_coordinate_file(path, declared_unit)
        found = parse_crs(crs) if crs else parse_crs(doc.crs().authid)
        return RedlineSource(doc.parcels, found, doc)
    if suffix == ".csv":
        if _point_list(path):
            raise RedlineFormatError(path, 1, POINT_LIST_HINT)
        raise RedlineFormatError(path, None, "a CSV holds no red-line parcels: give a "
                                 "coordinate file (.txt), GeoPackage, Shapefile, GeoJSON or DXF")
    if suffix == ".dxf":
        from .dxf_io import read_dxf_parcels

        return RedlineSource(read_dxf_parcels(path), parse_crs(crs) if crs else None)
    if suffix not in GIS_SUFFIXES:
        raise RedlineFormatError(path, None, f"cannot read {suffix or 'files without suffix'}: "
                                 "give a .txt, .gpkg, .shp, .geojson or .dxf")
    from .gis_io import read_gis_parcels

    parcels, file_crs, notes = read_gis_parcels(path, encoding=encoding,
                                                declared_unit=declared_unit)
    if crs:
        file_crs = parse_crs(crs)
    return RedlineSource(parcels, file_crs, notes=notes)


def header_for_crs(crs: CRS, base: dict[str, str] | None = None) -> dict[str, str]:
    member = lookup_epsg(epsg_of(crs) or 0)
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


def write_parcels(source: RedlineSource, path: str | Path, encoding: str = "gbk") -> list[str]:
    """Write the parcels in the format of ``path``; ``encoding``: the coordinate file's (gbk or
    utf-8) or a Shapefile's DBF. Returns notes about what the format could not hold."""
    path = Path(path)
    if path.suffix.lower() == ".txt":
        if source.crs is None:
            raise CrsError(f"{path}: the parcels have no CRS; pass --crs")
        member = lookup_epsg(epsg_of(source.crs) or 0)
        if member is not None and not member.prefixed:
            raise CrsError(f"{path}: coordinate files carry zone-prefixed eastings; convert to "
                           "the prefixed CRS first (redline transform --target auto-3deg)")
        base = source.document.header if source.document else {}
        doc = CoordinateDocument(header_for_crs(source.crs, base), source.parcels)
        write_coordinate_file(doc, path, encoding)
        return _dropped_attributes(source.parcels, path)
    if path.suffix.lower() == ".dxf":
        from .dxf_io import write_dxf_parcels

        write_dxf_parcels(source.parcels, path)
        return []
    if path.suffix.lower() not in GIS_SUFFIXES:
        raise RedlineError(f"{path}: write .txt, .gpkg, .shp, .geojson or .dxf")
    from .gis_io import write_gis_parcels

    shp_encoding = None
    if path.suffix.lower() == ".shp":
        shp_encoding = "GBK" if encoding.lower() == "gbk" else "UTF-8"
    return write_gis_parcels(source.parcels, path, source.crs, encoding=shp_encoding)


def _dropped_attributes(parcels: list[Parcel], path: Path) -> list[str]:
    from .columns import STANDARD

    extra = sorted({k for p in parcels for k in p.attributes if k not in STANDARD})
    if not extra:
        return []
    return [f"{path.name}: the coordinate file holds the eight standard header fields; "
            f"not written: {', '.join(extra)}"]
