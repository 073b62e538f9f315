"""The check profile a bureau edits (TOML or JSON): control layers, their roles and rules.

```toml
[[layers]]
name = "planning"          # shown in results and reports
path = "planning.gpkg"     # relative to the profile, or a data source URI (PG:…, a QGIS URI)
layer = "planning"         # optional: layer inside a GeoPackage
role = "planning"          # planning | ecology | farmland | urban_boundary | forest | approved | overlay
class_field = "YDYHFLDM"   # optional: break areas down by this field
key_fields = ["BSM"]       # optional: attributes listed with each overlapping feature
crs = "EPSG:2362"          # optional: override the layer's CRS
params = "x80.json"        # optional: parameter file for a legacy datum
tolerance_m2 = 0.1         # overlaps smaller than this are slivers, not findings
deduction_field = "KCXS"   # optional: 扣除系数 (0–1); net area = Σ overlap × (1 − coefficient)

[[uses]]                   # planning compatibility: the intended use and the classes it may use
name = "工业用地"
classes = ["10", "11", "12", "13"]
```

A top-level ``declared_unit = "m2"`` says the red lines' 地块面积 values are square metres.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import RedlineFormatError

ROLES = ("planning", "ecology", "farmland", "urban_boundary", "forest", "approved", "overlay")
DEFAULT_FOREST_FIELD = "BH_DJ"


@dataclass
class LayerSpec:
    name: str
    path: str
    role: str
    layer: str | None = None
    class_field: str | None = None
    key_fields: list[str] = field(default_factory=list)
    crs: str | None = None
    params: str | None = None
    tolerance_m2: float = 0.1
    deduction_field: str | None = None  # 扣除系数 of each feature, 0–1
    level_field: str = DEFAULT_FOREST_FIELD  # forest protection level
    conflict_levels: list[str] = field(default_factory=lambda: ["Ⅰ", "I", "1"])
    permit_levels: list[str] = field(default_factory=lambda: ["Ⅱ", "Ⅲ", "II", "III", "2", "3"])

    @property
    def is_uri(self) -> bool:
        return self.path.startswith(("PG:", "postgres", "dbname=", "service=", "host=", "layer:")) \
            or "://" in self.path


@dataclass
class UseSpec:
    name: str
    classes: list[str]

    def allows(self, code: str) -> bool:
        return any(str(code).startswith(c) for c in self.classes)


@dataclass
class Profile:
    layers: list[LayerSpec]
    uses: list[UseSpec]
    path: str | None = None
    declared_unit: str = "ha"  # unit of the red lines' 地块面积 without a unit of their own

    def use_named(self, name: str | None) -> UseSpec | None:
        if not name:
            return None
        for u in self.uses:
            if u.name == name or name.startswith(u.name) or u.name.startswith(name):
                return u
        return None


def _layer(item: dict, index: int, base: Path, where: str) -> LayerSpec:
    label = f"{where}: layers[{index}]"
    if not isinstance(item, dict):
        raise RedlineFormatError(where, None, f"layers[{index}] must be a table")
    for key in ("name", "path", "role"):
        if not isinstance(item.get(key), str) or not item[key]:
            raise RedlineFormatError(where, None, f"layers[{index}] needs a text {key!r}")
    if item["role"] not in ROLES:
        raise RedlineFormatError(where, None, f"layers[{index}] ({item['name']}): role "
                                 f"{item['role']!r} is not one of {', '.join(ROLES)}")
    known = set(LayerSpec.__dataclass_fields__)
    unknown = set(item) - known
    if unknown:
        raise RedlineFormatError(where, None, f"layers[{index}] ({item['name']}): unknown "
                                 f"key(s) {', '.join(sorted(unknown))}")
    spec = LayerSpec(**item)
    if not spec.is_uri:
        path = Path(spec.path)
        spec.path = str(path if path.is_absolute() else (base / path).resolve())
        if not Path(spec.path).exists():
            raise RedlineFormatError(where, None, f"layers[{index}] ({spec.name}): "
                                     f"{spec.path} does not exist")
    if spec.params:
        p = Path(spec.params)
        spec.params = str(p if p.is_absolute() else (base / p).resolve())
    if isinstance(spec.tolerance_m2, bool) or not isinstance(spec.tolerance_m2, int | float) \
            or spec.tolerance_m2 < 0:
        raise RedlineFormatError(where, None, f"{label}: tolerance_m2 must be a number >= 0")
    for key in ("class_field", "deduction_field", "layer", "crs", "params"):
        if getattr(spec, key) is not None and not isinstance(getattr(spec, key), str):
            raise RedlineFormatError(where, None, f"{label}: {key} must be text")
    return spec


def profile_from_dict(data: dict, base: Path, where: str) -> Profile:
    layers = data.get("layers")
    if not isinstance(layers, list) or not layers:
        raise RedlineFormatError(where, None, "the profile needs at least one [[layers]] table")
    specs = [_layer(item, i, base, where) for i, item in enumerate(layers)]
    names = [s.name for s in specs]
    if len(set(names)) != len(names):
        raise RedlineFormatError(where, None, "layer names must be unique")
    uses = []
    for i, u in enumerate(data.get("uses", [])):
        if not isinstance(u, dict) or not isinstance(u.get("name"), str) \
                or not isinstance(u.get("classes"), list):
            raise RedlineFormatError(where, None, f"uses[{i}] needs 'name' and a list 'classes'")
        uses.append(UseSpec(u["name"], [str(c) for c in u["classes"]]))
    unit = data.get("declared_unit", "ha")
    if unit not in ("ha", "m2"):
        raise RedlineFormatError(where, None, f"declared_unit must be \"ha\" or \"m2\", "
                                 f"got {unit!r}")
    return Profile(specs, uses, where, unit)


def load_profile(path: str | Path) -> Profile:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RedlineFormatError(path, None, f"cannot read the profile: {exc.strerror}") from exc
    try:
        text = raw.decode("utf-8-sig")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise RedlineFormatError(path, None, "the profile must be UTF-8") from exc
    except json.JSONDecodeError as exc:
        raise RedlineFormatError(path, exc.lineno, f"not valid JSON: {exc.msg}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RedlineFormatError(path, None, f"not valid TOML: {exc}") from exc
    return profile_from_dict(data, path.parent, str(path))
