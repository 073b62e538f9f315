"""Area units and the rounding adjustment (面积平差) that makes rounded parts add up."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

M2_PER_HECTARE = 10_000.0
M2_PER_MU = 2000.0 / 3.0


def hectares(area_m2: float) -> float:
    return area_m2 / M2_PER_HECTARE


def mu(area_m2: float) -> float:
    return area_m2 / M2_PER_MU


_QUANTUM = {d: Decimal(1).scaleb(-d) for d in range(9)}


def round_half_up(value: float, decimals: int) -> Decimal:
    """Rounding as on paper (0.5 up) of the number as written (its shortest repr), not
    Python's banker's rounding of the binary value."""
    return Decimal(repr(value)).quantize(_QUANTUM.get(decimals) or Decimal(1).scaleb(-decimals),
                                         rounding=ROUND_HALF_UP)


def round_area(value: float, decimals: int = 2) -> float:
    """``round_half_up`` as a float, fast where the value is far from a tie (a check rounds
    10 000s of feature areas): there both rules give the nearest number."""
    scaled = value * 10.0 ** decimals
    if abs(scaled - math.floor(scaled) - 0.5) > 1e-6 + abs(scaled) * 1e-13:
        return round(value, decimals)
    return float(round_half_up(value, decimals))


def round_areas(values, decimals: int = 2):
    """``round_area`` of every value of a numpy array (as floats)."""
    import numpy as np

    values = np.asarray(values, dtype=float)
    scaled = values * 10.0 ** decimals
    near = np.abs(scaled - np.floor(scaled) - 0.5) <= 1e-6 + np.abs(scaled) * 1e-13
    out = np.rint(scaled) / 10.0 ** decimals
    for i in np.flatnonzero(near):
        out[i] = float(round_half_up(float(values[i]), decimals))
    return out


def adjusted_parts(parts: Sequence[float], decimals: int, total: float | None = None
                   ) -> tuple[list[Decimal], Decimal]:
    """Round ``parts`` so they add up exactly to the rounded total.

    The remainder is distributed in steps of the last digit to the largest parts first (for a
    negative remainder, taken from the largest parts first), as the land survey rules ask.
    Returns (rounded parts in the input order, rounded total).
    """
    exact_total = sum(parts) if total is None else total
    rounded_total = round_half_up(exact_total, decimals)
    rounded = [round_half_up(p, decimals) for p in parts]
    step = Decimal(1).scaleb(-decimals)
    remainder = int((rounded_total - sum(rounded, Decimal(0))) / step)
    order = sorted(range(len(parts)), key=lambda i: (-abs(parts[i]), i))
    if order:
        sign = 1 if remainder > 0 else -1
        for k in range(abs(remainder)):
            rounded[order[k % len(order)]] += sign * step
    return rounded, rounded_total


def area_units(area_m2: float) -> dict[str, float]:
    """m² (2 decimals), 公顷 (4 decimals) and 亩 (2 decimals), as reported."""
    return {
        "m2": round_area(area_m2, 2),
        "hectares": round_area(hectares(area_m2), 4),
        "mu": round_area(mu(area_m2), 2),
    }
