"""The Gauss-Krüger families of CGCS2000, Xian 1980 and Beijing 1954, with their EPSG codes.

Facts from EPSG (checked against PROJ in tests/test_crs_catalog.py):
3° zone n has central meridian 3n, 6° zone n has 6n − 3; false easting 500 000 m, or
zone·1 000 000 + 500 000 when the zone number is prefixed to the easting.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import CrsError

# system key -> (geographic EPSG, display name, Chinese name used in coordinate files)
SYSTEMS: dict[str, tuple[int, str, str]] = {
    "cgcs2000": (4490, "CGCS2000", "2000国家大地坐标系"),
    "xian1980": (4610, "Xian 1980", "1980西安坐标系"),
    "beijing1954": (4214, "Beijing 1954", "1954北京坐标系"),
}

# (system, width, prefixed) -> (first EPSG code, first zone or central meridian, count)
_FAMILIES: dict[tuple[str, int, bool], tuple[int, int, int]] = {
    ("cgcs2000", 6, True): (4491, 13, 11),
    ("cgcs2000", 6, False): (4502, 75, 11),
    ("cgcs2000", 3, True): (4513, 25, 21),
    ("cgcs2000", 3, False): (4534, 75, 21),
    ("xian1980", 6, True): (2327, 13, 11),
    ("xian1980", 6, False): (2338, 75, 11),
    ("xian1980", 3, True): (2349, 25, 21),
    ("xian1980", 3, False): (2370, 75, 21),
    ("beijing1954", 6, True): (21413, 13, 11),
    ("beijing1954", 6, False): (21453, 75, 11),
    ("beijing1954", 3, True): (2401, 25, 21),
    ("beijing1954", 3, False): (2422, 75, 21),
}


@dataclass(frozen=True)
class GaussKrugerCrs:
    """One member of a Gauss-Krüger family; ``epsg`` is its EPSG code."""

    system: str
    width: int  # 3 or 6 degrees
    zone: int
    prefixed: bool
    epsg: int

    @property
    def central_meridian(self) -> int:
        return central_meridian(self.zone, self.width)

    @property
    def false_easting(self) -> float:
        return self.zone * 1_000_000 + 500_000.0 if self.prefixed else 500_000.0

    @property
    def authid(self) -> str:
        return f"EPSG:{self.epsg}"

    def describe(self) -> str:
        name = SYSTEMS[self.system][1]
        kind = "zone-prefixed easting" if self.prefixed else "no zone prefix"
        return (
            f"{name} / {self.width}-degree Gauss-Kruger zone {self.zone} "
            f"(CM {self.central_meridian}E, {kind}) = {self.authid}"
        )


def central_meridian(zone: int, width: int) -> int:
    if width == 3:
        return 3 * zone
    if width == 6:
        return 6 * zone - 3
    raise CrsError(f"zone width must be 3 or 6 degrees, not {width}")


def zone_from_longitude(lon_deg: float, width: int = 3) -> int:
    """Zone number whose central meridian is nearest (3°: int((L + 1.5) / 3); 6°: int(L / 6) + 1)."""
    if width == 3:
        return int((lon_deg + 1.5) // 3)
    if width == 6:
        return int(lon_deg // 6) + 1
    raise CrsError(f"zone width must be 3 or 6 degrees, not {width}")


def zone_from_prefixed_easting(easting: float) -> int:
    """The zone number carried in the millions of a prefixed easting (38 461 200 -> 38)."""
    zone = int(easting // 1_000_000)
    if zone < 1:
        raise CrsError(f"easting {easting:.3f} carries no zone prefix")
    return zone


def gauss_kruger(system: str, width: int, zone: int, prefixed: bool = True) -> GaussKrugerCrs:
    """The EPSG member of a family; ``zone`` is the zone number (3° or 6°) whatever ``prefixed``."""
    if system not in SYSTEMS:
        raise CrsError(f"unknown geodetic system {system!r}; use one of {', '.join(SYSTEMS)}")
    if width not in (3, 6):
        raise CrsError(f"zone width must be 3 or 6 degrees, not {width}")
    first, start, count = _FAMILIES[(system, width, prefixed)]
    index = zone - start if prefixed else (central_meridian(zone, width) - start) // width
    if not 0 <= index < count:
        cm = central_meridian(zone, width)
        raise CrsError(
            f"{SYSTEMS[system][1]} has no EPSG {width}-degree zone {zone} (CM {cm}E): "
            f"EPSG covers China from 75E to 135E"
        )
    return GaussKrugerCrs(system, width, zone, prefixed, first + index)


def lookup_epsg(epsg: int) -> GaussKrugerCrs | None:
    """The family member with this EPSG code, or None when the code is not one of ours."""
    for (system, width, prefixed), (first, start, count) in _FAMILIES.items():
        if first <= epsg < first + count:
            index = epsg - first
            if prefixed:
                zone = start + index
            else:
                cm = start + index * width
                zone = cm // 3 if width == 3 else (cm + 3) // 6
            return GaussKrugerCrs(system, width, zone, prefixed, epsg)
    return None


def system_from_chinese_name(name: str) -> str:
    """Map the 坐标系 value of a coordinate file ("2000国家大地坐标系", "西安80", …) to a system key."""
    text = name.strip().upper().replace(" ", "")
    if any(k in text for k in ("2000", "CGCS")):
        return "cgcs2000"
    if any(k in text for k in ("西安", "1980", "XIAN", "80")):
        return "xian1980"
    if any(k in text for k in ("北京", "1954", "BEIJING", "54")):
        return "beijing1954"
    raise CrsError(f"unknown coordinate system name {name!r}")


def all_members() -> list[GaussKrugerCrs]:
    out = []
    for first, _start, count in _FAMILIES.values():
        out += [m for i in range(count) if (m := lookup_epsg(first + i)) is not None]
    return out

