"""Follow QGIS's locale: load i18n/redline_approval_<locale>.qm when it exists."""

from __future__ import annotations

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

from .resources import PLUGIN_DIR


def current_locale() -> str:
    override = QgsSettings().value("locale/overrideFlag", False, type=bool)
    name = QgsSettings().value("locale/userLocale", "") if override else ""
    return (name or QLocale.system().name())[:5]


def install_translator(locale: str | None = None) -> QTranslator | None:
    locale = locale or current_locale()
    for candidate in (locale, locale[:2]):
        qm = PLUGIN_DIR / "i18n" / f"redline_approval_{candidate}.qm"
        if qm.exists():
            translator = QTranslator()
            if translator.load(str(qm)):
                QCoreApplication.installTranslator(translator)
                return translator
    return None


def remove_translator(translator: QTranslator | None) -> None:
    if translator is not None:
        QCoreApplication.removeTranslator(translator)
