"""Alembic environment: the URL comes from the caller (``server_api.migrate``)."""

from __future__ import annotations

from alembic import context
from redline_approval.server_api import models  # noqa: F401 - registers the tables
from redline_approval.server_api.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"), immediate=True)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
