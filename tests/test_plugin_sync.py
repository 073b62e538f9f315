"""The plugin's sync: the login kept in QGIS's authentication manager, the sync task against the
real server, the dock's status; and the ``redline sync`` CLI."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from qgis.core import QgsApplication
from qgis.PyQt.QtWidgets import QApplication
from redline_approval.core.store.local_store import LocalStore
from redline_approval.server_api.process import LiveServer
from redline_approval.server_api.seed import DEMO_PASSWORD


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = LiveServer(f"sqlite:///{tmp_path_factory.mktemp('srv') / 's.db'}").start()
    yield s
    s.stop()


def test_login_lives_in_the_auth_manager(qgis_app):
    from redline_approval.plugin import settings
    from redline_approval.plugin.sync_task import load_login, save_login

    manager = QgsApplication.authManager()
    if not manager.masterPasswordIsSet():
        assert manager.setMasterPassword("test-master-password", True)
    save_login("http://127.0.0.1:1", "officer", "s3cret")
    assert load_login() == ("http://127.0.0.1:1", "officer", "s3cret")
    auth_id = settings.get("auth_id")
    assert auth_id and "s3cret" not in str(settings.get("server"))
    save_login("http://127.0.0.1:2", "officer", "other")  # updates, does not pile up configs
    assert settings.get("auth_id") == auth_id and load_login()[2] == "other"


def test_sync_task_pushes_and_pulls(server, tmp_path, qgis_app):
    from redline_approval.plugin.sync_task import SyncTask

    store = LocalStore(tmp_path / "cases.gpkg")
    local = store.create_local_case("AA", "JA", "插件同步公司")
    store.close()
    done = []
    task = SyncTask(str(tmp_path / "cases.gpkg"), server.url, "officer", DEMO_PASSWORD,
                    done.append)
    QgsApplication.taskManager().addTask(task)
    deadline = time.monotonic() + 60
    while not done and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)
    assert done and task.error is None, task.error
    assert task.report.pushed == 1 and local in task.report.renamed
    store = LocalStore(tmp_path / "cases.gpkg")
    assert store.get_case(task.report.renamed[local])["applicant"] == "插件同步公司"
    assert store.get_state("last_sync")
    store.close()


def test_sync_task_reports_a_wrong_password(server, tmp_path):
    from redline_approval.plugin.sync_task import SyncTask

    task = SyncTask(str(tmp_path / "c.gpkg"), server.url, "officer", "wrong")
    assert task.run() is False and "401" in task.error


def test_cli_sync(server, tmp_path):
    exe = Path(sys.executable).parent / "redline"
    env = dict(os.environ, REDLINE_PASSWORD=DEMO_PASSWORD)
    out = subprocess.run([str(exe), "sync", str(tmp_path / "cli.gpkg"), "--server", server.url,
                          "--user", "reviewer"], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert "pulled" in out.stdout
    bad = subprocess.run([str(exe), "sync", str(tmp_path / "cli.gpkg"), "--server", server.url,
                          "--user", "reviewer"], env=dict(env, REDLINE_PASSWORD="nope"),
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "401" in bad.stderr


def test_step_check_task_asks_the_server(server):
    from redline_approval.core.sync.client import ApiClient
    from redline_approval.plugin.sync_task import StepCheckTask

    with ApiClient(server.url) as client:
        client.login("officer", DEMO_PASSWORD)
        number = client.create_case({"business_code": "AA", "district": "JA",
                                     "applicant": "预审公司"}, "step-check-1")["number"]
    task = StepCheckTask(server.url, "officer", DEMO_PASSWORD, number, "accept", "")
    assert task.run() and task.violations  # no materials attached yet
    assert all(v.get("message") for v in task.violations)
    offline = StepCheckTask("http://127.0.0.1:9", "officer", "x", number, "accept", "")
    assert offline.run() is False and offline.violations is None and offline.error
