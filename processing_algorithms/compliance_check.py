"""The compliance check as a Processing algorithm: red-line layer + profile -> overlap layer,
JSON, HTML and PDF report. The overlay runs in the background task; the PDF (QtWebKit, print
layout) is made in postProcessAlgorithm, on the main thread."""

from __future__ import annotations

import json

from pyproj import CRS
from qgis.core import (
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterFeatureSource,
    QgsProcessingParameterField,
    QgsProcessingParameterFile,
    QgsProcessingParameterFileDestination,
    QgsProcessingParameterString,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from ..core.atomic import write_text_atomic
from ..core.check.engine import CheckParcel, check_crs_for, prepare_layer, run_check
from ..core.check.profile import load_profile
from ..core.check.report_html import write_html
from .base import RedlineAlgorithm
from .qgis_bridge import from_qgs, to_qgs
from .qgis_sources import QgsLayerSource, layer_for


def result_fields() -> QgsFields:
    fields = QgsFields()
    for name, kind in (("parcel", QVariant.String), ("layer", QVariant.String),
                       ("role", QVariant.String), ("overlap_m2", QVariant.Double),
                       ("share", QVariant.Double), ("status", QVariant.String),
                       ("reasons", QVariant.String)):
        fields.append(QgsField(name, kind))
    return fields


class ComplianceCheck(RedlineAlgorithm):
    GROUP = "check"

    def name(self) -> str:
        return "compliancecheck"

    def displayName(self) -> str:  # noqa: N802
        return self.tr("Compliance check (red lines against control layers)")

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Overlays each red-line parcel with the control layers of a check profile (planning, "
            "ecological protection red line, permanent basic farmland, urban development "
            "boundary, forest land, approved red lines) in the parcels' CGCS2000 zone, and gives "
            "overlap areas per layer and class and a verdict per rule. Writes the overlaps as a "
            "layer and optionally JSON, HTML and PDF reports.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFeatureSource(
            "PARCELS", self.tr("Red-line parcels"), [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterField(
            "ID_FIELD", self.tr("Parcel number field"), parentLayerParameterName="PARCELS",
            optional=True))
        self.addParameter(QgsProcessingParameterField(
            "NAME_FIELD", self.tr("Parcel name field"), parentLayerParameterName="PARCELS",
            optional=True))
        self.addParameter(QgsProcessingParameterField(
            "USE_FIELD", self.tr("Intended use field"), parentLayerParameterName="PARCELS",
            optional=True))
        self.addParameter(QgsProcessingParameterString(
            "USE", self.tr("Intended use for all parcels (e.g. 工业用地)"), optional=True))
        self.addParameter(QgsProcessingParameterFile(
            "PROFILE", self.tr("Check profile (TOML or JSON)")))
        self.addParameter(QgsProcessingParameterFeatureSink(
            "OUTPUT", self.tr("Overlaps"), QgsProcessing.TypeVectorPolygon))
        for key, label, filt in (("JSON", self.tr("Result (JSON)"), "JSON (*.json)"),
                                 ("HTML", self.tr("Report (HTML)"), "HTML (*.html)"),
                                 ("PDF", self.tr("Report (PDF)"), "PDF (*.pdf)")):
            self.addParameter(QgsProcessingParameterFileDestination(
                key, label, filt, optional=True, createByDefault=False))

    def run_core(self, parameters, context, feedback) -> dict:
        source = self.parameterAsSource(parameters, "PARCELS", context)
        id_field = self.parameterAsString(parameters, "ID_FIELD", context)
        use_field = self.parameterAsString(parameters, "USE_FIELD", context)
        name_field = self.parameterAsString(parameters, "NAME_FIELD", context)
        use_all = self.parameterAsString(parameters, "USE", context) or None
        profile_path = self.parameterAsFile(parameters, "PROFILE", context)
        profile = load_profile(profile_path)
        qcrs = source.sourceCrs()
        crs = check_crs_for(CRS.from_user_input(qcrs.authid() or qcrs.toWkt()))
        parcels = []
        for i, f in enumerate(source.getFeatures(), start=1):
            if not f.hasGeometry():
                continue
            number = str(f[id_field]) if id_field else str(i)
            use = use_all or (str(f[use_field]) if use_field and f[use_field] else None)
            name = str(f[name_field]) if name_field and f[name_field] else ""
            parcels.append(CheckParcel(number, name, from_qgs(f.geometry()), use))
        sources = [QgsLayerSource(spec, layer_for(spec)) for spec in profile.layers]
        layers = [prepare_layer(spec, src, crs) for spec, src in zip(profile.layers, sources,
                                                                      strict=True)]
        result = run_check(parcels, crs, layers, profile,
                           progress=lambda pct, _what: feedback.setProgress(pct),
                           is_canceled=feedback.isCanceled)
        sink, dest = self.parameterAsSink(parameters, "OUTPUT", context, result_fields(),
                                          QgsWkbTypes.MultiPolygon, qcrs)
        for p in result.parcels:
            for layer in p.layers:
                if layer.geometry is None or layer.geometry.is_empty:
                    continue
                verdicts = [v for v in p.verdicts if v.rule.endswith(f":{layer.name}")]
                status = max((v.status for v in verdicts),
                             key=["pass", "warning", "conflict"].index, default="pass")
                feat = QgsFeature(result_fields())
                feat.setGeometry(to_qgs(layer.geometry))
                feat.setAttributes([p.id, layer.name, layer.role, layer.overlap_m2, layer.share,
                                    status, "; ".join(v.reason for v in verdicts)])
                sink.addFeature(feat, QgsFeatureSink.FastInsert)
            feedback.pushInfo(f"{p.id}: {p.status}")
            for v in p.verdicts:
                if v.status != "pass":
                    feedback.pushInfo(f"  {v.status}: {v.reason}")
        out = {"OUTPUT": dest, "CONFLICTS": sum(p.status == "conflict" for p in result.parcels)}
        json_path = self.parameterAsFileOutput(parameters, "JSON", context)
        if json_path:
            write_text_atomic(json_path, json.dumps(result.to_dict(), ensure_ascii=False,
                                                    indent=2) + "\n")
            out["JSON"] = json_path
        html_path = self.parameterAsFileOutput(parameters, "HTML", context)
        if html_path:
            write_html(result, html_path)
            out["HTML"] = html_path
        self._pdf = (self.parameterAsFileOutput(parameters, "PDF", context), result, profile_path,
                     out)
        return out

    def postProcessAlgorithm(self, context, feedback):  # noqa: N802
        pdf, result, profile_path, out = getattr(self, "_pdf", (None, None, None, {}))
        if not pdf:
            return {}  # an empty map keeps processAlgorithm's results
        from ..plugin.report_pdf import write_pdf

        write_pdf(result, profile_path, pdf)
        feedback.pushInfo(self.tr("PDF report: {path}").format(path=pdf))
        return {**out, "PDF": pdf}  # a non-empty map replaces processAlgorithm's results
