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


def test_pdf_report_is_drawn(provider, county_dir, tmp_path, zh_hans):
    import processing

    parcels = processing.run("redline:importredline", {
        "INPUT": str(county_dir / "redlines.txt"), "OUTPUT": "memory:"})["OUTPUT"]
    pdf = tmp_path / "report.pdf"
    res = processing.run("redline:compliancecheck", {
        "PARCELS": parcels, "ID_FIELD": "number", "NAME_FIELD": "name", "USE": "工业用地",
        "PROFILE": str(county_dir / "profile.toml"), "OUTPUT": "memory:", "PDF": str(pdf)})
    assert res["PDF"] == str(pdf) and pdf.stat().st_size > 10_000
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(next(line.split()[1] for line in info.stdout.splitlines()
                     if line.startswith("Pages:")))
    assert pages >= 4  # a page per parcel and the summary; tables may flow onto more
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert all(n in text for n in ("HX2026001", "HX2026002", "HX2026003"))
    assert "红线合规性审查报告" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout
    assert "NotoSansCJK" in fonts  # Chinese drawn in a CJK font, not as boxes
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


def _figures(data: dict) -> dict:
    """Per parcel number: status, use and each layer's gross, net and class areas."""
    return {p["id"].split("/")[-1]: (p["status"], p["use"], p["area_m2"],
                                     [(lay["overlap_m2"], lay.get("net_overlap_m2"),
                                       lay["by_class"]) for lay in p["layers"]],
                                     [(v["rule"], v["status"]) for v in p["verdicts"]])
            for p in data["parcels"]}


def test_every_face_gives_the_same_result(provider, county_dir, tmp_path, capsys):
    """The CLI, the Processing algorithm (fields found by the column map) and the plugin's
    background task take one path: the same figures and verdicts, each parcel's own use."""
    import processing
    from redline_approval.cli.main import main as redline
    from redline_approval.core.redline.io import read_parcels
    from redline_approval.core.store.local_store import LocalStore
    from redline_approval.plugin.check_task import CheckTask

    profile = str(county_dir / "profile.toml")
    redline(["check", "--parcels", str(county_dir / "redlines.txt"), "--profile", profile,
             "--json", str(tmp_path / "cli.json")])
    cli = _figures(json.loads((tmp_path / "cli.json").read_text(encoding="utf-8")))
    assert {v[1] for v in cli.values()} == {"工业用地", "仓储用地", "商业用地"}

    layer = processing.run("redline:importredline", {
        "INPUT": str(county_dir / "redlines.txt"), "OUTPUT": str(tmp_path / "rl.gpkg")})["OUTPUT"]
    processing.run("redline:compliancecheck", {
        "PARCELS": layer, "PROFILE": profile, "OUTPUT": "memory:",
        "JSON": str(tmp_path / "proc.json")})
    assert _figures(json.loads((tmp_path / "proc.json").read_text(encoding="utf-8"))) == cli

    store = LocalStore(tmp_path / "store.gpkg")
    number = store.create_local_case("01", "JN", "示范县工业园", forms={})
    source = read_parcels(county_dir / "redlines.txt")
    store.set_parcels(number, [store.measure(p.number, p.name, p.geometry, None, p.use)
                               for p in source.parcels])
    task = CheckTask(store, [number], profile, str(tmp_path / "task"))
    assert task.run(), task.error
    assert _figures(json.loads((tmp_path / "task" / "check.json").read_text("utf-8"))) == cli
    assert (tmp_path / "task" / "check.xlsx").stat().st_size > 5000
    store.close()


def test_plugin_task_refuses_an_invalid_red_line(provider, county_dir, tmp_path):
    import shapely
    from redline_approval.core.store.local_store import LocalStore
    from redline_approval.plugin.check_task import CheckTask

    store = LocalStore(tmp_path / "store.gpkg")
    number = store.create_local_case("01", "JN", "示范县工业园", forms={})
    e, n = 38_460_000.0, 3_343_000.0
    bowtie = shapely.Polygon([(e, n), (e + 200, n + 200), (e + 200, n), (e, n + 200)])
    store.set_parcels(number, [store.measure("1", "", bowtie, None)])
    task = CheckTask(store, [number], str(county_dir / "profile.toml"), str(tmp_path / "t"))
    assert not task.run()
    assert [(f.code, f.parcel) for f in task.findings] == [("SELF_INTERSECTION", "1")]
    assert "cannot be checked" in task.error
    assert not (tmp_path / "t" / "check.json").exists()
    store.close()
