"""What the check gives beyond gross areas: net areas by 扣除系数 against a plain computation,
the workbook read back against the JSON, refusals of invalid red lines, the GeoPackage fast
path against OGR, and the overlap audit (overlapping features counted once, cache by file)."""

from __future__ import annotations

import itertools
import json
import shutil

import fiona
import numpy as np
import openpyxl
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from redline_approval.cli.main import main as redline
from redline_approval.core.check.engine import CheckParcel
from redline_approval.core.check.overlay import group_pairs
from redline_approval.core.check.profile import LayerSpec, Profile, load_profile
from redline_approval.core.check.report_xlsx import write_workbook
from redline_approval.core.check.run import check_files, check_with_profile
from redline_approval.core.check.sources import OgrSource
from redline_approval.core.errors import InvalidRedlineError
from redline_approval.core.geodesy.transforms import parse_crs
from redline_approval.core.redline.coordfile import (
    CoordinateDocument,
    write_coordinate_file,
)
from redline_approval.core.redline.model import parcel_from_rings
from shapely.geometry import box, mapping, shape

CRS = parse_crs("EPSG:4526")
E0, N0 = 38_455_000.0, 3_338_000.0


@pytest.fixture()
def county_dir(county, tmp_path):
    d = tmp_path / "county"
    shutil.copytree(county["profile"].parent, d)
    return d


def _net_independent(parcel, path, field):
    """Σ over features of area(parcel ∩ feature) × (1 − coefficient), plain shapely."""
    gross = net = 0.0
    with fiona.open(path) as src:
        for f in src:
            a = parcel.intersection(shape(f.geometry)).area
            gross += a
            net += a * (1.0 - float(f.properties[field] or 0.0))
    return gross, net


def test_net_areas_by_deduction_coefficient(county_dir):
    result = check_files(county_dir / "redlines.txt", county_dir / "profile.toml")
    farmland = next(s for s in load_profile(county_dir / "profile.toml").layers
                    if s.role == "farmland")
    hit = 0
    for p in result.parcels:
        layer = next(lay for lay in p.layers if lay.role == "farmland")
        gross, net = _net_independent(p.geometry, farmland.path, "KCXS")
        assert layer.overlap_m2 == pytest.approx(gross, abs=0.01)
        assert layer.net_overlap_m2 == pytest.approx(net, abs=0.01)
        assert layer.net_overlap_m2 <= layer.overlap_m2
        hit += gross > 0
        d = layer.to_dict()
        assert d["net_overlap_m2"] == round(layer.net_overlap_m2, 2)
    assert hit >= 1  # the sample county's HX2026002 takes basic farmland


def test_workbook_holds_the_json_figures(county_dir, tmp_path):
    result = check_files(county_dir / "redlines.txt", county_dir / "profile.toml")
    d = result.to_dict()
    path = tmp_path / "check.xlsx"
    write_workbook(result, path)
    book = openpyxl.load_workbook(path, read_only=True)
    layers = d["parcels"][0]["layers"]
    assert book.sheetnames == ["汇总"] + [lay["name"] for lay in layers]
    rows = list(book["汇总"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:6] == ("地块编号", "地块名称", "地块用途", "面积(平方米)", "面积(公顷)",
                          "面积(亩)")
    for row, p in zip(rows[1:], d["parcels"], strict=True):
        got = dict(zip(header, row, strict=True))
        assert (got["地块编号"], got["面积(平方米)"], got["面积(公顷)"], got["面积(亩)"]) == \
            (p["id"], p["area_m2"], p["hectares"], p["mu"])
        for lay in p["layers"]:
            assert got[f"{lay['name']}占用(平方米)"] == lay["overlap_m2"]
            if "net_overlap_m2" in lay:
                assert got[f"{lay['name']}扣除后(平方米)"] == lay["net_overlap_m2"]
        assert got["结论"] == {"pass": "通过", "warning": "提示", "conflict": "冲突"}[p["status"]]
    for k, name in enumerate(lay["name"] for lay in layers):
        sheet = list(book[name].iter_rows(values_only=True))
        head = sheet[0]
        by_parcel: dict[str, list[dict]] = {}
        for row in sheet[1:]:
            by_parcel.setdefault(row[0], []).append(dict(zip(head, row, strict=True)))
        for p in d["parcels"]:
            lay = p["layers"][k]
            got = by_parcel[p["id"]]
            classes = {r["分类"]: r["占用(平方米)"] for r in got if r["行类型"] == "分类"}
            assert classes == lay["by_class"]
            features = [r for r in got if r["行类型"] == "要素"]
            assert [r["要素"] for r in features] == [f["id"] for f in lay["features"]]
            for r, f in zip(features, lay["features"], strict=True):
                assert r["占用(平方米)"] == f["overlap_m2"]
                if "net_overlap_m2" in lay:
                    assert r["扣除后(平方米)"] == f["net_m2"]
                    assert r["扣除系数"] == f["coefficient"]
            total = next(r for r in got if r["行类型"] == "合计")
            assert (total["占用(平方米)"], total["占用(公顷)"], total["占用(亩)"]) == \
                (lay["overlap_m2"], lay["hectares"], lay["mu"])
            if "net_overlap_m2" in lay:
                assert total["扣除后(平方米)"] == lay["net_overlap_m2"]
    planning = list(book["国土空间规划"].iter_rows(values_only=True))
    assert ("10", "工矿用地") in {(r[2], r[3]) for r in planning[1:]}
    farmland = list(book["永久基本农田"].iter_rows(values_only=True))
    assert "TBBH" in farmland[0] and "NT001" in {r[farmland[0].index("TBBH")] for r in farmland}
    # the units' decimals as number formats: 公顷 4, m² and 亩 2, coefficients 4
    full = openpyxl.load_workbook(path)["永久基本农田"]
    formats = {full.cell(1, c).value: full.cell(3, c).number_format
               for c in range(1, full.max_column + 1)}
    assert formats["占用(公顷)"] == "#,##0.0000" and formats["占用(平方米)"] == "#,##0.00"
    assert formats["扣除系数"] == "0.0000"


def _bowtie_file(path):
    good = parcel_from_rings("A1", "好地块", [[(E0 + 100, N0 + 100), (E0 + 300, N0 + 100),
                                             (E0 + 300, N0 + 300), (E0 + 100, N0 + 300)]])
    bad = parcel_from_rings("A2", "自相交", [[(E0 + 500, N0 + 500), (E0 + 700, N0 + 700),
                                            (E0 + 700, N0 + 500), (E0 + 500, N0 + 700)]])
    header = {"坐标系": "2000国家大地坐标系", "几度分带": "3", "带号": "38"}
    write_coordinate_file(CoordinateDocument(header, [good, bad]), path, "gbk")


def test_invalid_red_line_is_refused_with_its_findings(county_dir, tmp_path, capsys):
    path = tmp_path / "bad.txt"
    _bowtie_file(path)
    with pytest.raises(InvalidRedlineError) as err:
        check_files(path, county_dir / "profile.toml")
    assert {(f.code, f.parcel) for f in err.value.findings} == {("SELF_INTERSECTION", "A2")}
    out = tmp_path / "r.json"
    code = redline(["check", "--parcels", str(path), "--profile",
                    str(county_dir / "profile.toml"), "--json", str(out)])
    message = capsys.readouterr().err
    assert code == 2 and "A2" in message and "SELF_INTERSECTION" in message
    assert not out.exists()  # nothing half-written


def test_geopackage_fast_path_equals_ogr(county_dir):
    profile = load_profile(county_dir / "profile.toml")
    from redline_approval.core.check.run import parcels_from_file

    parcels, crs = parcels_from_file(county_dir / "redlines.txt")
    fast = check_with_profile(parcels, crs, profile).to_dict()
    slow = check_with_profile(parcels, crs, profile, open_layer=OgrSource).to_dict()
    for a, b in zip(fast["parcels"], slow["parcels"], strict=True):
        assert a == b
    assert [s["sha256"] for s in fast["sources"]] == [s["sha256"] for s in slow["sources"]]


def _layer(path, features, field=None):
    schema = {"geometry": "Polygon", "properties": {"BSM": "str"}
              | ({field: "float"} if field else {})}
    with fiona.open(path, "w", driver="GPKG", crs=CRS.to_wkt(), schema=schema) as dst:
        for i, (g, c) in enumerate(features):
            props = {"BSM": f"F{i}"} | ({field: c} if field else {})
            dst.write({"geometry": mapping(g), "properties": props})


def test_overlapping_features_are_counted_once_and_the_audit_follows_the_file(tmp_path):
    parcel = box(E0, N0, E0 + 100, N0 + 100)
    path = tmp_path / "eco.gpkg"
    # two features overlapping each other by 20 × 100 m inside the parcel
    _layer(path, [(box(E0 - 50, N0, E0 + 60, N0 + 100), 0.1),
                  (box(E0 + 40, N0, E0 + 150, N0 + 100), 0.2)], "KCXS")
    spec = LayerSpec("eco", str(path), "ecology", key_fields=["BSM"], deduction_field="KCXS")
    profile = Profile([spec], [])
    parcels = [CheckParcel("P", "", parcel)]
    for _run in range(2):  # the second run takes the audit from the cache
        layer = check_with_profile(parcels, CRS, profile).parcels[0].layers[0]
        assert layer.overlap_m2 == pytest.approx(10_000.0, abs=1e-6)
        assert layer.net_overlap_m2 == pytest.approx(6000 * 0.9 + 6000 * 0.8, abs=1e-6)
        assert any("overlap each other" in f for f in layer.findings)
    # the same file rewritten so that the features only touch: a fresh audit, areas add up
    _layer(path, [(box(E0 - 50, N0, E0 + 40, N0 + 100), 0.1),
                  (box(E0 + 40, N0, E0 + 150, N0 + 100), 0.2)], "KCXS")
    layer = check_with_profile(parcels, CRS, profile).parcels[0].layers[0]
    assert layer.overlap_m2 == pytest.approx(10_000.0, abs=1e-6)
    assert layer.net_overlap_m2 == pytest.approx(4000 * 0.9 + 6000 * 0.8, abs=1e-6)
    assert not layer.findings


def test_bad_coefficients_and_invalid_features_are_reported(tmp_path):
    parcel = box(E0, N0, E0 + 100, N0 + 100)
    path = tmp_path / "farm.gpkg"
    bowtie = shapely.Polygon([(E0 + 50, N0), (E0 + 150, N0 + 100), (E0 + 150, N0),
                              (E0 + 50, N0 + 100)])
    _layer(path, [(box(E0 - 50, N0, E0 + 20, N0 + 100), 1.5), (bowtie, 0.1)], "KCXS")
    spec = LayerSpec("farm", str(path), "farmland", key_fields=["BSM"],
                     deduction_field="KCXS")
    layer = check_with_profile([CheckParcel("P", "", parcel)], CRS,
                               Profile([spec], [])).parcels[0].layers[0]
    assert layer.repaired == 1
    assert any("F0" in f and "1.5" in f for f in layer.findings)
    # the repaired bow-tie: two triangles meeting at (E0+100, N0+50); the left one, 2 500 m²,
    # lies inside, the right one touches the parcel in that point only
    assert layer.overlap_m2 == pytest.approx(2000.0 + 2500.0, abs=1e-6)
    assert layer.net_overlap_m2 == pytest.approx(2000.0 + 2500.0 * 0.9, abs=1e-6)
    d = layer.to_dict()
    assert d["repaired_features"] == 1 and d["findings"] == layer.findings


def test_cli_writes_the_workbook(county_dir, tmp_path, capsys):
    xlsx, js = tmp_path / "c.xlsx", tmp_path / "c.json"
    code = redline(["check", "--parcels", str(county_dir / "redlines.txt"), "--profile",
                    str(county_dir / "profile.toml"), "--xlsx", str(xlsx), "--json", str(js)])
    assert code == 1
    data = json.loads(js.read_text(encoding="utf-8"))
    rows = list(openpyxl.load_workbook(xlsx, read_only=True)["汇总"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [p["id"] for p in data["parcels"]]
    assert "扣除后" in capsys.readouterr().out  # the summary speaks Chinese by default
    assert np.isfinite([r[3] for r in rows[1:]]).all()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 50), min_size=1, max_size=8), min_size=1, max_size=10))
def test_group_pairs_are_all_pairs_within_each_group(groups):
    members = np.array([m for g in groups for m in g], dtype=np.int64)
    starts = np.cumsum([0] + [len(g) for g in groups])[:-1]
    a, b = group_pairs(members, starts)
    expected = [(x, y) for g in groups for x, y in itertools.combinations(g, 2)]
    assert sorted(zip(a.tolist(), b.tolist(), strict=True)) == sorted(expected)


def test_result_json_is_the_same_with_and_without_orjson(tmp_path, monkeypatch):
    """The check JSON is written by orjson where installed and by the standard library in QGIS's
    own Python: the same values either way."""
    import builtins
    import json

    from redline_approval.core.check.results import CheckResult, LayerOverlap, ParcelResult, result_json

    layer = LayerOverlap("林地", "forest", 1234.5678, 10_000.0, class_field="BH_DJ")
    layer.by_class = {"Ⅰ": 1000.0, "Ⅱ": 234.5678}
    layer.features = [{"id": "7", "overlap_m2": 1e-5, "BH_DJ": "Ⅰ"}]
    result = CheckResult("EPSG:4526", [ParcelResult("P1", "地块一", 10_000.0, None, [layer],
                                                    use="工业用地")], [{"name": "林地"}])
    fast = result_json(result)
    real_import = builtins.__import__

    def no_orjson(name, *args, **kwargs):
        if name == "orjson":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_orjson)
    plain = result_json(result)
    assert json.loads(fast) == json.loads(plain) == result.to_dict()
    assert "地块一".encode() in plain and "地块一".encode() in fast
