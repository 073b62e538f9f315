"""Reviewers' queries over the local store: attributes, dates, areas, deadlines and space."""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path

import shapely

from ..atomic import write_text_atomic
from ..redline.gis_io import write_gis_parcels
from ..redline.model import parcel_from_geometry
from .local_store import LocalStore


def query_cases(store: LocalStore, number: str | None = None, applicant: str | None = None,
                business: str | None = None, stage: str | None = None,
                district: str | None = None, date_from: str | None = None,
                date_to: str | None = None, area_min: float | None = None,
                area_max: float | None = None, overdue: bool | None = None,
                within=None) -> list[dict]:
    """Cases matching every given criterion; ``within`` is a polygon in the store's CRS that
    a case's red line must touch. Each result carries ``area_m2`` (planar, all parcels)."""
    parcels: dict[str, list] = {}
    for p in store.parcels():
        parcels.setdefault(p.case_number, []).append(p)
    if within is not None:
        shapely.prepare(within)
    out = []
    for case in store.list_cases():
        n = case["number"]
        if number and number.upper() not in n:
            continue
        if applicant and applicant not in (case.get("applicant") or ""):
            continue
        if business and business not in (case.get("business_code"), case.get("business_name")):
            continue
        if stage and stage not in (case.get("stage"), case.get("stage_name")):
            continue
        if district and case.get("district") != district:
            continue
        created = (case.get("created") or "")[:10]
        if date_from and (not created or created < date_from):
            continue
        if date_to and (not created or created > date_to):
            continue
        area = sum(p.planar_area_m2 for p in parcels.get(n, []))
        if area_min is not None and area < area_min:
            continue
        if area_max is not None and area > area_max:
            continue
        if overdue is not None and (case.get("deadline_status") == "red") != overdue:
            continue
        if within is not None and not any(within.intersects(p.geometry)
                                          for p in parcels.get(n, [])):
            continue
        out.append({**case, "area_m2": area})
    return out


def export_csv(results: list[dict], path: str | Path) -> None:
    columns = ["number", "business_name", "district", "applicant", "stage_name",
               "deadline_due", "deadline_status", "area_m2"]
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in results:
        w.writerow([r.get(c) if c != "area_m2" else f"{r['area_m2']:.2f}" for c in columns])
    write_text_atomic(path, buf.getvalue(), encoding="utf-8-sig")  # BOM: Excel reads Chinese


def export_gpkg(store: LocalStore, results: list[dict], path: str | Path) -> None:
    wanted = {r["number"]: r for r in results}
    parcels = []
    for p in store.parcels():
        case = wanted.get(p.case_number)
        if case is None:
            continue
        parcels.append(parcel_from_geometry(
            f"{p.case_number}/{p.number}", p.name, p.geometry,
            {"case_number": p.case_number, "applicant": case.get("applicant") or "",
             "business": case.get("business_name") or "", "stage": case.get("stage_name") or "",
             "planar_m2": f"{p.planar_area_m2:.2f}"},
            None if p.declared_area_m2 is None else p.declared_area_m2 / 10_000.0))
    write_gis_parcels(parcels, path, store.crs, layer="cases")


def case_statistics(cases: list[dict]) -> dict:
    """Counts for the statistics panel: per stage, per business type, overdue and near."""
    return {
        "by_stage": Counter(c.get("stage_name") or c.get("stage") or "?" for c in cases),
        "by_business": Counter(c.get("business_name") or c.get("business_code") or "?"
                               for c in cases),
        "deadline": Counter({"red": "overdue", "yellow": "near"}.get(
            c.get("deadline_status") or "", "on time") for c in cases),
        "total": len(cases),
    }
