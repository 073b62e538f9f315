"""Red-line parcels from and to GIS and CAD files: GeoPackage, Shapefile, GeoJSON (fiona) and
DXF (ezdxf: closed polylines, one parcel per layer, X = easting as in CAD)."""

from __future__ import annotations

from pathlib import Path

import ezdxf
import fiona
import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry import mapping, shape

from ..atomic import atomic_path
from ..errors import RedlineError, RedlineFormatError
from ..textfiles import shapefile_encoding
from .model import (
    BoundaryPoint,
    Parcel,
    Ring,
    build_geometry,
    numbered_rings,
    rings_from_geometry,
)

DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON"}
NUMBER_FIELDS = ("地块编号", "DKBH", "number", "NUMBER", "BH", "id", "ID")
NAME_FIELDS = ("地块名称", "DKMC", "name", "NAME", "MC")
AREA_FIELDS = ("地块面积", "DKMJ")


def _first(props: dict, keys) -> str:
    for k in keys:
        if props.get(k) not in (None, ""):
            return str(props[k])
    return ""


def parcel_from_rings(number: str, name: str, rings: list[list[tuple[float, float]]],
                      attributes: dict | None = None,
                      declared_area_ha: float | None = None) -> Parcel:
    """A parcel from rings given easting first; points J1…, holes and parts from geometry."""
    out = [Ring(ring_no, [BoundaryPoint(j, e, north) for j, e, north in named])
           for ring_no, named in enumerate(numbered_rings(rings), start=1)]
    p = Parcel(number, name, out, dict(attributes or {}), declared_area_ha)
    build_geometry(p)
    return p


def parcel_from_geometry(number: str, name: str, geom, attributes: dict | None = None,
                         declared_area_ha: float | None = None) -> Parcel:
    """A parcel whose rings come from a polygon (shell then holes, part by part)."""
    return parcel_from_rings(number, name, rings_from_geometry(geom), attributes,
                             declared_area_ha)


def read_gis_parcels(path: str | Path, layer: str | None = None) -> tuple[list[Parcel], CRS | None]:
    path = Path(path)
    if path.suffix.lower() == ".dxf":
        return read_dxf_parcels(path), None
    try:
        with fiona.open(path, layer=layer, encoding=shapefile_encoding(path)) as src:
            crs = CRS.from_wkt(src.crs_wkt) if src.crs_wkt else None
            parcels = []
            for i, f in enumerate(src, start=1):
                if f.geometry is None:
                    raise RedlineFormatError(path, None, f"feature {f.id} has no geometry")
                geom = shape(f.geometry)
                if geom.geom_type not in ("Polygon", "MultiPolygon"):
                    raise RedlineFormatError(path, None, f"feature {f.id} is a {geom.geom_type}; "
                                             "red lines are polygons")
                props = {k: v for k, v in dict(f.properties).items()}
                area = _first(props, AREA_FIELDS)
                try:
                    declared = float(area) if area else None
                except ValueError:
                    declared = None
                number = _first(props, NUMBER_FIELDS) or str(i)
                parcels.append(parcel_from_geometry(
                    number, _first(props, NAME_FIELDS), geom,
                    {k: "" if v is None else str(v) for k, v in props.items()}, declared))
    except fiona.errors.FionaError as exc:
        raise RedlineFormatError(path, None, f"cannot read as a GIS file: {exc}") from exc
    if not parcels:
        raise RedlineFormatError(path, None, "the layer holds no features")
    return parcels, crs


def read_dxf_parcels(path: Path) -> list[Parcel]:
    try:
        doc = ezdxf.readfile(path)
    except (OSError, ezdxf.DXFStructureError) as exc:
        raise RedlineFormatError(path, None, f"cannot read the DXF: {exc}") from exc
    by_layer: dict[str, list[list[tuple[float, float]]]] = {}
    for e in doc.modelspace().query("LWPOLYLINE POLYLINE"):
        if e.dxftype() == "LWPOLYLINE":
            pts = [(float(x), float(y)) for x, y in e.get_points("xy")]
            closed = e.closed
        else:
            pts = [(float(v.dxf.location.x), float(v.dxf.location.y)) for v in e.vertices]
            closed = e.is_closed
        if len(pts) > 1 and pts[0] == pts[-1]:
            pts, closed = pts[:-1], True
        if closed and len(pts) >= 3:
            by_layer.setdefault(e.dxf.layer, []).append(pts)
    if not by_layer:
        raise RedlineFormatError(path, None, "no closed polyline in the DXF: draw the red line "
                                 "as closed LWPOLYLINEs")
    return [parcel_from_rings(layer, layer, rings, {"layer": layer})
            for layer, rings in by_layer.items()]


def read_gis_coordinates(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    parcels, _crs = read_gis_parcels(path)
    xy = np.concatenate([np.asarray(r) for p in parcels for r in p.raw_rings() if r])
    return xy[:, 0], xy[:, 1]


# DBF field names hold 10 bytes: the coordinate file's keys get the usual pinyin abbreviations
SHAPEFILE_NAMES = {"界址点数": "JZDS", "地块面积": "DKMJ", "地块编号": "DKBH", "地块名称": "DKMC",
                   "记录图形属性": "TXSX", "图幅号": "TFH", "地块用途": "DKYT", "地类编码": "DLBM"}


def _dbf_name(key: str, taken: set[str]) -> str:
    name = SHAPEFILE_NAMES.get(key)
    if name is None:
        name = ""
        for ch in key:  # cut at a character boundary, never inside a UTF-8 sequence
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


def write_gis_parcels(parcels: list[Parcel], path: str | Path, crs: CRS | None,
                      layer: str = "redline") -> None:
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".dxf":
        write_dxf_parcels(parcels, path)
        return
    driver = DRIVERS.get(suffix)
    if driver is None:
        raise RedlineError(f"{path}: write .gpkg, .shp, .geojson or .dxf")
    keys: list[str] = []
    for p in parcels:
        keys += [k for k in p.attributes if k not in keys]
    base = ["number", "name", "declared_ha"]
    extra = [k for k in keys if k not in base]
    if driver == "ESRI Shapefile":
        taken = set(base)
        names = {k: _dbf_name(k, taken) for k in extra}
    else:
        names = {k: k for k in extra}
    schema = {"geometry": "MultiPolygon",
              "properties": {"number": "str:80", "name": "str:254", "declared_ha": "float",
                             **{names[k]: "str:254" for k in extra}}}
    kwargs = {"encoding": "UTF-8"} if driver == "ESRI Shapefile" else {}
    with atomic_path(path) as tmp, fiona.open(
            tmp, "w", driver=driver, schema=schema, layer=layer if driver == "GPKG" else None,
            crs_wkt=crs.to_wkt() if crs else None, **kwargs) as dst:
        for p in parcels:
            geom = p.geometry
            if geom is None or geom.is_empty:
                raise RedlineError(f"parcel {p.number} has no polygon to write")
            if geom.geom_type == "Polygon":
                geom = shapely.MultiPolygon([geom])
            props = {"number": p.number, "name": p.name, "declared_ha": p.declared_area_ha}
            props.update({names[k]: p.attributes.get(k) for k in extra})
            dst.write({"geometry": mapping(geom), "properties": props})


def write_dxf_parcels(parcels: list[Parcel], path: Path) -> None:
    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    for p in parcels:
        layer = (p.number or "redline").replace("/", "_")
        if layer not in doc.layers:
            doc.layers.add(layer, color=1)
        for named in numbered_rings(rings_from_geometry(p.geometry)):
            msp.add_lwpolyline([(x, y) for _j, x, y in named], close=True,
                               dxfattribs={"layer": layer})
            for j, x, y in named:
                msp.add_text(j, height=1.0, dxfattribs={"layer": layer}).set_placement((x, y))
    with atomic_path(path) as tmp:
        doc.saveas(tmp)
