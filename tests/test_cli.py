"""The ``redline`` command: outputs, JSON shapes and exit statuses (0 fine, 1 findings, 2 bad
input with nothing written)."""

from __future__ import annotations

import json

import pytest
from redline_approval.cli.main import main


def run(capsys, *args):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_area_json(capsys, county):
    code, out, _ = run(capsys, "area", county["redlines"], "--json")
    assert code == 0
    data = json.loads(out)
    assert data["crs"] == "EPSG:4526"
    p = data["parcels"][0]
    assert set(p) >= {"number", "name", "planar_m2", "ellipsoidal_m2", "hectares", "mu", "parts",
                      "holes"}
    assert p["holes"] == 1 and data["parcels"][1]["parts"] == 2
    assert round(sum(x["hectares"] for x in data["parcels"]), 4) == data["total_hectares"]


def test_validate_json_and_exit_status(capsys, county, tmp_path):
    code, out, _ = run(capsys, "validate", county["redlines"], "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"crs", "parcels", "findings"} and data["findings"] == []
    bad = tmp_path / "bowtie.txt"
    bad.write_text("[属性描述]\n带号=38\n[地块坐标]\n4,,A,,面,,,,@\nJ1,1,3343000,38461000\n"
                   "J2,1,3343100,38461100\nJ3,1,3343000,38461100\nJ4,1,3343100,38461000\n",
                   encoding="utf-8")
    code, out, _ = run(capsys, "validate", bad, "--json")
    assert code == 1
    f = json.loads(out)["findings"][0]
    assert set(f) >= {"code", "severity", "parcel", "point", "message"}


def test_bad_file_exit_2_and_nothing_written(capsys, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("[属性描述]\n带号=38\n[地块坐标]\n4,,A,,面,,,,@\nJ1,1,abc,38461000\n",
                   encoding="utf-8")
    out = tmp_path / "out.gpkg"
    code, _, err = run(capsys, "txt2gis", bad, out)
    assert code == 2 and "bad.txt, line 5" in err and "X (northing)" in err
    assert not out.exists()
    code, _, err = run(capsys, "area", tmp_path / "missing.txt")
    assert code == 2 and "cannot read" in err


@pytest.mark.parametrize("fmt", ["gpkg", "shp", "geojson", "dxf"])
def test_txt2gis_gis2txt_round_trip(capsys, county, tmp_path, fmt):
    gis = tmp_path / f"rl.{fmt}"
    assert run(capsys, "txt2gis", county["redlines"], gis)[0] == 0
    back = tmp_path / "back.txt"
    extra = ["--zone", "38"] if fmt == "dxf" else []
    assert run(capsys, "gis2txt", gis, back, *extra)[0] == 0
    a = json.loads(run(capsys, "area", county["redlines"], "--json")[1])["parcels"]
    b = json.loads(run(capsys, "area", back, "--json")[1])["parcels"]
    assert [x["planar_m2"] for x in a] == [x["planar_m2"] for x in b]
    if fmt != "dxf":
        assert [x["name"] for x in a] == [x["name"] for x in b]


def test_fit_writes_parameter_file_and_report(capsys, county, tmp_path):
    out = tmp_path / "p.json"
    code, stdout, _ = run(capsys, "fit", county["common_points"], "--model", "bursa_wolf",
                          "--source", "EPSG:2362", "--target", "EPSG:4526", "--out", out,
                          "--report", tmp_path / "r.txt")
    assert code == 0 and "G05" in stdout
    data = json.loads(out.read_text())
    assert data["model"] == "bursa_wolf" and data["convention"] == "coordinate_frame"
    assert data["rejected"] == ["G05"] and data["rms_m"] < 0.02
    assert {r["id"] for r in data["residuals"]} == {f"G{i:02d}" for i in range(1, 13)} - {"G05"}


def test_fit_too_few_points(capsys, tmp_path):
    pairs = tmp_path / "two.csv"
    pairs.write_text("id,x1,y1,x2,y2\nA,3340000,38460000,3340001,38460001\n"
                     "B,3341000,38461000,3341001,38461001\n", encoding="utf-8")
    code, _, err = run(capsys, "fit", pairs, "--model", "bursa_wolf", "--source", "EPSG:2362",
                       "--target", "EPSG:4526", "--out", tmp_path / "p.json")
    assert code == 2 and "two.csv" in err and "at least 3" in err
    assert not (tmp_path / "p.json").exists()


def test_transform_points_auto_zone(capsys, county, tmp_path):
    params = county["common_points"].parent / "true_params.json"
    out = tmp_path / "o.csv"
    code, stdout, _ = run(capsys, "transform", county["xian80_points"], out, "--source",
                          "EPSG:2362", "--params", params)
    assert code == 0 and "EPSG:4526" in stdout
    assert out.read_text().startswith("id,x,y")


def test_transform_unknown_crs_and_missing_params(capsys, county, tmp_path):
    code, _, err = run(capsys, "transform", county["xian80_points"], tmp_path / "o.csv",
                       "--source", "EPSG:999999")
    assert code == 2 and "unknown CRS" in err
    code, _, err = run(capsys, "transform", county["xian80_points"], tmp_path / "o.csv",
                       "--source", "EPSG:2362", "--target", "EPSG:4526")
    assert code == 2 and "no official transformation" in err
    assert not (tmp_path / "o.csv").exists()


def test_crs_guess_finds_swap_and_prefix(capsys, tmp_path):
    f = tmp_path / "swapped.csv"
    f.write_text("id,x,y\nA,38461000,3341000\nB,38462000,3342000\n", encoding="utf-8")
    code, out, _ = run(capsys, "crs-guess", f, "--json")
    data = json.loads(out)
    assert code == 0 and any("swapped" in x for x in data["findings"])
    assert 4526 in [c["epsg"] for c in data["candidates"]]
    g = tmp_path / "noprefix.csv"
    g.write_text("id,x,y\nA,3341000,461000\n", encoding="utf-8")
    data = json.loads(run(capsys, "crs-guess", g, "--crs", "EPSG:4526", "--json")[1])
    assert any("expects zone-prefixed eastings" in x for x in data["findings"])


def test_points_table(capsys, county, tmp_path):
    out = tmp_path / "jzd.csv"
    assert run(capsys, "points", county["redlines"], out)[0] == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "parcel,ring,point,x,y,edge_m"
    assert lines[1].startswith("HX2026001,1,J1,")
    closing = [x for x in lines if x.startswith("HX2026001,1,") and x.endswith(",")]
    assert len(closing) == 1 and ",J1," in closing[0]


def test_validate_repair_writes_a_fixed_copy(capsys, tmp_path):
    bad = tmp_path / "bowtie.txt"
    original = ("[属性描述]\n带号=38\n[地块坐标]\n4,,A,,面,,,,@\nJ1,1,3343000,38461000\n"
                "J2,1,3343100,38461100\nJ3,1,3343000,38461100\nJ4,1,3343100,38461000\n")
    bad.write_text(original, encoding="utf-8")
    fixed = tmp_path / "fixed.txt"
    code, out, _ = run(capsys, "validate", bad, "--repair", fixed)
    assert code == 0 and "area 0.00 -> 5000.00" in out and "0 error(s) remain" in out
    assert bad.read_text(encoding="utf-8") == original
    code, out, _ = run(capsys, "area", fixed, "--json")
    data = json.loads(out)["parcels"][0]
    assert data["planar_m2"] == 5000.0 and data["parts"] == 2
