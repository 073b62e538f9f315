"""The plugin object QGIS creates through ``classFactory``: toolbar, menu, docks, map tools,
the Processing provider, and the handlers that connect the dock to ``core``."""

from __future__ import annotations

from pathlib import Path

from qgis.core import Qgis, QgsApplication, QgsProject
from qgis.PyQt.QtCore import QCoreApplication, Qt, QTimer
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QFileDialog, QInputDialog, QLineEdit

from ..core.errors import RedlineError
from ..core.sync.engine import conflict_view, resolve
from ..processing_algorithms.provider import RedlineProvider
from . import settings
from .case_dock import CaseDock
from .i18n import install_translator, plugin_language, remove_translator
from .map_tools import IdentifyCaseTool, PolygonTool
from .resources import icon_path
from .workspace import Workspace

SYNC_MINUTES = 10


def menu_name() -> str:
    return QCoreApplication.translate("RedlineApprovalPlugin", "&RedLine Approval")


class RedlineApprovalPlugin:
    def __init__(self, iface):
        self.iface = iface
        self.actions: list[QAction] = []
        self.toolbar = None
        self.dock: CaseDock | None = None
        self.query = None
        self.stats = None
        self.workspace: Workspace | None = None
        self.provider: RedlineProvider | None = None
        self.translator = None
        self.tools = {}
        self.menu = ""
        self.timer = None
        self.tasks = []  # keep running tasks referenced

    @staticmethod
    def tr(text: str) -> str:
        return QCoreApplication.translate("RedlineApprovalPlugin", text)

    def initProcessing(self) -> None:  # noqa: N802 - QGIS calls this name
        self.provider = RedlineProvider()
        QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802
        self.translator = install_translator()
        self.menu = menu_name()
        self.initProcessing()
        window = self.iface.mainWindow()
        canvas = self.iface.mapCanvas()
        self.toolbar = self.iface.addToolBar(self.tr("RedLine Approval"))
        self.toolbar.setObjectName("RedlineApprovalToolbar")
        self.workspace = Workspace(canvas, window)

        self.dock = CaseDock(window)
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()
        self.dock.set_workspace(self.workspace, self.iface.messageBar())

        from .query_panel import QueryPanel
        from .stats_panel import StatsPanel

        self.query = QueryPanel(self.workspace, canvas, window)
        self.stats = StatsPanel(self.workspace, window)
        for panel in (self.query, self.stats):
            self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, panel)
            panel.hide()

        self.tools["identify"] = IdentifyCaseTool(canvas, self.workspace)
        self.tools["identify"].caseClicked.connect(self._case_clicked)
        self.tools["draw"] = PolygonTool(canvas)
        self.tools["draw"].finished.connect(self._redline_drawn)
        self.tools["query"] = PolygonTool(canvas)
        self.tools["query"].finished.connect(self._query_drawn)

        dock_action = self.dock.toggleViewAction()
        dock_action.setIcon(QIcon(icon_path("icon.png")))
        dock_action.setText(self.tr("Cases"))
        self._add(dock_action)
        for panel, text in ((self.query, self.tr("Query cases")),
                            (self.stats, self.tr("Statistics"))):
            action = panel.toggleViewAction()
            action.setText(text)
            self._add(action, toolbar=False)
        convert = QAction(QIcon(icon_path("convert.svg")), self.tr("Convert coordinates…"),
                          window)
        convert.triggered.connect(lambda: self.open_algorithm("convertcoordinates"))
        self._add(convert)
        for text, algorithm in ((self.tr("Compliance check…"), "compliancecheck"),
                                (self.tr("Fit transformation parameters…"), "fitparameters"),
                                (self.tr("Import red line…"), "importredline"),
                                (self.tr("Validate red line…"), "validateredline")):
            action = QAction(text, window)
            action.triggered.connect(lambda _=False, a=algorithm: self.open_algorithm(a))
            self._add(action, toolbar=False)
        login = QAction(self.tr("Server and login…"), window)
        login.triggered.connect(self.configure_server)
        self._add(login, toolbar=False)
        profile = QAction(self.tr("Check profile…"), window)
        profile.triggered.connect(self.choose_profile)
        self._add(profile, toolbar=False)

        self.dock.openStoreRequested.connect(self.choose_store)
        self.dock.newStoreRequested.connect(self.new_store)
        self.dock.stepRequested.connect(self.request_step)
        self.dock.parcelsEdited.connect(self._parcels_edited)
        self.dock.newCaseRequested.connect(self.new_case)
        self.dock.syncRequested.connect(self.start_sync)
        self.dock.identifyToggled.connect(self._identify_toggled)
        self.dock.importRequested.connect(self.import_redline)
        self.dock.drawRequested.connect(lambda _n: canvas.setMapTool(self.tools["draw"]))
        self.dock.checkRequested.connect(self.run_check)
        self.dock.layoutRequested.connect(self.make_layout)
        self.dock.conflictRequested.connect(self.resolve_conflict)
        self.query.drawRequested.connect(lambda: canvas.setMapTool(self.tools["query"]))

        self.timer = QTimer(window)
        self.timer.setInterval(SYNC_MINUTES * 60 * 1000)
        self.timer.timeout.connect(lambda: self.start_sync(quiet=True))
        self.timer.start()
        # the last store is opened once QGIS has finished starting (it makes a new project
        # after loading plugins, which would drop or question layers added earlier)
        initialized = getattr(self.iface, "initializationCompleted", None)
        if initialized is not None:
            initialized.connect(self._open_last_store)
        self._font_notice()

    def _font_notice(self) -> None:
        """Without a CJK font Chinese shows as boxes on screen and in PDFs: say so, once."""
        from .i18n import cjk_font

        if cjk_font() is None and not settings.get("font_notice_shown"):
            settings.put("font_notice_shown", "1")
            self._message(self.tr("No Chinese font is installed: Chinese text shows as boxes "
                                  "and reports cannot embed it. Install one, e.g. on Debian "
                                  "or Ubuntu: sudo apt install fonts-noto-cjk"), Qgis.Warning, 0)

    def _open_last_store(self) -> None:
        store = settings.get("store_path")
        if store and Path(store).exists() and self.workspace is not None \
                and self.workspace.store is None:
            self.open_store(store)

    def _add(self, action: QAction, toolbar: bool = True) -> None:
        if toolbar:
            self.toolbar.addAction(action)
        self.iface.addPluginToMenu(self.menu, action)
        self.actions.append(action)

    def _message(self, text: str, level=Qgis.Info, seconds: int = 6) -> None:
        self.iface.messageBar().pushMessage(self.tr("RedLine Approval"), text, level, seconds)

    def open_algorithm(self, name: str) -> None:
        # QGIS's own dialog: progress, cancel, batch mode over a folder, history
        import processing

        processing.execAlgorithmDialog(f"redline:{name}", {})

    # --- store and cases -------------------------------------------------------------------------
    def open_store(self, path: str) -> None:
        try:
            self.workspace.open_store(path)
        except (RedlineError, OSError) as exc:
            self._message(str(exc), Qgis.Critical)
            return
        settings.put("store_path", path)
        self.dock.show()

    def choose_store(self) -> None:
        """Open an existing store (an open dialog: nothing is created by mistake)."""
        path, _ = QFileDialog.getOpenFileName(
            self.iface.mainWindow(), self.tr("Open case store"),
            settings.get("store_path", settings.default_store_path()), "GeoPackage (*.gpkg)")
        if path:
            self.open_store(path)

    def new_store(self) -> None:
        """Create a new, empty store (a save dialog)."""
        path, _ = QFileDialog.getSaveFileName(
            self.iface.mainWindow(), self.tr("New case store"),
            settings.default_store_path(), "GeoPackage (*.gpkg)")
        if path:
            if not path.lower().endswith(".gpkg"):
                path += ".gpkg"
            if Path(path).exists():
                self._message(self.tr("{p} exists: open it with Open store…").format(p=path),
                              Qgis.Warning)
                return
            self.open_store(path)

    def new_case(self) -> None:
        from .dialogs import NewCaseDialog

        if self.workspace.store is None:
            self.choose_store()
            if self.workspace.store is None:
                return
        dialog = NewCaseDialog(self.workspace.store.get_state("business_types"),
                               settings.get("district"), self.iface.mainWindow())
        if dialog.exec():
            values = dialog.values()
            settings.put("district", values["district"])
            number = self.workspace.store.create_local_case(**values)
            self.workspace.refresh()
            self.workspace.select_case(number)

    def _case_clicked(self, number: str) -> None:
        self.dock.show()
        self.dock.raise_()
        self.dock.show_case(number)

    def _identify_toggled(self, on: bool) -> None:
        canvas = self.iface.mapCanvas()
        if on:
            canvas.setMapTool(self.tools["identify"])
        elif canvas.mapTool() is self.tools["identify"]:
            canvas.unsetMapTool(self.tools["identify"])

    # --- red line ---------------------------------------------------------------------------------
    def import_redline(self, number: str, path: str | None = None) -> None:
        from qgis.PyQt.QtWidgets import QMessageBox

        existing = self.workspace.store.parcels(number)
        if existing and path is None and QMessageBox.question(
                self.iface.mainWindow(), self.tr("Replace red line"),
                self.tr("Case {n} has a red line of {k} parcel(s). Replace it with the file's?")
                .format(n=number, k=len(existing))) != QMessageBox.StandardButton.Yes:
            return
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self.iface.mainWindow(), self.tr("Red line of {n}").format(n=number), "",
                self.tr("Red lines (*.txt *.dxf *.gpkg *.shp *.geojson)"))
        if not path:
            return
        try:
            findings = self.workspace.import_redline(number, path)
        except RedlineError as exc:
            self._message(str(exc), Qgis.Critical, 0)
            return
        self.dock.show_findings(findings)
        errors = sum(f.severity == "error" for f in findings)
        self._message(self.tr("Red line imported: {n} finding(s), {e} error(s)").format(
            n=len(findings), e=errors), Qgis.Warning if errors else Qgis.Success)

    def _parcels_edited(self, number: str) -> None:
        self.workspace.refresh()
        self.workspace.select_case(number, zoom=False)

    def request_step(self, number: str, name: str, reason: str) -> None:
        """Ask the server in the background what would block the step (dry run), then queue it;
        offline or for a case not yet registered, queue it at once and say the server decides
        at the sync."""
        from .sync_task import StepCheckTask, load_login

        login = load_login()
        if login is None or number.startswith("LOCAL-"):
            self._queue_step(number, name, reason, "unknown")
            return
        if any(isinstance(t, StepCheckTask) and (t.number, t.transition) == (number, name)
               for t in self.tasks):
            return  # already asking
        task = StepCheckTask(*login, number, name, reason, on_done=self._step_checked)
        self.tasks.append(task)
        QgsApplication.taskManager().addTask(task)
        self._message(self.tr("Asking the server whether step {name} of {n} can be taken…")
                      .format(name=self.dock.transition_names().get(name, name), n=number))

    def _step_checked(self, task) -> None:
        from qgis.PyQt.QtWidgets import QMessageBox

        self.tasks.remove(task)
        if self.workspace.store is None:
            return
        if task.violations:
            text = "\n".join(f"• {v['name']}: {v['message']}" for v in task.violations)
            if QMessageBox.question(
                    self.iface.mainWindow(), self.tr("The server would refuse this step"),
                    self.tr("{n}:\n{rules}\n\nQueue it anyway?").format(n=task.number,
                                                                        rules=text)
            ) != QMessageBox.StandardButton.Yes:
                return
        self._queue_step(task.number, task.transition, task.reason,
                         "unknown" if task.violations is None else
                         "blocked" if task.violations else "clear")

    def _queue_step(self, number: str, name: str, reason: str, server: str) -> None:
        """Queue the step; ``server``: what the dry run said (clear, blocked, unknown)."""
        self.workspace.store.queue_transition(number, name, reason)
        names = self.dock.transition_names()
        text = {"clear": self.tr("Step {name} queued; nothing blocks it on the server."),
                "blocked": self.tr("Step {name} queued although the server's rules block it: "
                                   "it will be refused at the sync until they are met."),
                "unknown": self.tr("Step {name} queued; the server checks its rules at the "
                                   "next sync.")}[server]
        self._message(text.format(name=names.get(name, name)),
                      Qgis.Warning if server == "blocked" else Qgis.Info)
        self.dock.reload()

    def _redline_drawn(self, geometry) -> None:
        number = self.dock.number
        if not number:
            self._message(self.tr("Pick a case first"), Qgis.Warning)
            return
        self.workspace.add_drawn_parcel(number, geometry)

    def _query_drawn(self, geometry) -> None:
        self.query.set_drawn(geometry)
        self.query.show()
        self.query.run()

    # --- check and layout -----------------------------------------------------------------------
    def choose_profile(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self.iface.mainWindow(),
                                              self.tr("Check profile"), settings.get("profile"),
                                              self.tr("Check profile (*.toml *.json)"))
        if path:
            settings.put("profile", path)
        return path

    def run_check(self, number: str) -> None:
        from .check_task import CheckTask

        profile = settings.get("profile") or self.choose_profile()
        if not profile or not number:
            return
        out = Path(self.workspace.store.path).parent / "checks" / number
        task = CheckTask(self.workspace.store, [number], profile, str(out), self._check_done)
        self.tasks.append(task)
        QgsApplication.taskManager().addTask(task)
        self._message(self.tr("Compliance check of {n} started").format(n=number))

    def _check_done(self, task) -> None:
        from .case_status import status_names

        self.tasks.remove(task)
        if task.result is None:
            if task.findings:
                for number in task.numbers:
                    self.workspace.set_findings(number, task.findings)
                self.dock.show_findings(task.findings)
                self._message(self.tr("The red line cannot be checked: {n} problem(s), listed "
                                      "under Red line and marked on the map").format(
                    n=len(task.findings)), Qgis.Critical, 0)
            else:
                self._message(task.error or self.tr("Check cancelled"), Qgis.Warning, 0)
            return
        worst = max((p.status for p in task.result.parcels),
                    key=["pass", "warning", "conflict"].index, default="pass")
        level = {"conflict": Qgis.Critical, "warning": Qgis.Warning}.get(worst, Qgis.Success)
        self._message(self.tr("Check finished: {s}. The report and the workbook open from the "
                              "case form.").format(s=status_names()[worst]), level, 0)
        self.dock.reload()

    def make_layout(self, number: str) -> None:
        from .layout_tool import case_layout

        if not number:
            return
        project = QgsProject.instance()
        case = self.workspace.store.get_case(number)
        layers = [self.workspace.parcels_layer] + [
            layer for layer in self.iface.mapCanvas().layers()
            if layer is not self.workspace.parcels_layer]
        layout = case_layout(project, case, self.workspace.store.parcels(number),
                             self.workspace.crs(), layers)
        manager = project.layoutManager()
        old = manager.layoutByName(layout.name())
        if old is not None:
            manager.removeLayout(old)
        manager.addLayout(layout)
        self.iface.openLayoutDesigner(layout)

    # --- sync ---------------------------------------------------------------------------------
    def configure_server(self) -> bool:
        from .sync_task import save_login

        window = self.iface.mainWindow()
        server, ok = QInputDialog.getText(window, self.tr("Approval server"), self.tr("URL"),
                                          text=settings.get("server", "http://127.0.0.1:5000"))
        if not ok:
            return False
        user, ok = QInputDialog.getText(window, self.tr("Approval server"), self.tr("User"))
        if not ok:
            return False
        password, ok = QInputDialog.getText(window, self.tr("Approval server"),
                                            self.tr("Password"), QLineEdit.Password)
        if not ok:
            return False
        save_login(server, user, password)
        return True

    def start_sync(self, quiet: bool = False) -> None:
        from .sync_task import SyncTask, load_login

        if self.workspace.store is None or any(type(t).__name__ == "SyncTask"
                                               for t in self.tasks):
            return
        login = load_login()
        if login is None:
            if quiet or not self.configure_server():
                return
            login = load_login()
        task = SyncTask(str(self.workspace.store.path), *login, on_done=self._sync_done)
        self.tasks.append(task)
        QgsApplication.taskManager().addTask(task)

    def _sync_done(self, task) -> None:
        self.tasks.remove(task)
        self.workspace.refresh()
        if task.error:
            self._message(task.error, Qgis.Warning)
        elif task.report and task.report.outstanding:
            self._message(task.report.summary(plugin_language()), Qgis.Warning, 0)
        elif task.report:
            self._message(task.report.summary(plugin_language()), Qgis.Success)

    def resolve_conflict(self, number: str) -> None:
        from .dialogs import ConflictDialog

        store = self.workspace.store
        dialog = ConflictDialog(conflict_view(store, number), self.iface.mainWindow())
        if dialog.exec():
            fields, geometry = dialog.choices()
            resolve(store, number, fields, geometry)
            self.workspace.refresh()
            self._message(self.tr("Conflict resolved; the result goes to the server at the "
                                  "next sync."), Qgis.Success)

    # --- unload ---------------------------------------------------------------------------------
    def unload(self) -> None:
        for task in self.tasks:
            task.on_done = None  # a task finishing later must not call into an unloaded plugin
        if self.timer is not None:
            self.timer.stop()
            self.timer = None
        canvas = self.iface.mapCanvas()
        for tool in self.tools.values():
            if canvas.mapTool() is tool:
                canvas.unsetMapTool(tool)
            if hasattr(tool, "band"):
                canvas.scene().removeItem(tool.band)
        self.tools.clear()
        for action in self.actions:
            self.iface.removePluginMenu(self.menu, action)
        self.actions.clear()
        if self.toolbar is not None:
            self.toolbar.deleteLater()
            self.toolbar = None
        for panel in (self.dock, self.query, self.stats):
            if panel is not None:
                self.iface.removeDockWidget(panel)
                panel.deleteLater()
        self.dock = self.query = self.stats = None
        if self.workspace is not None:
            self.workspace.unload()
            self.workspace.deleteLater()
            self.workspace = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        remove_translator(self.translator)
        self.translator = None
