"""Verdicts per role, from the rules officers apply (summarised in DOMAIN.md), each reason in
Chinese (what the reports print) and English."""

from __future__ import annotations

from .landuse import class_label
from .profile import LayerSpec, UseSpec
from .results import CONFLICT, PASS, WARNING, LayerOverlap, Verdict


def _pct(part: float, whole: float) -> str:
    return f"{100.0 * part / whole:.2f} %" if whole else "0 %"


def _ids(overlap: LayerOverlap, spec: LayerSpec | None = None, limit: int = 5
         ) -> tuple[str, str]:
    """Features by their first key field (e.g. a case number) where the profile names one,
    (English, Chinese)."""
    key = spec.key_fields[0] if spec is not None and spec.key_fields else None
    ids = [str(f.get(key) or f["id"]) if key else str(f["id"]) for f in overlap.features[:limit]]
    more = len(overlap.features) - limit
    word = "feature" if len(overlap.features) == 1 else "features"
    en = f"{word} " + ", ".join(ids) + (f" and {more} more" if more > 0 else "")
    zh = "要素 " + "、".join(ids) + (f" 等 {len(overlap.features)} 个" if more > 0 else "")
    return en, zh


def _v(rule: str, status: str, en: str, zh: str) -> Verdict:
    return Verdict(rule, status, en, zh)


def verdicts_for(spec: LayerSpec, overlap: LayerOverlap, use: UseSpec | None,
                 use_name: str | None) -> list[Verdict]:
    tol = spec.tolerance_m2
    hit = overlap.overlap_m2 > tol
    pct = _pct(overlap.overlap_m2, overlap.parcel_area_m2)
    area = f"{overlap.overlap_m2:.2f} m² ({pct})"
    area_zh = f"{overlap.overlap_m2:.2f} 平方米（{pct}）"
    rule = f"{spec.role}:{spec.name}"
    role = spec.role
    if role == "ecology":
        if hit:
            en, zh = _ids(overlap, spec)
            return [_v(rule, CONFLICT, f"overlaps the ecological protection red line by {area} "
                       f"({en}): construction is banned there except listed limited activities "
                       "with provincial approval",
                       f"占用生态保护红线 {area_zh}（{zh}）：红线内除国家规定的有限人为活动并经"
                       "省级批准外，禁止开发建设")]
        return [_v(rule, PASS, "no overlap with the ecological protection red line",
                   "未占用生态保护红线")]
    if role == "farmland":
        if hit:
            en, zh = _ids(overlap, spec)
            return [_v(rule, CONFLICT, f"occupies permanent basic farmland: {area} ({en}); only "
                       "unavoidable national key projects with State Council approval",
                       f"占用永久基本农田 {area_zh}（{zh}）：仅国家重大项目确实难以避让的，"
                       "经国务院批准方可占用")]
        return [_v(rule, PASS, "no permanent basic farmland occupied", "未占用永久基本农田")]
    if role == "approved":
        if hit:
            en, zh = _ids(overlap, spec)
            return [_v(rule, CONFLICT, f"overlaps already approved red line(s) {en} by {area}",
                       f"与已批红线（{zh}）重叠 {area_zh}")]
        return [_v(rule, PASS, "no overlap with approved red lines", "与已批红线无重叠")]
    if role == "urban_boundary":
        outside = overlap.parcel_area_m2 - overlap.overlap_m2
        if outside > tol:
            share = _pct(outside, overlap.parcel_area_m2)
            return [_v(rule, WARNING, f"{outside:.2f} m² ({share}) lie outside the urban "
                       "development boundary: no concentrated urban construction there (linear "
                       "infrastructure, special-purpose and rural projects allowed)",
                       f"{outside:.2f} 平方米（{share}）位于城镇开发边界外：边界外不得进行城镇"
                       "集中建设（线性基础设施、特殊用途和乡村建设项目除外）")]
        return [_v(rule, PASS, "inside the urban development boundary", "位于城镇开发边界内")]
    if role == "forest":
        return _forest(spec, overlap, rule)
    if role == "planning":
        return _planning(spec, overlap, use, use_name, rule)
    return []


def _level_areas(spec: LayerSpec, overlap: LayerOverlap) -> dict[str, float]:
    levels: dict[str, float] = {}
    for f in overlap.features:
        level = str(f.get(spec.level_field, "") or "")
        levels[level] = levels.get(level, 0.0) + f["overlap_m2"]
    return levels


def _forest(spec: LayerSpec, overlap: LayerOverlap, rule: str) -> list[Verdict]:
    if overlap.overlap_m2 <= spec.tolerance_m2:
        return [_v(rule, PASS, "no forest land occupied", "未占用林地")]
    levels = _level_areas(spec, overlap)
    out = []
    banned = {k: v for k, v in levels.items() if k in spec.conflict_levels and v > spec.tolerance_m2}
    permit = {k: v for k, v in levels.items() if k in spec.permit_levels and v > spec.tolerance_m2}
    other = {k: v for k, v in levels.items()
             if k not in spec.conflict_levels and k not in spec.permit_levels
             and v > spec.tolerance_m2}
    if banned:
        total = sum(banned.values())
        out.append(_v(rule, CONFLICT, f"occupies protection level Ⅰ forest land ({total:.2f} m²): "
                      "no project may use it",
                      f"占用Ⅰ级保护林地 {total:.2f} 平方米：禁止任何建设项目使用"))
    if permit:
        detail = ", ".join(f"level {k} {v:.2f} m²" for k, v in sorted(permit.items()))
        detail_zh = "、".join(f"{k}级 {v:.2f} 平方米" for k, v in sorted(permit.items()))
        out.append(_v(rule, WARNING, f"occupies {detail}: allowed only for State Council "
                      "or provincial, defence and planned projects (Ⅱ), industrial and "
                      "commercial projects (Ⅲ); a forest-use permit is needed",
                      f"占用{detail_zh}：Ⅱ级林地仅限国务院、省级批准的及国防、规划内项目使用，"
                      "Ⅲ级林地可用于工业、商业项目；须办理使用林地审核审批"))
    if other:
        detail = ", ".join(f"level {k or '?'} {v:.2f} m²" for k, v in sorted(other.items()))
        detail_zh = "、".join(f"{k or '未定'}级 {v:.2f} 平方米" for k, v in sorted(other.items()))
        out.append(_v(rule, WARNING, f"occupies forest land ({detail}): a forest-use "
                      "permit is needed", f"占用林地（{detail_zh}）：须办理使用林地审核审批"))
    return out


def _planning(spec: LayerSpec, overlap: LayerOverlap, use: UseSpec | None,
              use_name: str | None, rule: str) -> list[Verdict]:
    if not spec.class_field:
        return []
    if use is None:
        if use_name:
            return [_v(rule, WARNING, f"intended use {use_name!r} is not in the profile's "
                       "[[uses]]: planning compatibility not checked",
                       f"拟用途“{use_name}”不在审查方案的用途表（[[uses]]）中：未检查规划符合性")]
        return [_v(rule, WARNING, "the case's intended use is unknown: planning compatibility "
                   "not checked", "地块用途未知：未检查规划符合性")]
    bad = {c: a for c, a in overlap.by_class.items() if not use.allows(c) and a > spec.tolerance_m2}
    if bad:
        ordered = sorted(bad.items(), key=lambda kv: -kv[1])
        detail = ", ".join(f"{class_label(c)} {a:.2f} m²" for c, a in ordered)
        detail_zh = "、".join(f"{class_label(c)} {a:.2f} 平方米" for c, a in ordered)
        return [_v(rule, CONFLICT, f"planned use not compatible with {use.name}: {detail}",
                   f"规划用途与{use.name}不符：{detail_zh}")]
    uncovered = overlap.parcel_area_m2 - overlap.overlap_m2
    if uncovered > spec.tolerance_m2:
        return [_v(rule, WARNING, f"{uncovered:.2f} m² of the red line have no planning class",
                   f"红线内 {uncovered:.2f} 平方米无规划分类")]
    return [_v(rule, PASS, f"planned classes compatible with {use.name}",
               f"规划分类与{use.name}相符")]
