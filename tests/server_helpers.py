"""A small client for the server tests, over Flask's test client or real HTTP."""

from __future__ import annotations

import uuid

from redline_approval.server_api.seed import DEMO_PASSWORD

SQUARE = {"type": "Polygon", "coordinates": [[[38460200.0, 3343100.0], [38460650.0, 3343080.0],
                                              [38460700.0, 3343420.0], [38460230.0, 3343450.0],
                                              [38460200.0, 3343100.0]]]}
SQUARE_AREA = 159700.0


def parcel(number="HX1", declared=SQUARE_AREA, geometry=SQUARE, crs="EPSG:4526"):
    return {"number": number, "name": "一号地块", "crs": crs, "geometry": geometry,
            "declared_area_m2": declared}


class Api:
    def __init__(self, client, username: str, password: str = DEMO_PASSWORD):
        self.client = client
        r = client.post("/api/v1/auth/token", json={"username": username, "password": password})
        assert r.status_code == 200, r.get_data(as_text=True)
        self.headers = {"Authorization": f"Bearer {r.json['token']}"}

    def get(self, path, **kw):
        return self.client.get(path, headers=self.headers, **kw)

    def post(self, path, json=None, etag=None, key=None):
        return self.client.post(path, json=json, headers=self._h(etag, key))

    def put(self, path, json=None, etag=None, key=None):
        return self.client.put(path, json=json, headers=self._h(etag, key))

    def patch(self, path, json=None, etag=None, key=None):
        return self.client.patch(path, json=json, headers=self._h(etag, key))

    def delete(self, path, etag=None, key=None):
        return self.client.delete(path, headers=self._h(etag, key))

    def _h(self, etag, key):
        h = dict(self.headers)
        if etag:
            h["If-Match"] = etag
        if key:
            h["Idempotency-Key"] = key
        return h

    def create(self, district="JA", business="AA", parcels=None, **kw):
        body = {"business_code": business, "district": district, "applicant": "某某公司",
                "forms": {"application": {"project_name": "工业园"}},
                "parcels": parcels if parcels is not None else [parcel()], **kw}
        r = self.post("/api/v1/cases", body, key=str(uuid.uuid4()))
        assert r.status_code == 201, r.get_data(as_text=True)
        return r.json["number"], r.headers["ETag"]

    def etag(self, number):
        return self.get(f"/api/v1/cases/{number}").headers["ETag"]

    def step(self, number, transition, expect=200, **body):
        r = self.post(f"/api/v1/cases/{number}/transitions",
                      {"transition": transition, **body}, etag=self.etag(number))
        assert r.status_code == expect, r.get_data(as_text=True)
        return r

    def attach(self, number, name):
        r = self.post(f"/api/v1/cases/{number}/attachments",
                      {"name": name, "kind": name, "size": 10, "sha256": "0" * 64},
                      etag=self.etag(number))
        assert r.status_code == 200, r.get_data(as_text=True)

    def opinion(self, number, text="同意", signed=True):
        r = self.post(f"/api/v1/cases/{number}/opinions", {"text": text, "signed": signed},
                      etag=self.etag(number))
        assert r.status_code == 200, r.get_data(as_text=True)
