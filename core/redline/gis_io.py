"""Red-line parcels from and to GeoPackage, Shapefile and GeoJSON (fiona).

Columns follow the column map (``columns.py``): the standard parcel fields under their Chinese
names (pinyin in Shapefiles), the boundary-point names in 界址点号, extra attributes after them.
A file read and written again keeps every column once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS

from ..atomic import atomic_path
from ..dbf_encoding import dbf_encoding
from ..errors import RedlineError, RedlineFormatError
from . import point_names
from .columns import AREA, NAME, NUMBER, POINT_NAMES, STANDARD, standard_field, written_name
from .model import Parcel, ReadNote, parcel_from_polygon, rings_from_geometry
from .parcel_header import declared_hectares

DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON"}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _parcel(index: int, props: dict, geom, declared_unit: str) -> Parcel:
    standard, extra = {}, {}
    for column, value in props.items():
        field = standard_field(column)
        if field is None:
            extra[column] = _text(value)
        elif field not in standard or standard[field] == "":
            standard[field] = _text(value)
    declared, problem = declared_hectares(standard.get(AREA, ""), declared_unit)
    labels = standard.get(POINT_NAMES[0], "")
    named = point_names.decode(labels, rings_from_geometry(geom)) if labels else None
    attributes = {k: v for k, v in standard.items()
                  if k in STANDARD[4:] and v != ""}
    attributes.update(extra)
    parcel = parcel_from_polygon(standard.get(NUMBER) or str(index), standard.get(NAME, ""),
                                 geom, attributes, declared, named)
    if problem:
        parcel.notes.append(ReadNote("DECLARED_AREA_NOT_A_NUMBER", "warning",
                                     f"feature {index}: {problem}"))
    return parcel


def _value(column, i: int):
    """A plain Python value from an Arrow-stream column (masked: None; bytes: UTF-8 text)."""
    if np.ma.isMaskedArray(column) and column.mask is not np.ma.nomask and column.mask[i]:
        return None
    v = column[i]
    if isinstance(v, bytes | np.bytes_):
        return bytes(v).decode("utf-8", errors="replace")
    if isinstance(v, np.generic):
        return v.item()
    return v


def read_gis_parcels(path: str | Path, layer: str | None = None, encoding: str | None = None,
                     declared_unit: str = "ha") -> tuple[list[Parcel], CRS | None, list[str]]:
    """(parcels, CRS, notes): every polygon feature of the layer. A plain GeoPackage is read
    from its tables (``core.gpkg``), anything else through GDAL's Arrow stream (the attributes
    in columns, the geometries decoded in one call); both give the same parcels."""
    if encoding is None:
        plain = _read_plain_gpkg(Path(path), layer, declared_unit)
        if plain is not None:
            return plain
    return _read_with_gdal(path, layer, encoding, declared_unit)


def _feature_parcel(path: Path, fid, geom, props: dict, index: int,
                    declared_unit: str) -> Parcel:
    if geom is None or geom.is_empty:
        raise RedlineFormatError(path, None, f"feature {fid} has no geometry: every "
                                 "red-line feature needs its polygon")
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise RedlineFormatError(
            path, None, f"feature {fid} is a {geom.geom_type}; red lines are polygons "
            "(for points, use redline transform)")
    return _parcel(index, props, geom, declared_unit)


def _read_plain_gpkg(path: Path, layer: str | None, declared_unit: str
                     ) -> tuple[list[Parcel], CRS | None, list[str]] | None:
    """The parcels of a plain GeoPackage table; None when GDAL should read the file."""
    from ..geodesy.transforms import parse_crs
    from ..gpkg import blob_to_wkb, open_table, quote

    table = open_table(path, layer)
    if table is None:
        return None
    try:
        if not table.plain():
            return None
        names = [n for n, _t in table.columns]
        rows = table.con.execute(
            f"SELECT {quote(table.fid)}, {quote(table.geometry)}"
            f"{''.join(', ' + quote(n) for n in names)} FROM {quote(table.table)} "
            f"ORDER BY {quote(table.fid)}").fetchall()
        try:
            wkbs = [None if r[1] is None else blob_to_wkb(r[1]) for r in rows]
        except ValueError:
            return None  # GDAL reads or names what this cannot
        epsg, definition = table.crs_text()
    except Exception:  # noqa: BLE001 - any surprise in the file: GDAL's reading decides
        return None
    finally:
        table.con.close()
    crs = parse_crs(epsg) if epsg else CRS.from_wkt(definition) if definition else None
    geoms = shapely.from_wkb(np.array(wkbs, dtype=object), on_invalid="ignore")
    parcels = []
    for row, geom in zip(rows, geoms, strict=True):
        props = {n: bytes(v).decode("utf-8", errors="replace") if isinstance(v, bytes) else v
                 for n, v in zip(names, row[2:], strict=True)}
        parcels.append(_feature_parcel(path, row[0], geom, props, len(parcels) + 1,
                                       declared_unit))
    if not parcels:
        raise RedlineFormatError(path, None, "the layer holds no features")
    return parcels, crs, []


def _read_with_gdal(path: str | Path, layer: str | None, encoding: str | None,
                    declared_unit: str) -> tuple[list[Parcel], CRS | None, list[str]]:
    from osgeo import gdal

    gdal.UseExceptions()
    path = Path(path)
    found = dbf_encoding(path, encoding)
    notes = [n for n in [found.note(path) if found else None] if n]
    try:
        ds = gdal.OpenEx(str(path), gdal.OF_VECTOR | gdal.OF_READONLY,
                         open_options=[f"ENCODING={found.name}"] if found else [])
        src = ds.GetLayerByName(layer) if layer else ds.GetLayer(0)
    except RuntimeError as exc:
        raise RedlineFormatError(path, None, f"cannot read as a GIS file: {exc}") from exc
    if src is None:
        raise RedlineFormatError(path, None, f"no layer {layer!r}")
    ref = src.GetSpatialRef()
    crs = CRS.from_wkt(ref.ExportToWkt()) if ref is not None else None
    defn = src.GetLayerDefn()
    columns = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    geometry_column = src.GetGeometryColumn() or "wkb_geometry"
    fid_column = src.GetFIDColumn() or "OGC_FID"
    parcels = []
    for batch in src.GetArrowStreamAsNumPy():
        geoms = shapely.from_wkb(batch[geometry_column], on_invalid="ignore")
        for i, geom in enumerate(geoms):
            fid = _value(batch[fid_column], i) if fid_column in batch else len(parcels) + 1
            props = {c: _value(batch[c], i) for c in columns if c in batch}
            parcels.append(_feature_parcel(path, fid, geom, props, len(parcels) + 1,
                                           declared_unit))
    ds = None
    if not parcels:
        raise RedlineFormatError(path, None, "the layer holds no features")
    return parcels, crs, notes


def read_gis_coordinates(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    from .io import read_parcels

    parcels = read_parcels(path).parcels
    xy = np.concatenate([np.asarray(r) for p in parcels for r in p.raw_rings() if r])
    return xy[:, 0], xy[:, 1]


def _dbf_name(key: str, taken: set[str]) -> str:
    """An extra column's name cut to the DBF's 10 bytes, at a character boundary, unique."""
    name = ""
    for ch in key:
        if len((name + ch).encode("utf-8")) > 10:
            break
        name += ch
    base, i = name or "F", 1
    while name in taken or not name:
        suffix = str(i)
        name = base.encode("utf-8")[: 10 - len(suffix)].decode("utf-8", "ignore") + suffix
        i += 1
    taken.add(name)
    return name


def _check_encodable(parcels: list[Parcel], names: dict[str, str], encoding: str,
                     path: Path) -> None:
    for p in parcels:
        for key, value in [(NUMBER, p.number), (NAME, p.name), *p.attributes.items()]:
            for ch in str(value or ""):
                try:
                    ch.encode(encoding)
                except UnicodeEncodeError:
                    raise RedlineError(
                        f"{path}: parcel {p.number}, field {names.get(key, key)}: {value!r} holds "
                        f"{ch!r} (U+{ord(ch):04X}), which {encoding} cannot hold: change it or "
                        "write a GeoPackage") from None


def write_gis_parcels(parcels: list[Parcel], path: str | Path, crs: CRS | None,
                      layer: str = "redline", encoding: str | None = None) -> list[str]:
    """Write the parcels; returns notes (e.g. point names a Shapefile had no room for)."""
    import fiona
    from shapely.geometry import mapping

    path = Path(path)
    driver = DRIVERS.get(path.suffix.lower())
    if driver is None:
        raise RedlineError(f"{path}: write .gpkg, .shp, .geojson or .dxf")
    shapefile = driver == "ESRI Shapefile"
    standard = [f for f in STANDARD[1:]] + [POINT_NAMES[0]]
    extra: list[str] = []
    for p in parcels:
        extra += [k for k in p.attributes if standard_field(k) is None and k not in extra]
    names = {f: written_name(f, shapefile) for f in standard}
    taken = set(names.values())
    names.update({k: _dbf_name(k, taken) if shapefile else k for k in extra})
    width = "str:254"
    schema = {"geometry": "MultiPolygon",
              "properties": {names[f]: "float" if f == AREA else width for f in standard}
              | {names[k]: width for k in extra}}
    encoding = (encoding or "UTF-8") if shapefile else None
    notes: list[str] = []
    if shapefile:
        _check_encodable(parcels, names, encoding, path)
    with atomic_path(path) as tmp, fiona.open(
            tmp, "w", driver=driver, schema=schema, layer=layer if driver == "GPKG" else None,
            crs_wkt=crs.to_wkt() if crs else None,
            **({"encoding": encoding} if encoding else {})) as dst:
        for p in parcels:
            geom = p.geometry
            if geom is None or geom.is_empty:
                raise RedlineError(f"parcel {p.number} has no polygon to write")
            if geom.geom_type == "Polygon":
                geom = shapely.MultiPolygon([geom])
            labels = point_names.encode(p.named_rings())
            if shapefile and len(labels.encode(encoding)) > 254:
                notes.append(f"{path.name}: the point names of parcel {p.number} do not fit a "
                             "DBF field; they will read back as J1, J2 … (write a GeoPackage to "
                             "keep them)")
                labels = ""
            values = {AREA: p.declared_area_ha, NUMBER: p.number, NAME: p.name,
                      POINT_NAMES[0]: labels}
            props = {names[f]: values.get(f, p.attributes.get(f) or None) for f in standard}
            props.update({names[k]: p.attributes.get(k) for k in extra})
            dst.write({"geometry": mapping(geom), "properties": props})
    return notes
