"""Three-way merge of a case: the server copy a local edit was made against (base), the local
state (mine) and the server's current state (theirs).

Fields merge one by one and forms key by key (``forms.application.project_name``): a change on
one side only is taken; the same change on both sides is no conflict; different changes of the
same field are a conflict the officer decides, shown with the base value. The red line merges
as a whole: a conflict only when both sides changed it differently."""

from __future__ import annotations

from dataclasses import dataclass, field

FIELDS = ("applicant", "location", "project_tag", "handler")
FORMS = ("application", "indicator", "approval")


def flatten(case: dict) -> dict:
    """The mergeable values of a case as one flat dict (forms by form and key)."""
    out = {k: case.get(k) for k in FIELDS}
    forms = case.get("forms") or {}
    for form in FORMS:
        for key, value in (forms.get(form) or {}).items():
            out[f"forms.{form}.{key}"] = value
    return out


def unflatten_forms(flat: dict) -> dict:
    forms: dict = {}
    for name, value in flat.items():
        if name.startswith("forms.") and value is not None:
            _, form, key = name.split(".", 2)
            forms.setdefault(form, {})[key] = value
    return forms


def redline_key(parcels: list[dict] | None) -> list:
    """What identifies a red line for the merge: number, name, use, declared area, geometry."""
    rows = [(str(p.get("number")), p.get("name") or "", p.get("use"), p.get("declared_area_m2"),
             _coords(p.get("geometry"))) for p in parcels or []]
    return sorted(rows, key=lambda r: r[0])


def _coords(geometry) -> tuple:
    """A geometry's coordinates rounded to the millimetre, Polygon and MultiPolygon alike."""
    if not geometry:
        return ()
    coords = geometry.get("coordinates") or []
    polys = [coords] if geometry.get("type") == "Polygon" else coords
    return tuple(tuple(tuple((round(x, 3), round(y, 3)) for x, y, *_ in ring) for ring in poly)
                 for poly in polys)


@dataclass
class Merge:
    values: dict  # the merged flat values
    patch: dict  # what to send on top of theirs: fields, and ``forms`` when a form key differs
    conflicts: list[dict] = field(default_factory=list)  # {"field", "base", "mine", "theirs"}
    redline: str = "theirs"  # theirs | mine | conflict

    @property
    def clean(self) -> bool:
        return not self.conflicts and self.redline != "conflict"


def merge(base: dict, mine: dict, theirs: dict, mine_parcels: list[dict] | None = None,
          redline_changed: bool = False) -> Merge:
    """``mine_parcels``: the local red line when ``redline_changed`` (an edit queued)."""
    b, m, t = flatten(base), flatten(mine), flatten(theirs)
    values, conflicts = {}, []
    for name in sorted(set(b) | set(m) | set(t)):
        bv, mv, tv = b.get(name), m.get(name), t.get(name)
        if mv == bv or mv == tv:
            values[name] = tv
        elif tv == bv:
            values[name] = mv
        else:
            values[name] = tv
            conflicts.append({"field": name, "base": bv, "mine": mv, "theirs": tv})
    patch = {k: values[k] for k in FIELDS if values.get(k) != t.get(k)}
    merged_forms = unflatten_forms(values)
    if merged_forms != unflatten_forms(t):
        patch["forms"] = merged_forms
    redline = "theirs"
    if redline_changed:
        theirs_changed = redline_key(theirs.get("parcels")) != redline_key(base.get("parcels"))
        same = redline_key(mine_parcels) == redline_key(theirs.get("parcels"))
        redline = "theirs" if same else ("conflict" if theirs_changed else "mine")
    return Merge(values, patch, conflicts, redline)
