"""Independent formulas the tests check the PROJ-based code against (never used by the code).

Krüger's series to order n⁴ (Karney 2011, eq. 35) for Gauss-Krüger, the closed-form geodetic
to geocentric conversion, Bowring's inverse, and the Bursa-Wolf matrix written out.
"""

from __future__ import annotations

import math

import numpy as np


def kruger_forward(lon_deg, lat_deg, lon0_deg, a, rf, false_easting):
    """(easting, northing) on Gauss-Krüger with k0 = 1."""
    f = 1 / rf
    n = f / (2 - f)
    big_a = a / (1 + n) * (1 + n**2 / 4 + n**4 / 64)
    alpha = [n / 2 - 2 * n**2 / 3 + 5 * n**3 / 16 + 41 * n**4 / 180,
             13 * n**2 / 48 - 3 * n**3 / 5 + 557 * n**4 / 1440,
             61 * n**3 / 240 - 103 * n**4 / 140,
             49561 * n**4 / 161280]
    phi = np.radians(lat_deg)
    lam = np.radians(np.asarray(lon_deg) - lon0_deg)
    e = math.sqrt(f * (2 - f))
    t = np.sinh(np.arctanh(np.sin(phi)) - e * np.arctanh(e * np.sin(phi)))
    xi = np.arctan2(t, np.cos(lam))
    eta = np.arctanh(np.sin(lam) / np.sqrt(1 + t * t))
    x, y = xi.copy(), eta.copy()
    for j, al in enumerate(alpha, start=1):
        x = x + al * np.sin(2 * j * xi) * np.cosh(2 * j * eta)
        y = y + al * np.cos(2 * j * xi) * np.sinh(2 * j * eta)
    return false_easting + big_a * y, big_a * x


def geodetic_to_ecef(lon_deg, lat_deg, h, a, rf):
    f = 1 / rf
    e2 = f * (2 - f)
    lam, phi = np.radians(lon_deg), np.radians(lat_deg)
    nu = a / np.sqrt(1 - e2 * np.sin(phi) ** 2)
    return np.column_stack([(nu + h) * np.cos(phi) * np.cos(lam),
                            (nu + h) * np.cos(phi) * np.sin(lam),
                            (nu * (1 - e2) + h) * np.sin(phi)])


def ecef_to_geodetic(xyz, a, rf):
    f = 1 / rf
    e2 = f * (2 - f)
    x, y, z = xyz.T
    lam = np.arctan2(y, x)
    p = np.hypot(x, y)
    phi = np.arctan2(z, p * (1 - e2))
    for _ in range(10):
        nu = a / np.sqrt(1 - e2 * np.sin(phi) ** 2)
        h = p / np.cos(phi) - nu
        phi = np.arctan2(z, p * (1 - e2 * nu / (nu + h)))
    return np.degrees(lam), np.degrees(phi)


def bursa_wolf(xyz, tx, ty, tz, rx_sec, ry_sec, rz_sec, scale_ppm, convention):
    """EPSG 9607 (coordinate frame) or 9606 (position vector), small-angle rotation matrix."""
    s = math.pi / 180 / 3600
    rx, ry, rz = rx_sec * s, ry_sec * s, rz_sec * s
    if convention == "coordinate_frame":
        r = np.array([[1, rz, -ry], [-rz, 1, rx], [ry, -rx, 1]])
    else:
        r = np.array([[1, -rz, ry], [rz, 1, -rx], [-ry, rx, 1]])
    return np.array([tx, ty, tz]) + (1 + scale_ppm * 1e-6) * xyz @ r.T
