"""The PDF report outside the QGIS GUI (CLI, demo): a headless QGIS, the profile's layers,
the layout of ``report_layout``."""

from __future__ import annotations

import os
from pathlib import Path

from ..core.check.profile import load_profile
from ..core.check.results import CheckResult


def write_pdf(result: CheckResult, profile_path: str | Path, out: str | Path,
              lang: str | None = None) -> None:
    from qgis.core import QgsProject

    from .report_layout import build_layout, export_pdf
    from .result_layers import control_layer, redline_layers

    profile = load_profile(profile_path)
    project = QgsProject()
    red, pts, ovl = redline_layers(result, lang)
    project.setCrs(red.crs())  # the layout's scale bar and grid measure in the project CRS
    project.setEllipsoid(red.crs().ellipsoidAcronym())
    controls = [control_layer(spec) for spec in profile.layers]
    layers = [red, pts, ovl, *reversed(controls)]
    for layer in reversed(layers):
        project.addMapLayer(layer)
    layout = build_layout(project, result, layers, lang)
    export_pdf(layout, out)


def write_pdf_headless(result: CheckResult, parcels_path, profile_path, out,
                       lang: str | None = None) -> None:
    from qgis.core import QgsApplication

    if QgsApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QgsApplication([], False)
        app.initQgis()
        try:
            write_pdf(result, profile_path, out, lang)
        finally:
            app.exitQgis()
    else:
        write_pdf(result, profile_path, out, lang)
