"""Settings from the environment: REDLINE_DATABASE_URL (default: a SQLite file in the user's
data folder), REDLINE_ADMIN_PASSWORD (first admin), REDLINE_TOKEN_HOURS, REDLINE_DEMO_USERS,
REDLINE_IDEMPOTENCY_DAYS (how long a replayed Idempotency-Key is honoured, pruned at start)."""

from __future__ import annotations

import os
from pathlib import Path


def default_database_url() -> str:
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "redline"
    base.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{base / 'redline.db'}"


def load_config(overrides: dict | None = None) -> dict:
    config = {
        "DATABASE_URL": os.environ.get("REDLINE_DATABASE_URL") or default_database_url(),
        "ADMIN_PASSWORD": os.environ.get("REDLINE_ADMIN_PASSWORD", "admin"),
        "TOKEN_HOURS": int(os.environ.get("REDLINE_TOKEN_HOURS", "12")),
        "IDEMPOTENCY_DAYS": int(os.environ.get("REDLINE_IDEMPOTENCY_DAYS", "30")),
        "SEED_DEMO_USERS": os.environ.get("REDLINE_DEMO_USERS", "1") == "1",
        "API_TITLE": "RedLine Approval API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
    config.update(overrides or {})
    return config
