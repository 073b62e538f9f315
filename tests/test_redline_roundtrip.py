"""Round trips between the coordinate file and GeoPackage, Shapefile, GeoJSON and DXF change
nothing: the eight header fields once each, point names and ring numbers as read, declared
area, name, use, sheet and land class through every format."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from redline_approval.core.redline.coordfile import (
    CoordinateDocument,
    format_coordinate_file,
    read_coordinate_file,
    write_coordinate_file,
)
from redline_approval.core.redline.io import RedlineSource, header_for_crs, read_parcels, write_parcels
from redline_approval.core.redline.model import parcel_from_rings

FORMATS = (".gpkg", ".shp", ".geojson", ".dxf")
CRS = "EPSG:4526"

coords = st.integers(min_value=0, max_value=2_000_000).map(lambda v: v / 1000.0)
text = st.text(alphabet="工业园地块一二三仓储ABC123-_ ", max_size=10).map(str.strip)


@st.composite
def parcels(draw):
    """Parcels as a canonical file holds them: 8 fields, rings of any numbering, point names
    that need not start at J1 or run on, holes and second parts."""
    out = []
    for k in range(draw(st.integers(1, 3))):
        ox = 38_460_000.0 + k * 5000 + draw(coords)
        oy = 3_340_000.0 + draw(coords)
        w = draw(st.integers(10_000, 2_000_000)) / 1000.0
        h = draw(st.integers(10_000, 2_000_000)) / 1000.0
        shell = [(ox, oy), (ox + w, oy), (ox + w, oy + h), (ox, oy + h)]
        rings = [shell]
        if draw(st.booleans()):  # a hole
            rings.append([(ox + w / 4, oy + h / 4), (ox + w / 4, oy + h / 2),
                          (ox + w / 2, oy + h / 2), (ox + w / 2, oy + h / 4)])
        if draw(st.booleans()):  # a second part
            rings.append([(ox + w + 100, oy), (ox + w + 200, oy), (ox + w + 150, oy + 80)])
        rings = [[(round(x, 3), round(y, 3)) for x, y in r] for r in rings]
        start = draw(st.integers(1, 90))
        numbers = draw(st.permutations(list(range(1, len(rings) + 1))))
        named, n = [], start
        for number, ring in zip(numbers, rings, strict=True):
            named.append((number, [f"J{n + i}" for i in range(len(ring))], ring))
            n += len(ring) + draw(st.integers(0, 3))
        attributes = {"记录图形属性": "面", "图幅号": draw(text), "地块用途": draw(text),
                      "地类编码": draw(st.sampled_from(["", "0601", "1001", "070101"]))}
        declared = draw(st.one_of(st.none(), st.integers(1, 99_999).map(lambda v: v / 10_000)))
        out.append(parcel_from_rings(f"DK{k:03d}", draw(text), [r for _n, _j, r in named],
                                     attributes, declared, named))
    return out


def _canonical(tmp_path, ps, encoding="gbk"):
    from redline_approval.core.geodesy.transforms import parse_crs

    doc = CoordinateDocument(header_for_crs(parse_crs(CRS)), ps)
    path = tmp_path / "in.txt"
    write_coordinate_file(doc, path, encoding)
    return path


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ps=parcels(), encoding=st.sampled_from(["gbk", "utf-8"]))
def test_txt_through_every_format_is_byte_identical(tmp_path, ps, encoding):
    source = _canonical(tmp_path, ps, encoding)
    original = source.read_bytes()
    for suffix in FORMATS:
        middle = tmp_path / f"mid{suffix}"
        assert write_parcels(read_parcels(source), middle, encoding) == []
        back = tmp_path / f"back_{suffix[1:]}.txt"
        write_parcels(read_parcels(middle, crs=CRS if suffix == ".dxf" else None), back,
                      encoding)
        assert back.read_bytes() == original, suffix


def test_header_is_eight_fields_after_repeated_cycles(tmp_path):
    """Before: txt2gis → gis2txt appended FID_0,DKMC,2.6708 to the header every cycle."""
    ps = [parcel_from_rings("FID_0", "DKMC", [[(38_461_000.0, 3_343_000.0),
                                               (38_461_100.0, 3_343_000.0),
                                               (38_461_100.0, 3_343_100.0)]],
                            {"记录图形属性": "面", "图幅号": "TFH", "地块用途": "DKYT",
                             "地类编码": "DLBM"}, 2.6708)]
    path = _canonical(tmp_path, ps)
    for cycle in range(3):
        for suffix in FORMATS:
            mid = tmp_path / f"c{cycle}{suffix}"
            write_parcels(read_parcels(path), mid)
            path = tmp_path / f"c{cycle}{suffix[1:]}.txt"
            write_parcels(read_parcels(mid, crs=CRS if suffix == ".dxf" else None), path)
    header = next(ln for ln in path.read_bytes().decode("gbk").splitlines() if ln.endswith("@"))
    assert header == "4,2.6708,FID_0,DKMC,面,TFH,DKYT,DLBM,@"


def test_gis_columns_are_the_column_map(tmp_path):
    import fiona

    ps = read_parcels(_canonical(tmp_path, [parcel_from_rings(
        "A1", "一号", [[(38_461_000.0, 3_343_000.0), (38_461_100.0, 3_343_000.0),
                       (38_461_100.0, 3_343_100.0)]], {"地块用途": "工业用地", "XMID": "x"}, 1.0)]))
    ps.parcels[0].attributes["XMID"] = "x"  # an extra attribute
    for suffix, columns in ((".gpkg", ["地块面积", "地块编号", "地块名称", "记录图形属性", "图幅号",
                                       "地块用途", "地类编码", "界址点号", "XMID"]),
                            (".shp", ["DKMJ", "DKBH", "DKMC", "TXSX", "TFH", "DKYT", "DLBM",
                                      "JZDH", "XMID"])):
        out = tmp_path / f"cols{suffix}"
        write_parcels(ps, out)
        with fiona.open(out) as f:
            assert list(f.schema["properties"]) == columns
    notes = write_parcels(ps, tmp_path / "x.txt")
    assert notes and "XMID" in notes[0]  # no room in the eight-field header, and it says so


def test_point_names_and_rings_survive_a_shapefile_that_reverses_rings(tmp_path):
    """Shapefile writers turn shells clockwise; the names still land on their points."""
    ring = [(38_461_000.0, 3_343_000.0), (38_461_100.0, 3_343_000.0),
            (38_461_100.0, 3_343_100.0), (38_461_000.0, 3_343_100.0)]  # counter-clockwise
    p = parcel_from_rings("A", "", [ring], {}, None, [(7, ["J85", "J5", "J6", "J7"], ring)])
    out = tmp_path / "r.shp"
    write_parcels(RedlineSource([p], None), out)
    back = read_parcels(out).parcels[0]
    got = [(pt.name, pt.easting, pt.northing) for pt in back.rings[0].points]
    assert back.rings[0].number == 7
    assert got == [(n, e, north) for n, (e, north) in zip(["J85", "J5", "J6", "J7"], ring,
                                                          strict=True)]


def test_dxf_keeps_fields_and_names(tmp_path):
    import ezdxf

    src = read_coordinate_file(_canonical(tmp_path, [parcel_from_rings(
        "DK9", "物流仓储中心", [[(38_461_000.0, 3_343_000.0), (38_461_100.0, 3_343_000.0),
                               (38_461_100.0, 3_343_100.0)]],
        {"记录图形属性": "面", "图幅号": "H50G001001", "地块用途": "仓储用地", "地类编码": "1101"},
        0.5, [(1, ["J5", "J85", "J86"], [(38_461_000.0, 3_343_000.0),
                                         (38_461_100.0, 3_343_000.0),
                                         (38_461_100.0, 3_343_100.0)])])]))
    out = tmp_path / "p.dxf"
    write_parcels(RedlineSource(src.parcels, None), out)
    assert ezdxf.readfile(out).modelspace().query("LWPOLYLINE")[0].has_xdata("REDLINE")
    back = read_parcels(out, crs=CRS).parcels[0]
    assert (back.number, back.name, back.declared_area_ha) == ("DK9", "物流仓储中心", 0.5)
    assert back.attributes["图幅号"] == "H50G001001" and back.attributes["地块用途"] == "仓储用地"
    assert [pt.name for pt in back.rings[0].points] == ["J5", "J85", "J86"]


def test_dxf_drawn_in_cad_reads_names_from_labels(tmp_path):
    """A DXF from CAD has no XDATA: the parcel is its layer, names come from the labels."""
    import ezdxf

    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    pts = [(38_461_000.0, 3_343_000.0), (38_461_100.0, 3_343_000.0), (38_461_100.0, 3_343_100.0)]
    msp.add_lwpolyline(pts, close=True, dxfattribs={"layer": "红线1"})
    for name, p in zip(["J3", "J4", "J9"], pts, strict=True):
        msp.add_text(name, dxfattribs={"layer": "红线1"}).set_placement(p)
    doc.saveas(tmp_path / "cad.dxf")
    back = read_parcels(tmp_path / "cad.dxf", crs=CRS).parcels[0]
    assert back.number == "红线1" and [pt.name for pt in back.rings[0].points] == ["J3", "J4", "J9"]


def test_canonical_text_is_stable():
    ps = [parcel_from_rings("A", "", [[(38_461_000.0, 3_343_000.0), (38_461_100.0, 3_343_000.0),
                                       (38_461_100.0, 3_343_100.0)]])]
    text = format_coordinate_file(CoordinateDocument({"带号": "38"}, ps))
    assert "\r\n4,,A,,面,,,,@\r\nJ1,1,3343000.000,38461000.000\r\n" in text
    assert text.endswith("J1,1,3343000.000,38461000.000\r\n")
    assert shapely.area(ps[0].geometry) == 5000.0


def _same_parcels(a, b):
    assert len(a) == len(b)
    for x, y in zip(a, b, strict=True):
        assert (x.number, x.name, x.attributes, x.declared_area_ha, x.hole_of) == \
            (y.number, y.name, y.attributes, y.declared_area_ha, y.hole_of)
        assert [(r.number, [(p.name, p.easting, p.northing) for p in r.points]) for r in x.rings] \
            == [(r.number, [(p.name, p.easting, p.northing) for p in r.points]) for r in y.rings]
        assert shapely.equals_exact(x.geometry, y.geometry, 0.0)
        assert [n.message for n in x.notes] == [n.message for n in y.notes]


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ps=parcels())
def test_plain_geopackage_reader_equals_gdal(tmp_path, ps):
    """Plain GeoPackages are read from their tables, others through GDAL: the same parcels,
    attributes, point names and CRS from both."""
    from redline_approval.core.redline import gis_io

    path = tmp_path / "p.gpkg"
    path.unlink(missing_ok=True)
    write_parcels(RedlineSource(ps, __import__("pyproj").CRS(CRS), "EPSG:4526"), path)
    fast = gis_io._read_plain_gpkg(path, None, "ha")
    slow = gis_io._read_with_gdal(path, None, None, "ha")
    assert fast is not None
    _same_parcels(fast[0], slow[0])
    assert fast[1].to_epsg() == slow[1].to_epsg() == 4526 and fast[1].equals(slow[1])


def test_plain_geopackage_reader_on_files_others_wrote(tmp_path):
    """A GeoPackage made by ogr2ogr from the public GBK shapefile, and one with a datetime and a
    boolean column (left to GDAL, which types them)."""
    from osgeo import gdal, ogr
    from redline_approval.core.redline import gis_io

    shp = Path(__file__).parent / "data" / "real" / "windr07" / "SampleData.shp"
    out = tmp_path / "from_ogr2ogr.gpkg"
    saved = gdal.GetConfigOption("SHAPE_ENCODING")  # QGIS sets it to "" process-wide
    gdal.SetConfigOption("SHAPE_ENCODING", "GBK")
    try:
        gdal.VectorTranslate(str(out), str(shp), options="-f GPKG")
    finally:
        gdal.SetConfigOption("SHAPE_ENCODING", saved)
    fast = gis_io._read_plain_gpkg(out, None, "ha")
    slow = gis_io._read_with_gdal(out, None, None, "ha")
    assert fast is not None and len(fast[0]) > 0
    _same_parcels(fast[0], slow[0])
    assert fast[1].equals(slow[1])
    assert read_parcels(out).parcels[0].name == slow[0][0].name

    broken = tmp_path / "not_utf8.gpkg"  # text stored in GBK bytes by a careless converter
    broken.write_bytes(out.read_bytes())
    con = sqlite3.connect(broken)
    for fn in ("ST_IsEmpty", "ST_MinX", "ST_MaxX", "ST_MinY", "ST_MaxY"):  # the R-tree triggers
        con.create_function(fn, 1, lambda _g: 0)
    con.execute("UPDATE \"SampleData\" SET \"DKMC\" = CAST(X'C3E6' AS TEXT)")
    con.commit()
    con.close()
    assert gis_io._read_plain_gpkg(broken, None, "ha") is None  # GDAL reads it
    assert read_parcels(broken).parcels

    ds = ogr.Open(str(out), 1)
    layer = ds.GetLayer(0)
    layer.CreateField(ogr.FieldDefn("审批时间", ogr.OFTDateTime))
    flag = ogr.FieldDefn("已批", ogr.OFTInteger)
    flag.SetSubType(ogr.OFSTBoolean)
    layer.CreateField(flag)
    ds = None
    assert gis_io._read_plain_gpkg(out, None, "ha") is None  # GDAL types those columns
    assert read_parcels(out).parcels[0].number == slow[0][0].number
