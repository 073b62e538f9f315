"""Transformations against PROJ/EPSG and against independent formulas, to 1 mm."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pyproj import CRS, Transformer
from redline_approval.core.errors import CrsError, ParameterError
from redline_approval.core.geodesy.params import (
    BursaWolf,
    FourParam,
    ParameterSet,
    parameters_from_dict,
)
from redline_approval.core.geodesy.transforms import check_zone, make_transform

from tests import independent

MM = 0.001
rng = np.random.default_rng(7)
LON = rng.uniform(112.6, 115.4, 2000)  # inside 3° zone 38 (CM 114)
LAT = rng.uniform(22.0, 42.0, 2000)


def test_projection_matches_proj_and_kruger_series():
    ours = make_transform("EPSG:4490", "EPSG:4526")
    e, n = ours.transform(LON, LAT)
    ref = Transformer.from_crs("EPSG:4490", "EPSG:4526", always_xy=True)
    e2, n2 = ref.transform(LON, LAT)
    assert np.max(np.hypot(e - e2, n - n2)) < MM
    ek, nk = independent.kruger_forward(LON, LAT, 114, 6378137.0, 298.257222101, 38_500_000)
    assert np.max(np.hypot(e - ek, n - nk)) < MM


def test_inverse_and_round_trip():
    fwd = make_transform("EPSG:4490", "EPSG:4526")
    inv = make_transform("EPSG:4526", "EPSG:4490")
    e, n = fwd.transform(LON, LAT)
    lon, lat = inv.transform(e, n)
    # 1e-8 degrees is about 1 mm
    assert np.max(np.abs(lon - LON)) < 1e-8 and np.max(np.abs(lat - LAT)) < 1e-8


def test_zone_change_38_to_39_matches_proj_and_series():
    lon = rng.uniform(115.0, 116.0, 500)
    lat = rng.uniform(25.0, 40.0, 500)
    e38, n38 = independent.kruger_forward(lon, lat, 114, 6378137.0, 298.257222101, 38_500_000)
    e39, n39 = make_transform("EPSG:4526", "EPSG:4527").transform(e38, n38)
    ek, nk = independent.kruger_forward(lon, lat, 117, 6378137.0, 298.257222101, 39_500_000)
    assert np.max(np.hypot(e39 - ek, n39 - nk)) < MM
    ref = Transformer.from_crs("EPSG:4526", "EPSG:4527", always_xy=True)
    assert np.max(np.hypot(*(np.array(ref.transform(e38, n38)) - [e39, n39]))) < MM


def test_prefixed_to_cm_named_same_zone():
    e, n = make_transform("EPSG:4526", "EPSG:4547").transform([38_461_200.0], [3_343_500.0])
    assert e[0] == pytest.approx(461_200.0, abs=MM) and n[0] == pytest.approx(3_343_500.0, abs=MM)


@pytest.mark.parametrize("convention", ["coordinate_frame", "position_vector"])
def test_bursa_wolf_matches_independent_formula(convention):
    bw = BursaWolf(-31.52, 97.64, 55.18, 0.842, -1.357, 2.118, 3.25, convention)
    params = ParameterSet(bw, "EPSG:2362", "EPSG:4526")
    src_e = rng.uniform(38_440_000, 38_480_000, 300)
    src_n = rng.uniform(3_320_000, 3_360_000, 300)
    h = rng.uniform(0, 500, 300)
    e, n, h2 = make_transform("EPSG:2362", "EPSG:4526", params).transform(src_e, src_n, h)
    # independent: Xian 1980 plane -> geographic (PROJ inverse checked by the series) -> ECEF
    lon, lat = Transformer.from_crs("EPSG:2362", "EPSG:4610", always_xy=True).transform(src_e, src_n)
    ek, nk = independent.kruger_forward(lon, lat, 114, 6378140.0, 298.257, 38_500_000)
    assert np.max(np.hypot(ek - src_e, nk - src_n)) < MM
    xyz = independent.geodetic_to_ecef(lon, lat, h, 6378140.0, 298.257)
    xyz2 = independent.bursa_wolf(xyz, bw.tx, bw.ty, bw.tz, bw.rx_sec, bw.ry_sec, bw.rz_sec,
                                  bw.scale_ppm, convention)
    lon2, lat2 = independent.ecef_to_geodetic(xyz2, 6378137.0, 298.257222101)
    e_ref, n_ref = independent.kruger_forward(lon2, lat2, 114, 6378137.0, 298.257222101,
                                              38_500_000)
    assert np.max(np.hypot(e - e_ref, n - n_ref)) < MM


def test_conventions_differ_by_sign_of_rotations():
    cf = BursaWolf(1, 2, 3, 1.0, -2.0, 3.0, 1.5, "coordinate_frame")
    pv = BursaWolf(1, 2, 3, -1.0, 2.0, -3.0, 1.5, "position_vector")
    a = make_transform("EPSG:2362", "EPSG:4526", ParameterSet(cf, "EPSG:2362", "EPSG:4526"))
    b = make_transform("EPSG:2362", "EPSG:4526", ParameterSet(pv, "EPSG:2362", "EPSG:4526"))
    e1, n1, _ = a.transform([38_461_200.0], [3_343_500.0], [0.0])
    e2, n2, _ = b.transform([38_461_200.0], [3_343_500.0], [0.0])
    assert math.hypot(e1[0] - e2[0], n1[0] - n2[0]) < MM


def test_four_param_matches_formula():
    fp = FourParam(dx=-120.345, dy=85.12, rotation_sec=-3.75, scale_ppm=12.5)
    tr = make_transform("EPSG:2362", "EPSG:4526", ParameterSet(fp, "EPSG:2362", "EPSG:4526"))
    y = rng.uniform(38_440_000, 38_480_000, 1000)  # easting
    x = rng.uniform(3_320_000, 3_360_000, 1000)  # northing
    e, n = tr.transform(y, x)
    k = 1 + fp.scale_ppm * 1e-6
    a = math.radians(fp.rotation_sec / 3600)
    x_ref = fp.dx + k * (x * math.cos(a) - y * math.sin(a))
    y_ref = fp.dy + k * (x * math.sin(a) + y * math.cos(a))
    assert np.max(np.hypot(n - x_ref, e - y_ref)) < MM


def test_four_param_then_zone_change_is_chained():
    fp = FourParam(1.0, 2.0, 0.0, 0.0)
    tr = make_transform("EPSG:2362", "EPSG:4490", ParameterSet(fp, "EPSG:2362", "EPSG:4526"))
    lon, lat = tr.transform([38_461_200.0], [3_343_500.0])
    ref = Transformer.from_crs("EPSG:4526", "EPSG:4490", always_xy=True)
    lon2, lat2 = ref.transform(38_461_202.0, 3_343_501.0)
    assert lon[0] == pytest.approx(lon2, abs=1e-9) and lat[0] == pytest.approx(lat2, abs=1e-9)


def test_datum_change_without_parameters_is_refused():
    with pytest.raises(CrsError, match="no official transformation"):
        make_transform("EPSG:2362", "EPSG:4526")


def test_parameters_for_another_datum_are_refused():
    bw = BursaWolf(1, 2, 3)
    with pytest.raises(CrsError, match="parameters start from"):
        make_transform("EPSG:2414", "EPSG:4526", ParameterSet(bw, "EPSG:2362", "EPSG:4526"))


def test_unknown_crs():
    with pytest.raises(CrsError, match="unknown CRS"):
        make_transform("EPSG:999999", "EPSG:4526")


@pytest.mark.parametrize("data,match", [
    ({"model": "seven"}, "model"),
    ({"model": "bursa_wolf", "tx": 1}, "needs"),
    ({"model": "four_param", "dx": 1, "dy": 1, "rotation_sec": 1, "scale_ppm": "x",
      "source": "EPSG:2362", "target": "EPSG:4526"}, "finite number"),
    ({"model": "four_param", "dx": 1, "dy": 1, "rotation_sec": 1, "scale_ppm": 1, "tx": 1,
      "source": "EPSG:2362", "target": "EPSG:4526"}, "belong to bursa_wolf"),
    ({"model": "bursa_wolf", "tx": 1, "ty": 1, "tz": 1, "rx_sec": 0, "ry_sec": 0, "rz_sec": 0,
      "scale_ppm": 0, "convention": "helmert", "source": "EPSG:2362", "target": "EPSG:4526"},
     "convention"),
])
def test_bad_parameter_sets(data, match):
    with pytest.raises(ParameterError, match=match):
        parameters_from_dict(data, "p.json")


def test_check_zone_catches_swap_and_prefix():
    crs = CRS.from_epsg(4526)
    assert check_zone(crs, np.array([38_461_200.0]), np.array([3_343_500.0])) is None
    i, msg = check_zone(crs, np.array([3_343_500.0]), np.array([38_461_200.0]))
    assert "swapped" in msg
    i, msg = check_zone(crs, np.array([461_200.0]), np.array([3_343_500.0]))
    assert "zone prefix" in msg
    i, msg = check_zone(crs, np.array([38_461_200.0, 39_461_200.0]), np.array([3.3e6, 3.3e6]))
    assert i == 1
