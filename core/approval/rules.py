"""Rules as data (decision tables).

Routing rules pick the handling section: the first row whose conditions all match wins.
Blocking rules are all evaluated and every violation is returned at once. A blocking row names
a built-in check and its parameters; conditions say when it applies, e.g.

    {"id": "R-MAP-AREA", "name": "map area equals form area", "check": "area_consistent",
     "when": {"transition": ["submit", "decide"]}, "params": {"tolerance_m2": 1.0}}
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import RedlineError


def _matches(when: dict, facts: dict) -> bool:
    for key, wanted in (when or {}).items():
        value = facts.get(key)
        options = wanted if isinstance(wanted, list) else [wanted]
        if value not in options:
            return False
    return True


def route(rows: list[dict], facts: dict) -> str | None:
    for row in rows:
        if _matches(row.get("when", {}), facts):
            return row["section"]
    return None


@dataclass
class Violation:
    rule: str
    name: str
    message: str

    def to_dict(self) -> dict:
        return {"rule": self.rule, "name": self.name, "message": self.message}


def _redline_stored(facts, params):
    if not facts.get("parcels"):
        return "no red line stored for this case"
    bad = [p["number"] for p in facts["parcels"] if not p.get("valid", True)]
    if bad:
        return f"red line of parcel(s) {', '.join(bad)} is not valid"
    return None


def _area_consistent(facts, params):
    tol = float(params.get("tolerance_m2", 1.0))
    rel = float(params.get("tolerance_rel", 0.0))
    out = []
    for p in facts.get("parcels", []):
        declared = p.get("declared_area_m2")
        computed = p.get("planar_area_m2")
        if declared is None or computed is None:
            continue
        allowed = max(tol, rel * computed)
        if abs(declared - computed) > allowed:
            out.append(f"parcel {p['number']}: form {declared:.2f} m² vs map {computed:.2f} m²")
    return "; ".join(out) or None


def _materials_present(facts, params):
    required = params.get("materials", [])
    have = {a["name"] for a in facts.get("attachments", [])} | {
        a.get("kind") for a in facts.get("attachments", [])}
    missing = [m for m in required if m not in have]
    return f"required materials missing: {', '.join(missing)}" if missing else None


def _signatures_complete(facts, params):
    chain = params.get("roles", ["handler", "section_chief", "chief_representative"])
    signed = {o.get("signer_role") for o in facts.get("opinions", []) if o.get("signed")}
    missing = [r for r in chain if r not in signed]
    return f"three-signature chain incomplete: {', '.join(missing)} not signed" if missing else None


def _field_required(facts, params):
    form = facts.get("forms", {}).get(params.get("form", "application"), {})
    missing = [f for f in params.get("fields", []) if form.get(f) in (None, "")]
    return f"form fields missing: {', '.join(missing)}" if missing else None


CHECKS: dict[str, Callable[[dict, dict], str | None]] = {
    "redline_stored": _redline_stored,
    "area_consistent": _area_consistent,
    "materials_present": _materials_present,
    "signatures_complete": _signatures_complete,
    "field_required": _field_required,
}


def validate_rule_rows(rows: list[dict]) -> None:
    for i, row in enumerate(rows):
        if row.get("check") not in CHECKS:
            raise RedlineError(f"rule {i} ({row.get('id')}): unknown check {row.get('check')!r}; "
                               f"use one of {', '.join(CHECKS)}")
        for key in ("id", "name"):
            if not row.get(key):
                raise RedlineError(f"rule {i}: missing {key!r}")


def blocking_violations(rows: list[dict], facts: dict) -> list[Violation]:
    out = []
    for row in rows:
        if not _matches(row.get("when", {}), facts):
            continue
        message = CHECKS[row["check"]](facts, row.get("params", {}))
        if message:
            out.append(Violation(row["id"], row["name"], message))
    return out


DEFAULT_RULES = {
    "version": 1,
    "routing": [
        {"when": {"business_type": ["林地占用"]}, "section": "林业科"},
        {"when": {"business_type": ["土地征收", "土地供应", "用地预审"]}, "section": "用地科"},
        {"when": {}, "section": "规划科"},
    ],
    "blocking": [
        {"id": "R-RED-LINE", "name": "红线入库 red line stored", "check": "redline_stored",
         "when": {"transition": ["submit", "approve_first_review", "approve_review", "decide"]}},
        {"id": "R-AREA", "name": "图属一致 map area equals form area", "check": "area_consistent",
         "when": {"transition": ["submit", "decide"]},
         "params": {"tolerance_m2": 1.0, "tolerance_rel": 0.001}},
        {"id": "R-MATERIALS", "name": "要件齐全 required materials", "check": "materials_present",
         "when": {"transition": ["accept"]},
         "params": {"materials": ["申请表", "红线图"]}},
        {"id": "R-SIGN", "name": "三传件 three-signature chain", "check": "signatures_complete",
         "when": {"transition": ["decide"]}},
    ],
}
