"""Layers converted in bulk through GDAL: the same coordinates as PROJ point by point, attributes,
FIDs, null geometries and encodings kept, bending features found, parameter files that carry
their CRSs and their extent."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely
from osgeo import gdal, ogr, osr
from redline_approval.cli.main import main as redline
from redline_approval.core.errors import CrsError
from redline_approval.core.geodesy.convert_files import convert_file
from redline_approval.core.geodesy.params import BursaWolf, FourParam, ParameterSet
from redline_approval.core.geodesy.point_files import read_points
from redline_approval.core.geodesy.transforms import make_transform

gdal.UseExceptions()
XIAN, CGCS = "EPSG:2362", "EPSG:4526"
BW = ParameterSet(BursaWolf(-31.52, 97.64, 55.18, 0.842, -1.357, 2.118, 3.25), XIAN, CGCS)


def write_layer(path, epsg, geoms, driver="GPKG", attrs=None, layer="parcels", encoding=None):
    """A layer written with GDAL's own API (not our code): FIDs, types and text as given."""
    drv = ogr.GetDriverByName(driver)
    ds = drv.Open(str(path), 1) if path.exists() and driver == "GPKG" else drv.CreateDataSource(
        str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    lco = [f"ENCODING={encoding}"] if encoding else []
    if encoding:  # a QGIS started by an earlier test turned GDAL's recoding off process-wide
        gdal.SetThreadLocalConfigOption("SHAPE_ENCODING", encoding)
    lyr = ds.CreateLayer(layer, srs, ogr.wkbUnknown, options=lco)
    lyr.CreateField(ogr.FieldDefn("BSM", ogr.OFTString))
    lyr.CreateField(ogr.FieldDefn("MJ", ogr.OFTReal))
    lyr.CreateField(ogr.FieldDefn("N", ogr.OFTInteger64))
    for i, g in enumerate(geoms):
        f = ogr.Feature(lyr.GetLayerDefn())
        if g is not None:
            f.SetGeometry(ogr.CreateGeometryFromWkb(shapely.to_wkb(g)))
        a = (attrs or {}).get(i, f"地块{i}")
        f["BSM"], f["MJ"], f["N"] = a, i * 1.5, 10_000_000_000 + i
        lyr.CreateFeature(f)
    ds = None
    gdal.SetThreadLocalConfigOption("SHAPE_ENCODING", None)
    return path


def read_layer(path, layer=None):
    ds = gdal.OpenEx(str(path), gdal.OF_VECTOR)
    lyr = ds.GetLayerByName(layer) if layer else ds.GetLayer(0)
    out = [(f.GetFID(), f["BSM"], f["MJ"], f["N"],
            shapely.from_wkb(bytes(f.GetGeometryRef().ExportToWkb()))
            if f.GetGeometryRef() else None) for f in lyr]
    srs = lyr.GetSpatialRef()
    ds = None
    return out, srs


def parcels(rng, count, e0=38_450_000, n0=3_330_000):
    return [shapely.Polygon(np.column_stack([
        e0 + x + 30 * np.cos(np.linspace(0, 6, 7)), n0 + y + 30 * np.sin(np.linspace(0, 6, 7))]))
        for x, y in rng.uniform(0, 30_000, (count, 2))]


def expected(geoms, params, source, target):
    tr = make_transform(source, target, params)

    def fn(xy):
        if params is not None and not isinstance(params.model, FourParam):
            e, n, _ = tr.transform(xy[:, 0], xy[:, 1], np.zeros(len(xy)))
        else:
            e, n = tr.transform(xy[:, 0], xy[:, 1])[:2]
        return np.column_stack([e, n])

    return [shapely.transform(g, fn) if g is not None else None for g in geoms]


@pytest.mark.parametrize("case", ["zone", "bursa_wolf", "four_param", "geographic"])
def test_layer_matches_proj_point_by_point(tmp_path, case):
    rng = np.random.default_rng(1)
    geoms = parcels(rng, 200) + [None]
    source, target, params = {
        "zone": (CGCS, "EPSG:4527", None),
        "bursa_wolf": (XIAN, CGCS, BW),
        "four_param": (XIAN, CGCS, ParameterSet(FourParam(-52.3, 118.4, 1.73, -4.2), XIAN, CGCS)),
        "geographic": (CGCS, "EPSG:4490", None),
    }[case]
    src = write_layer(tmp_path / "in.gpkg", int(source.split(":")[1]), geoms)
    out = tmp_path / "out.gpkg"
    result = convert_file(src, out, target, None, params)
    assert result.count == 201 and result.target == target and result.densified == 0
    rows, srs = read_layer(out)
    assert srs.GetAuthorityCode(None) == target.split(":")[1]
    want = expected(geoms, params, source, target)
    tol = 1e-9 if case == "geographic" else 1e-4  # 0.1 mm (or ~0.1 mm in degrees)
    for (fid, bsm, mj, n, g), w, i in zip(rows, want, range(201), strict=True):
        assert (fid, bsm, mj, n) == (i + 1, f"地块{i}", i * 1.5, 10_000_000_000 + i)
        if w is None:
            assert g is None
        else:
            assert np.abs(shapely.get_coordinates(g) - shapely.get_coordinates(w)).max() < tol


def test_only_bending_features_get_vertices_and_fids_are_kept(tmp_path):
    rng = np.random.default_rng(2)
    # far east of the central meridian, where a zone change bends long edges
    small = parcels(rng, 50, 38_540_000, 3_300_000)
    long_edge = shapely.box(38_540_000, 3_300_000, 38_560_000, 3_320_000)
    src = write_layer(tmp_path / "in.gpkg", 4526, small[:20] + [long_edge] + small[20:])
    ds = ogr.Open(str(src), 1)  # gaps in the FIDs, as edited layers have
    ds.GetLayer(0).DeleteFeature(3)
    ds.GetLayer(0).DeleteFeature(7)
    ds = None
    out = tmp_path / "out.gpkg"
    result = convert_file(src, out, "EPSG:4527")
    assert result.densified == 1 and result.count == 49
    rows, _ = read_layer(out)
    by_fid = {fid: g for fid, _b, _m, _n, g in rows}
    assert 3 not in by_fid and 7 not in by_fid
    assert shapely.get_num_coordinates(by_fid[21]) > 5  # the long-edged box, FID 21
    assert all(shapely.get_num_coordinates(g) == 8 for fid, g in by_fid.items() if fid != 21)
    mid = shapely.Point(make_transform("EPSG:4526", "EPSG:4527").transform(
        np.array([38_550_000.0]), np.array([3_300_000.0])))
    assert by_fid[21].exterior.distance(mid) < 0.001


def test_gbk_shapefile_inside_qgis_keeps_its_text(tmp_path):
    """QGIS sets SHAPE_ENCODING="" in its process; the converter must still read and write GBK."""
    rng = np.random.default_rng(3)
    src = write_layer(tmp_path / "in.shp", 2362, parcels(rng, 3), "ESRI Shapefile",
                      {0: "工业园地块", 1: "物流中心", 2: "林地"}, encoding="GBK")
    gdal.SetConfigOption("SHAPE_ENCODING", "")
    try:
        result = convert_file(src, tmp_path / "out.shp", None, None, BW)
    finally:
        gdal.SetConfigOption("SHAPE_ENCODING", None)
    assert result.target == CGCS
    assert (tmp_path / "out.cpg").read_text().strip().upper() in ("GBK", "CP936", "936")
    dbf = (tmp_path / "out.dbf").read_bytes()
    assert "工业园地块".encode("gbk") in dbf and "物流中心".encode("gbk") in dbf


def test_parameter_file_gives_the_crs_and_a_contradiction_is_an_error(tmp_path):
    params = tmp_path / "p.json"
    params.write_text(json.dumps(BW.to_dict()), encoding="utf-8")
    pts = tmp_path / "pts.csv"
    pts.write_text("id,x,y\nA,3341000,38461000\nB,3342000,38462000\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    assert redline(["transform", str(pts), str(out), "--params", str(params)]) == 0
    got = read_points(out)
    e, n, _ = make_transform(XIAN, CGCS, BW).transform(np.array([38461000.0]),
                                                        np.array([3341000.0]), np.zeros(1))
    assert abs(got.easting[0] - e[0]) < 1e-4 and abs(got.northing[0] - n[0]) < 1e-4
    with pytest.raises(CrsError, match="Beijing 1954.*parameters convert from Xian 1980"):
        convert_file(pts, tmp_path / "x.csv", None, "EPSG:2401", BW)
    with pytest.raises(CrsError, match="not on the datum the parameters lead to"):
        convert_file(pts, tmp_path / "x.csv", "EPSG:2362", None, BW)
    assert not (tmp_path / "x.csv").exists()


def test_points_far_from_the_common_points_are_counted(tmp_path, capsys):
    extent = {"crs": XIAN, "span_m": 10_000.0,
              "hull_en": [[38_450_000, 3_330_000], [38_460_000, 3_330_000],
                          [38_460_000, 3_340_000], [38_450_000, 3_340_000],
                          [38_450_000, 3_330_000]]}
    params = ParameterSet(BW.model, XIAN, CGCS, extent)
    pfile = tmp_path / "p.json"
    pfile.write_text(json.dumps(params.to_dict()), encoding="utf-8")
    pts = tmp_path / "pts.csv"
    # margin = max(20 % of 10 km, 1 km) = 2 km: A inside, B 1.5 km out, C and D 20 km out
    pts.write_text("id,x,y\nA,3335000,38455000\nB,3341500,38455000\nC,3360000,38455000\n"
                   "D,3335000,38480000\n", encoding="utf-8")
    assert redline(["transform", str(pts), str(tmp_path / "o.csv"), "--params", str(pfile)]) == 0
    assert "2 point(s) lie more than 2.0 km outside" in capsys.readouterr().err
    rng = np.random.default_rng(4)
    layer = write_layer(tmp_path / "l.gpkg", 2362, parcels(rng, 30, 38_450_000, 3_330_000))
    result = convert_file(layer, tmp_path / "l_out.gpkg", None, None, params)
    # parcels over 30 km: those beyond the hull's 2 km margin are counted, vertex by vertex
    coords = np.concatenate([shapely.get_coordinates(g) for g in
                             parcels(np.random.default_rng(4), 30, 38_450_000, 3_330_000)])
    area = shapely.buffer(shapely.box(38_450_000, 3_330_000, 38_460_000, 3_340_000), 2000,
                          quad_segs=4)
    assert result.outside_extent == int((~shapely.contains_xy(area, *coords.T)).sum()) > 0


def test_fit_with_check_points_from_the_command_line(tmp_path, county):
    out, report = tmp_path / "p.json", tmp_path / "report.txt"
    pairs = county["common_points"].read_text(encoding="utf-8").splitlines()
    fit_pairs = tmp_path / "fit.csv"
    check = tmp_path / "check.csv"
    fit_pairs.write_text("\n".join(pairs[:11]) + "\n", encoding="utf-8")
    check.write_text("\n".join([pairs[0]] + pairs[11:]) + "\n", encoding="utf-8")
    assert redline(["fit", str(fit_pairs), "--model", "four_param", "--source", XIAN,
                    "--target", CGCS, "--check", str(check), "--out", str(out),
                    "--report", str(report)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["rejected"] == ["G05"] and len(data["check_points"]["points"]) == 2
    assert data["extent"]["crs"] == XIAN and data["statistics"]["mp_m"] < 0.03
    assert "检核点" in report.read_text(encoding="utf-8")
