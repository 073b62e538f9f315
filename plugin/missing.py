"""Stands in for the plugin when Python packages are missing: says which and how to install
them, instead of a traceback at QGIS start."""

from __future__ import annotations

from qgis.core import Qgis
from qgis.PyQt.QtCore import QCoreApplication

INSTALL = ("/usr/bin/python3 -m pip install --user --break-system-packages "
           "'shapely==2.0.6' 'ezdxf==1.3.4' 'XlsxWriter==3.2.0' jsonschema requests  "
           "(or: make install)")


class MissingDependenciesPlugin:
    def __init__(self, iface, missing: list[str]):
        self.iface = iface
        self.missing = missing

    def initGui(self) -> None:  # noqa: N802
        text = QCoreApplication.translate(
            "RedlineApprovalPlugin", "RedLine Approval needs {missing}. Install with: {cmd}"
        ).format(missing=", ".join(self.missing), cmd=INSTALL)
        bar = self.iface.messageBar()
        if bar is not None:
            bar.pushMessage("RedLine Approval", text, Qgis.Critical, 0)

    def unload(self) -> None:
        pass
