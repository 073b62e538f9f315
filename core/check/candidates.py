"""The features of a control layer that may touch the parcels, found for all parcels at once.

A source answers ``candidates(boxes)`` with every (parcel, feature) pair whose bounding boxes
meet, and each feature once: its id, the attributes the profile needs and its geometry as WKB.
GeoPackages answer in one pass over their R-tree (``gpkg_source``); other sources (Shapefile,
PostGIS, QGIS layers) through their spatial filter, box by box (``from_boxes`` below).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import shapely


@dataclass
class Candidates:
    pair_parcel: np.ndarray  # (k,) parcel index of each pair
    pair_feature: np.ndarray  # (k,) feature row of each pair
    ids: list[str]  # per feature row
    attributes: list[dict]  # per feature row: the fields the profile names
    wkb: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=object))  # per feature row

    @classmethod
    def empty(cls) -> Candidates:
        return cls(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64), [], [],
                   np.empty(0, dtype=object))


def from_boxes(boxes: np.ndarray,
               features_in: Callable[[tuple[float, float, float, float]],
                                     Iterable[tuple[str, dict, object]]]) -> Candidates:
    """Candidates from a source that filters one bounding box at a time."""
    rows: dict[str, int] = {}
    ids: list[str] = []
    attributes: list[dict] = []
    wkbs: list[bytes] = []
    pair_parcel: list[int] = []
    pair_feature: list[int] = []
    for i, box in enumerate(boxes):
        for fid, attrs, geom in features_in(tuple(float(v) for v in box)):
            row = rows.get(fid)
            if row is None:
                row = rows[fid] = len(ids)
                ids.append(fid)
                attributes.append(attrs)
                wkbs.append(geom if isinstance(geom, bytes) else shapely.to_wkb(geom))
            pair_parcel.append(i)
            pair_feature.append(row)
    if not ids:
        return Candidates.empty()
    return Candidates(np.array(pair_parcel, dtype=np.int64), np.array(pair_feature, dtype=np.int64),
                      ids, attributes, np.array(wkbs, dtype=object))
