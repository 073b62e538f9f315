"""Shared fixtures: a real QGIS (pytest-qgis), a QGIS-like main window, the sample county, the
server on SQLite and PostgreSQL with its demo users."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest
from redline_approval.server_api import create_app

from tests.server_helpers import Api

sys.path.insert(0, "/usr/share/qgis/python/plugins")  # QGIS's Processing framework
# the checks' digest and overlap-audit cache: the run's own, never the user's ~/.cache
os.environ["REDLINE_CACHE_DIR"] = tempfile.mkdtemp(prefix="redline-cache-")


@pytest.fixture(scope="session")
def county(tmp_path_factory) -> dict[str, Path]:
    from redline_approval.scripts.sample_county import build

    return build(tmp_path_factory.mktemp("county"))


@pytest.fixture()
def main_window_iface(qgis_app):
    """An iface over a real QMainWindow, so the plugin's toolbars, menus and docks are real
    widgets whose removal a test can check (pytest-qgis's stub keeps none of them)."""
    from tests.qgis_iface import MainWindowIface

    iface = MainWindowIface()
    yield iface
    iface.close()


@pytest.fixture()
def zh_hans():
    """QGIS set to 简体中文 the way its options dialog does it (locale ``zh-Hans``)."""
    from qgis.core import QgsSettings

    s = QgsSettings()
    before = (s.value("locale/overrideFlag"), s.value("locale/userLocale"))
    s.setValue("locale/overrideFlag", True)
    s.setValue("locale/userLocale", "zh-Hans")
    yield
    s.setValue("locale/overrideFlag", before[0] or False)
    s.setValue("locale/userLocale", before[1] or "")


@pytest.fixture(scope="session")
def pg_cluster(tmp_path_factory):
    from tests.postgres import Cluster, available

    if not available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL 15 is not installed: make setup installs it")
        pytest.skip("PostgreSQL 15 not installed")
    cluster = Cluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'redline.db'}"
    return request.getfixturevalue("pg_cluster").new_database()


@pytest.fixture(scope="module")
def provider(qgis_processing):
    """The plugin's Processing provider, registered for one test module (the plugin tests
    register and remove their own)."""
    from qgis.core import QgsApplication
    from redline_approval.processing_algorithms.provider import RedlineProvider

    p = RedlineProvider()
    QgsApplication.processingRegistry().addProvider(p)
    yield p
    QgsApplication.processingRegistry().removeProvider(p)


@pytest.fixture()
def app(database_url):
    app = create_app({"DATABASE_URL": database_url, "DEMO": True})
    yield app
    # the pools' connections go with the test, not whenever the collector gets to them
    for engine in {*app.extensions["redline_engines"], app.extensions["redline_single_engine"]}:
        engine.dispose()


@pytest.fixture()
def officer(app):
    return Api(app.test_client(), "officer")


@pytest.fixture()
def reviewer(app):
    return Api(app.test_client(), "reviewer")


@pytest.fixture()
def leader(app):
    return Api(app.test_client(), "leader")


@pytest.fixture()
def admin(app):
    return Api(app.test_client(), "admin", "admin")
