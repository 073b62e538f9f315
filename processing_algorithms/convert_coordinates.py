"""Convert a file (points CSV, coordinate file, GeoPackage, Shapefile, GeoJSON, DXF) or a folder
to another CRS, with a parameter file for datum changes."""

from __future__ import annotations

from pathlib import Path

from qgis.core import (
    QgsProcessingParameterBoolean,
    QgsProcessingParameterCrs,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterNumber,
)

from ..core.geodesy.convert_files import convert_file
from ..core.geodesy.params import load_parameters
from .base import RedlineAlgorithm, crs_text


class ConvertCoordinates(RedlineAlgorithm):
    GROUP = "geodesy"
    INPUT, OUTPUT, SOURCE, TARGET, AUTO, PARAMS, BEND = (
        "INPUT", "OUTPUT", "SOURCE_CRS", "TARGET_CRS", "AUTO_3DEG", "PARAMETERS", "BEND_TOLERANCE")

    def name(self) -> str:
        return "convertcoordinates"

    def displayName(self) -> str:  # noqa: N802
        return self.tr("Convert coordinates to CGCS2000 (file)")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Converts a point CSV (id,x,y: x northing), a ministry coordinate file, a GeoPackage, "
            "Shapefile, GeoJSON or DXF into another CRS. Between Beijing 1954 / Xian 1980 and "
            "CGCS2000 a parameter file (7- or 4-parameter, from 'Fit transformation parameters') "
            "is required; its source and target CRSs are used unless given here. Layers are "
            "converted in bulk through GDAL; attributes and encodings are kept; edges are "
            "densified where they would bend more than the tolerance. Warns when data lie well "
            "outside the area the parameters were fitted on.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(self.INPUT, self.tr("Input file")))
        self.addParameter(QgsProcessingParameterCrs(
            self.SOURCE, self.tr("Source CRS (empty: the file's own)"), optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            self.AUTO, self.tr("Target: the CGCS2000 3-degree zone of the data"), False))
        self.addParameter(QgsProcessingParameterCrs(
            self.TARGET, self.tr("Target CRS (empty: the parameter file's, else automatic)"),
            optional=True))
        self.addParameter(QgsProcessingParameterFile(
            self.PARAMS, self.tr("Parameter file (JSON)"), extension="json", optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.BEND, self.tr("Densify edges bending more than (m)"),
            QgsProcessingParameterNumber.Double, 0.001, minValue=0.0))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT, self.tr("Output file"),
            "GeoPackage (*.gpkg);;Shapefile (*.shp);;GeoJSON (*.geojson);;CSV (*.csv);;"
            "Coordinate file (*.txt);;DXF (*.dxf)"))

    def run_core(self, parameters, context, feedback) -> dict:
        source = crs_text(self.parameterAsCrs(parameters, self.SOURCE, context))
        auto = self.parameterAsBool(parameters, self.AUTO, context)
        # no target: the parameter file's, else the CGCS2000 zone of the data (core decides)
        target = "auto-3deg" if auto else crs_text(
            self.parameterAsCrs(parameters, self.TARGET, context))
        params_path = self.parameterAsFile(parameters, self.PARAMS, context)
        params = load_parameters(params_path) if params_path else None
        in_path = Path(self.parameterAsFile(parameters, self.INPUT, context))
        out_path = self.parameterAsFileOutput(parameters, self.OUTPUT, context)
        tol = self.parameterAsDouble(parameters, self.BEND, context) or None
        def progress(percent: float, _what: str) -> bool:
            feedback.setProgress(percent)
            return not feedback.isCanceled()

        result = convert_file(in_path, out_path, target, source, params, tol, progress)
        feedback.pushInfo(self.tr("{n} features/points written in {crs}").format(
            n=result.count, crs=result.target))
        for warning in result.warnings():
            feedback.pushWarning(warning)
        return {self.OUTPUT: out_path, "TARGET_CRS": result.target, "COUNT": result.count,
                "OUTSIDE_EXTENT": result.outside_extent}
