"""A throw-away PostgreSQL 15 + PostGIS cluster for the tests (initdb + pg_ctl in a temp dir)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, base: Path | None = None):
        # its own top-level folder: pytest's temp folders are 0700 and the postgres user, which
        # runs the server when the tests run as root, could not enter them
        self.base = base or Path(tempfile.mkdtemp(prefix="redline-pg-"))
        self.data = self.base / "data"
        self.sock = self.base / "sock"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *cmd: str) -> None:
        full = ["runuser", "-u", "postgres", "--", *cmd] if self.as_root else list(cmd)
        subprocess.run(full, check=True, capture_output=True, text=True)

    def start(self) -> Cluster:
        self.base.mkdir(parents=True, exist_ok=True)
        self.sock.mkdir(exist_ok=True)
        os.chmod(self.base, 0o755)
        if self.as_root:
            shutil.chown(self.base, "postgres")
            shutil.chown(self.sock, "postgres")
        self._run(str(BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C.UTF-8")
        self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-w", "-l",
                  str(self.base / "log.txt"), "-o",
                  f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off -c max_connections=200", "start")
        return self

    def stop(self) -> None:
        try:
            self._run(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        except subprocess.CalledProcessError:
            pass
        shutil.rmtree(self.base, ignore_errors=True)

    def new_database(self) -> str:
        """A fresh database with PostGIS; returns its SQLAlchemy URL."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname={name}",
                             autocommit=True) as conn:
            conn.execute("CREATE EXTENSION postgis")
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{name}"


def available() -> bool:
    return (BIN / "initdb").exists()
