"""Verdicts per role, from the rules officers apply (summarised in DOMAIN.md)."""

from __future__ import annotations

from .landuse import class_label
from .profile import LayerSpec, UseSpec
from .results import CONFLICT, PASS, WARNING, LayerOverlap, Verdict


def _pct(part: float, whole: float) -> str:
    return f"{100.0 * part / whole:.2f} %" if whole else "0 %"


def _ids(overlap: LayerOverlap, spec: LayerSpec | None = None, limit: int = 5) -> str:
    """Features by their first key field (e.g. a case number) where the profile names one."""
    key = spec.key_fields[0] if spec is not None and spec.key_fields else None
    ids = [str(f.get(key) or f["id"]) if key else str(f["id"]) for f in overlap.features[:limit]]
    more = len(overlap.features) - limit
    word = "feature" if len(overlap.features) == 1 else "features"
    return f"{word} " + ", ".join(ids) + (f" and {more} more" if more > 0 else "")


def verdicts_for(spec: LayerSpec, overlap: LayerOverlap, use: UseSpec | None,
                 use_name: str | None) -> list[Verdict]:
    tol = spec.tolerance_m2
    hit = overlap.overlap_m2 > tol
    area = f"{overlap.overlap_m2:.2f} m² ({_pct(overlap.overlap_m2, overlap.parcel_area_m2)})"
    rule = f"{spec.role}:{spec.name}"
    role = spec.role
    if role == "ecology":
        if hit:
            return [Verdict(rule, CONFLICT, f"overlaps the ecological protection red line by "
                            f"{area} ({_ids(overlap, spec)}): construction is banned there except "
                            "listed limited activities with provincial approval")]
        return [Verdict(rule, PASS, "no overlap with the ecological protection red line")]
    if role == "farmland":
        if hit:
            return [Verdict(rule, CONFLICT, f"occupies permanent basic farmland: {area} "
                            f"({_ids(overlap, spec)}); only unavoidable national key projects with "
                            "State Council approval")]
        return [Verdict(rule, PASS, "no permanent basic farmland occupied")]
    if role == "approved":
        if hit:
            return [Verdict(rule, CONFLICT, f"overlaps already approved red line(s) "
                            f"{_ids(overlap, spec)} by {area}")]
        return [Verdict(rule, PASS, "no overlap with approved red lines")]
    if role == "urban_boundary":
        outside = overlap.parcel_area_m2 - overlap.overlap_m2
        if outside > tol:
            return [Verdict(rule, WARNING, f"{outside:.2f} m² "
                            f"({_pct(outside, overlap.parcel_area_m2)}) lie outside the urban "
                            "development boundary: no concentrated urban construction there "
                            "(linear infrastructure, special-purpose and rural projects allowed)")]
        return [Verdict(rule, PASS, "inside the urban development boundary")]
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
        return [Verdict(rule, PASS, "no forest land occupied")]
    levels = _level_areas(spec, overlap)
    out = []
    banned = {k: v for k, v in levels.items() if k in spec.conflict_levels and v > spec.tolerance_m2}
    permit = {k: v for k, v in levels.items() if k in spec.permit_levels and v > spec.tolerance_m2}
    other = {k: v for k, v in levels.items()
             if k not in spec.conflict_levels and k not in spec.permit_levels
             and v > spec.tolerance_m2}
    if banned:
        out.append(Verdict(rule, CONFLICT, "occupies protection level Ⅰ forest land "
                           f"({sum(banned.values()):.2f} m²): no project may use it"))
    if permit:
        detail = ", ".join(f"level {k} {v:.2f} m²" for k, v in sorted(permit.items()))
        out.append(Verdict(rule, WARNING, f"occupies {detail}: allowed only for State Council "
                           "or provincial, defence and planned projects (Ⅱ), industrial and "
                           "commercial projects (Ⅲ); a forest-use permit is needed"))
    if other:
        detail = ", ".join(f"level {k or '?'} {v:.2f} m²" for k, v in sorted(other.items()))
        out.append(Verdict(rule, WARNING, f"occupies forest land ({detail}): a forest-use "
                           "permit is needed"))
    return out


def _planning(spec: LayerSpec, overlap: LayerOverlap, use: UseSpec | None,
              use_name: str | None, rule: str) -> list[Verdict]:
    if not spec.class_field:
        return []
    if use is None:
        what = f"intended use {use_name!r} is not in the profile's [[uses]]" if use_name else \
            "the case's intended use is unknown"
        return [Verdict(rule, WARNING, f"{what}: planning compatibility not checked")]
    bad = {c: a for c, a in overlap.by_class.items() if not use.allows(c) and a > spec.tolerance_m2}
    if bad:
        detail = ", ".join(f"{class_label(c)} {a:.2f} m²" for c, a in
                           sorted(bad.items(), key=lambda kv: -kv[1]))
        return [Verdict(rule, CONFLICT, f"planned use not compatible with {use.name}: {detail}")]
    uncovered = overlap.parcel_area_m2 - overlap.overlap_m2
    if uncovered > spec.tolerance_m2:
        return [Verdict(rule, WARNING, f"{uncovered:.2f} m² of the red line have no planning "
                        "class")]
    return [Verdict(rule, PASS, f"planned classes compatible with {use.name}")]
