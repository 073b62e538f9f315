"""Settings from the environment.

* REDLINE_DATABASE_URL: default a SQLite file in the user's data folder;
* REDLINE_ADMIN_PASSWORD: the admin's password, applied at every start when set (at least 10
  characters); without it a new database has no usable admin until ``redline admin
  set-password`` gives one;
* REDLINE_DEMO_USERS=1 (or ``redline serve --demo``): demo mode, one user per role with the
  password ``redline-demo`` and ``admin``/``admin`` allowed — never for a real bureau;
* REDLINE_TOKEN_HOURS, REDLINE_IDEMPOTENCY_DAYS (how long a replayed Idempotency-Key is
  honoured, pruned at start), REDLINE_MAX_BODY_MB (default 16: larger bodies get 413),
  REDLINE_MAX_VERTICES (per request, default 1 000 000: more get 413),
  REDLINE_BUSY_TIMEOUT_MS (how long a SQLite write waits for the lock before 503, default 10 s).
"""

from __future__ import annotations

import os
from pathlib import Path


def default_database_url() -> str:
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "redline"
    base.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{base / 'redline.db'}"


def load_config(overrides: dict | None = None) -> dict:
    demo = os.environ.get("REDLINE_DEMO_USERS", "0") == "1"
    config = {
        "DATABASE_URL": os.environ.get("REDLINE_DATABASE_URL") or default_database_url(),
        "ADMIN_PASSWORD": os.environ.get("REDLINE_ADMIN_PASSWORD") or None,
        "TOKEN_HOURS": int(os.environ.get("REDLINE_TOKEN_HOURS", "12")),
        "IDEMPOTENCY_DAYS": int(os.environ.get("REDLINE_IDEMPOTENCY_DAYS", "30")),
        "DEMO": demo,
        "MAX_CONTENT_LENGTH": int(float(os.environ.get("REDLINE_MAX_BODY_MB", "16")) * 2**20),
        "MAX_VERTICES": int(os.environ.get("REDLINE_MAX_VERTICES", "1000000")),
        "BUSY_TIMEOUT_MS": int(os.environ.get("REDLINE_BUSY_TIMEOUT_MS", "10000")),
        "API_TITLE": "RedLine Approval API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
    config.update(overrides or {})
    return config
