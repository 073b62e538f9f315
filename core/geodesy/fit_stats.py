"""Precision and gross-error figures of a least-squares parameter fit.

Gross errors: each point's residual is tested against the hypothesis that it carries a shift
of its own, with the residuals' cofactor matrix Qvv = I − A(AᵀA)⁻¹Aᵀ, so a point's leverage
counts (a point far out pulls the fit towards itself and shows a small residual):

    Ωᵢ = vᵢᵀ Qvv,ᵢᵢ⁻¹ vᵢ          (the drop of [vv] if point i were left out)
    s²₋ᵢ = ([vv] − Ωᵢ) / (f − m)  (the unit-weight variance without point i)
    Tᵢ = Ωᵢ / (m s²₋ᵢ)            ~ F(m, f − m) when point i is good

m is the number of observed components per point (2 in the plane; 3 with known heights) and f the
sum of their redundancy numbers (the residuals' degrees of freedom: 2n − 4 for the plane
4-parameter model). A point fails when P(F > Tᵢ) < α (default 0.001). This is the externally
studentised (leave-one-out) form of Baarda's w-test for a point.

Surveyors' figures: Mx = ±√([vx vx] / rx), My = ±√([vy vy] / ry), Mp = ±√(Mx² + My²), where rx and
ry are the redundancies of the x (northing) and y (easting) components, so that for the plane
4-parameter model Mp = ±√([vv] / (n − 2)). Points beyond 2·Mp (the largest tolerated error) and
3·Mp (a gross error by the usual rule) are marked in the report.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .fitting import LinearSolution

DEFAULT_ALPHA = 0.001
_FLOOR_M = 1e-4  # 0.1 mm: exact (noise-free) data have no gross errors


@dataclass(frozen=True)
class PointTest:
    statistic: float  # Tᵢ
    dof: tuple[float, float]  # (m, f − m)
    p_value: float
    rejected: bool


def outlier_tests(residuals: np.ndarray, qvv: np.ndarray, observed: np.ndarray,
                  alpha: float) -> list[PointTest]:
    """The F test of every point; ``residuals`` (n, k) and ``qvv`` (n, k, k) in frames where
    ``observed`` (k,) marks the components that are observations (not assumed values)."""
    from scipy.stats import f as f_dist

    idx = np.flatnonzero(observed)
    m = len(idx)
    v = residuals[:, idx]
    q = qvv[:, idx][:, :, idx]
    ss = float(np.sum(v * v))
    redundancy = float(np.trace(q, axis1=1, axis2=2).sum())
    dof2 = redundancy - m
    out = []
    for vi, qi in zip(v, q, strict=True):
        if dof2 <= 0 or np.linalg.cond(qi) > 1e8:
            # no redundancy left, or the point alone determines a parameter: it cannot be tested
            out.append(PointTest(0.0, (m, max(dof2, 0.0)), 1.0, False))
            continue
        omega = float(vi @ np.linalg.solve(qi, vi))
        s2 = max((ss - omega) / dof2, _FLOOR_M ** 2)
        t = omega / (m * s2)
        p = float(f_dist.sf(t, m, dof2))
        out.append(PointTest(t, (m, dof2), p, p < alpha))
    return out


@dataclass
class FitStatistics:
    names: tuple[str, ...]
    values: np.ndarray
    sigmas: np.ndarray
    correlation: np.ndarray
    sigma0_m: float  # 验后单位权中误差 of one observed coordinate
    redundancy: float  # f: degrees of freedom of the observed components
    alpha: float = DEFAULT_ALPHA
    mx_m: float = 0.0
    my_m: float = 0.0
    mp_m: float = 0.0
    extra: dict = field(default_factory=dict)

    @property
    def max_correlation(self) -> tuple[str, str, float]:
        c = np.abs(self.correlation.copy())
        np.fill_diagonal(c, -1.0)
        if c.size <= 1:
            return (self.names[0], self.names[0], 0.0)
        i, j = np.unravel_index(int(np.argmax(c)), c.shape)
        return (self.names[i], self.names[j], float(self.correlation[i, j]))

    def to_dict(self) -> dict:
        a, b, rho = self.max_correlation
        return {
            "sigma0_m": round(self.sigma0_m, 5),
            "degrees_of_freedom": round(self.redundancy, 2),
            "alpha": self.alpha,
            "parameter_sigma": {n: float(f"{s:.4g}") for n, s in zip(self.names, self.sigmas,
                                                                    strict=True)},
            "max_correlation": {"parameters": [a, b], "rho": round(rho, 6)},
            "mx_m": round(self.mx_m, 4), "my_m": round(self.my_m, 4),
            "mp_m": round(self.mp_m, 4),
        }


def _jacobian(fn: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    f0 = fn(x)
    jac = np.empty((len(f0), len(x)))
    for j in range(len(x)):
        h = 1e-6 * max(1.0, abs(x[j]))
        up, down = x.copy(), x.copy()
        up[j] += h
        down[j] -= h
        jac[:, j] = (fn(up) - fn(down)) / (2 * h)
    return jac


def parameter_statistics(names: tuple[str, ...], solution: LinearSolution,
                         reported: Callable[[np.ndarray], np.ndarray], local: LinearSolution,
                         observed: np.ndarray, alpha: float = DEFAULT_ALPHA) -> FitStatistics:
    """σ0 from the observed components, and σ and correlations of the reported parameters."""
    idx = np.flatnonzero(observed)
    v = local.residuals[:, idx]
    q = local.qvv_blocks()[:, idx][:, :, idx]
    redundancy = float(np.trace(q, axis1=1, axis2=2).sum())
    sigma0 = math.sqrt(float(np.sum(v * v)) / redundancy) if redundancy > 1e-9 else 0.0
    jac = _jacobian(reported, solution.x)
    cov = sigma0 ** 2 * jac @ solution.qxx @ jac.T
    sig = np.sqrt(np.clip(np.diag(cov), 0.0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sig, sig)
    corr = np.nan_to_num(corr)
    np.fill_diagonal(corr, 1.0)
    return FitStatistics(names, reported(solution.x), sig, corr, sigma0, redundancy, alpha)


def accuracy_figures(stats: FitStatistics, plane_v: np.ndarray, local: LinearSolution,
                     observed: np.ndarray) -> FitStatistics:
    """Mx, My, Mp from the plane residuals (vx northing, vy easting) of the points kept."""
    qvv = local.qvv_blocks()
    k = qvv.shape[1]
    # the four-parameter model's components are (x, y); the geocentric ones are (east, north, up)
    north, east = (0, 1) if k == 2 else (1, 0)
    rx = float(qvv[:, north, north].sum())
    ry = float(qvv[:, east, east].sum())
    mx = math.sqrt(float(np.sum(plane_v[:, 0] ** 2)) / rx) if rx > 1e-9 else 0.0
    my = math.sqrt(float(np.sum(plane_v[:, 1] ** 2)) / ry) if ry > 1e-9 else 0.0
    return replace(stats, mx_m=mx, my_m=my, mp_m=math.hypot(mx, my))


@dataclass(frozen=True)
class CheckPoints:
    """Independent check points (检核点): residuals and external accuracy Mx, My, Mp = √([vv]/n)."""

    residuals: dict[str, tuple[float, float]]
    mx_m: float
    my_m: float
    mp_m: float

    def to_dict(self, fit_mp: float) -> dict:
        return {
            "points": [{"id": i, "vx_m": round(v[0], 4), "vy_m": round(v[1], 4),
                        "v_m": round(math.hypot(*v), 4),
                        "over_2mp": bool(math.hypot(*v) > 2 * fit_mp)}
                       for i, v in self.residuals.items()],
            "mx_m": round(self.mx_m, 4), "my_m": round(self.my_m, 4), "mp_m": round(self.mp_m, 4),
        }


def check_point_figures(ids: list[str], plane_v: np.ndarray) -> CheckPoints:
    n = len(ids)
    mx = math.sqrt(float(np.mean(plane_v[:, 0] ** 2))) if n else 0.0
    my = math.sqrt(float(np.mean(plane_v[:, 1] ** 2))) if n else 0.0
    return CheckPoints({i: (float(a), float(b)) for i, (a, b) in zip(ids, plane_v, strict=True)},
                       mx, my, math.hypot(mx, my))
