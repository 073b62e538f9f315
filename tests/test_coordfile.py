"""The ministry coordinate file: real-world variants, CRS inference, canonical writer, round trip,
and a fuzz test: any bytes give parcels or a clear RedlineFormatError/CrsError."""

from __future__ import annotations

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redline_approval.core.errors import CrsError, RedlineError, RedlineFormatError
from redline_approval.core.redline.coordfile import (
    CoordinateDocument,
    format_coordinate_file,
    read_coordinate_bytes,
    read_coordinate_file,
    write_coordinate_file,
)
from redline_approval.core.redline.model import parcel_from_geometry

HEADER = """[属性描述]
格式版本号=1.01版本
数据产生单位=某某测绘院
坐标系=2000国家大地坐标系
几度分带=3
投影类型=高斯克吕格
计量单位=米
带号=38
精度=0.001
转换参数=,,,,,,
[地块坐标]
"""

# parcel 1: square with a hole; ring 2 is the hole (decided from geometry), ring 3 a second part
PARCEL = """13,4.0000,DK001,一号地块,面,H50G001001,工业用地,0601,@
J1,1,3343000.000,38461000.000
J2,1,3343000.000,38461200.000
J3,1,3343200.000,38461200.000
J4,1,3343200.000,38461000.000
J1,1,3343000.000,38461000.000
J5,2,3343050.000,38461050.000
J6,2,3343050.000,38461100.000
J7,2,3343100.000,38461100.000
J8,2,3343100.000,38461050.000
J9,3,3343300.000,38461300.000
J10,3,3343300.000,38461400.000
J11,3,3343400.000,38461400.000
J12,3,3343400.000,38461300.000
"""
SECOND = """4,,DK002,二号地块,面,,,,@
J1,1,3344000.000,38462000.000
J2,1,3344000.000,38462100.000
J3,1,3344100.000,38462100.000
"""


def _bytes(text: str, encoding="gbk", newline="\r\n", bom=False) -> bytes:
    data = text.replace("\n", newline).encode(encoding)
    return (b"\xef\xbb\xbf" if bom else b"") + data


@pytest.mark.parametrize("encoding,newline,bom", [
    ("gbk", "\r\n", False), ("gbk", "\n", False), ("utf-8", "\n", False),
    ("utf-8", "\r\n", True), ("utf-8", "\n", True)])
def test_variants_read_the_same(encoding, newline, bom):
    doc = read_coordinate_bytes(_bytes(HEADER + PARCEL + SECOND, encoding, newline, bom), "f.txt")
    assert [p.number for p in doc.parcels] == ["DK001", "DK002"]
    p1, p2 = doc.parcels
    assert p1.name == "一号地块" and p1.attributes["图幅号"] == "H50G001001"
    assert p1.attributes["地类编码"] == "0601" and p1.declared_area_ha == 4.0
    assert doc.header["数据产生单位"] == "某某测绘院"
    assert p1.geometry.geom_type == "MultiPolygon"
    shell = [g for g in p1.geometry.geoms if g.interiors]
    assert len(shell) == 1 and shell[0].area == pytest.approx(200 * 200 - 50 * 50)
    assert p1.geometry.area == pytest.approx(40000 - 2500 + 10000)
    # unclosed ring closed by the reader; 3 points make a triangle
    assert p2.geometry.area == pytest.approx(100 * 100 / 2)
    assert not p2.rings[0].closed_in_file and p1.rings[0].closed_in_file
    assert doc.crs().epsg == 4526


def test_hole_numbered_before_its_shell():
    """Ring numbers count holes and parts alike, in any order: geometry decides."""
    text = HEADER + """9,,DK9,,面,,,,@
J1,1,3343050.000,38461050.000
J2,1,3343050.000,38461100.000
J3,1,3343100.000,38461100.000
J4,1,3343100.000,38461050.000
J5,2,3343000.000,38461000.000
J6,2,3343000.000,38461200.000
J7,2,3343200.000,38461200.000
J8,2,3343200.000,38461000.000
"""
    doc = read_coordinate_bytes(_bytes(text), "h.txt")
    g = doc.parcels[0].geometry
    assert g.geom_type == "Polygon" and len(g.interiors) == 1
    assert g.area == pytest.approx(40000 - 2500)


def test_missing_header_keys_infer_from_prefix():
    text = "[属性描述]\n坐标系=1980西安坐标系\n[地块坐标]\n" + SECOND
    doc = read_coordinate_bytes(_bytes(text), "x.txt")
    crs = doc.crs()
    assert crs.epsg == 2362 and crs.width == 3


def test_zone_in_header_disagreeing_with_prefix():
    doc = read_coordinate_bytes(_bytes(HEADER.replace("带号=38", "带号=39") + SECOND), "z.txt")
    with pytest.raises(CrsError, match="带号=39 but the eastings carry zone prefix 38"):
        doc.crs()


def test_no_zone_at_all():
    text = "[属性描述]\n坐标系=2000国家大地坐标系\n[地块坐标]\n4,,A,,面,,,,@\n" \
           "J1,1,3344000,462000\nJ2,1,3344000,462100\nJ3,1,3344100,462100\n"
    with pytest.raises(CrsError, match="带号"):
        read_coordinate_bytes(_bytes(text), "n.txt").crs()


@pytest.mark.parametrize("body,line,match", [
    (HEADER + "4,,A,,面,,,,@\nJ1,1,3344000.0\n", 13, "expected point,ring,X,Y"),
    (HEADER + "4,,A,,面,,,,@\nJ1,1,abc,38462000\n", 13, "X \\(northing\\)"),
    (HEADER + "J1,1,3344000,38462000\n", 12, "before any parcel header"),
    ("hello\n", 1, "before the first section"),
    (HEADER.replace("带号=38", "带号 38"), 8, "key=value"),
])
def test_bad_files_name_the_line(body, line, match):
    with pytest.raises(RedlineFormatError, match=match) as err:
        read_coordinate_bytes(_bytes(body), "bad.txt")
    assert err.value.line == line and err.value.path == "bad.txt"


def test_not_a_coordinate_file_at_all():
    with pytest.raises(RedlineFormatError, match="no \\[地块坐标\\]"):
        read_coordinate_bytes(b"[\xca\xf4\xd0\xd4\xc3\xe8\xca\xf6]\n", "a.txt")


def test_writer_is_canonical_and_round_trips(tmp_path):
    doc = read_coordinate_bytes(_bytes(HEADER + PARCEL + SECOND, "utf-8", "\n"), "f.txt")
    out = tmp_path / "canon.txt"
    write_coordinate_file(doc, out)
    raw = out.read_bytes()
    text = raw.decode("gbk")
    assert "\r\n" in text and text.startswith("[属性描述]")
    again = read_coordinate_file(out)
    for a, b in zip(doc.parcels, again.parcels, strict=True):
        assert a.number == b.number and a.name == b.name
        assert a.attributes["地块用途"] == b.attributes["地块用途"]
        assert a.geometry.equals_exact(b.geometry, 1e-6) or a.geometry.equals(b.geometry)
        assert all(r.closed_in_file for r in b.rings)
    # J numbering restarts per parcel and the closing point repeats the ring's first number
    lines = text.splitlines()
    assert lines[lines.index([x for x in lines if x.startswith("13,") or x.startswith("15,")][0]) + 1] \
        .startswith("J1,1,")
    write_coordinate_file(again, tmp_path / "utf8.txt", "utf-8")
    assert (tmp_path / "utf8.txt").read_bytes().decode("utf-8").count("@") == 2


def test_gbk_cannot_hold_every_name(tmp_path):
    geom = shapely.box(38_461_000, 3_343_000, 38_461_100, 3_343_100)
    doc = CoordinateDocument({"带号": "38"}, [parcel_from_geometry("A", "😀", geom)])
    with pytest.raises(RedlineFormatError, match="UTF-8"):
        write_coordinate_file(doc, tmp_path / "x.txt")
    assert not (tmp_path / "x.txt").exists()


coords = st.integers(min_value=0, max_value=2_000_000).map(lambda v: v / 1000.0)


@st.composite
def parcels(draw):
    count = draw(st.integers(1, 4))
    out = []
    for k in range(count):
        ox = 38_460_000.0 + k * 5000 + draw(coords)
        oy = 3_340_000.0 + draw(coords)
        w = draw(st.integers(1_000, 3_000_000)) / 1000.0 + 1
        h = draw(st.integers(1_000, 3_000_000)) / 1000.0 + 1
        geom = shapely.box(ox, oy, ox + w, oy + h)
        if draw(st.booleans()):
            geom = geom.difference(shapely.box(ox + w / 4, oy + h / 4, ox + w / 2, oy + h / 2))
        name = draw(st.text(alphabet="工业园地块一二三ABC123-", max_size=8))
        out.append(parcel_from_geometry(f"P{k}", name, shapely.set_precision(geom, 0.001)))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parcels())
def test_round_trip_property(ps):
    doc = CoordinateDocument({"带号": "38"}, ps)
    text = format_coordinate_file(doc)
    back = read_coordinate_bytes(text.encode("gbk"), "rt.txt")
    assert [p.number for p in back.parcels] == [p.number for p in ps]
    assert [p.name for p in back.parcels] == [p.name for p in ps]
    for a, b in zip(ps, back.parcels, strict=True):
        assert shapely.equals_exact(shapely.normalize(a.geometry), shapely.normalize(b.geometry), 1e-6)
    assert format_coordinate_file(back) == text


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=600))
def test_fuzz_any_bytes(data):
    try:
        doc = read_coordinate_bytes(data, "fuzz.txt")
    except RedlineError:
        return
    assert doc.parcels


line = st.sampled_from(["[属性描述]", "[地块坐标]", "带号=38", "坐标系=西安80", "4,1.5,A,名,面,,,,@",
                        "J1,1,3343000,38461000", "J2,1,3343000,38461100", "J3,1,3343100,38461100",
                        "J1,2,3343000,38461000", "J2,x,1,2", ",,,,", "@", "J1,1,nan,1", "=",
                        "J9,1,3343050,38461050", "J1,1,1e308,1e308"])


@settings(max_examples=400, deadline=None)
@given(st.lists(line, max_size=20))
def test_fuzz_structured(lines):
    data = "\n".join(lines).encode("gbk")
    try:
        doc = read_coordinate_bytes(data, "fuzz.txt")
        doc.crs()
    except RedlineError:
        return
