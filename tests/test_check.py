"""The compliance check engine: areas against an independent shapely computation, CRS
handling, profile errors, provider-side reads, rounding, verdicts and the CLI."""

from __future__ import annotations

import json
import shutil

import fiona
import numpy as np
import pytest
import shapely
from redline_approval.cli.main import main as redline
from redline_approval.core.check.engine import CheckParcel, prepare_layer, run_check
from redline_approval.core.check.profile import LayerSpec, Profile, load_profile
from redline_approval.core.check.run import check_files
from redline_approval.core.check.sources import OgrSource
from redline_approval.core.errors import CrsError, RedlineFormatError
from redline_approval.core.geodesy.convert_files import convert_file
from redline_approval.core.geodesy.transforms import parse_crs
from shapely.geometry import mapping, shape

CRS = parse_crs("EPSG:4526")


@pytest.fixture()
def county_dir(county, tmp_path):
    d = tmp_path / "county"
    shutil.copytree(county["profile"].parent, d)
    return d


def _independent(parcel, layer_path, layer=None):
    """Plain shapely on the file's features, shifted to a local origin the same way."""
    ox, oy = np.floor(parcel.bounds[:2])
    local = shapely.transform(parcel, lambda c: c - [ox, oy])
    parts = []
    with fiona.open(layer_path, layer=layer) as src:
        for f in src:
            g = shapely.transform(shape(f.geometry), lambda c: c - [ox, oy])
            inter = local.intersection(g)
            if inter.area > 0:
                parts.append(inter)
    return shapely.union_all(parts).area if parts else 0.0


def test_areas_match_independent_shapely(county_dir):
    result = check_files(county_dir / "redlines.txt", county_dir / "profile.toml")
    profile = load_profile(county_dir / "profile.toml")
    for p in result.parcels:
        assert p.area_m2 == pytest.approx(p.geometry.area, abs=1e-6)
        for overlap, spec in zip(p.layers, profile.layers, strict=True):
            assert overlap.overlap_m2 == pytest.approx(_independent(p.geometry, spec.path),
                                                       abs=0.05)
            if overlap.by_class:
                assert sum(overlap.by_class.values()) == pytest.approx(overlap.overlap_m2,
                                                                       abs=0.05)


def test_result_json_shape_and_rounding(county_dir):
    d = check_files(county_dir / "redlines.txt", county_dir / "profile.toml").to_dict()
    assert d["crs"] == "EPSG:4526"
    p = d["parcels"][1]
    assert {"id", "area_m2", "layers", "verdicts"} <= set(p)
    layer = p["layers"][0]
    assert {"name", "role", "overlap_m2", "by_class", "features"} <= set(layer)
    for lay in p["layers"]:
        if lay["by_class"]:
            assert round(sum(lay["by_class"].values()), 2) == lay["overlap_m2"]
            assert round(sum(lay["by_class_hectares"].values()), 4) == lay["hectares"]
    statuses = {v["status"] for v in p["verdicts"]}
    assert statuses <= {"pass", "warning", "conflict"}
    assert {s["name"] for s in d["sources"]} and all(len(s["sha256"]) == 64 for s in d["sources"])


def test_verdicts_of_the_sample_county(county_dir):
    r = {p.id: p for p in check_files(county_dir / "redlines.txt", county_dir / "profile.toml").parcels}
    assert r["HX2026001"].status == "pass"
    hx2 = {v.rule.split(":")[0]: v for v in r["HX2026002"].verdicts if v.status == "conflict"}
    assert {"farmland", "forest", "approved", "planning"} <= set(hx2)
    assert "JAAA20250001" in hx2["approved"].reason
    # reports print the Chinese reason; every verdict has one
    assert "JAAA20250001" in hx2["approved"].reason_zh
    assert hx2["farmland"].text().startswith("占用永久基本农田")
    assert all(v.reason_zh for p in r.values() for v in p.verdicts)
    eco = next(v for v in r["HX2026003"].verdicts if v.rule.startswith("ecology"))
    assert eco.status == "conflict"


def _single_layer_profile(path, role="ecology", **kw) -> Profile:
    return Profile([LayerSpec(name="L", path=str(path), role=role, **kw)], [])


def _parcel():
    g = shapely.box(38_457_000, 3_347_000, 38_458_000, 3_348_000)
    return CheckParcel("P", "p", g)


def test_layer_in_geographic_cgcs2000_and_another_zone(county_dir, tmp_path):
    base = county_dir / "ecology.gpkg"
    ref_spec = _single_layer_profile(base).layers[0]
    ref = run_check([_parcel()], CRS, [prepare_layer(ref_spec, OgrSource(ref_spec), CRS)],
                    Profile([ref_spec], [])).parcels[0].layers[0].overlap_m2
    assert ref > 1000
    for target in ("EPSG:4490", "EPSG:4527"):
        out = tmp_path / f"eco_{target[5:]}.gpkg"
        convert_file(base, out, target, bend_tolerance_m=0.0001)
        spec = _single_layer_profile(out).layers[0]
        got = run_check([_parcel()], CRS, [prepare_layer(spec, OgrSource(spec), CRS)],
                        Profile([spec], [])).parcels[0].layers[0].overlap_m2
        assert got == pytest.approx(ref, rel=1e-4)


def test_legacy_layer_needs_parameters(county_dir, tmp_path):
    params = county_dir / "true_params.json"
    inverse = json.loads(params.read_text())
    legacy = tmp_path / "eco_x80.gpkg"
    with fiona.open(county_dir / "ecology.gpkg") as src, fiona.open(
            legacy, "w", driver="GPKG", crs="EPSG:2362", schema=src.schema) as dst:
        dst.writerecords(src)  # same numbers, declared Xian 1980
    spec = _single_layer_profile(legacy).layers[0]
    with pytest.raises(CrsError, match="add params"):
        prepare_layer(spec, OgrSource(spec), CRS)
    spec.params = str(params)
    layer = prepare_layer(spec, OgrSource(spec), CRS)
    assert layer.to_check is not None and inverse["model"] == "bursa_wolf"
    run_check([_parcel()], CRS, [layer], Profile([spec], []))


def test_only_features_near_the_parcel_are_read(county_dir):
    spec = LayerSpec(name="forest", path=str(county_dir / "forest.gpkg"), role="forest",
                     class_field="BH_DJ")
    source = OgrSource(spec)
    seen = []
    original = source.features_in

    def counting(bounds):
        for item in original(bounds):
            seen.append(item[0])
            yield item

    source.features_in = counting
    small = CheckParcel("S", "", shapely.box(38_460_100, 3_345_100, 38_460_300, 3_345_300))
    run_check([small], CRS, [prepare_layer(spec, source, CRS)], Profile([spec], []))
    with fiona.open(county_dir / "forest.gpkg") as f:
        total = len(f)
    assert 0 < len(seen) <= 9 < total


@pytest.mark.parametrize("body,match", [
    ("[[layers]]\nname='a'\npath='ecology.gpkg'\nrole='swamp'\n", "role 'swamp'"),
    ("[[layers]]\nname='a'\npath='missing.gpkg'\nrole='ecology'\n", "does not exist"),
    ("[[layers]]\nname='a'\npath='ecology.gpkg'\nrole='ecology'\ncolour='red'\n", "unknown key"),
    ("layers = 3\n", "at least one"),
    ("[[layers]\n", "not valid TOML"),
])
def test_profile_errors(county_dir, body, match):
    p = county_dir / "bad.toml"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(RedlineFormatError, match=match):
        load_profile(p)


def test_missing_class_field_is_named(county_dir):
    spec = LayerSpec(name="planning", path=str(county_dir / "planning.gpkg"), role="planning",
                     class_field="DLBM")
    with pytest.raises(RedlineFormatError, match="no field 'DLBM'"):
        OgrSource(spec)


def test_cancel_stops_between_layers(county_dir):
    """The overlay runs layer by layer over all parcels; cancelling stops before the next
    layer and says the result is incomplete."""
    profile = load_profile(county_dir / "profile.toml")
    calls = []
    result = check_files(county_dir / "redlines.txt", county_dir / "profile.toml",
                         is_canceled=lambda: len(calls) > 0,
                         progress=lambda pct, what: calls.append(pct))
    assert result.canceled and len(calls) == 1
    assert all(len(p.layers) == 1 < len(profile.layers) for p in result.parcels)


def test_parcels_must_be_in_a_cgcs2000_zone(county_dir, tmp_path):
    x80 = tmp_path / "x80.gpkg"
    with fiona.open(x80, "w", driver="GPKG", crs="EPSG:2362",
                    schema={"geometry": "Polygon", "properties": {"number": "str"}}) as dst:
        dst.write({"geometry": mapping(shapely.box(38_457_000, 3_347_000, 38_457_100,
                                                   3_347_100)), "properties": {"number": "A"}})
    with pytest.raises(CrsError, match="CGCS2000 Gauss-Kruger zone"):
        check_files(x80, county_dir / "profile.toml")


def test_cli_exit_codes_and_outputs(county_dir, tmp_path, capsys):
    out = tmp_path / "r.json"
    html = tmp_path / "r.html"
    code = redline(["check", "--parcels", str(county_dir / "redlines.txt"), "--profile",
                    str(county_dir / "profile.toml"), "--json", str(out), "--html", str(html)])
    assert code == 1
    assert json.loads(out.read_text())["parcels"][0]["status"] == "pass"
    text = html.read_text()
    assert "<svg" in text and "HX2026003" in text and "界址点成果表" in text
    empty = tmp_path / "empty.txt"
    empty.write_text("[属性描述]\n带号=38\n[地块坐标]\n", encoding="utf-8")
    bad_json = tmp_path / "bad.json"
    code = redline(["check", "--parcels", str(empty), "--profile",
                    str(county_dir / "profile.toml"), "--json", str(bad_json)])
    assert code == 2 and "holds no parcel" in capsys.readouterr().err
    assert not bad_json.exists()
    code = redline(["check", "--parcels", str(county_dir / "redlines.txt"), "--profile",
                    str(county_dir / "profile.toml"), "--use", "工业用地", "--json",
                    str(tmp_path / "u.json")])
    assert code == 1
