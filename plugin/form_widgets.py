"""A case form (application, indicator, approval) generated from its JSON Schema."""

from __future__ import annotations

from qgis.PyQt.QtCore import QDate
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from .i18n import tr


def field_labels() -> dict[str, str]:
    """The forms' fields as the officer reads them (translated)."""
    return {
        "project_name": tr("Project name"), "applicant_contact": tr("Contact"),
        "phone": tr("Phone"), "intended_use": tr("Intended use"),
        "declared_area_m2": tr("Declared area (m²)"),
        "investment_wan_yuan": tr("Investment (10 000 yuan)"),
        "floor_area_ratio": tr("Floor area ratio"), "building_density_pct": tr("Building density (%)"),
        "green_ratio_pct": tr("Green ratio (%)"), "height_limit_m": tr("Height limit (m)"),
        "land_use_class": tr("Land use class"), "decision": tr("Decision"),
        "conditions": tr("Conditions"), "certificate_number": tr("Certificate number"),
        "issued_on": tr("Issued on"),
    }


def enum_labels() -> dict[str, str]:
    return {"approved": tr("approved"), "rejected": tr("rejected"),
            "conditional": tr("approved with conditions")}


class SchemaForm(QWidget):
    def __init__(self, schema: dict, parent=None):
        super().__init__(parent)
        self.schema = schema
        self.widgets: dict[str, QWidget] = {}
        layout = QFormLayout(self)
        for name, prop in schema.get("properties", {}).items():
            widget = self._widget(prop)
            widget.setObjectName(f"field_{name}")
            self.widgets[name] = widget
            layout.addRow(field_labels().get(name, name), widget)

    @staticmethod
    def _widget(prop: dict) -> QWidget:
        kind = prop.get("type")
        if "enum" in prop:
            w = QComboBox()
            w.addItem("", None)
            for value in prop["enum"]:
                w.addItem(enum_labels().get(value, str(value)), value)
            return w
        if kind in ("number", "integer"):
            w = QDoubleSpinBox()
            w.setDecimals(0 if kind == "integer" else 2)
            w.setRange(prop.get("minimum", -1e12), prop.get("maximum", 1e12))
            w.setSpecialValueText(" ")  # the minimum shows empty: not filled in
            w.setValue(w.minimum())
            return w
        if prop.get("format") == "date":
            w = QDateEdit()
            w.setCalendarPopup(True)
            w.setDisplayFormat("yyyy-MM-dd")
            w.setSpecialValueText(" ")
            w.setMinimumDate(QDate(1900, 1, 1))
            w.setDate(w.minimumDate())
            return w
        if prop.get("maxLength", 0) > 300:
            return QPlainTextEdit()
        return QLineEdit()

    def set_values(self, values: dict) -> None:
        for name, w in self.widgets.items():
            value = (values or {}).get(name)
            if isinstance(w, QComboBox):
                w.setCurrentIndex(max(0, w.findData(value)))
            elif isinstance(w, QDoubleSpinBox):
                w.setValue(w.minimum() if value is None else float(value))
            elif isinstance(w, QDateEdit):
                w.setDate(QDate.fromString(value, "yyyy-MM-dd") if value else w.minimumDate())
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText(value or "")
            else:
                w.setText("" if value is None else str(value))

    def values(self) -> dict:
        out = {}
        for name, w in self.widgets.items():
            if isinstance(w, QComboBox):
                value = w.currentData()
            elif isinstance(w, QDoubleSpinBox):
                value = None if w.value() == w.minimum() else w.value()
                if value is not None and self.schema["properties"][name].get("type") == "integer":
                    value = int(value)
            elif isinstance(w, QDateEdit):
                value = None if w.date() == w.minimumDate() else w.date().toString("yyyy-MM-dd")
            elif isinstance(w, QPlainTextEdit):
                value = w.toPlainText() or None
            else:
                value = w.text() or None
            if value is not None:
                out[name] = value
        return out
