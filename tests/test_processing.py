"""The Processing algorithms run as QGIS runs them (processing.run), with real files."""

from __future__ import annotations

import json

import pytest
from qgis.core import QgsProcessingException, QgsVectorLayer


def test_import_redline_with_areas(provider, county, tmp_path):
    import processing

    out = str(tmp_path / "rl.gpkg")
    result = processing.run("redline:importredline", {"INPUT": str(county["redlines"]),
                                                       "OUTPUT": out})
    layer = QgsVectorLayer(result["OUTPUT"], "rl", "ogr")
    assert layer.featureCount() == 3 and layer.crs().authid() == "EPSG:4526"
    f = next(layer.getFeatures())
    assert f["number"] == "HX2026001" and f["holes"] == 1
    assert f["planar_m2"] == pytest.approx(149_700.0)
    assert layer.getFeature(f.id()).geometry().area() == pytest.approx(149_700.0)


def test_validate_and_export(provider, county, tmp_path):
    import processing

    res = processing.run("redline:validateredline", {"INPUT": str(county["redlines"]),
                                                     "OUTPUT": "memory:"})
    assert res["VALID"] is True and res["ERRORS"] == 0
    layer = processing.run("redline:importredline", {"INPUT": str(county["redlines"]),
                                                      "OUTPUT": "memory:"})["OUTPUT"]
    out = tmp_path / "back.txt"
    processing.run("redline:exportcoordinatefile", {"INPUT": layer, "NUMBER_FIELD": "number",
                                                    "NAME_FIELD": "name", "OUTPUT": str(out)})
    text = out.read_bytes().decode("gbk")
    assert "带号=38" in text and "HX2026002" in text and "物流仓储中心" in text


def test_fit_and_convert(provider, county, tmp_path):
    import processing

    params = tmp_path / "p.json"
    res = processing.run("redline:fitparameters", {
        "PAIRS": str(county["common_points"]), "MODEL": 0, "CONVENTION": 0,
        "SOURCE_CRS": "EPSG:2362", "TARGET_CRS": "EPSG:4526", "OUTPUT": str(params)})
    assert res["REJECTED"] == "G05" and res["RMS_M"] < 0.02
    assert json.loads(params.read_text())["model"] == "bursa_wolf"
    out = tmp_path / "pts.csv"
    res = processing.run("redline:convertcoordinates", {
        "INPUT": str(county["xian80_points"]), "SOURCE_CRS": "EPSG:2362", "AUTO_3DEG": True,
        "PARAMETERS": str(params), "OUTPUT": str(out)})
    assert res["TARGET_CRS"] == "EPSG:4526" and res["COUNT"] == 50


def test_bad_input_is_a_processing_error(provider, tmp_path):
    import processing

    bad = tmp_path / "bad.txt"
    bad.write_text("nonsense\n", encoding="utf-8")
    with pytest.raises(QgsProcessingException, match="bad.txt, line 1"):
        processing.run("redline:importredline", {"INPUT": str(bad), "OUTPUT": "memory:"})
