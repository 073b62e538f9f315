"""Batch conversion of whole files: attributes, encodings, CRS, densification, bad input."""

from __future__ import annotations

import json

import fiona
import numpy as np
import pytest
import shapely
from pyproj import CRS, Transformer
from redline_approval.core.errors import RedlineError, RedlineFormatError
from redline_approval.core.geodesy.convert_files import convert_file, convert_folder
from redline_approval.core.geodesy.params import load_parameters
from redline_approval.core.geodesy.point_files import read_points
from shapely.geometry import mapping, shape


@pytest.fixture()
def params_file(county, tmp_path):
    return county["common_points"].parent / "true_params.json"


def _shapefile(tmp_path, encoding="GBK"):
    path = tmp_path / "legacy.shp"
    schema = {"geometry": "Polygon", "properties": {"MC": "str:40", "MJ": "float", "N": "int"}}
    with fiona.open(path, "w", driver="ESRI Shapefile", crs="EPSG:2362", schema=schema,
                    encoding=encoding) as dst:
        dst.write({"geometry": mapping(shapely.box(38_460_000, 3_340_000, 38_462_000, 3_342_000)),
                   "properties": {"MC": "工业园地块", "MJ": 12.5, "N": 7}})
    return path


def test_shapefile_with_gbk_keeps_attributes_encoding_and_writes_crs(tmp_path, params_file):
    src = _shapefile(tmp_path)
    out = tmp_path / "out" / "cgcs.shp"
    result = convert_file(src, out, "auto-3deg", None, load_parameters(params_file))
    assert result.target == "EPSG:4526" and result.count == 1
    assert out.with_suffix(".cpg").read_text().strip().upper() in ("GBK", "936", "CP936")
    with fiona.open(out, encoding="GBK") as f:
        feat = next(iter(f))
        assert feat.properties["MC"] == "工业园地块"
        assert feat.properties["N"] == 7 and f.schema["properties"]["N"].startswith("int")
        assert CRS.from_wkt(f.crs_wkt).to_epsg() == 4526


def test_gpkg_all_layers_and_points_match_point_transform(tmp_path, params_file):
    src = tmp_path / "two.gpkg"
    for layer in ("a", "b"):
        with fiona.open(src, "w", driver="GPKG", layer=layer, crs="EPSG:2362",
                        schema={"geometry": "Point", "properties": {"k": "str"}}) as dst:
            dst.write({"geometry": {"type": "Point", "coordinates": (38_461_000.0, 3_341_000.0)},
                       "properties": {"k": layer}})
    out = tmp_path / "two_out.gpkg"
    convert_file(src, out, "EPSG:4526", None, load_parameters(params_file))
    assert fiona.listlayers(out) == ["a", "b"]
    with fiona.open(out, layer="b") as f:
        x, y = next(iter(f)).geometry["coordinates"]
    csv_in = tmp_path / "p.csv"
    csv_in.write_text("id,x,y\nA,3341000,38461000\n", encoding="utf-8")
    convert_file(csv_in, tmp_path / "p_out.csv", "EPSG:4526", "EPSG:2362",
                 load_parameters(params_file))
    t = read_points(tmp_path / "p_out.csv")
    assert abs(t.easting[0] - x) < 1e-3 and abs(t.northing[0] - y) < 1e-3


def test_zone_change_densifies_only_bending_edges(tmp_path):
    src = tmp_path / "z.geojson"
    edge = shapely.box(38_540_000, 3_300_000, 38_560_000, 3_320_000)  # far east of CM 114
    with fiona.open(src, "w", driver="GeoJSON", crs="EPSG:4526",
                    schema={"geometry": "Polygon", "properties": {}}) as dst:
        dst.write({"geometry": mapping(edge), "properties": {}})
    out = tmp_path / "z39.geojson"
    convert_file(src, out, "EPSG:4527", bend_tolerance_m=0.001)
    with fiona.open(out) as f:
        geom = shape(next(iter(f)).geometry)
    assert shapely.get_num_coordinates(geom) > 5
    # every original vertex is still there, moved by PROJ
    tr = Transformer.from_crs("EPSG:4526", "EPSG:4527", always_xy=True)
    corners = np.array(tr.transform(*np.array(edge.exterior.coords).T)).T
    coords = shapely.get_coordinates(geom)
    for c in corners:
        assert np.min(np.hypot(*(coords - c).T)) < 1e-6
    # densified line: midpoints of the original edges sit on the transformed curve
    mid = np.array(tr.transform(38_550_000.0, 3_300_000.0))
    assert geom.exterior.distance(shapely.Point(mid)) < 0.001


def test_similarity_adds_no_vertex(tmp_path):
    src = tmp_path / "s.geojson"
    with fiona.open(src, "w", driver="GeoJSON", crs="EPSG:2362",
                    schema={"geometry": "Polygon", "properties": {}}) as dst:
        dst.write({"geometry": mapping(shapely.box(38_460_000, 3_340_000, 38_470_000,
                                                   3_350_000)), "properties": {}})
    p = tmp_path / "fp.json"
    p.write_text(json.dumps({"model": "four_param", "dx": 10, "dy": -5, "rotation_sec": 2,
                             "scale_ppm": 3, "source": "EPSG:2362", "target": "EPSG:4526"}))
    out = tmp_path / "s_out.geojson"
    convert_file(src, out, "EPSG:4526", None, load_parameters(p))
    with fiona.open(out) as f:
        assert shapely.get_num_coordinates(shape(next(iter(f)).geometry)) == 5


def test_bad_row_names_the_line_and_leaves_no_file(tmp_path, params_file):
    src = tmp_path / "bad.csv"
    src.write_text("id,x,y\nA,3341000,38461000\nB,3341000,39461000\n", encoding="utf-8")
    out = tmp_path / "bad_out.csv"
    with pytest.raises(RedlineFormatError) as err:
        convert_file(src, out, "EPSG:4526", "EPSG:2362", load_parameters(params_file))
    assert err.value.line == 3 and "zone" in str(err.value)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".redline-")]


def test_swapped_columns_are_reported(tmp_path, params_file):
    src = tmp_path / "swapped.csv"
    src.write_text("id,x,y\nA,38461000,3341000\n", encoding="utf-8")
    with pytest.raises(RedlineFormatError, match="swapped"):
        convert_file(src, tmp_path / "o.csv", "EPSG:4526", "EPSG:2362",
                     load_parameters(params_file))


def test_folder_with_progress(tmp_path, county, params_file):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_text("id,x,y\nA,3341000,38461000\n", encoding="utf-8")
    (folder / "b.csv").write_text("id,x,y\nB,3342000,38462000\n", encoding="utf-8")
    seen = []
    done = convert_folder(folder, tmp_path / "out", "auto-3deg", "EPSG:2362",
                          load_parameters(params_file), progress=lambda p, n: seen.append(p))
    assert len(done) == 2 and seen[-1] == 100.0
    assert (tmp_path / "out" / "a.csv").exists()


def test_coordinate_file_and_dxf_conversion(tmp_path, county, params_file):
    params = load_parameters(params_file)
    out = tmp_path / "rl39.txt"
    result = convert_file(county["redlines"], out, "EPSG:4527")
    assert result.target == "EPSG:4527" and result.count == 3
    text = out.read_bytes().decode("gbk")
    assert "带号=39" in text and "工业园一期" in text
    from redline_approval.core.redline.io import read_parcels, write_parcels

    src = read_parcels(county["redlines"])
    dxf = tmp_path / "rl.dxf"
    write_parcels(src, dxf)
    result = convert_file(dxf, tmp_path / "rl_out.dxf", "EPSG:4526", "EPSG:2362", params)
    assert result.count > 3
    with pytest.raises(RedlineError, match="no CRS"):
        convert_file(dxf, tmp_path / "x.dxf", "EPSG:4527")


def test_dxf_zone_change_densifies_long_straight_edges(tmp_path):
    import ezdxf

    doc = ezdxf.new("R2010")
    msp = doc.modelspace()
    msp.add_lwpolyline([(38_540_000, 3_300_000), (38_560_000, 3_300_000),
                        (38_560_000, 3_320_000)], close=True, dxfattribs={"layer": "红线"})
    msp.add_line((38_540_000, 3_330_000), (38_560_000, 3_330_000), dxfattribs={"layer": "L"})
    msp.add_line((38_540_000, 3_340_000), (38_540_001, 3_340_000), dxfattribs={"layer": "S"})
    src = tmp_path / "z.dxf"
    doc.saveas(src)
    out = tmp_path / "z39.dxf"
    convert_file(src, out, "EPSG:4527", "EPSG:4526", bend_tolerance_m=0.001)
    result = ezdxf.readfile(out).modelspace()
    polys = {e.dxf.layer: e for e in result.query("LWPOLYLINE")}
    assert len(polys["红线"]) > 3 and polys["红线"].closed
    assert "L" in polys and len(polys["L"]) > 2  # the long LINE had to bend
    assert len(result.query("LINE")) == 1  # the 1 m line did not
    tr = Transformer.from_crs("EPSG:4526", "EPSG:4527", always_xy=True)
    mid = shapely.Point(tr.transform(38_550_000.0, 3_330_000.0))
    line = shapely.LineString([p[:2] for p in polys["L"].get_points("xy")])
    assert line.distance(mid) < 0.001
