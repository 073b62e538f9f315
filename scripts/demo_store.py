"""A local case store filled with sample cases (as the server would send them), for the
plugin's tests, the screenshots and the demo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import shapely

from ..core.redline.io import read_parcels
from ..core.store.local_store import LocalStore

CASES = [
    # number, business, name, applicant, stage, stage name, due, status, parcels index
    ("JAAA20260001", "AA", "建设用地规划许可", "示范县工业园开发有限公司", "first_review", "初审",
     "2026-12-15", "normal", 0),
    ("JAGD20260002", "GD", "土地供应", "东方物流股份有限公司", "review", "审核", "2026-11-30",
     "yellow", 1),
    ("JAXZ20260003", "XZ", "选址意见书", "青山旅游发展公司", "decision", "审定", "2026-11-20",
     "red", 2),
    ("JALD20260004", "LD", "林地占用", "示范县交通投资集团", "accepted", "受理", "2027-01-08",
     "normal", None),
    ("JAAA20260005", "AA", "建设用地规划许可", "绿城置业有限公司", "received", "收件", None, None,
     None),
]
TRANSITIONS = {"received": ["accept", "suspend", "terminate"],
               "accepted": ["submit", "suspend", "extend", "terminate"],
               "first_review": ["approve_first_review", "send_back", "suspend", "extend"],
               "review": ["approve_review", "send_back", "suspend", "extend"],
               "decision": ["decide", "send_back", "suspend", "extend", "terminate"]}


def build(store_path: str | Path, redlines: str | Path) -> LocalStore:
    path = Path(store_path)
    path.unlink(missing_ok=True)
    store = LocalStore(path, "EPSG:4526")
    parcels = read_parcels(redlines).parcels
    for i, (number, code, name, applicant, stage, stage_name, due, status, idx) in \
            enumerate(CASES):
        created = dt.datetime(2026, 10, 8 + 4 * i, 9, 30, tzinfo=dt.UTC)
        red = []
        if idx is not None:
            p = parcels[idx]
            red = [{"number": "1", "name": p.name, "crs": "EPSG:4526",
                    "geometry": shapely.geometry.mapping(p.geometry),
                    "declared_area_m2": p.declared_area_ha * 10_000,
                    "planar_area_m2": p.geometry.area, "ellipsoidal_area_m2": p.geometry.area,
                    "valid": True}]
        store.put_server_case({
            "number": number, "business_code": code, "business_name": name, "district": "JA",
            "applicant": applicant, "location": "示范县", "project_tag": f"P{i + 1:03d}",
            "stage": stage, "stage_name": stage_name, "section": "规划科", "handler": "officer",
            "accepted_on": "2026-10-20" if due else None, "version": 3, "revision": i + 1,
            "deadline": {"due": due, "status": status} if due else None,
            "forms": {"application": {"project_name": applicant[:6] + "项目",
                                      "intended_use": ["工业用地", "仓储用地", "商业用地",
                                                       "交通用地", "居住用地"][i]},
                      "indicator": {"floor_area_ratio": 1.2 + 0.3 * i}},
            "opinions": [{"stage": "accepted", "author": "officer", "signed": True,
                          "text": "材料齐全，同意受理。", "signer_role": "handler"}] if due else [],
            "attachments": [], "transitions": TRANSITIONS.get(stage, []),
            "created": created.isoformat(), "updated": created.isoformat(), "parcels": red})
    # the first parcel's measured areas come from core, as after an import
    for number in ("JAAA20260001", "JAGD20260002", "JAXZ20260003"):
        stored = store.parcels(number)
        with store.transaction() as conn:
            for p in stored:
                m = store.measure(p.number, p.name, p.geometry, p.declared_area_m2)
                conn.execute("UPDATE parcels SET planar_area_m2=?, ellipsoidal_area_m2=? "
                             "WHERE fid=?", (m.planar_area_m2, m.ellipsoidal_area_m2, p.fid))
    store.set_state("last_sync", "2026-11-26T08:00:00+00:00")
    return store
