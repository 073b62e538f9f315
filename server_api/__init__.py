"""The approval server: a thin Flask app over ``core`` (cases, workflow, rules, deadlines,
audit, statistics) with SQLite by default and PostgreSQL + PostGIS by one setting."""

from .app import create_app

__all__ = ["create_app"]
