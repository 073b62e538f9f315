"""Which systems and zones a set of coordinates fits, and the usual mistakes in legacy data:
swapped northing/easting, a missing zone prefix, an extra one.

Coordinates alone cannot tell CGCS2000 from Xian 1980 or Beijing 1954 (the datums differ by
tens of metres, well inside any zone): the guess lists all three and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .crs_catalog import SYSTEMS, central_meridian, gauss_kruger
from .transforms import epsg_of, parse_crs

CHINA_LON = (73.0, 136.0)
CHINA_LAT = (3.0, 54.0)


@dataclass
class CrsGuess:
    candidates: list[dict] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"candidates": self.candidates, "findings": self.findings}


def _in_china(lon: np.ndarray, lat: np.ndarray) -> bool:
    return bool(np.all((lon >= CHINA_LON[0]) & (lon <= CHINA_LON[1])
                       & (lat >= CHINA_LAT[0]) & (lat <= CHINA_LAT[1])))


def _plane_candidates(east: np.ndarray, north: np.ndarray) -> list[dict]:
    """Members whose zone can hold these (easting, northing)."""
    out = []
    if np.all(east >= 1_000_000):
        zones = np.unique((east // 1_000_000).astype(int))
        if len(zones) != 1:
            return []
        zone = int(zones[0])
        widths = [w for w, lo, hi in ((3, 25, 45), (6, 13, 23)) if lo <= zone <= hi]
        for width in widths:
            for system in SYSTEMS:
                m = gauss_kruger(system, width, zone, prefixed=True)
                lon, lat = _inverse(m.authid, east, north)
                if _in_china(lon, lat) and np.all(np.abs(lon - m.central_meridian) <= width / 2 + 1):
                    out.append({"epsg": m.epsg, "name": m.describe(),
                                "lon_range": [round(float(lon.min()), 4), round(float(lon.max()), 4)],
                                "lat_range": [round(float(lat.min()), 4), round(float(lat.max()), 4)]})
    elif np.all((east > 0) & (east < 1_000_000)):
        for width, zones in ((3, range(25, 46)), (6, range(13, 24))):
            for zone in zones:
                cm = central_meridian(zone, width)
                m = gauss_kruger("cgcs2000", width, zone, prefixed=False)
                lon, lat = _inverse(m.authid, east, north)
                if _in_china(lon, lat):
                    codes = [gauss_kruger(s, width, zone, prefixed=False).epsg for s in SYSTEMS]
                    out.append({"epsg": codes[0], "name": f"{width}-degree zone CM {cm}E "
                                f"without prefix (any of EPSG:{', EPSG:'.join(map(str, codes))})",
                                "lat_range": [round(float(lat.min()), 4), round(float(lat.max()), 4)]})
    return out


def _inverse(authid: str, east: np.ndarray, north: np.ndarray):
    from pyproj import Transformer

    tr = Transformer.from_crs(parse_crs(authid), parse_crs("EPSG:4490"), always_xy=True)
    return tr.transform(east, north)


def guess_crs(first: np.ndarray, second: np.ndarray, declared: str | None = None) -> CrsGuess:
    """``first``/``second`` are the file's columns as written (Chinese files: X northing first)."""
    a = np.asarray(first, dtype=float)
    b = np.asarray(second, dtype=float)
    g = CrsGuess()
    if a.size == 0:
        g.findings.append("no coordinates")
        return g
    # geographic degrees
    for lon, lat, order in ((a, b, "lon,lat"), (b, a, "lat,lon")):
        if _in_china(lon, lat):
            g.candidates.append({"epsg": 4490, "name": f"geographic degrees ({order}): CGCS2000 "
                                 "EPSG:4490, Xian 1980 EPSG:4610 or Beijing 1954 EPSG:4214"})
    if g.candidates:
        return g
    as_written = _plane_candidates(b, a)  # X northing, Y easting: the Chinese order
    swapped = _plane_candidates(a, b)
    g.candidates.extend(as_written)
    if swapped and not as_written:
        g.candidates.extend(swapped)
        g.findings.append("northing and easting are swapped: the first column holds eastings "
                          "(Chinese practice puts X = northing first)")
    if len(np.unique((np.maximum(b, 0) // 1_000_000).astype(int))) > 1 and np.all(b >= 1e6):
        g.findings.append("mixed zone prefixes in one file: split the file by zone")
    if not g.candidates:
        g.findings.append("the coordinates fit no Chinese Gauss-Kruger zone or geographic system")
    if declared:
        _compare_declared(g, declared, b if as_written else a)
    if g.candidates and any("without prefix" in c["name"] for c in g.candidates):
        g.findings.append("eastings carry no zone prefix: the zone cannot be read from the "
                          "coordinates; take the central meridian from the data's metadata")
    if g.candidates:
        g.findings.append("CGCS2000, Xian 1980 and Beijing 1954 differ by tens of metres only; "
                          "coordinates cannot tell them apart: check the data's metadata")
    return g


def _compare_declared(g: CrsGuess, declared: str, east: np.ndarray) -> None:
    from .crs_catalog import lookup_epsg

    crs = parse_crs(declared)
    member = lookup_epsg(epsg_of(crs) or 0)
    if member is None:
        return
    prefixed_data = bool(np.all(east >= 1_000_000))
    if member.prefixed and not prefixed_data:
        g.findings.append(f"declared {declared} expects zone-prefixed eastings "
                          f"({member.zone}xxxxxx) but the eastings carry no prefix: "
                          "add the prefix or declare the CM-named CRS")
    elif not member.prefixed and prefixed_data:
        g.findings.append(f"declared {declared} expects eastings without zone prefix but the "
                          "eastings carry one: remove it or declare the prefixed CRS")
    elif member.prefixed and np.any(east // 1_000_000 != member.zone):
        g.findings.append(f"declared {declared} is zone {member.zone} but the eastings carry "
                          f"zone {int(east[0] // 1_000_000)}")
