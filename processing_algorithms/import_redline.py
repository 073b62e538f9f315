"""A ministry coordinate file, DXF or GIS file as a red-line layer with legal areas."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingParameterCrs,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFile,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from ..core.redline.area import parcel_area
from ..core.redline.io import read_parcels
from .base import RedlineAlgorithm, crs_text
from .qgis_bridge import to_qgs


def redline_fields() -> QgsFields:
    fields = QgsFields()
    for name, kind in (("number", QVariant.String), ("name", QVariant.String),
                       ("use", QVariant.String),
                       ("declared_ha", QVariant.Double), ("planar_m2", QVariant.Double),
                       ("ellipsoidal_m2", QVariant.Double), ("hectares", QVariant.Double),
                       ("mu", QVariant.Double), ("parts", QVariant.Int), ("holes", QVariant.Int)):
        fields.append(QgsField(name, kind))
    return fields


class ImportRedline(RedlineAlgorithm):
    def name(self) -> str:
        return "importredline"

    def displayName(self) -> str:  # noqa: N802
        return self.tr("Import red line (coordinate file, DXF, GIS)")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Reads a ministry coordinate file (GBK or UTF-8, any real-world variant), a DXF of "
            "closed polylines or a GIS file, decides holes and parts from geometry and writes one "
            "feature per parcel with its planar and ellipsoidal areas (m², ha, mu).")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile("INPUT", self.tr("Red-line file")))
        self.addParameter(QgsProcessingParameterCrs(
            "CRS", self.tr("CRS when the file carries none (DXF)"), optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink(
            "OUTPUT", self.tr("Red-line parcels"), type=QgsProcessing.TypeVectorPolygon))

    def run_core(self, parameters, context, feedback) -> dict:
        path = self.parameterAsFile(parameters, "INPUT", context)
        source = read_parcels(path, crs_text(self.parameterAsCrs(parameters, "CRS", context)))
        if source.crs is None:
            from ..core.errors import CrsError

            raise CrsError(f"{path} carries no CRS: set 'CRS when the file carries none'")
        qcrs = QgsCoordinateReferenceSystem(source.crs.to_wkt())
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, redline_fields(),
                                          QgsWkbTypes.MultiPolygon, qcrs)
        total = len(source.parcels)
        for i, p in enumerate(source.parcels):
            if feedback.isCanceled():
                break
            f = QgsFeature(redline_fields())
            f.setGeometry(to_qgs(p.geometry))
            a = parcel_area(p.number, p.name, p.geometry, source.crs).to_dict() \
                if p.geometry.is_valid else None
            f.setAttributes([p.number, p.name, p.use, p.declared_area_ha,
                             a and a["planar_m2"], a and a["ellipsoidal_m2"],
                             a and a["hectares"], a and a["mu"], a and a["parts"],
                             a and a["holes"]])
            sink.addFeature(f, QgsFeatureSink.FastInsert)
            feedback.setProgress(100.0 * (i + 1) / total)
        return {"OUTPUT": dest}

