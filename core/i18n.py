"""Which of our two languages a locale name means. Chinese is the default: the users run QGIS
in 简体中文, whose settings say ``zh-Hans`` (QGIS 3.22's options dialog), ``zh_CN`` or ``zh``."""

from __future__ import annotations

CHINESE, ENGLISH = "zh_CN", "en"


def language(locale: str | None) -> str:
    """``zh_CN`` for any Chinese locale (zh, zh_CN, zh-CN, zh-Hans, zh_Hans_CN…) and for an
    unknown or empty one; ``en`` for English locales (en, en_US, en-GB…)."""
    name = (locale or "").strip().replace("-", "_").lower()
    if name == "c" or name.startswith("en"):
        return ENGLISH
    return CHINESE
