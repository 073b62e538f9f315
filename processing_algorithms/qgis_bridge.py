"""Moving geometries between QGIS and ``core`` (shapely, easting-first) through WKB."""

from __future__ import annotations

import shapely
from qgis.core import QgsGeometry
from qgis.PyQt.QtCore import QByteArray


def to_qgs(geom) -> QgsGeometry:
    g = QgsGeometry()
    g.fromWkb(QByteArray(shapely.to_wkb(geom)))
    return g


def from_qgs(geom: QgsGeometry):
    return shapely.from_wkb(bytes(geom.asWkb()))
