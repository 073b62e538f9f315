"""``create_app``: the Flask application factory."""

from __future__ import annotations

from flask import Flask, g, request
from flask_smorest import Api

from . import errors, gcpause
from .config import load_config
from .db import (
    make_engine,
    make_sessionmaker,
    single_statement_engine,
    snapshot_engine,
    start_checkpointer,
)
from .guard import check_request
from .jsonio import OrjsonProvider
from .resources import admin, auth, cases, changes, health, records, redlines, stats

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def init_database(config: dict) -> None:
    """Migrate to the newest schema, seed, prune: run once before workers start. Refuses
    (RedlineError) when the admin would keep no password or the password ``admin`` outside
    demo mode."""
    from .auth import prune
    from .migrate import upgrade
    from .seed import seed

    upgrade(config["DATABASE_URL"])
    engine = make_engine(config["DATABASE_URL"], immediate=True)
    try:
        with make_sessionmaker(engine)() as session:
            seed(session, config["ADMIN_PASSWORD"], config["DEMO"])
            prune_idempotency(session, config["IDEMPOTENCY_DAYS"])
            prune(session)
            session.commit()
    finally:
        engine.dispose()


def prune_idempotency(session, days: int) -> int:
    """Replays are for retries, not for ever: keys older than ``days`` are forgotten."""
    import datetime as dt

    from sqlalchemy import delete

    from .models import IdempotencyRecord

    cutoff = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    result = session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.created < cutoff))
    session.commit()
    return result.rowcount


class RedlineApi(Api):
    """flask-smorest's Api with every error answer documented as it is sent: problem+json."""

    def _register_responses(self):
        import http

        from flask_smorest.utils import prepare_response

        from .schemas import Problem

        self.spec.components.schema("Problem", schema=Problem)
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = Problem
            prepare_response(response, self.spec, "application/problem+json")
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "problem+json", "schema": Problem}
        prepare_response(response, self.spec, "application/problem+json")
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def create_app(overrides: dict | None = None, init: bool = True) -> Flask:
    config = load_config(overrides)
    if init:
        init_database(config)
    app = Flask(__name__)
    app.config.update(config)
    app.config["API_SPEC_OPTIONS"] = {
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    }
    app.json = OrjsonProvider(app)
    url = config["DATABASE_URL"]
    busy = config["BUSY_TIMEOUT_MS"]
    read_engine = make_engine(url, busy_ms=busy)
    write_engine = make_engine(url, immediate=True, busy_ms=busy) if url.startswith("sqlite") \
        else read_engine
    single = single_statement_engine(read_engine)
    readers = make_sessionmaker(snapshot_engine(read_engine))
    writers = make_sessionmaker(write_engine)
    app.extensions["redline_engines"] = (read_engine, write_engine)
    app.extensions["redline_single_engine"] = single
    start_checkpointer(url)

    sqlite = url.startswith("sqlite")

    @app.before_request
    def _session():
        if (request.content_length or 0) > gcpause.BIG_BYTES:
            gcpause.pause()
            g.gc_paused = True
        g.readers, g.single_engine = readers, single
        write = request.method in WRITE_METHODS
        g.session = (writers if write else readers)()
        if not (sqlite and write):
            # a read, or PostgreSQL (no write lock to avoid): one session per request
            g.reader = g.session
        check_request()

    @app.teardown_request
    def _close(_exc):
        sessions = {id(s): s for s in (g.pop("session", None), g.pop("reader", None)) if s}
        for session in sessions.values():
            session.close()  # what was not committed is rolled back
        single_conn = g.pop("single", None)
        if single_conn is not None:
            single_conn.close()
        if g.pop("gc_paused", False):
            gcpause.resume()

    api = RedlineApi(app)
    for module in (health, auth, cases, redlines, records, changes, stats, admin):
        api.register_blueprint(module.blp)
    errors.register(app)
    return app
