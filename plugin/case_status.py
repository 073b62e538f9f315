"""What the case form shows above the tabs when something needs the officer: changes the server
refused (with its reason: retry, attach the missing materials, or discard my change), a case
removed on the server (keep as new, or drop), and the last compliance check (verdict, open the
report or the workbook)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from qgis.PyQt.QtCore import QUrl, pyqtSignal
from qgis.PyQt.QtGui import QDesktopServices
from qgis.PyQt.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .i18n import tr

STATUS_COLOURS = {"pass": "#2e7d32", "warning": "#ef6c00", "conflict": "#c62828"}


def kind_names() -> dict[str, str]:
    return {"create": tr("registration"), "patch": tr("form change"),
            "parcels": tr("red line"), "opinion": tr("opinion"),
            "attachment": tr("attachment"), "transition": tr("workflow step")}


def status_names() -> dict[str, str]:
    return {"pass": tr("pass"), "warning": tr("warning"), "conflict": tr("conflict")}


class CaseStatus(QWidget):
    changed = pyqtSignal()  # the store changed: the dock reloads

    def __init__(self, parent=None):
        super().__init__(parent)
        self.store = None
        self.number = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # refused changes
        self.refusals = QWidget()
        r = QVBoxLayout(self.refusals)
        r.setContentsMargins(0, 0, 0, 0)
        self.refusal_title = QLabel()
        self.refusal_title.setStyleSheet("color:#b71c1c;font-weight:bold")
        self.refusal_list = QListWidget()
        self.refusal_list.setObjectName("refusals")
        self.refusal_list.setMaximumHeight(90)
        row = QHBoxLayout()
        self.retry_button = QPushButton(tr("Retry"))
        self.attach_button = QPushButton(tr("Attach materials…"))
        self.discard_button = QPushButton(tr("Discard my changes"))
        for b in (self.retry_button, self.attach_button, self.discard_button):
            row.addWidget(b)
        r.addWidget(self.refusal_title)
        r.addWidget(self.refusal_list)
        r.addLayout(row)
        layout.addWidget(self.refusals)
        # removed on the server
        self.removed = QWidget()
        m = QHBoxLayout(self.removed)
        m.setContentsMargins(0, 0, 0, 0)
        self.removed_label = QLabel(tr("Removed on the server while you had changes."))
        self.removed_label.setStyleSheet("color:#b71c1c")
        self.keep_button = QPushButton(tr("Keep as a new case"))
        self.drop_button = QPushButton(tr("Drop my copy"))
        m.addWidget(self.removed_label, 1)
        m.addWidget(self.keep_button)
        m.addWidget(self.drop_button)
        layout.addWidget(self.removed)
        # the last check
        self.check = QWidget()
        c = QHBoxLayout(self.check)
        c.setContentsMargins(0, 0, 0, 0)
        self.check_label = QLabel()
        self.check_label.setObjectName("checkSummary")
        self.report_button = QPushButton(tr("Open report"))
        self.table_button = QPushButton(tr("Open workbook"))
        c.addWidget(self.check_label, 1)
        c.addWidget(self.report_button)
        c.addWidget(self.table_button)
        layout.addWidget(self.check)

        self.retry_button.clicked.connect(self.retry)
        self.attach_button.clicked.connect(lambda: self.attach())
        self.discard_button.clicked.connect(self.discard)
        self.keep_button.clicked.connect(self.keep_as_new)
        self.drop_button.clicked.connect(self.drop)
        self.report_button.clicked.connect(lambda: self._open("pdf"))
        self.table_button.clicked.connect(lambda: self._open("xlsx"))
        self.show_case(None, "")

    def show_case(self, store, number: str) -> None:
        self.store, self.number = store, number
        case = store.get_case(number) if store is not None and number else None
        refused = [o for o in store.outbox_for(number) if o["status"] == "failed"] \
            if case else []
        self.refusal_list.clear()
        names = kind_names()
        for o in refused:
            self.refusal_list.addItem(f"{names.get(o['kind'], o['kind'])}: {o['error']}")
        self.refusal_title.setText(tr("{n} change(s) refused by the server").format(
            n=len(refused)))
        self.refusals.setVisible(bool(refused))
        self.removed.setVisible(bool(case and case.get("removed")))
        check = store.get_state(f"check:{number}") if case else None
        self.check.setVisible(bool(check))
        if check:
            colour = STATUS_COLOURS.get(check["status"], "#222")
            self.check_label.setText(
                tr("Last check {time}: <b style='color:{colour}'>{status}</b>, {n} conflict(s)")
                .format(time=(check.get("checked_at") or "")[:16], colour=colour,
                        status=status_names().get(check["status"], check["status"]),
                        n=check.get("conflicts", 0)))
            self.report_button.setEnabled(Path(check.get("pdf", "")).exists())
            self.table_button.setEnabled(Path(check.get("xlsx", "")).exists())

    # --- actions -------------------------------------------------------------------------------
    def retry(self) -> None:
        self.store.retry(self.number)
        self.changed.emit()

    def attach(self, paths: list[str] | None = None) -> int:
        """Attachments from files (name, size, SHA-256), queued before the refused step is
        retried; the refused operations are set to go out again with them."""
        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(self, tr("Materials for {n}").format(
                n=self.number))
        for path in paths:
            data = Path(path).read_bytes()
            self.store.add_attachment(self.number, Path(path).stem, Path(path).stem, len(data),
                                      hashlib.sha256(data).hexdigest())
        if paths:
            self.store.retry(self.number)
            self.changed.emit()
        return len(paths)

    def discard(self, confirm: bool = True) -> None:
        if confirm and QMessageBox.question(
                self, tr("Discard"), tr("Drop your unsent and refused changes of {n}? The case "
                                        "returns to the server's copy.").format(n=self.number)
        ) != QMessageBox.StandardButton.Yes:
            return
        self.store.discard(self.number)
        self.changed.emit()

    def keep_as_new(self) -> None:
        self.store.keep_as_new(self.number)
        self.changed.emit()

    def drop(self) -> None:
        self.store.drop(self.number)
        self.changed.emit()

    def _open(self, kind: str) -> None:
        check = self.store.get_state(f"check:{self.number}") or {}
        if check.get(kind):
            QDesktopServices.openUrl(QUrl.fromLocalFile(check[kind]))
