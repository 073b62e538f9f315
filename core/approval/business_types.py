"""Business types (业务类型) as data: two-letter code, time limit, and the JSON Schema of each
of the case's three forms. The server seeds these; admins edit them."""

from __future__ import annotations

import jsonschema

from ..errors import RedlineError

FORMS = ("application", "indicator", "approval")

_APPLICATION = {
    "type": "object",
    "properties": {
        "project_name": {"type": "string", "maxLength": 200},
        "applicant_contact": {"type": "string", "maxLength": 100},
        "phone": {"type": "string", "pattern": "^[0-9+\\-() ]{5,20}$"},
        "intended_use": {"type": "string", "maxLength": 50},
        "declared_area_m2": {"type": "number", "minimum": 0},
        "investment_wan_yuan": {"type": "number", "minimum": 0},
    },
    "additionalProperties": False,
}
_INDICATOR = {
    "type": "object",
    "properties": {
        "floor_area_ratio": {"type": "number", "minimum": 0, "maximum": 20},
        "building_density_pct": {"type": "number", "minimum": 0, "maximum": 100},
        "green_ratio_pct": {"type": "number", "minimum": 0, "maximum": 100},
        "height_limit_m": {"type": "number", "minimum": 0},
        "land_use_class": {"type": "string", "pattern": "^[0-9]{2,6}$"},
    },
    "additionalProperties": False,
}
_APPROVAL = {
    "type": "object",
    "properties": {
        "decision": {"type": "string", "enum": ["approved", "rejected", "conditional"]},
        "conditions": {"type": "string", "maxLength": 2000},
        "certificate_number": {"type": "string", "maxLength": 50},
        "issued_on": {"type": "string", "format": "date"},
    },
    "additionalProperties": False,
}


def _type(code: str, name: str, days: int) -> dict:
    return {"code": code, "name": name, "time_limit_days": days,
            "forms": {"application": _APPLICATION, "indicator": _INDICATOR,
                      "approval": _APPROVAL}}


DEFAULT_BUSINESS_TYPES = [
    _type("XZ", "选址意见书", 20), _type("YS", "用地预审", 20),
    _type("AA", "建设用地规划许可", 20), _type("GC", "建设工程规划许可", 20),
    _type("ZS", "土地征收", 30), _type("LD", "林地占用", 20),
    _type("GD", "土地供应", 20), _type("HS", "规划条件核实", 15),
]


def validate_forms(business: dict, forms: dict) -> list[str]:
    """Every schema error of the case's forms, as 'form.field: message'."""
    errors = []
    if not isinstance(forms, dict):
        return ["forms must be an object with application, indicator, approval"]
    unknown = set(forms) - set(FORMS)
    if unknown:
        errors.append(f"unknown form(s): {', '.join(sorted(unknown))}")
    for name in FORMS:
        schema = business["forms"].get(name, {"type": "object"})
        validator = jsonschema.Draft202012Validator(
            schema, format_checker=jsonschema.FormatChecker())
        for err in sorted(validator.iter_errors(forms.get(name, {})), key=str):
            where = ".".join(str(p) for p in err.absolute_path) or "(form)"
            errors.append(f"{name}.{where}: {err.message}")
    return errors


def check_schema(schema: dict) -> None:
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as exc:
        raise RedlineError(f"not a valid JSON Schema: {exc.message}") from exc
