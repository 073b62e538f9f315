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
    # only signatures that count: given in their stage, on the content as it is, in order
    signed = {o.get("signer_role") for o in facts.get("opinions", [])
              if o.get("signed") and o.get("counts", True)}
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


# the parameters each check takes: name -> (type test, what it must be)
_NUMBER = (lambda v: isinstance(v, int | float) and not isinstance(v, bool) and v >= 0,
           "a number >= 0")
_TEXTS = (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of texts")
PARAMS = {
    "redline_stored": {},
    "area_consistent": {"tolerance_m2": _NUMBER, "tolerance_rel": _NUMBER},
    "materials_present": {"materials": _TEXTS},
    "signatures_complete": {"roles": _TEXTS},
    "field_required": {"form": (lambda v: v in ("application", "indicator", "approval"),
                                "application, indicator or approval"), "fields": _TEXTS},
}
FACTS = ("transition", "stage", "district", "business_type", "business_code")


def _check_when(when, where: str) -> None:
    if not isinstance(when, dict):
        raise RedlineError(f"{where}: 'when' must be an object of fact -> value(s), not "
                           f"{type(when).__name__}")
    for key, wanted in when.items():
        if key not in FACTS:
            raise RedlineError(f"{where}: unknown fact {key!r} in 'when' (facts: "
                               f"{', '.join(FACTS)})")
        values = wanted if isinstance(wanted, list) else [wanted]
        if not all(isinstance(v, str) for v in values):
            raise RedlineError(f"{where}: 'when' {key!r} takes a text or a list of texts")


def validate_rules(definition) -> None:
    """A rule set an admin sends, checked whole before it is stored: every row's check,
    parameters and conditions (a bad row would otherwise break every later request)."""
    if not isinstance(definition, dict) or not isinstance(definition.get("routing"), list) \
            or not isinstance(definition.get("blocking"), list):
        raise RedlineError("rules need 'routing' and 'blocking' lists")
    for i, row in enumerate(definition["routing"]):
        if not isinstance(row, dict) or not isinstance(row.get("section"), str) \
                or not row["section"]:
            raise RedlineError(f"routing row {i} needs a 'section' text")
        _check_when(row.get("when", {}), f"routing row {i}")
    validate_rule_rows(definition["blocking"])


def validate_rule_rows(rows: list[dict]) -> None:
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise RedlineError(f"rule {i}: an object is needed")
        if row.get("check") not in CHECKS:
            raise RedlineError(f"rule {i} ({row.get('id')}): unknown check {row.get('check')!r}; "
                               f"use one of {', '.join(CHECKS)}")
        for key in ("id", "name"):
            if not isinstance(row.get(key), str) or not row.get(key):
                raise RedlineError(f"rule {i}: missing {key!r} (a text)")
        _check_when(row.get("when", {}), f"rule {row['id']}")
        params = row.get("params", {})
        if not isinstance(params, dict):
            raise RedlineError(f"rule {row['id']}: 'params' must be an object")
        allowed = PARAMS[row["check"]]
        for key, value in params.items():
            if key not in allowed:
                raise RedlineError(f"rule {row['id']}: check {row['check']} takes no parameter "
                                   f"{key!r} (it takes: {', '.join(allowed) or 'none'})")
            test, what = allowed[key]
            if not test(value):
                raise RedlineError(f"rule {row['id']}: parameter {key!r} must be {what}, not "
                                   f"{value!r}")


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
