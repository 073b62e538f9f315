"""Is a new case perhaps one the server has already? Same applicant and project tag, or a red
line that covers most of another case's (the officer confirms before it is registered)."""

from __future__ import annotations

import unicodedata

import shapely

from ..store.local_store import LocalStore

OVERLAP = 0.5  # share of the smaller red line


def _name(text: str | None) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def possible_duplicates(store: LocalStore, number: str) -> list[str]:
    """Numbers of server cases (as last pulled) that look like the local case ``number``."""
    case = store.get_case(number)
    if case is None:
        return []
    mine = [p.geometry for p in store.parcels(number)]
    mine_union = shapely.union_all(mine) if mine else None
    found = []
    for other in store.list_cases():
        if other["number"] == number or other.get("local_only"):
            continue
        same_project = (_name(other.get("applicant")) == _name(case.get("applicant"))
                        and case.get("project_tag")
                        and other.get("project_tag") == case.get("project_tag"))
        overlap = False
        if mine_union is not None and not mine_union.is_empty:
            theirs = [p.geometry for p in store.parcels(other["number"])]
            if theirs:
                union = shapely.union_all(theirs)
                smaller = min(union.area, mine_union.area)
                overlap = smaller > 0 and union.intersection(mine_union).area >= OVERLAP * smaller
        if same_project or overlap:
            found.append(other["number"])
    return found
