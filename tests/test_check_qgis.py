"""The check inside QGIS: the Processing algorithm against QGIS's own overlap analysis, and the
PDF report rendered and looked at (pages with ink, the map drawn)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from qgis.core import QgsProject, QgsVectorLayer


@pytest.fixture()
def county_dir(county, tmp_path):
    d = tmp_path / "county"
    shutil.copytree(county["profile"].parent, d)
    return d


def test_agrees_with_native_overlap_analysis(provider, county_dir, tmp_path):
    import processing

    QgsProject.instance().setEllipsoid("NONE")  # planar, as the check measures
    parcels = processing.run("redline:importredline", {
        "INPUT": str(county_dir / "redlines.txt"), "OUTPUT": str(tmp_path / "rl.gpkg")})["OUTPUT"]
    names = ["planning", "ecology", "farmland", "urban_boundary", "forest", "approved"]
    overlays = [str(county_dir / f"{n}.gpkg") for n in names]
    native = processing.run("native:calculatevectoroverlaps", {
        "INPUT": parcels, "LAYERS": overlays, "OUTPUT": "memory:"})["OUTPUT"]
    res = processing.run("redline:compliancecheck", {
        "PARCELS": parcels, "ID_FIELD": "number", "PROFILE": str(county_dir / "profile.toml"),
        "OUTPUT": "memory:", "JSON": str(tmp_path / "r.json")})
    ours = {p["id"]: p for p in json.loads((tmp_path / "r.json").read_text())["parcels"]}
    fields = native.fields().names()
    compared = 0
    for f in native.getFeatures():
        mine = ours[f["number"]]
        for n, layer in zip(names, mine["layers"], strict=True):
            col = next(c for c in fields if c.startswith(n) and c.endswith("_area"))
            assert layer["overlap_m2"] == pytest.approx(f[col], abs=0.05), (n, f["number"])
            compared += 1
    assert compared == 18 and res["CONFLICTS"] == 2


def test_pdf_report_is_drawn(provider, county_dir, tmp_path):
    import processing

    parcels = processing.run("redline:importredline", {
        "INPUT": str(county_dir / "redlines.txt"), "OUTPUT": "memory:"})["OUTPUT"]
    pdf = tmp_path / "report.pdf"
    res = processing.run("redline:compliancecheck", {
        "PARCELS": parcels, "ID_FIELD": "number", "NAME_FIELD": "name", "USE": "工业用地",
        "PROFILE": str(county_dir / "profile.toml"), "OUTPUT": "memory:", "PDF": str(pdf)})
    assert res["PDF"] == str(pdf) and pdf.stat().st_size > 10_000
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "Pages:          4" in info.stdout or "Pages:           4" in info.stdout
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", "1", "-l", "1", str(pdf),
                    str(tmp_path / "page")], check=True)
    from qgis.PyQt.QtGui import QImage

    image = QImage(str(next(tmp_path.glob("page*.png"))))
    # the map frame (left half) is drawn: red line and coloured layers, not a blank frame
    colours = {image.pixelColor(x, y).name() for x in range(20, image.width() // 2, 3)
               for y in range(40, image.height() - 40, 3)}
    assert len(colours) > 20
    red = [c for c in colours if int(c[1:3], 16) > 180 and int(c[3:5], 16) < 80]
    assert red


def test_qgis_layer_sources(provider, county_dir, tmp_path):
    """Profile entries can name layers of the open project (any provider)."""
    import processing

    layer = QgsVectorLayer(str(county_dir / "ecology.gpkg"), "eco in project", "ogr")
    QgsProject.instance().addMapLayer(layer)
    profile = tmp_path / "p.toml"
    profile.write_text("[[layers]]\nname = 'eco'\npath = 'layer:eco in project'\n"
                       "role = 'ecology'\n", encoding="utf-8")
    parcels = processing.run("redline:importredline", {
        "INPUT": str(county_dir / "redlines.txt"), "OUTPUT": "memory:"})["OUTPUT"]
    res = processing.run("redline:compliancecheck", {
        "PARCELS": parcels, "ID_FIELD": "number", "PROFILE": str(profile),
        "OUTPUT": "memory:", "JSON": str(tmp_path / "r.json"), "PDF": str(tmp_path / "r.pdf")})
    assert (tmp_path / "r.pdf").stat().st_size > 10_000  # the report draws the project layer too
    assert QgsProject.instance().mapLayer(layer.id()) is layer
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["parcels"][2]["layers"][0]["overlap_m2"] == pytest.approx(2018.03, abs=0.01)
    assert res["CONFLICTS"] == 1
    QgsProject.instance().removeMapLayer(layer.id())


def test_cli_check_writes_the_pdf_report(county_dir, tmp_path, capsys):
    from redline_approval.cli.main import main as redline

    pdf = tmp_path / "cli.pdf"
    code = redline(["check", "--parcels", str(county_dir / "redlines.txt"), "--profile",
                    str(county_dir / "profile.toml"), "--report", str(pdf)])
    assert code == 1 and pdf.stat().st_size > 10_000
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert "Pages:" in info.stdout
    assert "HX2026003" in capsys.readouterr().out
