"""The real server in its own process (``redline serve``: migrations, then gunicorn) on a
loopback port: for the demo, the benchmarks and the tests that cross HTTP."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, database_url: str, workers: int = 2, port: int | None = None,
                 demo: bool = True, env: dict | None = None, args: tuple[str, ...] = ()):
        self.database_url = database_url
        self.args = args  # more options of redline serve
        self.demo = demo  # the demo users (tests, demo, benchmarks)
        self.env = env or {}
        self.workers = workers
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> LiveServer:
        exe = Path(sys.executable).parent / "redline"
        # a file, not a pipe: a pipe nobody reads fills up and stalls the server
        self.log = tempfile.TemporaryFile(mode="w+", prefix="redline-server-")
        self.process = subprocess.Popen(
            [str(exe), "serve", "--host", "127.0.0.1", "--port", str(self.port),
             "--workers", str(self.workers), "--database", self.database_url,
             *(["--demo"] if self.demo else []), *self.args],
            stdout=subprocess.DEVNULL, stderr=self.log, text=True,
            env={**os.environ, **self.env}, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"server exited: {self.log.read()[-3000:]}")
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=1).ok:
                    return self
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError("server did not answer within the timeout")

    def kill(self) -> None:
        """As a crash would: SIGKILL to the whole process group, no clean shutdown."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()

    def token(self, username: str, password: str) -> str:
        r = requests.post(f"{self.url}/api/v1/auth/token",
                          json={"username": username, "password": password}, timeout=10)
        r.raise_for_status()
        return r.json()["token"]
