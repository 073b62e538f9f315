"""An officer's whole day in the real QGIS widgets: the project cleared, replaced or edited under
the plugin, QGIS in 简体中文 the way its options dialog sets it (``zh-Hans``) with no English word
left on screen, in the legend or in the report, a refused step fixed from the case form, the
check's one layer per case, the layout ready to sign, the small things officers notice."""

from __future__ import annotations

import re
import subprocess

import pytest
import redline_approval
from qgis.core import QgsApplication, QgsLayoutExporter, QgsProject
from qgis.PyQt.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QTableView,
    QTableWidget,
    QTabWidget,
)
from redline_approval.plugin import settings
from redline_approval.scripts.demo_store import build


def _plugin(iface, county, tmp_path, size=(1366, 768)):
    store_path = tmp_path / "cases.gpkg"
    if not store_path.exists():
        build(store_path, county["redlines"]).close()
    settings.put("store_path", "")
    settings.put("profile", str(county["profile"]))
    p = redline_approval.classFactory(iface)
    p.initGui()
    iface.window.resize(*size)
    iface.window.show()
    QApplication.processEvents()
    p.open_store(str(store_path))
    return p


@pytest.fixture()
def plugin(main_window_iface, county, tmp_path):
    p = _plugin(main_window_iface, county, tmp_path)
    yield p
    p.unload()
    QgsProject.instance().clear()


def _wait(predicate, seconds=60):
    import time

    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)
    return predicate()


# --- project life ------------------------------------------------------------------------------
def test_project_new_open_and_hand_removal_keep_the_plugin_working(plugin, tmp_path):
    ws, project = plugin.workspace, QgsProject.instance()
    project.clear()  # Project → New
    assert ws.parcels_layer is None
    assert _wait(lambda: ws.parcels_layer is not None, 5)  # back for the open store
    ws.select_case("JAGD20260002")
    assert set(ws.parcels_layer.selectedFeatureIds())
    path = tmp_path / "other.qgz"
    project.write(str(path))
    project.read(str(path))  # open another project
    assert _wait(lambda: ws.parcels_layer is not None and
                 project.mapLayer(ws.parcels_layer.id()) is not None, 5)
    ws.select_case("JAXZ20260003")
    project.removeMapLayer(ws.parcels_layer.id())  # by hand, in the layers panel
    assert ws.parcels_layer is None
    ws.select_case("JAGD20260002")  # no RuntimeError on a deleted layer
    plugin.dock.show_case("JAGD20260002")
    plugin.open_store(str(ws.store.path))  # reopening brings the layers back
    assert ws.parcels_layer is not None


def test_opening_a_store_does_not_dirty_a_saved_project(main_window_iface, county, tmp_path):
    project = QgsProject.instance()
    project.clear()
    project.write(str(tmp_path / "saved.qgz"))
    assert not project.isDirty()
    p = _plugin(main_window_iface, county, tmp_path)
    try:
        assert not project.isDirty()
    finally:
        p.unload()
        project.clear()


def test_reload_the_plugin_after_a_project_change(main_window_iface, county, tmp_path):
    p = _plugin(main_window_iface, county, tmp_path)
    QgsProject.instance().clear()
    QApplication.processEvents()
    p.unload()  # no error, nothing left behind
    assert not [d for d in main_window_iface.window.findChildren(QTabWidget)
                if d.isVisible() and d.window() is main_window_iface.window and False]
    p = _plugin(main_window_iface, county, tmp_path)
    p.workspace.select_case("JAGD20260002")
    p.unload()
    QgsProject.instance().clear()


# --- Chinese first -----------------------------------------------------------------------------
ALLOWED = {"CGCS", "EPSG", "PDF", "XLSX", "HTML", "JSON", "CSV", "DXF", "SHA", "QGIS",
           "GeoPackage", "WKB", "KCXS", "BSM", "TBBH", "HXMC", "AJBH", "XMMC", "DLBM",
           # user names are data, not words of the interface
           "officer", "reviewer", "leader", "admin"}


def _english(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        plain = re.sub(r"<[^>]+>", " ", text or "")
        plain = re.sub(r"&\w+;", " ", plain)
        plain = re.sub(r"\S*/\S*", " ", plain)  # file paths and URLs are data
        for token in re.findall(r"[A-Za-z0-9_.\-]+", plain):
            if re.fullmatch(r"[A-Za-z]{3,}", token) and token not in ALLOWED:
                found.append(f"{token!r} in {plain.strip()[:60]!r}")
    return found


def _visible_texts(root) -> list[str]:
    out = [root.windowTitle()] if hasattr(root, "windowTitle") else []
    for w in root.findChildren(QLabel):
        if w.isVisibleTo(root):
            out.append(w.text())
    for w in root.findChildren(QAbstractButton):
        if w.isVisibleTo(root):
            out += [w.text(), w.toolTip()]
    for w in root.findChildren(QLineEdit):
        if w.isVisibleTo(root):
            out.append(w.placeholderText())
    for w in root.findChildren(QComboBox):
        if w.isVisibleTo(root):
            out += [w.itemText(i) for i in range(w.count())]
    for w in root.findChildren(QTabWidget):
        out += [w.tabText(i) for i in range(w.count())]
    for w in root.findChildren(QListWidget):
        out += [w.item(i).text() for i in range(w.count())]
    for w in root.findChildren(QTableWidget):
        out += [w.horizontalHeaderItem(i).text() for i in range(w.columnCount())
                if w.horizontalHeaderItem(i)]
    for w in root.findChildren(QTableView):
        model = w.model()
        out += [str(model.headerData(i, 1)) for i in range(model.columnCount())]
    return out


def test_zh_hans_shows_no_english(zh_hans, main_window_iface, county, tmp_path):
    from redline_approval.core.check.report_html import render_html
    from redline_approval.core.check.run import check_files
    from redline_approval.plugin.i18n import plugin_language

    assert plugin_language() == "zh_CN"
    p = _plugin(main_window_iface, county, tmp_path)
    try:
        dock = p.dock
        dock.show()
        p.workspace.select_case("JAGD20260002")
        for tab in range(dock.tabs.count()):
            dock.tabs.setCurrentIndex(tab)
            QApplication.processEvents()
            problems = _english(_visible_texts(dock))
            assert not problems, problems
        for panel in (p.query, p.stats):
            panel.show()
            assert not _english(_visible_texts(panel)), _english(_visible_texts(panel))
        names = [layer.name() for layer in QgsProject.instance().mapLayers().values()]
        group = QgsProject.instance().layerTreeRoot().children()[0].name()
        assert not _english(names + [group]), names + [group]
        assert not _english([a.text() for a in p.actions])
        result = check_files(county["redlines"], county["profile"])
        html = render_html(result, plugin_language())
        assert not _english([html.split("<body>")[1]])[:3]
        from redline_approval.processing_algorithms.result_layers import redline_layers

        _r, _p, overlaps = redline_layers(result, plugin_language())
        labels = [c.label() for c in overlaps.renderer().categories()]
        assert labels == ["冲突", "提示", "通过"]
    finally:
        p.unload()
        QgsProject.instance().clear()


# --- refusals in sight -------------------------------------------------------------------------
def test_a_refused_step_is_shown_and_fixed_from_the_case(plugin, tmp_path):
    store = plugin.workspace.store
    number = "JAAA20260001"
    store.queue_transition(number, "accept")
    op = store.outbox_for(number)[-1]
    store.set_ops([op["op_id"]], "failed", "409 Blocked by rules: required materials missing: "
                                           "申请表, 红线图")
    dock = plugin.dock
    dock.reload()
    dock.show_case(number)
    status = dock.case_status
    assert status.refusals.isVisibleTo(dock) and "申请表" in status.refusal_list.item(0).text()
    row = dock.model.row_of(number)
    assert "✖" in dock.model.data(dock.model.index(row, 0))
    files = []
    for name in ("申请表", "红线图"):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(f"%PDF {name}".encode())
        files.append(str(path))
    assert status.attach(files) == 2
    kinds = [(o["kind"], o["status"]) for o in store.outbox_for(number)]
    assert ("transition", "pending") in kinds and kinds.count(("attachment", "pending")) == 2
    store.set_ops([o["op_id"] for o in store.outbox_for(number)], "failed", "422 …")
    dock.show_case(number)
    status.discard(confirm=False)
    assert not store.outbox_for(number)


def test_sync_summary_counts_refusals_in_chinese():
    from redline_approval.core.sync.engine import SyncReport

    report = SyncReport(pushed=2, pulled=3, failed=["JAAA20260001 (transition: 409 …)"])
    text = report.summary("zh_CN")
    assert "被服务器拒绝 1 项" in text and report.outstanding


# --- one check everywhere, in the dock ---------------------------------------------------------
def test_check_layer_per_case_and_findings_kept_with_the_case(plugin, tmp_path):
    from redline_approval.plugin.check_task import CheckTask

    ws = plugin.workspace
    for _run in range(2):
        done = []
        task = CheckTask(ws.store, ["JAGD20260002"], settings.get("profile"),
                         str(tmp_path / "out"), done.append)
        QgsApplication.taskManager().addTask(task)
        assert _wait(lambda: done)  # noqa: B023
    names = [layer.name() for layer in QgsProject.instance().mapLayers().values()]
    assert names.count(task.layer_name()) == 1  # replaced, not piled up
    plugin.dock.show_case("JAGD20260002")
    assert plugin.dock.case_status.check.isVisibleTo(plugin.dock)
    assert plugin.dock.case_status.report_button.isEnabled()
    # findings of one case do not stay on the map when another is selected
    bad = tmp_path / "bowtie.txt"
    bad.write_text("[属性描述]\n带号=38\n[地块坐标]\n4,,A,,面,,,,@\nJ1,1,3343000,38461000\n"
                   "J2,1,3343100,38461100\nJ3,1,3343000,38461100\nJ4,1,3343100,38461000\n"
                   "J1,1,3343000,38461000\n", encoding="utf-8")
    ws.import_redline("JALD20260004", str(bad))
    assert ws.markers
    ws.select_case("JAGD20260002")
    assert not ws.markers
    ws.select_case("JALD20260004")
    assert ws.markers and ws.findings_of("JALD20260004")


# --- a map ready to sign -----------------------------------------------------------------------
@pytest.mark.parametrize("count,spacing", [(1, 300.0), (3, 2000.0), (12, 6000.0)])
def test_layout_for_1_3_12_parcels(plugin, tmp_path, count, spacing):
    import shapely

    store = plugin.workspace.store
    parcels = [store.measure(f"{k + 1}", f"地块{k + 1}", shapely.box(
        38455000 + (k % 4) * spacing, 3338000 + (k // 4) * spacing,
        38455000 + (k % 4) * spacing + 200, 3338000 + (k // 4) * spacing + 150), None)
        for k in range(count)]
    store.set_parcels("JAAA20260001", parcels)
    plugin.workspace.refresh()
    plugin.make_layout("JAAA20260001")
    layout = plugin.iface.opened_layouts[-1]
    from qgis.core import QgsLayoutItemMap, QgsLayoutItemScaleBar

    bar = next(i for i in layout.items() if isinstance(i, QgsLayoutItemScaleBar))
    grid = next(i for i in layout.items() if isinstance(i, QgsLayoutItemMap)).grid()
    extent = next(i for i in layout.items() if isinstance(i, QgsLayoutItemMap)).extent()
    assert bar.unitsPerSegment() > 0 and bar.units() == 0  # metres
    assert 2 <= extent.width() / grid.intervalX() <= 6  # a handful of lines, labels apart
    pdf = tmp_path / "layout.pdf"
    assert QgsLayoutExporter(layout).exportToPdf(str(pdf), QgsLayoutExporter.PdfExportSettings()) \
        == QgsLayoutExporter.Success
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for k in range(count):
        assert f"JAAA20260001 {k + 1}" in text  # every parcel's point table is printed
    pages = layout.pageCollection().pageCount()
    assert pages >= 2 and (count < 12 or pages >= 3)


# --- small things officers notice --------------------------------------------------------------
def test_replace_asks_first_and_parcels_rename_and_delete(plugin, tmp_path, monkeypatch):
    store = plugin.workspace.store
    number = "JAGD20260002"
    before = [p.number for p in store.parcels(number)]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    plugin.import_redline(number)  # declined: nothing asked for, nothing replaced
    assert [p.number for p in store.parcels(number)] == before
    plugin.dock.show_case(number)
    plugin.dock.rename_parcel(before[0], "A1", "新名称")
    assert ("A1", "新名称") in [(p.number, p.name) for p in store.parcels(number)]
    plugin.dock.delete_parcel("A1", confirm=False)
    assert "A1" not in [p.number for p in store.parcels(number)]
    assert [o["kind"] for o in store.outbox_for(number)][-1] == "parcels"


def test_docks_fit_a_1366x768_screen(plugin):
    window = plugin.iface.window
    for panel in (plugin.dock, plugin.query, plugin.stats):
        panel.show()
    QApplication.processEvents()
    assert window.height() <= 768 and window.width() <= 1366


def test_store_dialogs_and_field_aliases(plugin, monkeypatch):
    from qgis.PyQt.QtWidgets import QFileDialog

    calls = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: calls.append("open") or ("", ""))
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: calls.append("save") or ("", ""))
    plugin.dock.open_button.click()
    plugin.dock.new_store_button.click()
    assert calls == ["open", "save"]
    layer = plugin.workspace.parcels_layer
    assert layer.attributeDisplayName(layer.fields().indexOf("case_number")) != "case_number"


def test_a_step_is_checked_with_the_server_in_the_background(plugin, monkeypatch):
    """The dry run never holds the window: with the server unreachable the click returns at
    once and the step is queued when the background check gives up; a step the server would
    refuse is queued only when the officer says so."""
    import time
    from types import SimpleNamespace

    from qgis.core import QgsApplication as App
    from redline_approval.plugin.sync_task import save_login

    manager = App.authManager()
    if not manager.masterPasswordIsSet():
        assert manager.setMasterPassword("test-master-password", True)
    # a server that takes the connection and says nothing for 1.5 s, then hangs up: the old
    # synchronous dry run held the window that long
    import socket
    import threading

    listener = socket.create_server(("127.0.0.1", 0))
    held = []

    def silent():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            held.append(conn)
            threading.Timer(1.5, conn.close).start()

    threading.Thread(target=silent, daemon=True).start()
    save_login(f"http://127.0.0.1:{listener.getsockname()[1]}", "officer", "s3cret")
    store, number = plugin.workspace.store, "JAGD20260002"

    def steps():
        return [o["payload"]["transition"] for o in store.outbox_for(number)
                if o["kind"] == "transition"]

    before = steps()
    t0 = time.perf_counter()
    plugin.request_step(number, "accept", "")
    assert time.perf_counter() - t0 < 0.5
    plugin.request_step(number, "accept", "")  # a second click while asking: one request
    assert steps() == before  # still asking
    assert _wait(lambda: steps() == [*before, "accept"], 30) and len(held) == 1
    listener.close()

    answers = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: answers.append(a) or QMessageBox.StandardButton.No)
    refused = SimpleNamespace(number=number, transition="submit", reason="",
                              violations=[{"name": "材料齐全", "message": "缺少申请表"}])
    plugin.tasks.append(refused)
    plugin._step_checked(refused)
    assert answers and "缺少申请表" in answers[0][2] and steps() == [*before, "accept"]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    plugin.tasks.append(refused)
    plugin._step_checked(refused)
    assert steps() == [*before, "accept", "submit"]
    settings.put("auth_id", "")
