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
    reason: str


@dataclass
class LayerOverlap:
    name: str
    role: str
    overlap_m2: float
    parcel_area_m2: float
    by_class: dict[str, float] = field(default_factory=dict)
    features: list[dict] = field(default_factory=list)
    geometry: object | None = None  # union of the overlaps, parcel CRS
    fingerprint: str = ""  # SHA-256 of the features read for this parcel

    @property
    def share(self) -> float:
        return self.overlap_m2 / self.parcel_area_m2 if self.parcel_area_m2 else 0.0

    def to_dict(self) -> dict:
        classes = list(self.by_class)
        rounded, total = adjusted_parts([self.by_class[c] for c in classes], 2,
                                        total=self.overlap_m2) if classes else ([], None)
        out = {
            "name": self.name, "role": self.role,
            "overlap_m2": round(self.overlap_m2, 2),
            "hectares": area_units(self.overlap_m2)["hectares"],
            "mu": area_units(self.overlap_m2)["mu"],
            "share": round(self.share, 6),
            "by_class": {c: float(r) for c, r in zip(classes, rounded, strict=True)},
            "features": self.features,
            "features_sha256": self.fingerprint,
        }
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
            "area_m2": round(self.area_m2, 2), **{k: v for k, v in area_units(self.area_m2).items()
                                                  if k != "m2"},
            "status": self.status,
            "layers": [layer.to_dict() for layer in self.layers],
            "verdicts": [{"rule": v.rule, "status": v.status, "reason": v.reason}
                         for v in self.verdicts],
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
