"""Transformation parameter sets and their JSON file (the interface data staff exchange).

Rotations are in arc-seconds, scale in ppm, shifts in metres. Bursa-Wolf sets must name their
rotation convention: ``coordinate_frame`` (EPSG method 9607) or ``position_vector`` (9606).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ParameterError

CONVENTIONS = ("coordinate_frame", "position_vector")


@dataclass(frozen=True)
class BursaWolf:
    """Seven (or, with zero rotations and scale, three) parameters on geocentric coordinates."""

    tx: float
    ty: float
    tz: float
    rx_sec: float = 0.0
    ry_sec: float = 0.0
    rz_sec: float = 0.0
    scale_ppm: float = 0.0
    convention: str = "coordinate_frame"
    model: str = field(default="bursa_wolf", init=False)

    def proj_step(self) -> str:
        return (
            f"+proj=helmert +x={self.tx!r} +y={self.ty!r} +z={self.tz!r} "
            f"+rx={self.rx_sec!r} +ry={self.ry_sec!r} +rz={self.rz_sec!r} +s={self.scale_ppm!r} "
            f"+convention={self.convention}"
        )


@dataclass(frozen=True)
class FourParam:
    """Plane similarity, x northing and y easting, a in arc-seconds, k = 1 + scale_ppm·1e-6.

    x' = dx + k(x cos a − y sin a),  y' = dy + k(x sin a + y cos a)
    """

    dx: float
    dy: float
    rotation_sec: float
    scale_ppm: float
    model: str = field(default="four_param", init=False)

    def matrix(self) -> tuple[float, float]:
        """(k cos a, k sin a)."""
        k = 1.0 + self.scale_ppm * 1e-6
        a = math.radians(self.rotation_sec / 3600.0)
        return k * math.cos(a), k * math.sin(a)

    def proj_step(self) -> str:
        # PROJ's affine works on (easting, northing): E' = dy + kc·E + ks·N, N' = dx − ks·E + kc·N
        kc, ks = self.matrix()
        return (
            f"+proj=affine +xoff={self.dy!r} +yoff={self.dx!r} "
            f"+s11={kc!r} +s12={ks!r} +s21={-ks!r} +s22={kc!r}"
        )


Model = BursaWolf | FourParam


@dataclass(frozen=True)
class ParameterSet:
    model: Model
    source: str
    target: str
    # where the parameters were fitted: {"crs", "hull_en": [[e, n], ...], "span_m"}
    extent: dict | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self.model)
        d["model"] = self.model.model
        d["source"] = self.source
        d["target"] = self.target
        if self.extent is not None:
            d["extent"] = self.extent
        return d


_REQUIRED = {
    "bursa_wolf": ("tx", "ty", "tz", "rx_sec", "ry_sec", "rz_sec", "scale_ppm", "convention"),
    "three_param": ("tx", "ty", "tz"),
    "four_param": ("dx", "dy", "rotation_sec", "scale_ppm"),
}


def _number(data: dict[str, Any], key: str, where: str) -> float:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ParameterError(f"{where}: {key!r} must be a finite number, got {value!r}")
    return float(value)


def parameters_from_dict(data: dict[str, Any], where: str = "parameters") -> ParameterSet:
    if not isinstance(data, dict):
        raise ParameterError(f"{where}: expected a JSON object")
    model = data.get("model")
    if model not in _REQUIRED:
        raise ParameterError(
            f"{where}: 'model' must be one of {', '.join(_REQUIRED)}, got {model!r}"
        )
    missing = [k for k in _REQUIRED[model] if k not in data]
    if missing:
        raise ParameterError(f"{where}: model {model} needs {', '.join(missing)}")
    if model == "bursa_wolf" and any(k in data for k in ("dx", "dy", "rotation_sec")):
        raise ParameterError(f"{where}: dx/dy/rotation_sec belong to four_param, not bursa_wolf")
    if model == "four_param" and any(k in data for k in ("tx", "ty", "tz", "convention")):
        raise ParameterError(f"{where}: tx/ty/tz/convention belong to bursa_wolf, not four_param")
    for key in ("source", "target"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise ParameterError(f"{where}: {key!r} must name a CRS, e.g. \"EPSG:2364\"")
    if model == "four_param":
        m: Model = FourParam(*(_number(data, k, where) for k in _REQUIRED[model]))
    else:
        convention = data.get("convention", "coordinate_frame")
        if convention not in CONVENTIONS:
            raise ParameterError(
                f"{where}: 'convention' must be coordinate_frame or position_vector, "
                f"got {convention!r}"
            )
        values = {k: _number(data, k, where) for k in _REQUIRED["bursa_wolf"][:-1] if k in data}
        m = BursaWolf(**values, convention=convention)
    return ParameterSet(m, data["source"], data["target"], _extent(data.get("extent"), where))


def _extent(value: Any, where: str) -> dict | None:
    if value is None:
        return None
    hull = value.get("hull_en") if isinstance(value, dict) else None
    ok = (isinstance(hull, list) and hull and isinstance(value.get("crs"), str)
          and all(isinstance(p, list) and len(p) == 2
                  and all(isinstance(c, int | float) and math.isfinite(c) for c in p)
                  for p in hull))
    if not ok:
        raise ParameterError(f"{where}: 'extent' must be {{\"crs\": ..., \"hull_en\": "
                             "[[easting, northing], ...]}} as written by redline fit")
    return value


def load_parameters(path: str | Path) -> ParameterSet:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise ParameterError(f"{path}: cannot read the parameter file: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise ParameterError(f"{path}, line {exc.lineno}: not valid JSON: {exc.msg}") from exc
    return parameters_from_dict(data, str(path))
