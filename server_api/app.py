"""``create_app``: the Flask application factory."""

from __future__ import annotations

from flask import Flask, g, request
from flask_smorest import Api

from . import errors
from .config import load_config
from .db import make_engine, make_sessionmaker
from .resources import admin, auth, cases, changes, health, stats

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def init_database(config: dict) -> None:
    """Migrate to the newest schema and seed: run once before workers start."""
    from .migrate import upgrade
    from .seed import seed

    upgrade(config["DATABASE_URL"])
    engine = make_engine(config["DATABASE_URL"], immediate=True)
    with make_sessionmaker(engine)() as session:
        seed(session, config["ADMIN_PASSWORD"], config["SEED_DEMO_USERS"])
        prune_idempotency(session, config["IDEMPOTENCY_DAYS"])
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
    app.json.ensure_ascii = False
    url = config["DATABASE_URL"]
    read_engine = make_engine(url)
    write_engine = make_engine(url, immediate=True) if url.startswith("sqlite") else read_engine
    readers, writers = make_sessionmaker(read_engine), make_sessionmaker(write_engine)
    app.extensions["redline_engines"] = (read_engine, write_engine)

    @app.before_request
    def _session():
        g.session = (writers if request.method in WRITE_METHODS else readers)()

    @app.teardown_request
    def _close(_exc):
        session = g.pop("session", None)
        if session is not None:
            session.rollback()
            session.close()

    api = Api(app)
    for module in (health, auth, cases, changes, stats, admin):
        api.register_blueprint(module.blp)
    errors.register(app)
    return app
