"""Fit 7-, 3- or 4-parameter transformations from common points, with residuals and RMS."""

from __future__ import annotations

import json

from qgis.core import (
    QgsProcessingParameterCrs,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
)

from ..core.atomic import write_text_atomic
from ..core.geodesy.fitting import fit_parameters, report_text
from ..core.geodesy.point_files import read_pairs
from .base import RedlineAlgorithm, crs_text

MODELS = ["bursa_wolf", "three_param", "four_param"]
CONVENTIONS = ["coordinate_frame", "position_vector"]


class FitParameters(RedlineAlgorithm):
    GROUP = "geodesy"

    def name(self) -> str:
        return "fitparameters"

    def displayName(self) -> str:  # noqa: N802
        return self.tr("Fit transformation parameters from common points")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Least-squares fit from a CSV id,x1,y1,x2,y2[,h1,h2] (x northing). Reports each "
            "point's residual and the RMS; points over 3 x RMS are dropped as gross errors and "
            "the fit repeated. Writes the parameter file (JSON) and a text report.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(
            "PAIRS", self.tr("Common points (CSV)"), extension="csv"))
        self.addParameter(QgsProcessingParameterEnum(
            "MODEL", self.tr("Model"), MODELS, defaultValue=0))
        self.addParameter(QgsProcessingParameterEnum(
            "CONVENTION", self.tr("Rotation convention"), CONVENTIONS, defaultValue=0))
        self.addParameter(QgsProcessingParameterCrs("SOURCE_CRS", self.tr("Source CRS")))
        self.addParameter(QgsProcessingParameterCrs("TARGET_CRS", self.tr("Target CRS"),
                                                     "EPSG:4526"))
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", self.tr("Parameter file"), "JSON (*.json)"))
        self.addParameter(QgsProcessingParameterFileDestination(
            "REPORT", self.tr("Report"), "Text (*.txt)", optional=True))

    def run_core(self, parameters, context, feedback) -> dict:
        pairs = read_pairs(self.parameterAsFile(parameters, "PAIRS", context))
        model = MODELS[self.parameterAsEnum(parameters, "MODEL", context)]
        convention = CONVENTIONS[self.parameterAsEnum(parameters, "CONVENTION", context)]
        result = fit_parameters(
            pairs.ids, pairs.src_en, pairs.dst_en, model,
            crs_text(self.parameterAsCrs(parameters, "SOURCE_CRS", context)),
            crs_text(self.parameterAsCrs(parameters, "TARGET_CRS", context)),
            pairs.h1, pairs.h2, convention)
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        write_text_atomic(out, json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
        report = report_text(result)
        feedback.pushInfo(report)
        report_path = self.parameterAsFileOutput(parameters, "REPORT", context)
        if report_path:
            write_text_atomic(report_path, report)
        return {"OUTPUT": out, "REPORT": report_path, "RMS_M": result.rms_m,
                "REJECTED": ",".join(result.rejected)}
