"""Sync as a ``QgsTask`` (on demand and on a timer), with the login kept in QGIS's
authentication manager, never in project files or plain settings."""

from __future__ import annotations

from qgis.core import QgsApplication, QgsAuthMethodConfig, QgsTask

from ..core.store.local_store import LocalStore
from ..core.sync.client import ApiClient
from ..core.sync.engine import sync
from . import settings


def save_login(server: str, username: str, password: str) -> str:
    """Stores the login as a Basic auth config; returns its id (kept in the settings)."""
    manager = QgsApplication.authManager()
    config = QgsAuthMethodConfig()
    config.setName("RedLine Approval server")
    config.setMethod("Basic")
    config.setUri(server)
    config.setConfig("username", username)
    config.setConfig("password", password)
    existing = settings.get("auth_id")
    if existing:
        config.setId(existing)
        manager.updateAuthenticationConfig(config)
    else:
        manager.storeAuthenticationConfig(config)
    settings.put("auth_id", config.id())
    settings.put("server", server)
    return config.id()


def load_login() -> tuple[str, str, str] | None:
    auth_id = settings.get("auth_id")
    if not auth_id:
        return None
    config = QgsAuthMethodConfig()
    if not QgsApplication.authManager().loadAuthenticationConfig(auth_id, config, True):
        return None
    return settings.get("server"), config.config("username"), config.config("password")


class StepCheckTask(QgsTask):
    """Asks the server (dry run) whether a workflow step would be refused, in the background:
    a slow or absent server never holds the officer's window. ``violations`` stays None when
    the server could not be asked (offline, login refused): the step is then decided at sync."""

    def __init__(self, server: str, username: str, password: str, number: str,
                 transition: str, reason: str, on_done=None):
        super().__init__("RedLine step check", QgsTask.CanCancel)
        self.server, self.username, self.password = server, username, password
        self.number, self.transition, self.reason = number, transition, reason
        self.on_done = on_done
        self.violations: list[dict] | None = None
        self.error: str | None = None

    def run(self) -> bool:
        try:
            with ApiClient(self.server, timeout=15) as client:
                client.login(self.username, self.password)
                self.violations = client.dry_run(self.number, self.transition, self.reason)
            return True
        except Exception as exc:  # offline, refused login, an old server: decided at sync
            self.error = str(exc)
            return False

    def finished(self, ok: bool) -> None:
        if self.on_done:
            self.on_done(self)


class SyncTask(QgsTask):
    """Runs the sync on its own store connection (sqlite connections stay in their thread)."""

    def __init__(self, store_path: str, server: str, username: str, password: str,
                 on_done=None):
        super().__init__("RedLine sync", QgsTask.CanCancel)
        self.store_path = store_path
        self.server, self.username, self.password = server, username, password
        self.on_done = on_done
        self.report = None
        self.error = None

    def run(self) -> bool:
        store = LocalStore(self.store_path)
        try:
            client = ApiClient(self.server, timeout=30)
            client.login(self.username, self.password)
            self.report = sync(store, client, lambda pct, _w: self.setProgress(pct))
            return True
        except Exception as exc:  # reported in the dock, never a crash
            self.error = str(exc)
            return False
        finally:
            store.close()

    def finished(self, ok: bool) -> None:
        if self.on_done:
            self.on_done(self)
