"""The server protocol as plain Python (requests): the plugin, the CLI and the tests use it.
It knows nothing of QGIS."""

from __future__ import annotations

import requests

from ..errors import RedlineError


class SyncError(RedlineError):
    pass


class OfflineError(SyncError):
    """The server cannot be reached: work goes on locally, nothing is lost."""


class ConflictError(SyncError):
    """412: the case changed on the server since our copy; ``current`` is the server's state."""

    def __init__(self, message: str, current: dict | None):
        super().__init__(message)
        self.current = current


class RejectedError(SyncError):
    """The server refused the operation (rules, validation, rights): ``problem`` says why."""

    def __init__(self, status: int, problem: dict):
        self.status = status
        self.problem = problem
        detail = problem.get("detail") or problem.get("title", "")
        extra = "; ".join(v.get("message", "") for v in problem.get("violations", []))
        errors = "; ".join(str(e) for e in problem.get("errors", [])) \
            if isinstance(problem.get("errors"), list) else ""
        super().__init__(f"{status} {problem.get('title', '')}: {detail} {extra} {errors}".strip())


class ApiClient:
    def __init__(self, base_url: str, token: str | None = None, timeout: float = 30.0,
                 session: requests.Session | None = None):
        self.base = base_url.rstrip("/") + "/api/v1"
        self.token = token
        self.timeout = timeout
        self.http = session or requests.Session()

    def _request(self, method: str, path: str, **kw) -> requests.Response:
        headers = kw.pop("headers", {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            resp = self.http.request(method, self.base + path, headers=headers,
                                     timeout=self.timeout, **kw)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise OfflineError(f"server {self.base} not reachable: {exc.__class__.__name__}") \
                from exc
        if resp.status_code == 412:
            body = _json(resp)
            raise ConflictError(body.get("detail", "the case changed on the server"),
                                body.get("current"))
        if resp.status_code >= 500:
            raise OfflineError(f"server error {resp.status_code}: try again later")
        if resp.status_code >= 400:
            raise RejectedError(resp.status_code, _json(resp))
        return resp

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def login(self, username: str, password: str) -> str:
        r = self._request("POST", "/auth/token", json={"username": username,
                                                       "password": password})
        self.token = r.json()["token"]
        return self.token

    def health(self) -> dict:
        return self._request("GET", "/health").json()

    def changes(self, since: int, limit: int = 500) -> dict:
        return self._request("GET", "/changes", params={"since": since, "limit": limit}).json()

    def business_types(self) -> list[dict]:
        return self._request("GET", "/admin/business-types").json()

    def get_case(self, number: str) -> dict:
        return self._request("GET", f"/cases/{number}").json()

    def create_case(self, payload: dict, key: str) -> dict:
        return self._request("POST", "/cases", json=payload,
                             headers={"Idempotency-Key": key}).json()

    def write(self, method: str, path: str, payload: dict | None, etag: str,
              key: str) -> dict | None:
        r = self._request(method, path, json=payload,
                          headers={"If-Match": etag, "Idempotency-Key": key})
        return r.json() if r.content else None


def _json(resp: requests.Response) -> dict:
    try:
        body = resp.json()
        return body if isinstance(body, dict) else {"detail": str(body)}
    except ValueError:
        return {"detail": resp.text[:500]}


def etag(number: str, version: int) -> str:
    return f'"{number}-{version}"'
