"""Errors as application/problem+json (RFC 9457), one handler for the whole API."""

from __future__ import annotations

from flask import Response
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from ..core.errors import RedlineError
from .jsonio import dumps


class ApiError(Exception):
    def __init__(self, status: int, title: str, detail: str = "", **extra):
        super().__init__(detail or title)
        self.status = status
        self.title = title
        self.detail = detail
        self.extra = extra


def problem(status: int, title: str, detail: str = "", headers: dict | None = None,
            **extra) -> Response:
    body = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    resp = Response(dumps(body), status=status,
                    mimetype="application/problem+json")
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def register(app) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError):
        headers = exc.extra.pop("headers", None)
        return problem(exc.status, exc.title, exc.detail, headers, **exc.extra)

    @app.errorhandler(RedlineError)
    def _domain_error(exc: RedlineError):
        return problem(422, "Unprocessable request", str(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        extra = {}
        data = getattr(exc, "data", None)  # webargs puts validation messages here
        if data and "messages" in data:
            extra["errors"] = data["messages"]
        return problem(exc.code or 500, exc.name, exc.description or "", **extra)

    @app.errorhandler(IntegrityError)
    def _integrity(exc: IntegrityError):
        # a constraint the code did not check first: a conflict with existing data, not a crash
        app.logger.warning("integrity error: %s", exc.orig)
        return problem(409, "Conflict", "the change conflicts with existing data")

    @app.errorhandler(OperationalError)
    def _busy(exc: OperationalError):
        # SQLite's write lock held past the busy timeout, or PostgreSQL refusing connections
        # for a moment: the client may retry, nothing was written
        text = str(exc.orig).lower()
        if exc.connection_invalidated or any(s in text for s in (
                "database is locked", "busy", "too many connections", "could not serialize",
                "deadlock", "server closed the connection", "terminating connection")):
            app.logger.warning("database busy: %s", exc.orig)
            return problem(503, "Service Unavailable", "the database is busy: retry shortly",
                           headers={"Retry-After": "1"})
        app.logger.exception("database error")
        return problem(500, "Internal Server Error", "the error was logged")

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unexpected error")
        return problem(500, "Internal Server Error", "the error was logged")
