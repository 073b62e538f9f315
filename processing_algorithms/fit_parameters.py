"""Fit 7-, 3- or 4-parameter transformations from common points, with residuals and RMS."""

from __future__ import annotations

import json

from qgis.core import (
    QgsProcessingParameterCrs,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from ..core.atomic import write_text_atomic
from ..core.geodesy.fit_report import report_text
from ..core.geodesy.fitting import evaluate_check_points, fit_parameters
from ..core.geodesy.point_files import read_pairs
from .base import RedlineAlgorithm, crs_text, report_language

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
            "Least-squares fit from a CSV id,x1,y1,x2,y2[,h1,h2] (x northing). Without heights "
            "both sides take the assumed ellipsoidal height. Gross errors are found one point at "
            "a time by an F test of each point's residual (leverage counted) at the significance "
            "level given, and the fit repeated. The report gives every parameter with its "
            "standard deviation, σ0, Mx/My/Mp, the residuals and the check points, and warns when "
            "the common points span too small an area for seven parameters.")

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
        self.addParameter(QgsProcessingParameterNumber(
            "HEIGHT", self.tr("Assumed ellipsoidal height when the points carry none (m)"),
            QgsProcessingParameterNumber.Double, 0.0))
        self.addParameter(QgsProcessingParameterNumber(
            "ALPHA", self.tr("Significance level of the gross-error test"),
            QgsProcessingParameterNumber.Double, 0.001, minValue=1e-9, maxValue=0.2))
        self.addParameter(QgsProcessingParameterFile(
            "CHECK", self.tr("Check points (CSV, same columns; not used in the fit)"),
            extension="csv", optional=True))
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
            pairs.h1, pairs.h2, convention,
            alpha=self.parameterAsDouble(parameters, "ALPHA", context),
            assumed_height_m=self.parameterAsDouble(parameters, "HEIGHT", context))
        check_path = self.parameterAsFile(parameters, "CHECK", context)
        if check_path:
            check = read_pairs(check_path)
            evaluate_check_points(result, check.ids, check.src_en, check.dst_en, check.h1)
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        write_text_atomic(out, json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n")
        report = report_text(result, report_language())
        feedback.pushInfo(report)
        report_path = self.parameterAsFileOutput(parameters, "REPORT", context)
        if report_path:
            write_text_atomic(report_path, report)
        return {"OUTPUT": out, "REPORT": report_path, "RMS_M": result.rms_m,
                "SIGMA0_M": result.stats.sigma0_m, "MP_M": result.stats.mp_m,
                "REJECTED": ",".join(result.rejected)}
