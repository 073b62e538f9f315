"""Legal areas: ellipsoidal within 0.01 % of GeographicLib, planar exact to 1 mm², and the
rounding adjustment (面积平差) that makes rounded parts add up."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import CRS, Geod, Transformer
from redline_approval.core.redline.area import (
    densify_ring,
    ellipsoidal_area,
    geodesic_area,
    planar_area,
)
from redline_approval.core.units import (
    M2_PER_MU,
    adjusted_parts,
    area_units,
    round_area,
    round_areas,
    round_half_up,
)

CRS4526 = CRS.from_epsg(4526)


def _parcel(rng, side_m, e0=38_461_200.0, n0=3_343_500.0, vertices=9):
    angles = np.sort(rng.uniform(0, 2 * np.pi, vertices))
    radii = side_m / 2 * rng.uniform(0.7, 1.0, vertices)
    return shapely.Polygon(np.column_stack([e0 + radii * np.cos(angles),
                                            n0 + radii * np.sin(angles)]))


@pytest.mark.parametrize("side_m", [100, 1_000, 3_000, 10_000])  # 1 ha … 100 km²
@pytest.mark.parametrize("where", [(38_461_200.0, 3_343_500.0), (40_380_000.0, 5_200_000.0),
                                   (36_600_000.0, 2_500_000.0)])
def test_ellipsoidal_matches_geographiclib(side_m, where):
    rng = np.random.default_rng(side_m)
    g = _parcel(rng, side_m, *where)
    zone = int(where[0] // 1_000_000)
    crs = CRS.from_epsg(4513 + zone - 25)
    ours = ellipsoidal_area(g, crs)
    ref = geodesic_area(g, crs)
    assert abs(ours - ref) / ref < 1e-4
    # and independently of our densification helper: GeographicLib on a fine lat/lon ring
    dense = densify_ring(np.asarray(g.exterior.coords)[:-1], 1.0)
    lon, lat = Transformer.from_crs(crs, "EPSG:4490", always_xy=True).transform(*dense.T)
    ref2 = abs(Geod(ellps="GRS80").polygon_area_perimeter(lon, lat)[0])
    assert abs(ours - ref2) / ref2 < 1e-4


def test_holes_are_subtracted():
    outer = shapely.box(38_461_000, 3_343_000, 38_462_000, 3_344_000)
    hole = shapely.box(38_461_200, 3_343_200, 38_461_300, 3_343_300)
    g = outer.difference(hole)
    assert ellipsoidal_area(g, CRS4526) == pytest.approx(
        ellipsoidal_area(outer, CRS4526) - ellipsoidal_area(hole, CRS4526), abs=1e-6)
    assert planar_area(g) == pytest.approx(1_000_000 - 10_000, abs=1e-6)


def test_densification_matters():
    """Without densification the trapezoid sum drifts (DOMAIN: 0.6 m² on 13 ha)."""
    g = shapely.box(38_560_000, 3_343_000, 38_560_400, 3_343_325)  # 13 ha far from the CM
    fine = ellipsoidal_area(g, CRS4526)
    coarse = ellipsoidal_area(g, CRS4526, densify_m=1e9)
    assert abs(fine - geodesic_area(g, CRS4526)) < abs(coarse - geodesic_area(g, CRS4526))


mm = st.integers(min_value=0, max_value=10_000_000)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(mm, mm), min_size=3, max_size=12, unique=True))
def test_planar_area_exact_to_a_square_millimetre(pts):
    xy = [(38_000_000 + x / 1000, 3_000_000 + y / 1000) for x, y in pts]
    g = shapely.Polygon(xy)
    if not g.is_valid or g.area < 1:
        return
    exact = Fraction(0)
    fr = [(Fraction(x), Fraction(y)) for x, y in xy]  # the doubles exactly as given
    for (x1, y1), (x2, y2) in zip(fr, fr[1:] + fr[:1], strict=True):
        exact += x1 * y2 - x2 * y1
    assert abs(planar_area(g) - float(abs(exact) / 2)) < 1e-6


def test_units_and_rounding():
    assert round_half_up(0.125, 2) == Decimal("0.13")  # not banker's rounding
    u = area_units(10_000.0)
    assert u["hectares"] == 1.0 and u["mu"] == 15.0
    assert M2_PER_MU == pytest.approx(666.6667, abs=1e-4)


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
                 st.integers(-10**9, 10**9).map(lambda k: k / 1000 + 0.005),  # ties of 2 places
                 st.integers(-10**7, 10**7).map(lambda k: k / 100000 + 0.00005)),
       st.sampled_from([2, 4]))
def test_fast_rounding_agrees_with_half_up(value, decimals):
    assert round_area(value, decimals) == float(round_half_up(value, decimals))
    assert round_areas(np.array([value]), decimals)[0] == float(round_half_up(value, decimals))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=15))
def test_adjusted_parts_add_up(parts):
    rounded, total = adjusted_parts(parts, 4)
    assert sum(rounded, Decimal(0)) == total
    assert total == round_half_up(sum(parts), 4)
    step = Decimal("0.0001")
    for r, p in zip(rounded, parts, strict=True):
        assert abs(r - round_half_up(p, 4)) <= step * len(parts)


def test_adjustment_goes_to_the_largest_part_first():
    rounded, total = adjusted_parts([0.33333, 0.33333, 0.33334], 2)
    assert total == Decimal("1.00")
    assert rounded == [Decimal("0.33"), Decimal("0.33"), Decimal("0.34")]
    rounded, total = adjusted_parts([2.005, 1.005, 3.005], 2, total=6.01)
    assert sum(rounded) == Decimal("6.01") and rounded[2] == Decimal("3.00")
