"""A polygon layer as a ministry coordinate file (canonical form, GBK or UTF-8)."""

from __future__ import annotations

from qgis.core import (
    QgsProcessing,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFileDestination,
)

from ..core.geodesy.transforms import parse_crs
from ..core.redline.io import RedlineSource, write_parcels
from ..core.redline.model import parcel_from_geometry
from .base import RedlineAlgorithm, crs_text
from .qgis_bridge import from_qgs

ENCODINGS = ["gbk", "utf-8"]


class ExportCoordinateFile(RedlineAlgorithm):
    def name(self) -> str:
        return "exportcoordinatefile"

    def displayName(self) -> str:  # noqa: N802
        return self.tr("Export red line as ministry coordinate file")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFeatureSource(
            "INPUT", self.tr("Red-line layer"), [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterField(
            "NUMBER_FIELD", self.tr("Parcel number field"), parentLayerParameterName="INPUT",
            optional=True))
        self.addParameter(QgsProcessingParameterField(
            "NAME_FIELD", self.tr("Parcel name field"), parentLayerParameterName="INPUT",
            optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            "ENCODING", self.tr("Encoding"), ENCODINGS, defaultValue=0))
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", self.tr("Coordinate file"), "Coordinate file (*.txt)"))

    def run_core(self, parameters, context, feedback) -> dict:
        layer = self.parameterAsSource(parameters, "INPUT", context)
        number_field = self.parameterAsString(parameters, "NUMBER_FIELD", context)
        name_field = self.parameterAsString(parameters, "NAME_FIELD", context)
        parcels = []
        for i, f in enumerate(layer.getFeatures(), start=1):
            if feedback.isCanceled():
                break
            if not f.hasGeometry():
                continue
            number = str(f[number_field]) if number_field else str(i)
            name = str(f[name_field]) if name_field and f[name_field] is not None else ""
            parcels.append(parcel_from_geometry(number, name, from_qgs(f.geometry())))
        crs = parse_crs(crs_text(layer.sourceCrs()) or "")
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context)
        encoding = ENCODINGS[self.parameterAsEnum(parameters, "ENCODING", context)]
        write_parcels(RedlineSource(parcels, crs), out, encoding)
        return {"OUTPUT": out}
