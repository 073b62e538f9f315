"""Every user-visible string has its Chinese translation, and the plugin follows the locale."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from qgis.PyQt.QtCore import QCoreApplication
from redline_approval.plugin.i18n import install_translator, remove_translator

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "i18n" / "redline_approval_zh_CN.ts"


def test_translation_source_is_complete_and_current(tmp_path):
    fresh = tmp_path / "fresh.ts"
    files = [str(p) for p in sorted((ROOT / "plugin").rglob("*.py")) +
             sorted((ROOT / "processing_algorithms").rglob("*.py"))]
    subprocess.run(["pylupdate5", "-noobsolete", *files, "-ts", str(fresh)], check=True,
                   capture_output=True)
    wanted = set(re.findall(r"<source>(.*?)</source>", fresh.read_text(encoding="utf-8"), re.S))
    text = TS.read_text(encoding="utf-8")
    have = set(re.findall(r"<source>(.*?)</source>", text, re.S))
    assert wanted <= have, f"untranslated: {sorted(wanted - have)[:5]} (run make i18n)"
    assert 'type="unfinished"' not in text
    assert (ROOT / "i18n" / "redline_approval_zh_CN.qm").exists()


def test_chinese_locale_translates_the_dock(qgis_app):
    translator = install_translator("zh_CN")
    try:
        assert translator is not None
        from redline_approval.plugin.case_dock import CaseDock

        dock = CaseDock()
        assert dock.windowTitle() == "红线审批 — 案卷"
        assert dock.tabs.tabText(0) == "申请表"
        assert QCoreApplication.translate("@default", "Applicant") == "申请人"
    finally:
        remove_translator(translator)
    assert install_translator("en_US") is None and install_translator("en") is None
    for name in ("zh-Hans", "zh_CN", "zh-CN", "zh", "zh_Hans_CN"):  # every way QGIS says it
        translator = install_translator(name)
        assert translator is not None, name
        remove_translator(translator)
