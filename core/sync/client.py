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


class AuthError(SyncError):
    """401: the login expired or was revoked. Nothing is refused; log in again and sync."""


class RetryLater(SyncError):
    """The server cannot take it now (408, 429, 503, a 409 that asks to retry, 5xx): nothing is
    refused; the push stops and everything stays pending. ``wait``: seconds it asked for."""

    def __init__(self, message: str, wait: float | None = None):
        super().__init__(message)
        self.wait = wait


class RejectedError(SyncError):
    """The server refused the operation itself (rules 409, locked 409, 422, 403, 404, 413):
    ``problem`` says why; the operation waits for the officer to retry, edit or discard it."""

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
        self.user: dict = {}  # who logged in: name, role, district (the scope of the feed)

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
        code = resp.status_code
        if code == 412:
            body = _json(resp)
            raise ConflictError(body.get("detail", "the case changed on the server"),
                                body.get("current"))
        if code == 401 and not path.startswith("/auth/token"):
            raise AuthError(f"{code}: the login expired or was revoked: log in again; "
                            "nothing was lost")
        body = _json(resp) if code >= 400 else {}
        if code in (408, 429) or code >= 500 or (code == 409 and body.get("title") == "Conflict"):
            wait = resp.headers.get("Retry-After")
            raise RetryLater(f"server busy ({code} {body.get('title', '')}): try again "
                             f"{'in ' + wait + ' s' if wait else 'later'}; nothing was lost",
                             float(wait) if wait and wait.isdigit() else None)
        if code >= 400:
            raise RejectedError(code, body)
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
        body = r.json()
        self.token = body["token"]
        self.user = body.get("user") or {}
        return self.token

    def health(self) -> dict:
        return self._request("GET", "/health").json()

    def changes(self, since: int, limit: int = 500) -> dict:
        return self._request("GET", "/changes", params={"since": since, "limit": limit}).json()

    def business_types(self) -> list[dict]:
        return self._request("GET", "/admin/business-types").json()

    def get_case(self, number: str) -> dict:
        return self._request("GET", f"/cases/{number}").json()

    def dry_run(self, number: str, transition: str, reason: str = "") -> list[dict]:
        """What would block ``transition`` of case ``number`` now (rules that fail), nothing
        changed on the server."""
        body = {"transition": transition, "reason": reason or "-", "days": 1}
        answer = self._request("POST", f"/cases/{number}/transitions/dry-run", json=body).json()
        return list(answer.get("violations", []))

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
