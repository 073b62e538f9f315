"""Least-squares fitting of transformation parameters from common points (公共点).

All three models are solved as linear least-squares problems on coordinates reduced to their
centroids (reduction separates the shifts from rotations and scale, which earth-centred
coordinates of a county would make indistinguishable):

* ``four_param``: plane similarity on (x northing, y easting), 2 equations per point.
* ``bursa_wolf`` (7 parameters) and ``three_param``: geocentric X, Y, Z, 3 equations per point.
  Heights come from the h1/h2 columns when given; otherwise both sides take the same assumed
  ellipsoidal height (0 by default), the usual practice when only plane coordinates are known.
  The assumed heights keep the problem well posed: without them rotations about the horizontal
  axes and a vertical shift are invisible in plane coordinates and the solution runs away.

Residual V = converted − known. Gross errors are found one at a time by an F test of each
point's residual (see ``fit_stats``); the worst point failing the test is dropped and the fit
repeated until none fails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pyproj import CRS, Transformer

from ..errors import ParameterError
from .fit_extent import hull_extent
from .fit_stats import (
    DEFAULT_ALPHA,
    CheckPoints,
    FitStatistics,
    PointTest,
    accuracy_figures,
    check_point_figures,
    outlier_tests,
    parameter_statistics,
)
from .params import BursaWolf, FourParam, ParameterSet
from .transforms import datum_key, make_transform, parse_crs

MIN_POINTS = {"four_param": 2, "bursa_wolf": 3, "three_param": 1}
MODELS = tuple(MIN_POINTS)
_SEC = math.pi / 180.0 / 3600.0


@dataclass
class LinearSolution:
    """A least-squares solution: unknowns, residuals per point and the cofactor matrices."""

    x: np.ndarray  # unknowns
    residuals: np.ndarray  # (n, k): converted − known, per point and component
    design: np.ndarray  # (n, k, u) at the solution
    qxx: np.ndarray  # (u, u) cofactor matrix of the unknowns, (AᵀA)⁻¹

    def qvv_blocks(self) -> np.ndarray:
        """(n, k, k): each point's block of the residuals' cofactor matrix I − A Qxx Aᵀ."""
        a = self.design
        k = a.shape[1]
        return np.eye(k)[None] - np.einsum("nku,uv,nlv->nkl", a, self.qxx, a)


def _lstsq(design: np.ndarray, obs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve min |A x − y|² for stacked (n, k, u) / (n, k); returns x and (AᵀA)⁻¹."""
    a = design.reshape(-1, design.shape[-1])
    y = obs.reshape(-1)
    # scale columns so that arc-seconds, ppm and metres meet on equal terms
    norms = np.linalg.norm(a, axis=0)
    norms[norms == 0] = 1.0
    q, r = np.linalg.qr(a / norms)
    if np.min(np.abs(np.diag(r))) < 1e-10 * np.max(np.abs(np.diag(r))):
        raise ParameterError("the common points do not determine the parameters "
                             "(they are collinear or coincide): add points around the work area")
    x = np.linalg.solve(r, q.T @ y) / norms
    r_inv = np.linalg.inv(r)
    qxx = (r_inv @ r_inv.T) / np.outer(norms, norms)
    return x, qxx


# --- the plane four-parameter model -----------------------------------------------------------

def _four_design(e: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Rows (x northing, y easting) of x' = dx + a·x − b·y, y' = dy + b·x + a·y; unknowns
    (dx, dy, a, b) on centred coordinates."""
    one, zero = np.ones_like(e), np.zeros_like(e)
    row_x = np.column_stack([one, zero, n, -e])
    row_y = np.column_stack([zero, one, e, n])
    return np.stack([row_x, row_y], axis=1)


def _fit_four(src_en: np.ndarray, dst_en: np.ndarray) -> tuple[LinearSolution, callable]:
    sc, dc = src_en.mean(axis=0), dst_en.mean(axis=0)
    e, n = (src_en - sc).T
    design = _four_design(e, n)
    obs = np.column_stack([dst_en[:, 1] - dc[1], dst_en[:, 0] - dc[0]])
    x, qxx = _lstsq(design, obs)
    resid = design @ x - obs

    def reported(u: np.ndarray) -> np.ndarray:
        dxc, dyc, a, b = u
        # x' − dc = dxc + a (x − sc) − b (y − sc): shifts of the uncentred model
        dx = dc[1] + dxc - (a * sc[1] - b * sc[0])
        dy = dc[0] + dyc - (b * sc[1] + a * sc[0])
        return np.array([dx, dy, math.degrees(math.atan2(b, a)) * 3600.0,
                         (math.hypot(a, b) - 1.0) * 1e6])

    return LinearSolution(x, resid, design, qxx), reported


# --- Bursa-Wolf on geocentric coordinates -----------------------------------------------------

def _rotation(r_sec: np.ndarray, convention: str) -> np.ndarray:
    """PROJ's linearised rotation matrix of its Helmert step (coordinate frame by default)."""
    rx, ry, rz = np.asarray(r_sec, dtype=float) * _SEC
    if convention == "position_vector":
        rx, ry, rz = -rx, -ry, -rz
    return np.array([[1.0, rz, -ry], [-rz, 1.0, rx], [ry, -rx, 1.0]])


def helmert(p: np.ndarray, xyz: np.ndarray, convention: str) -> np.ndarray:
    """PROJ's Helmert step: X' = T + (1 + s·1e-6)·R·X with p = (tx, ty, tz, rx″, ry″, rz″, s)."""
    return p[:3] + (1.0 + p[6] * 1e-6) * xyz @ _rotation(p[3:6], convention).T


def _helmert_design(p: np.ndarray, xyz: np.ndarray, convention: str) -> np.ndarray:
    """(n, 3, 7) partial derivatives of ``helmert`` at ``p``."""
    n = len(xyz)
    sign = -1.0 if convention == "position_vector" else 1.0
    k = (1.0 + p[6] * 1e-6) * _SEC * sign
    x, y, z = xyz.T
    zero = np.zeros(n)
    d = np.zeros((n, 3, 7))
    d[:, :, 0:3] = np.eye(3)[None]
    # ∂(R·X)/∂rx = (0, Z, −Y), ∂/∂ry = (−Z, 0, X), ∂/∂rz = (Y, −X, 0)
    d[:, :, 3] = k * np.column_stack([zero, z, -y])
    d[:, :, 4] = k * np.column_stack([-z, zero, x])
    d[:, :, 5] = k * np.column_stack([y, -x, zero])
    d[:, :, 6] = 1e-6 * xyz @ _rotation(p[3:6], convention).T
    return d


def _fit_bursa(x1: np.ndarray, x2: np.ndarray, convention: str, seven: bool
               ) -> tuple[LinearSolution, callable]:
    c1, c2 = x1.mean(axis=0), x2.mean(axis=0)
    x1c, x2c = x1 - c1, x2 - c2
    free = slice(0, 7 if seven else 3)
    p = np.zeros(7)
    # the model is linear but for the products of scale and rotations (~1e-11): a second pass
    # at the first solution makes it exact to PROJ's Helmert step
    for _ in range(3):
        design = _helmert_design(p, x1c, convention)[:, :, free]
        obs = x2c - helmert(p, x1c, convention)
        delta, qxx = _lstsq(design, obs)
        p[free] += delta
        if np.max(np.abs(delta)) < 1e-12:
            break
    design = _helmert_design(p, x1c, convention)[:, :, free]
    resid = helmert(p, x1c, convention) - x2c

    def reported(u: np.ndarray) -> np.ndarray:
        q = p.copy()
        q[free] = u
        rot_scale = q.copy()
        rot_scale[:3] = 0.0
        t = c2 + q[:3] - helmert(rot_scale, c1[None, :], convention)[0]
        return np.concatenate([t, q[3:]])[: 7 if seven else 3]

    return LinearSolution(p[free].copy(), resid, design, qxx), reported


def _ecef(crs: CRS) -> CRS:
    ell = crs.geodetic_crs.ellipsoid
    return CRS.from_proj4(f"+proj=geocent +a={ell.semi_major_metre!r} "
                          f"+rf={ell.inverse_flattening!r} +units=m")


def _geocentric(crs: CRS, en: np.ndarray, h: np.ndarray) -> np.ndarray:
    tr = Transformer.from_crs(crs, _ecef(crs), always_xy=True)
    return np.column_stack(tr.transform(en[:, 0], en[:, 1], h, errcheck=True))


def _enu_rotations(crs: CRS, en: np.ndarray) -> np.ndarray:
    """(n, 3, 3) rotations from geocentric to local east, north, up at each point."""
    geo = Transformer.from_crs(crs, crs.geodetic_crs, always_xy=True)
    lon, lat = geo.transform(en[:, 0], en[:, 1])
    lam, phi = np.radians(lon), np.radians(lat)
    sl, cl, sp, cp = np.sin(lam), np.cos(lam), np.sin(phi), np.cos(phi)
    zero = np.zeros_like(lam)
    east = np.column_stack([-sl, cl, zero])
    north = np.column_stack([-sp * cl, -sp * sl, cp])
    up = np.column_stack([cp * cl, cp * sl, sp])
    return np.stack([east, north, up], axis=1)


# --- fitting with gross-error rejection -------------------------------------------------------

NAMES = {
    "four_param": ("dx", "dy", "rotation_sec", "scale_ppm"),
    "bursa_wolf": ("tx", "ty", "tz", "rx_sec", "ry_sec", "rz_sec", "scale_ppm"),
    "three_param": ("tx", "ty", "tz"),
}


@dataclass
class FitResult:
    params: ParameterSet
    ids: list[str]  # points kept
    residuals: dict[str, tuple[float, float]]  # id -> (vx northing, vy easting), points kept
    rms_m: float
    rejected: dict[str, tuple[float, float]]  # id -> plane residual against the final fit
    stats: FitStatistics
    tests: dict[str, PointTest]  # final test of each kept point, and each rejected one's test
    heights: str  # "given" or "assumed"
    assumed_height_m: float
    extent: dict
    warnings: list[tuple[str, dict]]  # (code, values): see WARNINGS
    check: CheckPoints | None = None

    def to_dict(self) -> dict:
        d = self.params.to_dict()
        figures = self.stats

        def point(pid: str, v: tuple[float, float]) -> dict:
            test = self.tests[pid]
            vp = math.hypot(*v)
            return {"id": pid, "vx_m": round(v[0], 4), "vy_m": round(v[1], 4),
                    "v_m": round(vp, 4), "test_statistic": round(test.statistic, 3),
                    "p_value": float(f"{test.p_value:.3g}"),
                    "over_2mp": bool(vp > 2 * figures.mp_m),
                    "over_3mp": bool(vp > 3 * figures.mp_m)}

        d["residuals"] = [point(i, v) for i, v in self.residuals.items()]
        d["rms_m"] = round(self.rms_m, 4)
        d["rejected"] = list(self.rejected)
        d["rejected_residuals"] = [point(i, v) for i, v in self.rejected.items()]
        d["statistics"] = figures.to_dict()
        d["heights"] = self.heights
        if self.heights == "assumed":
            d["assumed_height_m"] = self.assumed_height_m
        d["extent"] = self.extent
        d["warnings"] = [{"code": c, "message": warning_text(c, v)} for c, v in self.warnings]
        if self.check is not None:
            d["check_points"] = self.check.to_dict(figures.mp_m)
        return d


def _check_geometry(model: str, src_en: np.ndarray, ids: list[str]) -> None:
    need = MIN_POINTS[model]
    if len(ids) < need:
        raise ParameterError(
            f"{model} needs at least {need} common points, got {len(ids)}: add points that "
            "surround the work area"
        )
    centred = src_en - src_en.mean(axis=0)
    sv = np.linalg.svd(centred, compute_uv=False) if len(ids) > 1 else np.zeros(2)
    if model == "four_param" and sv[0] == 0:
        raise ParameterError("the common points all coincide: a four-parameter fit needs two")
    if model == "bursa_wolf" and (sv[0] == 0 or sv[-1] / sv[0] < 1e-4):
        raise ParameterError(
            f"the {len(ids)} common points are (nearly) collinear: rotations cannot be "
            "determined. Add points off the line, around the work area"
        )


def plane_residuals(params: ParameterSet, src_en: np.ndarray, dst_en: np.ndarray,
                    h1: np.ndarray | None) -> np.ndarray:
    """(n, 2) array of (vx northing, vy easting) = converted − known, through PROJ."""
    tr = make_transform(params.source, params.target, params)
    if isinstance(params.model, FourParam):
        e, n = tr.transform(src_en[:, 0], src_en[:, 1])
    else:
        h = np.zeros(len(src_en)) if h1 is None else h1
        e, n, _ = tr.transform(src_en[:, 0], src_en[:, 1], h)
    return np.column_stack([n - dst_en[:, 1], e - dst_en[:, 0]])


# "Below provincial scope" of the national guideline, taken as common points spanning less than
# 200 km: over a smaller area the rotations and scale absorb the old network's local distortion
# and the assumed heights, so they describe the area, not the datums.
SEVEN_PARAM_MIN_SPAN_M = 200_000.0


def fit_parameters(
    ids: list[str],
    src_en: np.ndarray,
    dst_en: np.ndarray,
    model: str,
    source: str,
    target: str,
    h1: np.ndarray | None = None,
    h2: np.ndarray | None = None,
    convention: str = "coordinate_frame",
    reject_gross: bool = True,
    alpha: float = DEFAULT_ALPHA,
    assumed_height_m: float = 0.0,
) -> FitResult:
    """Fit ``model`` from common points given easting-first in ``source`` and ``target``.

    ``h1``/``h2``: ellipsoidal heights on both sides, when known (both or neither); otherwise
    both sides take ``assumed_height_m``. Points failing the gross-error test at significance
    ``alpha`` are dropped one at a time.
    """
    if model not in MIN_POINTS:
        raise ParameterError(f"unknown model {model!r}: use bursa_wolf, three_param or four_param")
    if not 0.0 < alpha < 0.5:
        raise ParameterError(f"the significance level must lie between 0 and 0.5, got {alpha}")
    src_crs, dst_crs = parse_crs(source), parse_crs(target)
    if model == "four_param" and not (src_crs.is_projected and dst_crs.is_projected):
        raise ParameterError("a four-parameter fit needs plane (projected) source and target CRSs")
    if model != "four_param" and datum_key(src_crs) == datum_key(dst_crs):
        raise ParameterError(
            f"source and target are on the same datum ({datum_key(src_crs)}): "
            "PROJ converts them exactly, no parameters are needed"
        )
    if (h1 is None) != (h2 is None):
        raise ParameterError("give heights on both sides (h1 and h2) or on neither")
    src_en = np.asarray(src_en, dtype=float).reshape(-1, 2)
    dst_en = np.asarray(dst_en, dtype=float).reshape(-1, 2)
    n = len(ids)
    heights = "assumed" if h1 is None else "given"
    h1 = np.full(n, assumed_height_m) if h1 is None else np.asarray(h1, dtype=float)
    h2 = np.full(n, assumed_height_m) if h2 is None else np.asarray(h2, dtype=float)
    _check_geometry(model, src_en, list(ids))

    if model == "four_param":
        frames = None  # residuals are already (x northing, y easting)
        observed = np.array([True, True])
    else:
        x1 = _geocentric(src_crs, src_en, h1)
        x2 = _geocentric(dst_crs, dst_en, h2)
        frames = _enu_rotations(dst_crs, dst_en)
        # with assumed heights only the plane components are observations
        observed = np.array([True, True, heights == "given"])

    def solve(mask: np.ndarray):
        if model == "four_param":
            return _fit_four(src_en[mask], dst_en[mask])
        return _fit_bursa(x1[mask], x2[mask], convention, seven=(model == "bursa_wolf"))

    keep = np.ones(n, dtype=bool)
    rejected: dict[str, tuple[float, float]] = {}
    tests: dict[str, PointTest] = {}
    while True:
        solution, reported = solve(keep)
        local = solution
        if frames is not None:
            rot = frames[keep]
            local = LinearSolution(solution.x, np.einsum("nij,nj->ni", rot, solution.residuals),
                                   np.einsum("nij,nju->niu", rot, solution.design), solution.qxx)
        point_tests = outlier_tests(local.residuals, local.qvv_blocks(), observed, alpha)
        kept = np.flatnonzero(keep)
        for i, t in zip(kept, point_tests, strict=True):
            tests[ids[i]] = t
        worst = max(range(len(point_tests)), key=lambda j: point_tests[j].statistic,
                    default=None)
        if (not reject_gross or worst is None or not point_tests[worst].rejected
                or keep.sum() - 1 < MIN_POINTS[model]):
            break
        i = kept[worst]
        keep[i] = False
        rejected[ids[i]] = (0.0, 0.0)  # its residual against the final fit is set below

    values = reported(solution.x)
    stats = parameter_statistics(NAMES[model], solution, reported, local, observed, alpha)
    plane_v = plane_residuals(_parameter_set(model, values, convention, source, target),
                              src_en, dst_en, h1)
    stats = accuracy_figures(stats, plane_v[keep], local, observed)
    extent = hull_extent(src_en[keep], source)
    params = _parameter_set(model, values, convention, source, target, extent)
    warnings = _warnings(model, stats, extent, heights)
    for i in np.flatnonzero(~keep):
        rejected[ids[i]] = (float(plane_v[i, 0]), float(plane_v[i, 1]))
    kept_ids = [ids[i] for i in np.flatnonzero(keep)]
    residuals = {ids[i]: (float(plane_v[i, 0]), float(plane_v[i, 1])) for i in np.flatnonzero(keep)}
    rms = float(math.sqrt(np.mean(np.sum(plane_v[keep] ** 2, axis=1))))
    return FitResult(params, kept_ids, residuals, rms, rejected, stats, tests, heights,
                     assumed_height_m, extent, warnings)


def _parameter_set(model: str, values: np.ndarray, convention: str, source: str, target: str,
                   extent: dict | None = None) -> ParameterSet:
    v = [float(a) for a in values]
    m = FourParam(*v) if model == "four_param" else BursaWolf(*v, convention=convention)
    return ParameterSet(m, source, target, extent)


WARNINGS = {
    "small_span": {
        "zh_CN": ("公共点分布范围仅 {span_km:.1f} km：在如此小的范围内七参数的旋转和尺度没有意义"
                  "（{a} 与 {b} 的相关系数 ρ = {rho:.4f}）。参数可正确转换此范围内的点，但不代表"
                  "两个基准之间的关系；省级以下范围，国家关于启用2000国家大地坐标系的技术指南推荐采用"
                  "平面四参数模型（--model four_param）"),
        "en": ("the common points span only {span_km:.1f} km: rotations and scale of a "
               "7-parameter set are not meaningful over so small an area ({a} and {b} correlate "
               "at ρ = {rho:.4f}). The parameters convert points inside this area correctly but "
               "describe no datum; below provincial scope the national guideline for converting "
               "to CGCS2000 recommends the plane 4-parameter model (--model four_param)"),
    },
    "heights_assumed": {
        "zh_CN": "未给出高程：两侧均取假定椭球高，高程方向未检验",
        "en": "no heights given: both sides took the assumed ellipsoidal height; the vertical "
              "is not checked",
    },
    "low_redundancy": {
        "zh_CN": "多余观测仅 {f:.1f} 个：如此少的多余观测无法可靠发现粗差，请增加公共点",
        "en": "only {f:.1f} degrees of freedom: with so few redundant observations gross errors "
              "cannot be found reliably; add common points",
    },
}


def warning_text(code: str, values: dict, lang: str = "en") -> str:
    texts = WARNINGS[code]
    return texts["en" if lang.startswith("en") else "zh_CN"].format(**values)


def _warnings(model: str, stats: FitStatistics, extent: dict, heights: str
              ) -> list[tuple[str, dict]]:
    out: list[tuple[str, dict]] = []
    if model == "bursa_wolf" and extent["span_m"] < SEVEN_PARAM_MIN_SPAN_M:
        a, b, rho = stats.max_correlation
        out.append(("small_span", {"span_km": extent["span_m"] / 1000, "a": a, "b": b,
                                   "rho": rho}))
    if model != "four_param" and heights == "assumed":
        out.append(("heights_assumed", {}))
    if stats.redundancy < 3:
        out.append(("low_redundancy", {"f": stats.redundancy}))
    return out


def evaluate_check_points(result: FitResult, ids: list[str], src_en: np.ndarray,
                          dst_en: np.ndarray, h1: np.ndarray | None = None) -> CheckPoints:
    """Residuals at independent check points (检核点) not used in the fit; stored on ``result``."""
    src_en = np.asarray(src_en, dtype=float).reshape(-1, 2)
    dst_en = np.asarray(dst_en, dtype=float).reshape(-1, 2)
    if h1 is None:
        h1 = np.full(len(ids), result.assumed_height_m)
    shared = sorted(set(ids) & (set(result.ids) | set(result.rejected)))
    if shared:
        raise ParameterError(f"check point(s) {', '.join(shared[:5])} are also common points: "
                             "check points must be independent of the fit")
    result.check = check_point_figures(list(ids),
                                       plane_residuals(result.params, src_en, dst_en, h1))
    return result.check
