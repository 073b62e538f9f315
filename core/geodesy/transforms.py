"""Coordinate transformations through PROJ, vectorised over numpy arrays.

Every array here is in *easting-first* order (easting/longitude, northing/latitude), the order of
pyproj with ``always_xy=True``, of QGIS and of shapely. Files in Chinese practice list northing
first; the readers and writers swap at the boundary, nowhere else.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError as PyprojCRSError

from ..errors import CrsError
from .crs_catalog import SYSTEMS, gauss_kruger, lookup_epsg, zone_from_longitude
from .params import FourParam, ParameterSet

CGCS2000 = "EPSG:4490"


@lru_cache(maxsize=256)
def parse_crs(text: str) -> CRS:
    """A CRS from "EPSG:4526", "4526", WKT or a PROJ string; a clear error when unknown."""
    value = str(text).strip()
    if value.isdigit():
        value = f"EPSG:{value}"
    try:
        return CRS.from_user_input(value)
    except PyprojCRSError as exc:
        raise CrsError(f"unknown CRS {text!r}: give an EPSG code such as EPSG:4526") from exc


_EPSG: dict[str, int | None] = {}


def epsg_of(crs: CRS) -> int | None:
    """``crs.to_epsg()``, remembered by the CRS's definition text: PROJ's identification takes
    50 µs, and the server checks the CRS of every parcel it stores three times."""
    key = crs.srs or crs.to_wkt()
    if key not in _EPSG:
        _EPSG[key] = crs.to_epsg()
    return _EPSG[key]


def datum_key(crs: CRS) -> str:
    """A short key of the CRS's geodetic datum, used to tell when a datum shift is needed."""
    geodetic = crs.geodetic_crs
    if geodetic is None:
        raise CrsError(f"{crs.name} has no geodetic datum")
    epsg = geodetic.to_epsg(min_confidence=70)
    for key, (code, _name, _zh) in SYSTEMS.items():
        if epsg == code:
            return key
    return geodetic.datum.name


def _proj_string(crs: CRS) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        text = crs.to_proj4()
    parts = [p for p in text.split() if p not in ("+no_defs", "+type=crs") and "towgs84" not in p]
    return " ".join(parts)


def _to_geodetic_steps(crs: CRS) -> list[str]:
    """Steps from this CRS (easting-first) to geodetic longitude/latitude in radians."""
    if crs.is_geographic:
        return ["+proj=unitconvert +xy_in=deg +xy_out=rad"]
    if crs.is_projected:
        return [f"+inv {_proj_string(crs)}"]
    raise CrsError(f"{crs.name}: only geographic and projected CRSs are supported")


def _from_geodetic_steps(crs: CRS) -> list[str]:
    if crs.is_geographic:
        return ["+proj=unitconvert +xy_in=rad +xy_out=deg"]
    return [_proj_string(crs)]


def _ellipsoid(crs: CRS) -> str:
    e = crs.ellipsoid
    return f"+a={e.semi_major_metre!r} +rf={e.inverse_flattening!r}"


def _same_datum_steps(source: CRS, target: CRS) -> list[str]:
    if source.equals(target, ignore_axis_order=True):
        return []
    return _to_geodetic_steps(source) + _from_geodetic_steps(target)


def pipeline_string(source: CRS, target: CRS, params: ParameterSet) -> str:
    """The PROJ pipeline source → params.source → model → params.target → target."""
    p_source, p_target = parse_crs(params.source), parse_crs(params.target)
    if datum_key(source) != datum_key(p_source):
        raise CrsError(
            f"the data are in {source.name} but the parameters start from {p_source.name}: "
            f"use parameters fitted for {source.name}'s datum"
        )
    if datum_key(target) != datum_key(p_target):
        raise CrsError(
            f"the target {target.name} is not on the datum the parameters lead to "
            f"({p_target.name})"
        )
    model = params.model
    if isinstance(model, FourParam):
        if not (p_source.is_projected and p_target.is_projected):
            raise CrsError("four-parameter sets work between plane (projected) CRSs")
        steps = (
            _same_datum_steps(source, p_source)
            + [model.proj_step()]
            + _same_datum_steps(p_target, target)
        )
    else:
        steps = (
            _to_geodetic_steps(source)
            + [f"+proj=cart {_ellipsoid(p_source)}", model.proj_step()]
            + [f"+inv +proj=cart {_ellipsoid(p_target)}"]
            + _from_geodetic_steps(target)
        )
    if not steps:
        return "+proj=noop"
    return "+proj=pipeline " + " ".join(f"+step {s}" for s in steps)


@dataclass(frozen=True)
class CoordinateTransform:
    """A ready transformation; ``transform`` takes and returns easting-first numpy arrays."""

    source: CRS
    target: CRS
    transformer: Transformer
    description: str

    def transform(
        self, x: np.ndarray, y: np.ndarray, z: np.ndarray | None = None
    ) -> tuple[np.ndarray, ...]:
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        if z is None:
            out = self.transformer.transform(x, y, errcheck=True)
        else:
            out = self.transformer.transform(x, y, np.asarray(z, dtype=float), errcheck=True)
        return tuple(np.asarray(a) for a in out)


def make_transform(
    source: str | CRS, target: str | CRS, params: ParameterSet | None = None
) -> CoordinateTransform:
    """PROJ for same-datum paths; the fitted parameters for datum changes; never a ballpark."""
    src = source if isinstance(source, CRS) else parse_crs(source)
    dst = target if isinstance(target, CRS) else parse_crs(target)
    if params is not None:
        text = pipeline_string(src, dst, params)
        return CoordinateTransform(src, dst, Transformer.from_pipeline(text), text)
    if datum_key(src) != datum_key(dst):
        raise CrsError(
            f"no official transformation from {src.name} to {dst.name}: EPSG has only a "
            f"'ballpark' null shift. Fit local parameters from common points "
            f"(redline fit) and pass them with --params"
        )
    tr = Transformer.from_crs(src, dst, always_xy=True)
    return CoordinateTransform(src, dst, tr, tr.description)


def auto_3deg_target(lon_deg: np.ndarray) -> CRS:
    """The CGCS2000 3° zone (prefixed) of the data's mean longitude."""
    lon = np.asarray(lon_deg, dtype=float)
    if lon.size == 0:
        raise CrsError("no coordinates to pick a zone from")
    zone = zone_from_longitude(float((lon.min() + lon.max()) / 2.0), 3)
    return parse_crs(gauss_kruger("cgcs2000", 3, zone, prefixed=True).authid)


def check_zone(crs: CRS, easting: np.ndarray, northing: np.ndarray) -> tuple[int, str] | None:
    """First (index, problem) for plane coordinates that cannot be in this Gauss-Krüger zone."""
    member = lookup_epsg(epsg_of(crs) or 0)
    if member is None:
        return None
    e = np.asarray(easting, dtype=float)
    n = np.asarray(northing, dtype=float)
    bad_n = np.flatnonzero(~((n > 0) & (n < 6_500_000)))
    if bad_n.size:
        i = int(bad_n[0])
        return i, (
            f"northing {n[i]:.3f} is not in China (expected 300 000 … 6 000 000 m): "
            "are X and Y swapped?"
        )
    local = e - (member.zone * 1_000_000 if member.prefixed else 0)
    half_width = member.width / 2.0 + 1.0  # one degree of overlap, as zones are used in practice
    limit = 500_000 + half_width * 111_320.0
    bad = np.flatnonzero((local < 1_000_000 - limit) | (local > limit))
    if bad.size:
        i = int(bad[0])
        if member.prefixed:
            hint = f"expected an easting starting with {member.zone} (zone prefix)"
        else:
            hint = "expected an easting without zone prefix (100 000 … 900 000 m)"
        return i, f"easting {e[i]:.3f} is outside {member.describe()}: {hint}"
    return None


def resolve_target(target: str, source: CRS, params: ParameterSet | None,
                   easting: np.ndarray, northing: np.ndarray) -> CRS:
    """``auto-3deg`` picks the CGCS2000 3° zone (prefixed) of the data; else parse the CRS."""
    if target.strip().lower() != "auto-3deg":
        return parse_crs(target)
    to_geo = make_transform(source, CGCS2000, params)
    lon, _lat = to_geo.transform(easting, northing)
    return auto_3deg_target(lon)


def choose_crs(file_crs: CRS | None, source: str | None, target: str | None,
               params: ParameterSet | None, where: str) -> tuple[CRS, str]:
    """(source CRS, target) of a conversion. Source: ``source`` given, else the file's own CRS,
    else the parameter file's. Target: ``target`` given, else the parameter file's, else
    ``auto-3deg``. A CRS on another datum than the parameters' is an error, not a guess."""
    if source:
        src, origin = parse_crs(source), "the source CRS given"
    elif file_crs is not None:
        src, origin = file_crs, "its own CRS"
    elif params is not None:
        src, origin = parse_crs(params.source), "the parameter file's source"
    else:
        raise CrsError(f"{where} carries no CRS: pass --source, or a parameter file that names "
                       "its source")
    tgt = target or (params.target if params is not None else "auto-3deg")
    if params is not None:
        p_src, p_dst = parse_crs(params.source), parse_crs(params.target)
        if datum_key(src) != datum_key(p_src):
            raise CrsError(
                f"{where}: {origin} is {src.name}, but the parameters convert from "
                f"{p_src.name} ({datum_key(p_src)} datum): use parameters fitted for "
                f"{datum_key(src)}, or give the right --source")
        if tgt.strip().lower() != "auto-3deg" and datum_key(parse_crs(tgt)) != datum_key(p_dst):
            raise CrsError(
                f"{where}: the target {parse_crs(tgt).name} is not on the datum the parameters "
                f"lead to ({p_dst.name}): leave --target out to use the parameter file's")
    return src, tgt
