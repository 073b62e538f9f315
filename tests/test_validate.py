"""Every validation finding has a code, a severity, the parcel and the point; nothing is fixed
unless repair is asked for, and repair says what changed."""

from __future__ import annotations

import pytest
import shapely
from pyproj import CRS
from redline_approval.core.redline.coordfile import read_coordinate_bytes
from redline_approval.core.redline.validate import has_errors, repair, validate_parcels

CRS4526 = CRS.from_epsg(4526)
HEAD = "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n带号=38\n[地块坐标]\n"


def _find(body: str):
    doc = read_coordinate_bytes((HEAD + body).encode("utf-8"), "v.txt")
    return doc, validate_parcels(doc.parcels, CRS4526)


def _codes(findings):
    return {f.code for f in findings}


def test_clean_parcel_has_no_findings():
    _, f = _find("5,,A,,面,,,,@\nJ1,1,3343000,38461000\nJ2,1,3343000,38461100\n"
                 "J3,1,3343100,38461100\nJ4,1,3343100,38461000\nJ1,1,3343000,38461000\n")
    assert f == []


def test_self_intersection_bow_tie():
    _, f = _find("4,,A,,面,,,,@\nJ1,1,3343000,38461000\nJ2,1,3343100,38461100\n"
                 "J3,1,3343000,38461100\nJ4,1,3343100,38461000\n")
    hit = [x for x in f if x.code == "SELF_INTERSECTION"]
    assert hit and hit[0].severity == "error" and hit[0].parcel == "A"
    assert hit[0].x == pytest.approx(38461050) and hit[0].y == pytest.approx(3343050)


def test_too_few_points_and_degenerate():
    _, f = _find("2,,A,,面,,,,@\nJ1,1,3343000,38461000\nJ2,1,3343000,38461100\n")
    assert "TOO_FEW_POINTS" in _codes(f)
    _, f = _find("3,,B,,面,,,,@\nJ1,1,3343000,38461000\nJ2,1,3343000,38461100\n"
                 "J3,1,3343000,38461200\n")
    assert "DEGENERATE_RING" in _codes(f)


def test_duplicate_point_spike_and_unclosed():
    _, f = _find("6,,A,,面,,,,@\nJ1,1,3343000,38461000\nJ2,1,3343000,38461100\n"
                 "J3,1,3343000,38461100\nJ4,1,3343100,38461100\nJ5,1,3343050,38461100.5\n"
                 "J6,1,3343200,38461100\nJ7,1,3343100,38461000\n")
    codes = _codes(f)
    assert {"DUPLICATE_POINT", "SPIKE", "RING_NOT_CLOSED"} <= codes
    dup = next(x for x in f if x.code == "DUPLICATE_POINT")
    assert dup.point == "J3" and dup.severity == "warning"


def test_crossing_rings_and_overlapping_parcels():
    _, f = _find("8,,A,,面,,,,@\nJ1,1,3343000,38461000\nJ2,1,3343000,38461100\n"
                 "J3,1,3343100,38461100\nJ4,1,3343100,38461000\n"
                 "J5,2,3343050,38461050\nJ6,2,3343050,38461150\nJ7,2,3343150,38461150\n"
                 "J8,2,3343150,38461050\n"
                 "4,,B,,面,,,,@\nJ1,1,3343090,38461090\nJ2,1,3343090,38461300\n"
                 "J3,1,3343300,38461300\nJ4,1,3343300,38461090\n")
    codes = _codes(f)
    assert "PARTS_OVERLAP" in codes
    assert "PARCELS_OVERLAP" in codes


def test_outside_zone_names_the_point():
    _, f = _find("4,,A,,面,,,,@\nJ1,1,3343000,38461000\nJ2,1,3343000,38461100\n"
                 "J3,1,3343100,38961100\nJ4,1,3343100,38461000\n")
    hit = next(x for x in f if x.code == "OUTSIDE_ZONE")
    assert hit.point == "J3" and hit.severity == "error"


def test_declared_area_mismatch():
    body = ("5,{ha},A,,面,,,,@\nJ1,1,3343000,38461000\nJ2,1,3343000,38461100\n"
            "J3,1,3343100,38461100\nJ4,1,3343100,38461000\n")
    _, f = _find(body.format(ha="1.0000"))
    assert not has_errors(f)
    _, f = _find(body.format(ha="1.2000"))
    hit = next(x for x in f if x.code == "AREA_MISMATCH")
    assert "1.2000 ha" in hit.message and hit.severity == "error"


def test_repair_is_explicit_and_reports_change():
    doc, f = _find("4,,A,,面,,,,@\nJ1,1,3343000,38461000\nJ2,1,3343100,38461100\n"
                   "J3,1,3343000,38461100\nJ4,1,3343100,38461000\n")
    p = doc.parcels[0]
    assert not p.geometry.is_valid  # validation did not touch it
    r = repair(p)
    assert p.geometry.is_valid and r.note != "no change"
    assert r.area_after_m2 == pytest.approx(5000.0)
    assert shapely.get_num_coordinates(p.geometry) == r.vertices_after
