"""Check results: per parcel and per layer, with the JSON form of the ``redline check`` interface."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..units import adjusted_parts, area_units, hectares, mu

PASS, WARNING, CONFLICT = "pass", "warning", "conflict"
SEVERITY = {PASS: 0, WARNING: 1, CONFLICT: 2}


@dataclass
class Verdict:
    rule: str
    status: str
    reason: str  # English
    reason_zh: str = ""

    def text(self, language: str = "zh_CN") -> str:
        return self.reason_zh if language != "en" and self.reason_zh else self.reason


@dataclass
class LayerOverlap:
    name: str
    role: str
    overlap_m2: float
    parcel_area_m2: float
    by_class: dict[str, float] = field(default_factory=dict)
    features: list[dict] = field(default_factory=list)
    parts: object | None = None  # overlap pieces in the parcel CRS (array of polygons)
    part_classes: object | None = None  # the class of each piece, when the layer has classes
    fingerprint: str = ""  # SHA-256 of the features read for this parcel
    net_overlap_m2: float | None = None  # Σ overlap × (1 − 扣除系数), when the layer has one
    by_class_net: dict[str, float] = field(default_factory=dict)
    repaired: int = 0  # invalid control features made valid (make_valid) for this parcel
    class_field: str | None = None  # the field the classes come from
    key_fields: list[str] = field(default_factory=list)  # listed with each feature
    findings: list[str] = field(default_factory=list)  # data problems of the layer's features
    _geometry: object | None = field(default=None, repr=False)

    @property
    def geometry(self):
        """The overlap as one geometry (parcel CRS), made from the parts when first asked for:
        the JSON and workbook need only areas."""
        if self._geometry is None and self.parts is not None and len(self.parts):
            import shapely

            self._geometry = shapely.union_all(self.parts)
        return self._geometry

    @property
    def share(self) -> float:
        return self.overlap_m2 / self.parcel_area_m2 if self.parcel_area_m2 else 0.0

    def to_dict(self) -> dict:
        classes = list(self.by_class)
        rounded, total = adjusted_parts([self.by_class[c] for c in classes], 2,
                                        total=self.overlap_m2) if classes else ([], None)
        units = area_units(self.overlap_m2)
        out = {
            "name": self.name, "role": self.role,
            "overlap_m2": units["m2"],
            "hectares": units["hectares"], "mu": units["mu"],
            "share": round(self.share, 6),
            "by_class": {c: float(r) for c, r in zip(classes, rounded, strict=True)},
            "features": self.features,
            "features_sha256": self.fingerprint,
        }
        if self.net_overlap_m2 is not None:
            net_classes = list(self.by_class_net)
            net_rounded, _ = adjusted_parts([self.by_class_net[c] for c in net_classes], 2,
                                            total=self.net_overlap_m2) \
                if net_classes else ([], None)
            net = area_units(self.net_overlap_m2)
            out["net_overlap_m2"] = net["m2"]
            out["net_hectares"], out["net_mu"] = net["hectares"], net["mu"]
            out["by_class_net"] = {c: float(r) for c, r in zip(net_classes, net_rounded,
                                                               strict=True)}
        if self.repaired:
            out["repaired_features"] = self.repaired
        if self.findings:
            out["findings"] = list(self.findings)
        if classes:
            ha, _ = adjusted_parts([hectares(self.by_class[c]) for c in classes], 4,
                                   total=hectares(self.overlap_m2))
            m, _ = adjusted_parts([mu(self.by_class[c]) for c in classes], 2,
                                  total=mu(self.overlap_m2))
            out["by_class_hectares"] = {c: float(v) for c, v in zip(classes, ha, strict=True)}
            out["by_class_mu"] = {c: float(v) for c, v in zip(classes, m, strict=True)}
        return out


@dataclass
class ParcelResult:
    id: str
    name: str
    area_m2: float
    geometry: object
    layers: list[LayerOverlap] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    use: str | None = None

    @property
    def status(self) -> str:
        worst = max((SEVERITY[v.status] for v in self.verdicts), default=0)
        return next(k for k, v in SEVERITY.items() if v == worst)

    def to_dict(self) -> dict:
        return {
            "id": self.id, "name": self.name, "use": self.use,
            **{("area_m2" if k == "m2" else k): v for k, v in area_units(self.area_m2).items()},
            "status": self.status,
            "layers": [layer.to_dict() for layer in self.layers],
            "verdicts": [{"rule": v.rule, "status": v.status, "reason": v.reason,
                          "reason_zh": v.reason_zh} for v in self.verdicts],
        }


@dataclass
class CheckResult:
    crs: str
    parcels: list[ParcelResult]
    sources: list[dict]
    profile: str | None = None
    checked_at: str = ""
    canceled: bool = False

    @property
    def has_conflict(self) -> bool:
        return any(p.status == CONFLICT for p in self.parcels)

    def to_dict(self) -> dict:
        return {"crs": self.crs, "checked_at": self.checked_at, "profile": self.profile,
                "canceled": self.canceled,
                "parcels": [p.to_dict() for p in self.parcels], "sources": self.sources}


def result_json(result: CheckResult) -> bytes:
    """The result as compact UTF-8 JSON (a 1 000-parcel result pretty-printed took longer to
    write than to compute). orjson where it is installed (the server's dependency: 6× faster),
    the standard library in QGIS's own Python; the same JSON values either way (a test parses
    both), only a float's exponent may be spelt differently (1e16 / 1e+16)."""
    value = result.to_dict()
    try:
        import orjson
    except ImportError:
        import json

        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY)


def write_json(result: CheckResult, path) -> None:
    from ..atomic import write_bytes_atomic

    write_bytes_atomic(path, result_json(result) + b"\n")
