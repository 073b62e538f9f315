from __future__ import annotations

import pytest
from pyproj import CRS
from redline_approval.core.errors import CrsError
from redline_approval.core.geodesy.crs_catalog import (
    all_members,
    gauss_kruger,
    lookup_epsg,
    system_from_chinese_name,
    zone_from_longitude,
    zone_from_prefixed_easting,
)

GEOGRAPHIC = {"cgcs2000": 4490, "xian1980": 4610, "beijing1954": 4214}


def test_every_family_member_matches_epsg():
    members = all_members()
    assert len(members) == 3 * (11 + 11 + 21 + 21)
    for m in members:
        crs = CRS.from_epsg(m.epsg)
        params = crs.to_dict()
        assert params["lon_0"] == pytest.approx(m.central_meridian), m
        assert params["x_0"] == pytest.approx(m.false_easting), m
        assert params["k"] == 1
        assert crs.geodetic_crs.to_epsg() == GEOGRAPHIC[m.system], m
        assert lookup_epsg(m.epsg) == m


@pytest.mark.parametrize("system,width,zone,prefixed,epsg", [
    ("cgcs2000", 3, 38, True, 4526), ("cgcs2000", 3, 38, False, 4547),
    ("cgcs2000", 6, 19, True, 4497), ("cgcs2000", 6, 20, False, 4509),
    ("xian1980", 3, 38, True, 2362), ("xian1980", 3, 40, False, 2385),
    ("beijing1954", 3, 39, True, 2415), ("beijing1954", 6, 21, True, 21421),
])
def test_known_codes(system, width, zone, prefixed, epsg):
    assert gauss_kruger(system, width, zone, prefixed).epsg == epsg


def test_zone_rules():
    assert zone_from_longitude(114.0) == 38
    assert zone_from_longitude(115.49) == 38
    assert zone_from_longitude(115.51) == 39
    assert zone_from_longitude(117.0, 6) == 20
    assert zone_from_prefixed_easting(38_461_200.0) == 38
    with pytest.raises(CrsError):
        zone_from_prefixed_easting(461_200.0)
    with pytest.raises(CrsError, match="no EPSG"):
        gauss_kruger("cgcs2000", 3, 50)
    with pytest.raises(CrsError, match="unknown geodetic system"):
        gauss_kruger("wgs84", 3, 38)


def test_chinese_system_names():
    assert system_from_chinese_name("2000国家大地坐标系") == "cgcs2000"
    assert system_from_chinese_name("1980西安坐标系") == "xian1980"
    assert system_from_chinese_name("西安80") == "xian1980"
    assert system_from_chinese_name("1954北京坐标系") == "beijing1954"
    with pytest.raises(CrsError):
        system_from_chinese_name("地方坐标系")
