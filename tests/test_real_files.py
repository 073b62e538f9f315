"""Red-line files nobody here wrote (tests/data/real, sources in SOURCES.md): each parses, its
areas equal an independent shoelace computation, and a round trip through every format gives
the same parcels back. Plus the messages a data clerk gets for the usual mistakes."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from redline_approval.cli.main import main as redline
from redline_approval.core.dbf_encoding import dbf_encoding, detect
from redline_approval.core.errors import RedlineFormatError
from redline_approval.core.redline.area import planar_area
from redline_approval.core.redline.io import read_parcels, write_parcels
from redline_approval.core.redline.validate import validate_parcels

REAL = Path(__file__).parent / "data" / "real"
PARCEL_FILES = sorted(p for p in REAL.rglob("*") if p.suffix in (".txt", ".shp"))


def test_byte_exact_copies_match_their_recorded_hashes():
    table = (REAL / "SOURCES.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \|.*\| ([0-9a-f]{64}) \|$", table, re.M)
    assert len(rows) == 6
    for name, digest in rows:
        assert hashlib.sha256((REAL / name).read_bytes()).hexdigest() == digest, name


def _shoelace(xy):
    s = 0.0
    for (x1, y1), (x2, y2) in zip(xy, xy[1:] + xy[:1], strict=True):
        s += x1 * y2 - x2 * y1
    return abs(s) / 2.0


def _inside(point, ring):
    """Ray casting, written here independently of shapely."""
    x, y = point
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def _independent_area(parcel):
    """Σ shells − Σ holes; a ring inside an odd number of other rings is a hole. Coordinates
    are shifted to the first vertex so that 4e7 eastings lose no digits."""
    x0, y0 = parcel.rings[0].xy()[0]
    rings = [[(x - x0, y - y0) for x, y in r.xy()] for r in parcel.rings]
    total = 0.0
    for i, r in enumerate(rings):
        depth = sum(_inside(r[0], other) for j, other in enumerate(rings) if j != i)
        total += -_shoelace(r) if depth % 2 else _shoelace(r)
    return total


@pytest.mark.parametrize("path", PARCEL_FILES, ids=lambda p: str(p.relative_to(REAL)))
def test_real_file_parses_measures_and_round_trips(path, tmp_path):
    source = read_parcels(path)
    assert source.parcels and source.crs is not None
    for p in source.parcels:
        assert planar_area(p.geometry) == pytest.approx(_independent_area(p), abs=0.001)
    key = [(p.number, p.name, p.declared_area_ha,
            [(r.number, [pt.name for pt in r.points[:len(r.xy())]], r.xy()) for r in p.rings])
           for p in source.parcels]
    for suffix in (".gpkg", ".shp", ".geojson", ".dxf", ".txt"):
        out = tmp_path / f"rt{suffix}"
        write_parcels(source, out)
        back = read_parcels(out, crs=source.crs.to_string() if suffix == ".dxf" else None)
        got = [(p.number, p.name, p.declared_area_ha,
                [(r.number, [pt.name for pt in r.points[:len(r.xy())]], r.xy()) for r in p.rings])
               for p in back.parcels]
        assert got == key, suffix


def test_windows_shapefile_without_cpg_is_read_as_gbk_and_says_so(tmp_path, capsys):
    shp = REAL / "windr07" / "SampleData.shp"
    found = dbf_encoding(shp)
    assert (found.name, found.how, found.ldid) == ("GBK", "detected", 0x57)
    source = read_parcels(shp)
    assert source.parcels[0].attributes["记录图形属性"] == "面"  # not Ãæ
    assert "read as GBK" in source.notes[0] and "--encoding" in source.notes[0]
    assert redline(["gis2txt", str(shp), str(tmp_path / "out.txt")]) == 0
    text = (tmp_path / "out.txt").read_bytes().decode("gbk")
    assert "5,109.4300,1,,面,,,,@" in text  # eight fields: XMID is not appended
    err = capsys.readouterr().err
    assert "read as GBK" in err and "XMID" in err
    # told otherwise, the reader obeys
    assert read_parcels(shp, encoding="ISO-8859-1").parcels[0].attributes["记录图形属性"] != "面"


def test_declared_area_in_square_metres_is_named_as_such(capsys):
    path = REAL / "windr07" / "SampleData.txt"
    assert redline(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "AREA_IN_M2" in out and "not hectares" in out and "--declared-unit m2" in out
    assert redline(["validate", str(path), "--declared-unit", "m2"]) == 0
    assert "DECLARED_AREA_IN_M2" in capsys.readouterr().out


def test_header_variants_from_other_tools(tmp_path):
    """分带=3度带 and an empty 带号 with prefixed eastings (longjie-sir/txt2shp)."""
    source = read_parcels(REAL / "longjie-sir" / "testfile.txt")
    assert source.crs.to_epsg() == 4523  # CGCS2000 3-degree zone 35, from the prefix


def test_point_lists_are_named_and_pointed_elsewhere(tmp_path, capsys):
    csv = tmp_path / "points.csv"
    csv.write_text("id,x,y\n1,3505480.372,526656.982\n2,3505364.878,526755.337\n",
                   encoding="utf-8")
    txt = tmp_path / "points.txt"
    txt.write_text("1,3505480.372,526656.982\n2,3505364.878,526755.337\n", encoding="utf-8")
    for path in (csv, txt):
        with pytest.raises(RedlineFormatError, match="list of points.*redline transform"):
            read_parcels(path)
        assert redline(["validate", str(path)]) == 2
        assert "redline transform" in capsys.readouterr().err


def test_declared_area_with_units_and_not_a_number(tmp_path):
    head = ("[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n带号=38\n[地块坐标]\n")
    ring = ("J1,1,3343000.000,38461000.000\nJ2,1,3343000.000,38461100.000\n"
            "J3,1,3343100.000,38461100.000\nJ4,1,3343100.000,38461000.000\n")
    path = tmp_path / "units.txt"
    path.write_text(head + "4,1公顷,A,,面,,,,@\n" + ring + "4,15亩,B,,面,,,,@\n" + ring
                    + "4,10000平方米,C,,面,,,,@\n" + ring + "4,约一公顷,D,,面,,,,@\n" + ring,
                    encoding="utf-8")
    source = read_parcels(path)
    assert [p.declared_area_ha for p in source.parcels] == [1.0, 1.0, 1.0, None]
    findings = validate_parcels(source.parcels, source.crs)
    bad = [f for f in findings if f.code == "DECLARED_AREA_NOT_A_NUMBER"]
    assert len(bad) == 1 and bad[0].parcel == "D" and "line 21" in bad[0].message
    assert planar_area(source.parcels[3].geometry) == pytest.approx(10_000.0)


def test_header_read_by_content_and_by_descriptor(tmp_path):
    head = "[属性描述]\n坐标系=2000国家大地坐标系\n几度分带=3\n带号=38\n[地块坐标]\n"
    ring = ("J1,1,3343000.000,38461000.000\nJ2,1,3343000.000,38461100.000\n"
            "J3,1,3343100.000,38461100.000\n")
    provincial = tmp_path / "prov.txt"  # two district fields before 地块编号 (报省部标)
    provincial.write_text(head + "4,0.5,330106104,横桥村,D8-003,地块4,面,H50G1,工业用地,1001,@\n"
                          + ring, encoding="utf-8")
    p = read_parcels(provincial).parcels[0]
    assert (p.number, p.name, p.declared_area_ha) == ("D8-003", "地块4", 0.5)
    assert p.attributes["地块用途"] == "工业用地" and p.attributes["字段3"] == "330106104"
    named = tmp_path / "named.txt"  # a descriptor line names the fields
    named.write_text(head + "界址点数,地块面积,备注,地块编号,地块名称,记录图形属性,图幅号,地块用途,"
                     "地类编码,@\n4,0.5,旧线,K1,一号,面,,仓储用地,1101,@\n" + ring, encoding="utf-8")
    p = read_parcels(named).parcels[0]
    assert (p.number, p.name, p.attributes["备注"], p.attributes["地块用途"]) == (
        "K1", "一号", "旧线", "仓储用地")
    out = tmp_path / "canonical.txt"
    write_parcels(read_parcels(provincial), out)
    assert "4,0.5000,D8-003,地块4,面,H50G1,工业用地,1001,@" in out.read_bytes().decode("gbk")


def test_unwritable_character_names_parcel_field_and_character(tmp_path):
    source = read_parcels(REAL / "edcfoshan" / "44120000120.txt")
    source.parcels[0].attributes["地块用途"] = "工业用地😀"
    with pytest.raises(RedlineFormatError, match=r"parcel FID_0, field 地块用途.*U\+1F600.*UTF-8"):
        write_parcels(source, tmp_path / "x.txt", "gbk")
    with pytest.raises(Exception, match=r"parcel FID_0, field DKYT.*U\+1F600"):
        write_parcels(source, tmp_path / "x.shp", "gbk")
    assert not (tmp_path / "x.txt").exists() and not (tmp_path / "x.shp").exists()


@pytest.mark.parametrize("data,expected", [
    ("地块面积 工业用地".encode("gbk"), "GBK"),
    ("地块面积 工业用地".encode(), "UTF-8"),
    ("Café Müller".encode("latin-1"), "ISO-8859-1"),
    (b"plain ascii", "UTF-8"),
])
def test_detection(data, expected):
    assert detect(data) == expected
