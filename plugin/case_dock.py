"""The case dock officers live in: the searchable case list, the case form with its three
forms, opinions and red line, linked both ways with the map."""

from __future__ import annotations

from qgis.core import Qgis
from qgis.gui import QgsDockWidget
from qgis.PyQt.QtCore import QCoreApplication, QSortFilterProxyModel, Qt, pyqtSignal
from qgis.PyQt.QtGui import QBrush, QColor
from qgis.PyQt.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.approval.business_types import DEFAULT_BUSINESS_TYPES, FORMS
from ..core.approval.workflow import DEFAULT_WORKFLOW
from ..core.redline.finding_text import describe
from ..core.units import area_units
from .case_model import CaseModel
from .case_status import CaseStatus
from .form_widgets import SchemaForm
from .i18n import plugin_language
from .resources import scrollable

AREA_TOLERANCE_M2 = 1.0
AREA_TOLERANCE_REL = 0.001


class CaseDock(QgsDockWidget):
    importRequested = pyqtSignal(str)  # noqa: N815
    drawRequested = pyqtSignal(str)  # noqa: N815
    checkRequested = pyqtSignal(str)  # noqa: N815
    layoutRequested = pyqtSignal(str)  # noqa: N815
    syncRequested = pyqtSignal()  # noqa: N815
    openStoreRequested = pyqtSignal()  # noqa: N815
    newStoreRequested = pyqtSignal()  # noqa: N815
    parcelsEdited = pyqtSignal(str)  # noqa: N815 - renamed or deleted in the table
    stepRequested = pyqtSignal(str, str, str)  # noqa: N815 - case, transition, reason
    newCaseRequested = pyqtSignal()  # noqa: N815
    identifyToggled = pyqtSignal(bool)  # noqa: N815
    conflictRequested = pyqtSignal(str)  # noqa: N815

    def __init__(self, parent=None):
        super().__init__(self.tr("RedLine Approval — Cases"), parent)
        self.setObjectName("RedlineApprovalCaseDock")
        self.workspace = None
        self.message_bar = None
        self.number = ""
        body = QWidget(self)
        outer = QVBoxLayout(body)
        outer.setContentsMargins(4, 4, 4, 4)

        tools = QGridLayout()  # two rows: the dock stays narrow on a 1366×768 screen
        self.open_button = QPushButton(self.tr("Open store…"))
        self.new_store_button = QPushButton(self.tr("New store…"))
        self.new_button = QPushButton(self.tr("New case…"))
        self.sync_button = QPushButton(self.tr("Sync"))
        self.identify_button = QPushButton(self.tr("Pick on map"))
        self.identify_button.setCheckable(True)
        for i, b in enumerate((self.open_button, self.new_store_button, self.sync_button,
                               self.new_button, self.identify_button)):
            tools.addWidget(b, i // 3, i % 3)
        outer.addLayout(tools)
        self.status = QLabel(self.tr("No case store opened yet."))
        self.status.setWordWrap(True)
        self.status.setObjectName("syncStatus")
        outer.addWidget(self.status)

        filters = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search number, applicant, business type…"))
        self.search.setClearButtonEnabled(True)
        self.stage_filter = QComboBox()
        filters.addWidget(self.search, 3)
        filters.addWidget(self.stage_filter, 1)
        outer.addLayout(filters)

        split = QSplitter(Qt.Orientation.Vertical)
        self.model = CaseModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        split.addWidget(self.table)
        split.addWidget(self._form_panel())
        split.setSizes([220, 420])
        outer.addWidget(split, 1)
        body.setMinimumSize(300, 560)  # below that the dock scrolls
        self.setWidget(scrollable(body))

        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.stage_filter.currentIndexChanged.connect(self._stage_filter_changed)
        self.table.selectionModel().selectionChanged.connect(self._table_selection_changed)
        self.open_button.clicked.connect(self.openStoreRequested)
        self.new_store_button.clicked.connect(self.newStoreRequested)
        self.new_button.clicked.connect(self.newCaseRequested)
        self.sync_button.clicked.connect(self.syncRequested)
        self.identify_button.toggled.connect(self.identifyToggled)
        self._set_case_enabled(False)

    def tr(self, text: str) -> str:
        return QCoreApplication.translate("CaseDock", text)

    # --- layout of the form ------------------------------------------------------------------
    def _form_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        self.header = QLabel()
        self.header.setObjectName("caseHeader")
        self.header.setWordWrap(True)
        layout.addWidget(self.header)
        self.conflict_button = QPushButton(self.tr("Resolve conflict…"))
        self.conflict_button.setStyleSheet("color: #b71c1c; font-weight: bold")
        self.conflict_button.hide()
        self.conflict_button.clicked.connect(lambda: self.conflictRequested.emit(self.number))
        layout.addWidget(self.conflict_button)
        self.case_status = CaseStatus()
        self.case_status.changed.connect(self.reload)
        layout.addWidget(self.case_status)
        self.tabs = QTabWidget()
        self.forms: dict[str, SchemaForm] = {}
        self.form_tabs: dict[str, int] = {}
        for name, title in zip(FORMS, (self.tr("Application"), self.tr("Indicators"),
                                        self.tr("Approval")), strict=True):
            form = SchemaForm(DEFAULT_BUSINESS_TYPES[0]["forms"][name])
            self.forms[name] = form
            self.form_tabs[name] = self.tabs.addTab(form, title)
        self.tabs.addTab(self._redline_tab(), self.tr("Red line"))
        self.tabs.addTab(self._opinion_tab(), self.tr("Opinions"))
        layout.addWidget(self.tabs, 1)
        actions = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save forms"))
        self.transition_combo = QComboBox()
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(self.tr("Reason (send back, suspend, extend…)"))
        self.transition_button = QPushButton(self.tr("Apply step"))
        actions.addWidget(self.save_button)
        actions.addWidget(self.transition_combo)
        actions.addWidget(self.reason, 1)
        actions.addWidget(self.transition_button)
        layout.addLayout(actions)
        self.save_button.clicked.connect(self.save_forms)
        self.transition_button.clicked.connect(self.apply_transition)
        return panel

    def _redline_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        buttons = QHBoxLayout()
        self.import_button = QPushButton(self.tr("Import…"))
        self.draw_button = QPushButton(self.tr("Draw"))
        self.check_button = QPushButton(self.tr("Compliance check"))
        self.layout_button = QPushButton(self.tr("Print layout"))
        for b in (self.import_button, self.draw_button, self.check_button, self.layout_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.parcel_table = QTableWidget(0, 8)
        self.parcel_table.setObjectName("parcelTable")
        self.parcel_table.setHorizontalHeaderLabels([
            self.tr("Parcel"), self.tr("Name"), self.tr("Declared m²"), self.tr("Map m²"),
            self.tr("Ellipsoidal m²"), self.tr("ha"), self.tr("mu"), self.tr("Valid")])
        self.parcel_table.verticalHeader().hide()
        self.parcel_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.parcel_table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.parcel_table.customContextMenuRequested.connect(self._parcel_menu)
        self.parcel_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.parcel_table, 2)
        self.area_flag = QLabel()
        self.area_flag.setObjectName("areaFlag")
        self.area_flag.setWordWrap(True)
        layout.addWidget(self.area_flag)
        self.findings = QListWidget()
        self.findings.setObjectName("findings")
        layout.addWidget(self.findings, 1)
        self.import_button.clicked.connect(lambda: self.importRequested.emit(self.number))
        self.draw_button.clicked.connect(lambda: self.drawRequested.emit(self.number))
        self.check_button.clicked.connect(lambda: self.checkRequested.emit(self.number))
        self.layout_button.clicked.connect(lambda: self.layoutRequested.emit(self.number))
        return tab

    def _opinion_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        self.opinions = QListWidget()
        layout.addWidget(self.opinions, 2)
        self.opinion_text = QPlainTextEdit()
        self.opinion_text.setPlaceholderText(self.tr("Opinion on the current stage"))
        layout.addWidget(self.opinion_text, 1)
        row = QHBoxLayout()
        self.signed = QCheckBox(self.tr("Sign"))
        self.opinion_button = QPushButton(self.tr("Add opinion"))
        row.addWidget(self.signed)
        row.addStretch(1)
        row.addWidget(self.opinion_button)
        layout.addLayout(row)
        self.opinion_button.clicked.connect(self.add_opinion)
        return tab

    # --- behaviour --------------------------------------------------------------------------------
    def set_workspace(self, workspace, message_bar=None) -> None:
        self.workspace = workspace
        self.message_bar = message_bar
        workspace.casesChanged.connect(self.reload)
        workspace.caseSelected.connect(self.show_case)
        workspace.parcelsChanged.connect(self._parcels_changed)
        self.reload()

    def reload(self) -> None:
        store = self.workspace.store if self.workspace else None
        if store is None:
            self.model.set_cases([], set(), set())
            return
        cases = store.list_cases()
        conflicts = {o["case_number"] for o in store.outbox("conflict")} | {
            c["number"] for c in cases if c.get("conflict")}
        refused = {o["case_number"] for o in store.outbox("failed")}
        pending = store.cases_with_local_changes() - conflicts - refused
        self.model.set_cases(cases, pending, conflicts, refused)
        stages = sorted({c.get("stage_name") or "" for c in cases} - {""})
        current = self.stage_filter.currentText()
        self.stage_filter.blockSignals(True)
        self.stage_filter.clear()
        self.stage_filter.addItem(self.tr("All stages"), "")
        for s in stages:
            self.stage_filter.addItem(s, s)
        self.stage_filter.setCurrentIndex(max(0, self.stage_filter.findText(current)))
        self.stage_filter.blockSignals(False)
        self.update_status()
        if self.number:
            self._select_row(self.number)
            self.show_case(self.number)

    def update_status(self) -> None:
        store = self.workspace.store
        last = store.get_state("last_sync")
        pending = len(store.outbox("pending"))
        conflicts = len(store.outbox("conflict"))
        failed = len(store.outbox("failed"))
        text = self.tr("Store: {path} · last sync: {last} · pending: {p} · conflicts: {c} · "
                       "refused: {f}").format(path=store.path.name, last=(last or "—")[:16],
                                              p=pending, c=conflicts, f=failed)
        self.status.setText(text)

    def _stage_filter_changed(self) -> None:
        stage = self.stage_filter.currentData()
        self.proxy.setFilterKeyColumn(3 if stage else -1)
        self.proxy.setFilterFixedString(stage or self.search.text())

    def _table_selection_changed(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        number = self.proxy.data(rows[0], Qt.ItemDataRole.UserRole)
        if number != self.number and self.workspace is not None:
            self.workspace.select_case(number)

    def _select_row(self, number: str) -> None:
        row = self.model.row_of(number)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.blockSignals(True)
        self.table.selectionModel().blockSignals(True)
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        self.table.selectionModel().blockSignals(False)
        self.table.blockSignals(False)

    def _set_case_enabled(self, enabled: bool) -> None:
        for w in (self.tabs, self.save_button, self.transition_combo, self.reason,
                  self.transition_button):
            w.setEnabled(enabled)

    def show_case(self, number: str) -> None:
        """The form shows the case (map click, list click or search)."""
        self.number = number
        case = self.workspace.store.get_case(number) if number else None
        self._set_case_enabled(case is not None)
        self.case_status.show_case(self.workspace.store, number if case else "")
        if case is None:
            self.header.setText("")
            return
        self._select_row(number)
        deadline = case.get("deadline_due") or "—"
        mark = {"red": " ⛔", "yellow": " ⚠"}.get(case.get("deadline_status") or "", "")
        stage_label, deadline_label = self.tr("Stage"), self.tr("Deadline")
        business = case.get("business_name") or case.get("business_code")
        self.header.setText(
            f"<b>{case['number']}</b> · {business} · {case.get('applicant')}<br>"
            f"{stage_label}: {case.get('stage_name') or ''} · {deadline_label}: {deadline}{mark}")
        self.conflict_button.setVisible(bool(case.get("conflict")))
        self._use_schemas(case.get("business_code"))
        forms = case.get("forms") or {}
        for name, form in self.forms.items():
            form.set_values(forms.get(name, {}))
        self.transition_combo.clear()
        names = self.transition_names()
        for t in case.get("transitions") or []:
            self.transition_combo.addItem(names.get(t, t), t)
        self.opinions.clear()
        stages = DEFAULT_WORKFLOW["stages"]
        for o in case.get("opinions") or []:
            sign = " ✍" if o.get("signed") else ""
            stage = stages.get(o.get("stage"), o.get("stage") or "")
            self.opinions.addItem(f"[{stage}] {o.get('author') or ''}{sign}: {o['text']}")
        self._fill_parcels(number, case)
        self.show_findings(self.workspace.findings_of(number), markers=False)

    def _fill_parcels(self, number: str, case: dict) -> None:
        parcels = self.workspace.store.parcels(number)
        self.parcel_table.setRowCount(len(parcels))
        flags = []
        for row, p in enumerate(parcels):
            units = area_units(p.ellipsoidal_area_m2)
            values = [p.number, p.name,
                      "" if p.declared_area_m2 is None else f"{p.declared_area_m2:,.2f}",
                      f"{p.planar_area_m2:,.2f}", f"{p.ellipsoidal_area_m2:,.2f}",
                      f"{units['hectares']:.4f}", f"{units['mu']:.2f}",
                      self.tr("yes") if p.valid else self.tr("NO")]
            mismatch = p.declared_area_m2 is not None and abs(
                p.declared_area_m2 - p.planar_area_m2) > max(
                AREA_TOLERANCE_M2, AREA_TOLERANCE_REL * p.planar_area_m2)
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col >= 2 and col <= 6:
                    item.setTextAlignment(int(Qt.AlignmentFlag.AlignRight |
                                              Qt.AlignmentFlag.AlignVCenter))
                if (mismatch and col in (2, 3)) or (col == 7 and not p.valid):
                    item.setBackground(QBrush(QColor(255, 205, 210)))
                self.parcel_table.setItem(row, col, item)
            if mismatch:
                flags.append(self.tr("Parcel {n}: form {d:,.2f} m² but map {m:,.2f} m²").format(
                    n=p.number, d=p.declared_area_m2, m=p.planar_area_m2))
        self.area_flag.setText("<span style='color:#b71c1c'>" + "<br>".join(flags) + "</span>"
                               if flags else "")

    def business_type(self, code: str | None) -> dict:
        """The business type as the server last sent it (or the built-in default)."""
        known = self.workspace.store.get_state("business_types") or DEFAULT_BUSINESS_TYPES
        return next((b for b in known if b["code"] == code), DEFAULT_BUSINESS_TYPES[0])

    def _use_schemas(self, code: str | None) -> None:
        """Rebuild a form tab when the case's business type has another schema for it."""
        business = self.business_type(code)
        for name in FORMS:
            schema = business["forms"].get(name, {"type": "object", "properties": {}})
            if schema == self.forms[name].schema:
                continue
            index = self.form_tabs[name]
            title = self.tabs.tabText(index)
            old = self.forms[name]
            self.forms[name] = SchemaForm(schema)
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, self.forms[name], title)
            old.deleteLater()

    def transition_names(self) -> dict[str, str]:
        return {"accept": self.tr("Accept"), "submit": self.tr("Submit for first review"),
                "approve_first_review": self.tr("Pass first review"),
                "approve_review": self.tr("Pass review"), "decide": self.tr("Decide"),
                "close": self.tr("Close"), "send_back": self.tr("Send back"),
                "suspend": self.tr("Suspend"), "resume": self.tr("Resume"),
                "extend": self.tr("Extend"), "terminate": self.tr("Terminate")}

    def _parcels_changed(self, number: str) -> None:
        if number == self.number:
            self.show_case(number)

    def show_findings(self, findings, markers: bool = True) -> None:
        self.findings.clear()
        order = {"error": 0, "warning": 1, "info": 2}
        lang = plugin_language()
        for f in sorted(findings, key=lambda f: order.get(f.severity, 3)):
            self.findings.addItem(describe(f, lang))
        if not findings:
            self.findings.addItem(self.tr("No findings: the red line is valid."))

    def _push(self, text: str, level=Qgis.Info) -> None:
        if self.message_bar is not None:
            self.message_bar.pushMessage(self.tr("RedLine Approval"), text, level, 5)

    def save_forms(self) -> None:
        forms = {name: form.values() for name, form in self.forms.items()}
        from ..core.approval.business_types import validate_forms

        errors = validate_forms(self.business_type(
            self.workspace.store.get_case(self.number).get("business_code")), forms)
        if errors:
            self._push("; ".join(errors), Qgis.Warning)
            return
        self.workspace.store.update_case(self.number, {"forms": forms})
        self._push(self.tr("Forms saved; they reach the server at the next sync."))
        self.reload()

    def add_opinion(self) -> None:
        text = self.opinion_text.toPlainText().strip()
        if not text:
            return
        self.workspace.store.add_opinion(self.number, text, self.signed.isChecked())
        self.opinion_text.clear()
        self.reload()

    def apply_transition(self) -> None:
        """The plugin asks the server what would block the step first (stepRequested)."""
        name = self.transition_combo.currentData()
        if not name:
            return
        self.stepRequested.emit(self.number, name, self.reason.text())
        self.reason.clear()

    # --- parcels: rename and delete -------------------------------------------------------------
    def _parcel_menu(self, pos) -> None:
        row = self.parcel_table.rowAt(pos.y())
        if row < 0:
            return
        number = self.parcel_table.item(row, 0).text()
        menu = QMenu(self)
        rename = menu.addAction(self.tr("Rename parcel…"))
        delete = menu.addAction(self.tr("Delete parcel…"))
        chosen = menu.exec(self.parcel_table.viewport().mapToGlobal(pos))
        if chosen is rename:
            self.rename_parcel(number)
        elif chosen is delete:
            self.delete_parcel(number)

    def rename_parcel(self, number: str, new_number: str | None = None,
                      name: str | None = None) -> None:
        store = self.workspace.store
        current = next(p for p in store.parcels(self.number) if p.number == number)
        if new_number is None:
            new_number, ok = QInputDialog.getText(self, self.tr("Rename parcel"),
                                                  self.tr("Parcel number"), text=current.number)
            if not ok:
                return
            name, ok = QInputDialog.getText(self, self.tr("Rename parcel"),
                                            self.tr("Parcel name"), text=current.name)
            if not ok:
                return
        store.rename_parcel(self.number, number, new_number.strip() or number, name or "")
        self.parcelsEdited.emit(self.number)

    def delete_parcel(self, number: str, confirm: bool = True) -> None:
        if confirm and QMessageBox.question(
                self, self.tr("Delete parcel"),
                self.tr("Delete parcel {p} from the red line of {n}?").format(
                    p=number, n=self.number)) != QMessageBox.StandardButton.Yes:
            return
        self.workspace.store.delete_parcel(self.number, number)
        self.parcelsEdited.emit(self.number)
