"""The officers' plugin through real QGIS widgets: the dock, the map tool, the two-way link,
red lines into a case, geometry edits, the check task, the layout, queries, statistics."""

from __future__ import annotations

import json
import time

import pytest
import redline_approval
import shapely
from qgis.core import (
    QgsApplication,
    QgsCoordinateReferenceSystem,
    QgsGeometry,
    QgsLayoutExporter,
    QgsPointXY,
    QgsProject,
    QgsRectangle,
)
from qgis.gui import QgsMapMouseEvent
from qgis.PyQt.QtCore import QEvent, QPoint, QSize, Qt
from qgis.PyQt.QtWidgets import QApplication, QDialogButtonBox, QRadioButton
from redline_approval.plugin import settings
from redline_approval.scripts.demo_store import build


@pytest.fixture()
def plugin(main_window_iface, county, tmp_path):
    store_path = tmp_path / "cases.gpkg"
    build(store_path, county["redlines"]).close()
    settings.put("store_path", "")
    settings.put("profile", str(county["profile"]))
    p = redline_approval.classFactory(main_window_iface)
    p.initGui()
    canvas = main_window_iface.canvas
    main_window_iface.window.resize(1400, 900)
    main_window_iface.window.show()  # the canvas takes its real size (offscreen platform)
    QApplication.processEvents()
    canvas.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:4526"))
    p.open_store(str(store_path))
    canvas.setLayers([p.workspace.parcels_layer])
    canvas.setExtent(p.workspace.parcels_layer.extent())
    yield p
    p.unload()
    QgsProject.instance().clear()


def _click(canvas, tool, map_point):
    pixel = canvas.getCoordinateTransform().transform(map_point)
    event = QgsMapMouseEvent(canvas, QEvent.Type.MouseButtonRelease,
                             QPoint(int(pixel.x()), int(pixel.y())), Qt.MouseButton.LeftButton)
    tool.canvasReleaseEvent(event)


def test_dock_lists_cases_with_deadline_marks(plugin):
    model = plugin.dock.model
    assert model.rowCount() == 5
    row = model.row_of("JAXZ20260003")
    deadline = model.index(row, 4)
    assert model.data(deadline, Qt.ItemDataRole.BackgroundRole).color().red() > 200
    plugin.dock.search.setText("物流")
    assert plugin.dock.proxy.rowCount() == 1


def test_case_list_to_map(plugin):
    dock, ws = plugin.dock, plugin.workspace
    row = dock.proxy.mapFromSource(dock.model.index(dock.model.row_of("JAGD20260002"), 0))
    dock.table.selectRow(row.row())
    assert ws.current == "JAGD20260002" and dock.number == "JAGD20260002"
    fids = set(ws.case_fids("JAGD20260002"))
    assert set(ws.parcels_layer.selectedFeatureIds()) == fids
    parcel_box = ws.parcels_layer.getFeature(fids.pop()).geometry().boundingBox()
    assert plugin.iface.canvas.extent().contains(parcel_box)
    assert ws.band.numberOfVertices() > 0
    assert "JAGD20260002" in dock.header.text()


def test_map_click_opens_case_form(plugin):
    ws = plugin.workspace
    target = ws.parcels_layer.getFeature(ws.case_fids("JAXZ20260003")[0])
    centre = target.geometry().pointOnSurface().asPoint()
    plugin.dock.identify_button.setChecked(True)
    assert plugin.iface.canvas.mapTool() is plugin.tools["identify"]
    _click(plugin.iface.canvas, plugin.tools["identify"], QgsPointXY(centre))
    assert plugin.dock.number == "JAXZ20260003"
    assert plugin.dock.forms["application"].widgets["project_name"].text().startswith("青山")


def test_attribute_table_selection_selects_the_case(plugin):
    ws = plugin.workspace
    ws.parcels_layer.selectByIds(ws.case_fids("JAAA20260001"))
    assert plugin.dock.number == "JAAA20260001"
    selected = plugin.dock.table.selectionModel().selectedRows()
    assert plugin.dock.proxy.data(selected[0], Qt.ItemDataRole.UserRole) == "JAAA20260001"


def test_geometry_edit_updates_areas_and_flags_mismatch(plugin):
    ws = plugin.workspace
    plugin.dock.show_case("JAXZ20260003")
    fid = ws.case_fids("JAXZ20260003")[0]
    layer = ws.parcels_layer
    layer.startEditing()
    shrunk = QgsGeometry.fromRect(QgsRectangle(38457300, 3346000, 38457500, 3346200))
    layer.changeGeometry(fid, shrunk)
    assert layer.commitChanges()
    p = ws.store.parcels("JAXZ20260003")[0]
    assert p.planar_area_m2 == pytest.approx(40_000.0)
    assert "40,000.00" in plugin.dock.parcel_table.item(0, 3).text()
    assert "form" in plugin.dock.area_flag.text()
    assert any(o["kind"] == "parcels" for o in ws.store.outbox_for("JAXZ20260003"))


def test_import_redline_into_case_with_findings(plugin, tmp_path):
    bad = tmp_path / "bowtie.txt"
    bad.write_text("[属性描述]\n带号=38\n[地块坐标]\n4,,A,,面,,,,@\nJ1,1,3343000,38461000\n"
                   "J2,1,3343100,38461100\nJ3,1,3343000,38461100\nJ4,1,3343100,38461000\n",
                   encoding="utf-8")
    findings = plugin.workspace.import_redline("JALD20260004", str(bad))
    plugin.dock.show_findings(findings)
    assert any(f.code == "SELF_INTERSECTION" for f in findings)
    text = plugin.dock.findings.item(0).text()
    assert plugin.workspace.markers and ("crosses itself" in text or "边界自相交" in text)
    assert "SELF_INTERSECTION" in {f.code for f in plugin.workspace.findings_of("JALD20260004")}
    assert plugin.dock.parcel_table.rowCount() == 1
    assert plugin.dock.parcel_table.item(0, 7).text() in ("NO", "否")


def test_drawn_red_line(plugin):
    canvas = plugin.iface.canvas
    plugin.dock.show_case("JAAA20260005")
    tool = plugin.tools["draw"]
    canvas.setExtent(QgsRectangle(38460950, 3343950, 38461250, 3344200))  # clicks hit pixels
    canvas.setMapTool(tool)
    for x, y in ((38461000, 3344000), (38461200, 3344000), (38461200, 3344150)):
        _click(canvas, tool, QgsPointXY(x, y))
    tool._finish()
    parcels = plugin.workspace.store.parcels("JAAA20260005")
    assert len(parcels) == 1
    assert parcels[0].planar_area_m2 == pytest.approx(200 * 150 / 2, rel=0.01)


def test_check_task_in_the_background(plugin, tmp_path):
    from redline_approval.plugin.check_task import CheckTask

    done = []
    task = CheckTask(plugin.workspace.store, ["JAGD20260002"], settings.get("profile"),
                     str(tmp_path / "out"), done.append)
    QgsApplication.taskManager().addTask(task)
    deadline = time.monotonic() + 120
    while not done and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)
    assert done and task.result is not None, task.error
    data = json.loads((tmp_path / "out" / "check.json").read_text())
    assert data["parcels"][0]["status"] == "conflict"
    assert (tmp_path / "out" / "check.pdf").stat().st_size > 10_000
    names = [layer.name() for layer in QgsProject.instance().mapLayers().values()]
    assert names.count(task.layer_name()) == 1


def test_cancel_check_task(plugin, tmp_path):
    from redline_approval.plugin.check_task import CheckTask

    task = CheckTask(plugin.workspace.store, ["JAGD20260002", "JAXZ20260003"],
                     settings.get("profile"), str(tmp_path / "c"))
    task.cancel()
    assert task.run() is False and not (tmp_path / "c" / "check.json").exists()


def test_case_layout_renders(plugin, tmp_path):
    plugin.make_layout("JAAA20260001")
    layout = plugin.iface.opened_layouts[-1]
    assert "JAAA20260001" in layout.name()
    pdf = tmp_path / "layout.pdf"
    assert QgsLayoutExporter(layout).exportToPdf(str(pdf), QgsLayoutExporter.PdfExportSettings()) \
        == QgsLayoutExporter.Success
    image = QgsLayoutExporter(layout).renderPageToImage(0, QSize(), 40)
    colours = {image.pixelColor(x, y).name() for x in range(0, image.width(), 4)
               for y in range(0, image.height(), 4)}
    assert len(colours) > 10 and pdf.stat().st_size > 5_000


def test_query_panel(plugin, tmp_path):
    q = plugin.query
    q.applicant.setText("物流")
    assert [r["number"] for r in q.run()] == ["JAGD20260002"]
    q.applicant.clear()
    q.area_min.setValue(300_000)
    assert [r["number"] for r in q.run()] == ["JAXZ20260003"]
    q.area_min.setValue(0)
    q.overdue.setCurrentIndex(1)
    assert [r["number"] for r in q.run()] == ["JAXZ20260003"]
    q.overdue.setCurrentIndex(0)
    ws = plugin.workspace
    box = ws.parcels_layer.getFeature(ws.case_fids("JAAA20260001")[0]).geometry().boundingBox()
    plugin.iface.canvas.setExtent(box)
    q.spatial.setCurrentIndex(1)  # the map extent
    assert "JAAA20260001" in [r["number"] for r in q.run()]
    q.select_on_map()
    assert set(ws.parcels_layer.selectedFeatureIds()) >= set(ws.case_fids("JAAA20260001"))
    q.export_csv(str(tmp_path / "q.csv"))
    q.export_gpkg(str(tmp_path / "q.gpkg"))
    assert "JAAA20260001" in (tmp_path / "q.csv").read_text(encoding="utf-8-sig")
    import fiona

    with fiona.open(tmp_path / "q.gpkg") as f:
        assert len(f) >= 1


def test_stats_panel(plugin):
    stats = plugin.stats.refresh()
    assert stats["total"] == 5 and stats["deadline"]["overdue"] == 1
    assert len(plugin.stats.stage_chart.items) == 5


def test_forms_and_opinions_queue_for_sync(plugin):
    dock = plugin.dock
    dock.show_case("JAAA20260005")
    dock.forms["application"].widgets["project_name"].setText("绿城花园")
    dock.forms["indicator"].widgets["green_ratio_pct"].setValue(35)
    dock.save_forms()
    case = plugin.workspace.store.get_case("JAAA20260005")
    assert case["forms"]["application"]["project_name"] == "绿城花园"
    assert case["forms"]["indicator"]["green_ratio_pct"] == 35
    dock.opinion_text.setPlainText("同意")
    dock.signed.setChecked(True)
    dock.add_opinion()
    kinds = [o["kind"] for o in plugin.workspace.store.outbox_for("JAAA20260005")]
    assert kinds == ["patch", "opinion"]
    assert "↑" in dock.model.data(dock.model.index(dock.model.row_of("JAAA20260005"), 0))


def test_conflict_dialog_choices(plugin):
    from redline_approval.plugin.dialogs import ConflictDialog

    view = {"number": "X", "fields": [
        {"field": "applicant", "base": "O", "mine": "A", "theirs": "B"}],
        "redline": "conflict", "base_parcels": [], "mine_parcels": [{"number": "1"}],
        "theirs_parcels": []}
    d = ConflictDialog(view)
    ok = d.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()  # nothing preselected: no default throws an edit away
    d.findChild(QRadioButton, "mine_applicant").click()
    assert not ok.isEnabled()
    d.findChild(QRadioButton, "mine_geometry").click()
    assert ok.isEnabled()
    fields, geometry = d.choices()
    assert fields == {"applicant": "mine"} and geometry == "mine"


def test_new_case_offline(plugin):
    store = plugin.workspace.store
    number = store.create_local_case("AA", "JA", "新申请人")
    plugin.workspace.refresh()
    assert plugin.dock.model.row_of(number) >= 0
    assert shapely is not None


def test_forms_follow_the_business_type_schema(plugin):
    from redline_approval.core.approval.business_types import DEFAULT_BUSINESS_TYPES

    custom = [dict(b) for b in DEFAULT_BUSINESS_TYPES]
    custom[5] = dict(custom[5], forms=dict(custom[5]["forms"], indicator={
        "type": "object", "properties": {"forest_area_m2": {"type": "number", "minimum": 0}}}))
    assert custom[5]["code"] == "LD"
    plugin.workspace.store.set_state("business_types", custom)
    plugin.dock.show_case("JALD20260004")
    assert list(plugin.dock.forms["indicator"].widgets) == ["forest_area_m2"]
    assert plugin.dock.tabs.tabText(plugin.dock.form_tabs["indicator"]) in ("Indicators", "指标表")
    plugin.dock.show_case("JAAA20260001")
    assert "floor_area_ratio" in plugin.dock.forms["indicator"].widgets
