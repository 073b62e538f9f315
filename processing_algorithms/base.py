"""What every RedLine algorithm shares: group, translation, and core errors as
``QgsProcessingException`` (shown in the toolbox's log, never a Python traceback)."""

from __future__ import annotations

from qgis.core import QgsProcessingAlgorithm, QgsProcessingException
from qgis.PyQt.QtCore import QCoreApplication

from ..core.errors import RedlineError


class RedlineAlgorithm(QgsProcessingAlgorithm):
    GROUP = "redline"  # redline | geodesy | check

    def tr(self, text: str) -> str:
        # the class name is the context pylupdate5 gives each algorithm's strings
        return QCoreApplication.translate(type(self).__name__, text)

    def group(self) -> str:
        names = {"redline": QCoreApplication.translate("RedlineAlgorithm", "Red lines"),
                 "geodesy": QCoreApplication.translate("RedlineAlgorithm", "Coordinates"),
                 "check": QCoreApplication.translate("RedlineAlgorithm", "Compliance check")}
        return names[self.GROUP]

    def groupId(self) -> str:  # noqa: N802
        return self.GROUP

    def createInstance(self):  # noqa: N802
        return type(self)()

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        try:
            return self.run_core(parameters, context, feedback)
        except RedlineError as exc:
            raise QgsProcessingException(str(exc)) from exc

    def run_core(self, parameters, context, feedback) -> dict:
        raise NotImplementedError


def report_language() -> str:
    """The language of reports written by an algorithm: QGIS's locale, Chinese by default."""
    from qgis.core import QgsSettings
    from qgis.PyQt.QtCore import QLocale

    from ..core.i18n import language

    override = QgsSettings().value("locale/overrideFlag", False, type=bool)
    name = QgsSettings().value("locale/userLocale", "") if override else ""
    return language(name or QLocale.system().name())


def crs_text(crs) -> str | None:
    """A QgsCoordinateReferenceSystem as the text ``core`` parses (None when invalid)."""
    if crs is None or not crs.isValid():
        return None
    return crs.authid() or crs.toWkt()
