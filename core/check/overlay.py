"""The overlay of all parcels with one control layer, vectorised.

Every (parcel, candidate feature) pair is intersected in bulk: the feature is decoded once per
pair from WKB and shifted to its parcel's local origin (zone-prefixed eastings near 4e7 leave
~7e-9 m of double precision, which intersections of long edges turn into cm² errors); features
the parcel contains are taken whole, the others clipped. Shapely's bulk operations release the
GIL, so the work is split over both cores with threads.

The overlap of a parcel with a layer is the area of the union of its pieces. The union is formed
only for parcels whose pieces come from features that overlap each other; on layers whose
features tile the plane (forest, planning, 三调) pieces only touch and their areas add up.
``overlapping_features`` decides, for all parcels at once, with the pairs earlier checks tested
remembered (``layer_cache.PairAudit``).
"""

from __future__ import annotations

import functools
import hashlib
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely

from ..units import round_areas
from .candidates import Candidates
from .profile import LayerSpec
from .results import LayerOverlap

THREADS = 2
_MIN_CHUNK = 2_000  # pairs: below this a second thread costs more than it saves


def _chunks(n: int) -> list[slice]:
    if n < 2 * _MIN_CHUNK:
        return [slice(0, n)]
    step = math.ceil(n / THREADS)
    return [slice(i, min(n, i + step)) for i in range(0, n, step)]


def parallel(fn, *arrays):
    """``fn(*arrays)`` for shapely's bulk functions, split over the cores."""
    n = len(arrays[0])
    parts = _chunks(n)
    if len(parts) == 1:
        return fn(*arrays)
    with ThreadPoolExecutor(THREADS) as pool:
        done = list(pool.map(lambda s: fn(*(a[s] for a in arrays)), parts))
    return np.concatenate(done)


def shifted(geoms: np.ndarray, origins: np.ndarray, wkb: np.ndarray | None = None) -> np.ndarray:
    """Copies of ``geoms`` moved by −``origins`` (one (dx, dy) per geometry); decoded from
    ``wkb`` when the caller has it (the copy is then free)."""
    out = shapely.from_wkb(shapely.to_wkb(geoms) if wkb is None else wkb)
    coords, owner = shapely.get_coordinates(out, return_index=True)
    return shapely.set_coordinates(out, coords - origins[owner])


def _polygonal(geom):
    """The polygons of a made-valid geometry (lines and points of a collapsed ring dropped)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    polys = [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(polys) if polys else shapely.Polygon()


def _coefficients(spec: LayerSpec, found: Candidates) -> tuple[np.ndarray, dict[int, str]]:
    """扣除系数 per feature row (0 where missing or wrong) and, by row, the findings naming the
    wrong ones."""
    values = np.zeros(len(found.ids))
    problems: dict[int, str] = {}
    if not spec.deduction_field:
        return values, problems
    for row, attrs in enumerate(found.attributes):
        raw = attrs.get(spec.deduction_field)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        try:
            value = float(raw)
        except (TypeError, ValueError):
            value = math.nan
        if not 0.0 <= value <= 1.0:  # also catches NaN
            keys = ", ".join(f"{k} {attrs.get(k)}" for k in spec.key_fields if attrs.get(k))
            problems[row] = (f"feature {found.ids[row]}{f' ({keys})' if keys else ''}: "
                             f"{spec.deduction_field} = {raw!r} is not a coefficient between 0 "
                             "and 1; its overlap is counted in full")
            continue
        values[row] = value
    return values, problems


def group_pairs(members: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All pairs (i < j by position) of ``members`` within each group, the groups being the
    runs that begin at ``starts``; vectorised (no loop over groups)."""
    n = len(members)
    ends = np.repeat(np.r_[starts[1:], n], np.diff(np.r_[starts, n]))
    count = ends - np.arange(n) - 1
    first = np.repeat(np.arange(n), count)
    offset = np.arange(len(first)) - np.repeat(np.cumsum(count) - count, count)
    return members[first], members[first + 1 + offset]


def overlapping_features(geoms: np.ndarray, members: np.ndarray, starts: np.ndarray,
                         fids: np.ndarray | None = None, audit=None) -> np.ndarray:
    """Which features overlap another feature of the same parcel (in area: DE-9IM 2********).
    ``members``: feature rows grouped by parcel, the groups beginning at ``starts``. Only pairs
    of features that both reach one parcel and whose boxes meet are candidates, each pair once;
    with ``fids`` and a ``PairAudit`` the pairs tested by earlier checks are looked up, not
    tested again. On a layer whose features tile the plane the answer is none."""
    out = np.zeros(len(geoms), dtype=bool)
    if not len(members):
        return out
    box = shapely.bounds(geoms)
    a, b = group_pairs(members, starts)
    meet = (box[a, 0] <= box[b, 2]) & (box[b, 0] <= box[a, 2]) & \
        (box[a, 1] <= box[b, 3]) & (box[b, 1] <= box[a, 3]) & (a != b)
    a, b = np.minimum(a, b)[meet].astype(np.int64), np.maximum(a, b)[meet].astype(np.int64)
    n = np.int64(len(geoms))
    keys = np.unique(a * n + b)  # 1-D keys: far faster than unique rows
    if not len(keys):
        return out
    unique = np.column_stack([keys // n, keys % n])
    flags = np.zeros(len(unique), dtype=bool)
    todo = np.ones(len(unique), dtype=bool)
    if audit is not None and fids is not None:
        keys = audit.keys(fids[unique[:, 0]], fids[unique[:, 1]])
        known, flags = audit.lookup(keys)
        todo = ~known
    if todo.any():
        rows = unique[todo]
        flags[todo] = parallel(lambda x, y: shapely.relate_pattern(x, y, "2********"),
                               geoms[rows[:, 0]], geoms[rows[:, 1]])
        if audit is not None and fids is not None:
            audit.record(keys[todo], flags[todo])
    out[unique[flags, 0]] = True
    out[unique[flags, 1]] = True
    return out


def _integer_ids(ids: list[str]) -> np.ndarray | None:
    """Feature ids as integers that fit a pair key, or None."""
    try:
        out = np.array([int(i) for i in ids], dtype=np.int64)
    except ValueError:
        return None
    return out if not len(out) or (out.min() >= 0 and out.max() < 2**31) else None


def _union_area(parts: np.ndarray) -> float:
    return float(shapely.union_all(parts).area)


def overlay(spec: LayerSpec, found: Candidates, feature_geoms: np.ndarray,
            parcel_local: np.ndarray, origins: np.ndarray, parcel_areas: np.ndarray,
            keep_parts: bool = True, audit=None) -> list[LayerOverlap]:
    """One ``LayerOverlap`` per parcel. ``feature_geoms``: the candidate features (rows of
    ``found``) in the check CRS; ``parcel_local``: the parcels moved to their ``origins``;
    ``keep_parts``: keep the overlap pieces for maps and layers (not needed for figures);
    ``audit``: the layer's ``PairAudit``, when its source keeps one (pairs tested by earlier
    checks are not tested again)."""
    n = len(parcel_local)
    results = [LayerOverlap(spec.name, spec.role, 0.0, float(parcel_areas[i]),
                            class_field=spec.class_field, key_fields=list(spec.key_fields))
               for i in range(n)]
    coefficients, problems = _coefficients(spec, found)
    shown = [k for k in [spec.class_field, *spec.key_fields] + (
        [spec.level_field] if spec.role == "forest" else []) if k]
    _fingerprints(results, found, spec, shown)
    if not len(found.pair_parcel):
        for r in results:
            r.net_overlap_m2 = 0.0 if spec.deduction_field else None
        return results
    invalid = ~parallel(shapely.is_valid, feature_geoms)
    wkb = found.wkb if len(found.wkb) == len(feature_geoms) and feature_geoms is not None else None
    if invalid.any():
        feature_geoms = feature_geoms.copy()
        feature_geoms[invalid] = [_polygonal(g) for g in shapely.make_valid(feature_geoms[invalid])]
        wkb = None
    pp, pf = found.pair_parcel, found.pair_feature
    local = shifted(feature_geoms[pf], origins[pp], None if wkb is None else wkb[pf])
    shapely.prepare(parcel_local)
    hit = parallel(shapely.intersects, parcel_local[pp], local)
    pp, pf, local = pp[hit], pf[hit], local[hit]
    inside = parallel(shapely.contains_properly, parcel_local[pp], local)
    pieces = local.copy()
    clip = np.flatnonzero(~inside)
    if len(clip):
        pieces[clip] = parallel(shapely.intersection, parcel_local[pp[clip]], local[clip])
    areas = shapely.area(pieces)
    keep = areas > 0
    pp, pf, pieces, areas = pp[keep], pf[keep], pieces[keep], areas[keep]
    order = np.argsort(pp, kind="stable")
    pp, pf, pieces, areas = pp[order], pf[order], pieces[order], areas[order]
    starts = np.flatnonzero(np.r_[True, pp[1:] != pp[:-1]])
    groups = np.split(np.arange(len(pp)), starts[1:]) if len(pp) else []
    fids = _integer_ids(found.ids) if audit is not None else None
    overlaps = overlapping_features(feature_geoms, pf, starts, fids, audit)
    need = [g for g in groups if len(g) > 1 and overlaps[pf[g]].any()]
    placed = shifted(pieces, -origins[pp]) if keep_parts else None  # back in the parcel CRS
    unions: dict[int, float] = {}
    if need:
        with ThreadPoolExecutor(THREADS) as pool:
            areas_u = list(pool.map(lambda g: _union_area(pieces[g]), need))
        unions = {int(pp[g[0]]): a for g, a in zip(need, areas_u, strict=True)}
    classes = np.array([str(found.attributes[f].get(spec.class_field, "") or "")
                        for f in pf]) if spec.class_field else None
    net = areas * (1.0 - coefficients[pf])
    rounded = round_areas(areas).tolist()
    net_rounded = round_areas(net).tolist() if spec.deduction_field else None
    pf_list, coefficient_list = pf.tolist(), coefficients.tolist()
    attributes, ids = found.attributes, found.ids

    @functools.cache
    def shown_of(row: int) -> dict:
        return {key: attributes[row].get(key) for key in shown}

    for g in groups:
        i = int(pp[g[0]])
        r = results[i]
        total = float(areas[g].sum())
        union = unions.get(i, total)
        overlapping = abs(total - union) > 1e-6 * max(1.0, total)
        r.overlap_m2 = union
        r.repaired = int(invalid[pf[g]].sum())
        if spec.deduction_field:
            r.net_overlap_m2 = float(net[g].sum())
        for k in g.tolist():
            row = pf_list[k]
            entry = {"id": ids[row], "overlap_m2": rounded[k], **shown_of(row)}
            if spec.deduction_field:
                entry["coefficient"] = coefficient_list[row]
                entry["net_m2"] = net_rounded[k]
            r.features.append(entry)
        if classes is not None:
            codes = classes[g]
            for code in sorted(set(codes.tolist())):
                sel = g[codes == code]
                r.by_class[code] = (_union_area(pieces[sel]) if overlapping and len(sel) > 1
                                    else float(areas[sel].sum()))
                if spec.deduction_field:
                    r.by_class_net[code] = float(net[sel].sum())
        r.findings = [problems[int(f)] for f in dict.fromkeys(pf[g].tolist()) if int(f) in problems]
        if overlapping and spec.deduction_field:
            r.findings.append(
                f"features {', '.join(found.ids[int(f)] for f in pf[g] if overlaps[f])} overlap "
                "each other inside the parcel: the gross area counts their common part once, the "
                f"net area once per feature ({spec.deduction_field} has no single value there); "
                "a layer with deduction coefficients should tile the plane")
        if placed is not None:
            r.parts = placed[g]
            r.part_classes = None if classes is None else classes[g]
    for r in results:
        if spec.deduction_field and r.net_overlap_m2 is None:
            r.net_overlap_m2 = 0.0
    return results


def _fingerprints(results: list[LayerOverlap], found: Candidates, spec: LayerSpec,
                  shown: list[str]) -> None:
    """SHA-256 per parcel over the features read for it (in reading order, each as its id, the
    attributes used and its WKB), so that a report can be re-verified against the layer."""
    fields = [k for k in [*shown, spec.deduction_field] if k]
    ids, attrs, wkb = found.ids, found.attributes, found.wkb
    record = [b"%s\x1f%s\x1f%s\x1e" % (ids[f].encode(),
                                        repr([attrs[f].get(k) for k in fields]).encode(), wkb[f])
              for f in range(len(ids))]
    by_parcel: dict[int, list[int]] = {}
    for p, f in zip(found.pair_parcel.tolist(), found.pair_feature.tolist(), strict=True):
        by_parcel.setdefault(p, []).append(f)
    empty = hashlib.sha256(b"").hexdigest()
    for i, r in enumerate(results):
        rows = by_parcel.get(i)
        r.fingerprint = hashlib.sha256(b"".join([record[f] for f in rows])).hexdigest() \
            if rows else empty
