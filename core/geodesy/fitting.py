"""Least-squares fitting of transformation parameters from common points (公共点).

Residual V = converted − known, per point in the target plane (metres). The RMS (中误差) is
sqrt(mean(Vx² + Vy²)). Gross errors are found with the rule surveyors use, 3 × RMS, applied to
each point's residual against a fit made *without* that point (with that fit's point error,
degrees of freedom given back), so a blunder cannot hide by pulling the fit and the RMS towards
itself; the worst offender is dropped and the fit repeated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from pyproj import CRS, Transformer

from ..errors import ParameterError
from .params import BursaWolf, FourParam, ParameterSet
from .transforms import datum_key, make_transform, parse_crs

MIN_POINTS = {"four_param": 2, "bursa_wolf": 3, "three_param": 1}
UNKNOWNS = {"four_param": 4, "bursa_wolf": 7, "three_param": 3}


@dataclass
class FitResult:
    params: ParameterSet
    ids: list[str]
    residuals: dict[str, tuple[float, float]]  # id -> (vx northing, vy easting), used points
    rms_m: float
    rejected: dict[str, tuple[float, float]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        d = self.params.to_dict()
        d["residuals"] = [
            {"id": i, "vx_m": round(v[0], 4), "vy_m": round(v[1], 4),
             "v_m": round(math.hypot(*v), 4)}
            for i, v in self.residuals.items()
        ]
        d["rms_m"] = round(self.rms_m, 4)
        d["rejected"] = list(self.rejected)
        d["rejected_residuals"] = [
            {"id": i, "vx_m": round(v[0], 4), "vy_m": round(v[1], 4),
             "v_m": round(math.hypot(*v), 4)}
            for i, v in self.rejected.items()
        ]
        return d


def _fit_four(src_en: np.ndarray, dst_en: np.ndarray) -> FourParam:
    """Linear LS of N' = dx + a N − b E, E' = dy + b N + a E on centred coordinates."""
    sc, dc = src_en.mean(axis=0), dst_en.mean(axis=0)
    e, n = (src_en - sc).T
    e2, n2 = (dst_en - dc).T
    # unknowns a, b; centring removes the shifts
    rows = np.concatenate([np.column_stack([n, -e]), np.column_stack([e, n])])
    obs = np.concatenate([n2, e2])
    (a, b), *_ = np.linalg.lstsq(rows, obs, rcond=None)
    k = math.hypot(a, b)
    rot = math.atan2(b, a)
    # shifts: dc = shift + R·sc
    dx = dc[1] - (a * sc[1] - b * sc[0])
    dy = dc[0] - (b * sc[1] + a * sc[0])
    return FourParam(float(dx), float(dy), math.degrees(rot) * 3600.0, (k - 1.0) * 1e6)


_SEC = math.pi / 180.0 / 3600.0


def _helmert(p: np.ndarray, x: np.ndarray, convention: str) -> np.ndarray:
    """PROJ's (linearised-rotation) Helmert: X' = T + (1 + s)·R·X."""
    tx, ty, tz, rx, ry, rz, s = p
    rx, ry, rz = rx * _SEC, ry * _SEC, rz * _SEC
    if convention == "position_vector":
        rx, ry, rz = -rx, -ry, -rz
    r = np.array([[1.0, rz, -ry], [-rz, 1.0, rx], [ry, -rx, 1.0]])
    return np.array([tx, ty, tz]) + (1.0 + s * 1e-6) * x @ r.T


def _gauss_newton(residual, p: np.ndarray, free: slice) -> np.ndarray:
    """Least squares by Gauss-Newton with a numerical Jacobian; ``lstsq`` takes the smallest
    step along directions the data cannot see (e.g. heights when only plane points are known)."""
    h = 1e-3
    for _ in range(15):
        r0 = residual(p)
        jac = np.empty((r0.size, 7))
        for j in range(7):
            dp = p.copy()
            dp[j] += h
            jac[:, j] = (residual(dp) - r0) / h
        delta, *_ = np.linalg.lstsq(jac[:, free], -r0, rcond=1e-10)
        p = p.copy()
        p[free] += delta
        if np.max(np.abs(delta)) < 1e-9:
            break
    return p


def _fit_bursa_wolf(x1: np.ndarray, x2: np.ndarray | None, dst_en: np.ndarray, dst_crs: CRS,
                    convention: str, seven: bool) -> BursaWolf:
    """Fit on coordinates reduced to their centroids (earth-centred coordinates make shifts and
    rotations nearly indistinguishable). With target heights (``x2``) the residuals are 3D;
    without, they are the plane residuals in the target CRS, the only ones observed."""
    c1 = x1.mean(axis=0)
    x1c = x1 - c1
    free = slice(0, 7 if seven else 3)
    if x2 is not None:
        c2 = x2.mean(axis=0)
        x2c = x2 - c2

        def residual(p):
            return (_helmert(p, x1c, convention) - x2c).ravel()
    else:
        to_plane = Transformer.from_crs(_ecef(dst_crs), dst_crs, always_xy=True)
        c2 = _geocentric(dst_crs, dst_en, np.zeros(len(dst_en))).mean(axis=0)

        def residual(p):
            x = _helmert(p, x1c, convention) + c2
            e, n, _ = to_plane.transform(x[:, 0], x[:, 1], x[:, 2])
            return (np.column_stack([e, n]) - dst_en).ravel()

    p = _gauss_newton(residual, np.zeros(7), free)
    rot_scale = p.copy()
    rot_scale[:3] = 0.0
    t = c2 + p[:3] - _helmert(rot_scale, c1[None, :], convention)[0]
    return BursaWolf(float(t[0]), float(t[1]), float(t[2]), *map(float, p[3:]),
                     convention=convention)


def _ecef(crs: CRS) -> CRS:
    ell = crs.geodetic_crs.ellipsoid
    return CRS.from_proj4(f"+proj=geocent +a={ell.semi_major_metre!r} "
                          f"+rf={ell.inverse_flattening!r} +units=m")


def _geocentric(crs: CRS, en: np.ndarray, h: np.ndarray) -> np.ndarray:
    tr = Transformer.from_crs(crs, _ecef(crs), always_xy=True)
    return np.column_stack(tr.transform(en[:, 0], en[:, 1], h, errcheck=True))


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


def _solve(model, src_en, dst_en, src_crs, dst_crs, h1, h2, convention):
    if model == "four_param":
        return _fit_four(src_en, dst_en)
    x1 = _geocentric(src_crs, src_en, h1)
    x2 = None if h2 is None else _geocentric(dst_crs, dst_en, h2)
    return _fit_bursa_wolf(x1, x2, dst_en, dst_crs, convention, seven=(model == "bursa_wolf"))


def _residuals(params: ParameterSet, src_en, dst_en, h1) -> np.ndarray:
    """(n, 2) array of (vx northing, vy easting) = converted − known."""
    tr = make_transform(params.source, params.target, params)
    if isinstance(params.model, FourParam):
        e, n = tr.transform(src_en[:, 0], src_en[:, 1])
    else:
        e, n, _ = tr.transform(src_en[:, 0], src_en[:, 1], h1)
    return np.column_stack([n - dst_en[:, 1], e - dst_en[:, 0]])


def _rms(v: np.ndarray) -> float:
    return float(math.sqrt(np.mean(np.sum(v * v, axis=1)))) if len(v) else 0.0


def _point_error(v: np.ndarray, unknowns: int) -> float:
    """Mean square error of a point with the degrees of freedom the fit used up given back."""
    dof = len(v) - unknowns / 2.0
    return float(math.sqrt(np.sum(v * v) / dof)) if dof > 0 else 0.0


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
) -> FitResult:
    """Fit ``model`` from common points given easting-first in ``source`` and ``target``.

    Returns the parameters, the residuals of the points kept and those rejected as gross errors.
    """
    if model not in MIN_POINTS:
        raise ParameterError(f"unknown model {model!r}: use bursa_wolf, three_param or four_param")
    src_crs, dst_crs = parse_crs(source), parse_crs(target)
    if model == "four_param" and not (src_crs.is_projected and dst_crs.is_projected):
        raise ParameterError("a four-parameter fit needs plane (projected) source and target CRSs")
    if model != "four_param" and datum_key(src_crs) == datum_key(dst_crs):
        raise ParameterError(
            f"source and target are on the same datum ({datum_key(src_crs)}): "
            "PROJ converts them exactly, no parameters are needed"
        )
    src_en = np.asarray(src_en, dtype=float).reshape(-1, 2)
    dst_en = np.asarray(dst_en, dtype=float).reshape(-1, 2)
    n = len(ids)
    h1 = np.zeros(n) if h1 is None else np.asarray(h1, dtype=float)
    h2 = None if h2 is None else np.asarray(h2, dtype=float)
    if model == "three_param":
        model_key = "three_param"
    else:
        model_key = model
    keep = np.ones(n, dtype=bool)
    rejected: dict[str, tuple[float, float]] = {}
    min_keep = MIN_POINTS[model_key] + 2  # a point can only be judged against redundant others

    def fit(mask: np.ndarray) -> ParameterSet:
        m = _solve(model_key, src_en[mask], dst_en[mask], src_crs, dst_crs,
                   h1[mask], None if h2 is None else h2[mask], convention)
        return ParameterSet(m, source, target)

    _check_geometry(model_key, src_en, list(ids))
    while True:
        params = fit(keep)
        if not reject_gross or keep.sum() <= min_keep:
            break
        worst, worst_ratio, worst_v = -1, 3.0, None
        for i in np.flatnonzero(keep):
            others = keep.copy()
            others[i] = False
            p_i = fit(others)
            v_all = _residuals(p_i, src_en, dst_en, h1)
            rms_i = _point_error(v_all[others], UNKNOWNS[model_key])
            v_i = float(np.hypot(*v_all[i]))
            ratio = v_i / max(rms_i, 1e-4)  # 0.1 mm floor: noise-free data has no gross errors
            if ratio > worst_ratio:
                worst, worst_ratio, worst_v = i, ratio, v_all[i]
        if worst < 0:
            break
        keep[worst] = False
        rejected[ids[worst]] = (float(worst_v[0]), float(worst_v[1]))
    v = _residuals(params, src_en, dst_en, h1)
    kept_ids = [ids[i] for i in np.flatnonzero(keep)]
    residuals = {ids[i]: (float(v[i, 0]), float(v[i, 1])) for i in np.flatnonzero(keep)}
    return FitResult(params, kept_ids, residuals, _rms(v[keep]), rejected)


def report_text(result: FitResult, title: str = "Transformation parameter fit") -> str:
    """A plain report a surveyor can check and sign."""
    p = result.params
    m = p.model
    lines = [title, "=" * len(title), f"Source CRS: {p.source}", f"Target CRS: {p.target}"]
    if isinstance(m, FourParam):
        lines += [
            "Model: plane four-parameter similarity (x northing, y easting)",
            f"  dx = {m.dx:.4f} m", f"  dy = {m.dy:.4f} m",
            f"  rotation = {m.rotation_sec:.6f} arc-seconds",
            f"  scale = {m.scale_ppm:.6f} ppm",
        ]
    else:
        lines += [
            f"Model: Bursa-Wolf, convention {m.convention}",
            f"  tx = {m.tx:.4f} m", f"  ty = {m.ty:.4f} m", f"  tz = {m.tz:.4f} m",
            f"  rx = {m.rx_sec:.6f}\"", f"  ry = {m.ry_sec:.6f}\"", f"  rz = {m.rz_sec:.6f}\"",
            f"  scale = {m.scale_ppm:.6f} ppm",
        ]
    lines += ["", "Residuals V = converted - known (m)", f"{'point':>10} {'Vx':>9} {'Vy':>9} {'V':>9}"]
    for pid, (vx, vy) in result.residuals.items():
        lines.append(f"{pid:>10} {vx:9.4f} {vy:9.4f} {math.hypot(vx, vy):9.4f}")
    lines.append(f"RMS (mean square error of a point): {result.rms_m:.4f} m over {len(result.ids)} points")
    if result.rejected:
        lines.append("Rejected as gross errors (residual > 3 x RMS of the fit without them):")
        for pid, (vx, vy) in result.rejected.items():
            lines.append(f"{pid:>10} {vx:9.4f} {vy:9.4f} {math.hypot(vx, vy):9.4f}")
    else:
        lines.append("No gross errors found.")
    lines += ["", "Computed by: ____________   Checked by: ____________   Date: ____________"]
    return "\n".join(lines) + "\n"
