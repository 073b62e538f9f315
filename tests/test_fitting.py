"""Parameter fitting: check points within 3 cm with 1 cm noise; a 0.5 m blunder is dropped."""

from __future__ import annotations

import numpy as np
import pytest
from redline_approval.core.errors import ParameterError
from redline_approval.core.geodesy.fitting import fit_parameters, report_text
from redline_approval.core.geodesy.params import BursaWolf, FourParam, ParameterSet
from redline_approval.core.geodesy.transforms import make_transform

SRC, DST = "EPSG:2362", "EPSG:4526"
TRUE = {
    "bursa_wolf": BursaWolf(-31.52, 97.64, 55.18, 0.842, -1.357, 2.118, 3.25),
    "four_param": FourParam(-52.31, 118.44, 1.73, -4.2),
}


def _apply(model, e, n):
    tr = make_transform(SRC, DST, ParameterSet(model, SRC, DST))
    if isinstance(model, FourParam):
        return tr.transform(e, n)
    return tr.transform(e, n, np.zeros_like(e))[:2]


def _points(rng, count, margin=0.0):
    e = 38_450_000 + margin + rng.uniform(0, 30_000 - 2 * margin, count)
    n = 3_330_000 + margin + rng.uniform(0, 30_000 - 2 * margin, count)
    return e, n


@pytest.mark.parametrize("model", ["bursa_wolf", "four_param"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_noise_and_blunder(model, seed):
    rng = np.random.default_rng(seed)
    e, n = _points(rng, 12)
    te, tn = _apply(TRUE[model], e, n)
    te = te + rng.normal(0, 0.01, 12)
    tn = tn + rng.normal(0, 0.01, 12)
    tn[5] += 0.5
    ids = [f"P{i}" for i in range(12)]
    result = fit_parameters(ids, np.column_stack([e, n]), np.column_stack([te, tn]), model,
                            SRC, DST)
    assert list(result.rejected) == ["P5"]
    assert result.rms_m < 0.02
    ce, cn = _points(rng, 200, margin=2000)
    want_e, want_n = _apply(TRUE[model], ce, cn)
    got_e, got_n = _apply(result.params.model, ce, cn)
    assert np.max(np.hypot(got_e - want_e, got_n - want_n)) < 0.03
    report = report_text(result)
    assert "P5" in report and "RMS" in report


def test_exact_data_recovers_parameters_and_position_vector():
    rng = np.random.default_rng(11)
    e, n = _points(rng, 8)
    te, tn = _apply(TRUE["bursa_wolf"], e, n)
    ids = [str(i) for i in range(8)]
    result = fit_parameters(ids, np.column_stack([e, n]), np.column_stack([te, tn]),
                            "bursa_wolf", SRC, DST, convention="position_vector")
    assert result.rms_m < 0.001 and not result.rejected
    assert result.params.model.convention == "position_vector"
    # a position-vector set predicts the same as the coordinate-frame truth
    ge, gn = _apply(result.params.model, e, n)
    assert np.max(np.hypot(ge - te, gn - tn)) < 0.001


def test_residuals_are_converted_minus_known():
    rng = np.random.default_rng(5)
    e, n = _points(rng, 6)
    te, tn = _apply(TRUE["four_param"], e, n)
    tn = tn.copy()
    ids = [str(i) for i in range(6)]
    result = fit_parameters(ids, np.column_stack([e, n]), np.column_stack([te, tn]),
                            "four_param", SRC, DST, reject_gross=False)
    d = result.to_dict()
    assert set(d) >= {"model", "dx", "dy", "rotation_sec", "scale_ppm", "source", "target",
                      "residuals", "rms_m", "rejected"}
    assert d["rotation_sec"] == pytest.approx(1.73, abs=1e-4)
    assert d["scale_ppm"] == pytest.approx(-4.2, abs=1e-3)


def test_too_few_points():
    with pytest.raises(ParameterError, match="at least 3"):
        fit_parameters(["a", "b"], np.array([[38_450_000, 3_330_000], [38_460_000, 3_340_000]]),
                       np.array([[38_450_000, 3_330_000], [38_460_000, 3_340_000]]),
                       "bursa_wolf", SRC, DST)


def test_collinear_points():
    e = np.linspace(38_450_000, 38_470_000, 5)
    n = np.linspace(3_330_000, 3_350_000, 5)
    pts = np.column_stack([e, n])
    with pytest.raises(ParameterError, match="collinear"):
        fit_parameters(list("abcde"), pts, pts + 50, "bursa_wolf", SRC, DST)


def test_same_datum_needs_no_parameters():
    pts = np.array([[38_450_000, 3_330_000], [38_460_000, 3_340_000], [38_455_000, 3_345_000]])
    with pytest.raises(ParameterError, match="same datum"):
        fit_parameters(list("abc"), pts, pts, "bursa_wolf", "EPSG:4526", "EPSG:4547")
