"""Validation findings of a red-line file as a point layer (one marker per faulty place)."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsGeometry,
    QgsPointXY,
    QgsProcessing,
    QgsProcessingParameterCrs,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from ..core.redline.io import read_parcels
from ..core.redline.validate import has_errors, validate_parcels
from .base import RedlineAlgorithm, crs_text


class ValidateRedline(RedlineAlgorithm):
    def name(self) -> str:
        return "validateredline"

    def displayName(self) -> str:  # noqa: N802
        return self.tr("Validate red line")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Self-intersections, unclosed or degenerate rings, too few points, duplicates, "
            "spikes, overlapping parts and parcels, coordinates outside the zone and declared "
            "areas that differ from the map. Nothing is fixed: findings are reported.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile("INPUT", self.tr("Red-line file")))
        self.addParameter(QgsProcessingParameterCrs(
            "CRS", self.tr("CRS when the file carries none (DXF)"), optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink(
            "OUTPUT", self.tr("Findings"), type=QgsProcessing.TypeVectorPoint))

    def run_core(self, parameters, context, feedback) -> dict:
        path = self.parameterAsFile(parameters, "INPUT", context)
        source = read_parcels(path, crs_text(self.parameterAsCrs(parameters, "CRS", context)))
        findings = validate_parcels(source.parcels, source.crs)
        fields = QgsFields()
        for name in ("code", "severity", "parcel", "point", "message"):
            fields.append(QgsField(name, QVariant.String))
        qcrs = QgsCoordinateReferenceSystem(source.crs.to_wkt()) if source.crs else \
            QgsCoordinateReferenceSystem()
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, fields,
                                          QgsWkbTypes.Point, qcrs)
        for f in findings:
            feat = QgsFeature(fields)
            if f.x is not None and f.y is not None:
                feat.setGeometry(QgsGeometry.fromPointXY(QgsPointXY(f.x, f.y)))
            feat.setAttributes([f.code, f.severity, f.parcel, f.point, f.message])
            sink.addFeature(feat, QgsFeatureSink.FastInsert)
            feedback.pushInfo(f"{f.severity}: {f.code} parcel {f.parcel}: {f.message}")
        return {"OUTPUT": dest, "ERRORS": int(sum(x.severity == "error" for x in findings)),
                "VALID": not has_errors(findings)}
