"""Follow QGIS's locale: the Chinese translation for every way QGIS names Chinese (its options
dialog writes ``zh-Hans``; ``zh_CN``, ``zh-CN``, ``zh`` too), English otherwise."""

from __future__ import annotations

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

from ..core.i18n import CHINESE, language
from .resources import PLUGIN_DIR


def tr(text: str) -> str:
    """Translation for module-level text: pylupdate5 files a bare tr() call under "@default"."""
    return QCoreApplication.translate("@default", text)


def current_locale() -> str:
    """The locale QGIS runs in, as QGIS names it (``zh-Hans``, ``en_US`` …)."""
    override = QgsSettings().value("locale/overrideFlag", False, type=bool)
    name = QgsSettings().value("locale/userLocale", "") if override else ""
    return name or QLocale.system().name()


def plugin_language() -> str:
    """``zh_CN`` or ``en``: what the plugin, its reports and its layouts speak."""
    return language(current_locale())


def install_translator(locale: str | None = None) -> QTranslator | None:
    if language(locale or current_locale()) != CHINESE:
        return None
    qm = PLUGIN_DIR / "i18n" / "redline_approval_zh_CN.qm"
    translator = QTranslator()
    if qm.exists() and translator.load(str(qm)):
        QCoreApplication.installTranslator(translator)
        return translator
    return None


def remove_translator(translator: QTranslator | None) -> None:
    if translator is not None:
        QCoreApplication.removeTranslator(translator)


def cjk_font() -> str | None:
    """The installed font the plugin names for Chinese (Noto Sans CJK SC first), or None."""
    from qgis.PyQt.QtGui import QFontDatabase

    families = QFontDatabase().families()
    for wanted in ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
                   "WenQuanYi Zen Hei", "SimSun", "Microsoft YaHei"):
        if wanted in families:
            return wanted
    return next((f for f in families if "CJK" in f), None)
