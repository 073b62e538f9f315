"""The RedLine Approval Processing provider: id, name, icon and the algorithms, nothing else."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from ..plugin.resources import icon_path
from .compliance_check import ComplianceCheck
from .convert_coordinates import ConvertCoordinates
from .export_redline import ExportCoordinateFile
from .fit_parameters import FitParameters
from .import_redline import ImportRedline
from .validate_redline import ValidateRedline

ALGORITHMS = (ComplianceCheck, ConvertCoordinates, FitParameters, ImportRedline, ExportCoordinateFile,
              ValidateRedline)


class RedlineProvider(QgsProcessingProvider):
    def id(self) -> str:
        return "redline"

    def name(self) -> str:
        return "RedLine Approval"

    def icon(self) -> QIcon:
        return QIcon(icon_path("icon.png"))

    def loadAlgorithms(self) -> None:  # noqa: N802
        for algorithm in ALGORITHMS:
            self.addAlgorithm(algorithm())
