"""Red-line parcels as read from a file: rings as written, and the polygon they make.

Points are (easting, northing) here; the coordinate file writes X = northing first and its
reader and writer swap at the boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import shapely
from shapely.geometry import MultiPolygon, Polygon

USE_KEYS = ("地块用途", "用途", "use", "DKYT", "YT")


@dataclass
class ReadNote:
    """Something the reader accepted but the user should know (a validation finding later)."""

    code: str
    severity: str  # warning | info
    message: str
    line: int | None = None


@dataclass
class BoundaryPoint:
    name: str  # J1, J2 … as in the file
    easting: float
    northing: float
    line: int | None = None  # line in the source file


@dataclass
class Ring:
    number: int  # ring number in the file (counts holes and parts alike)
    points: list[BoundaryPoint]
    closed_in_file: bool = True

    def xy(self) -> list[tuple[float, float]]:
        """Distinct vertices, easting first, without the closing repeat."""
        pts = [(p.easting, p.northing) for p in self.points]
        if len(pts) > 1 and pts[0] == pts[-1]:
            pts = pts[:-1]
        return pts


@dataclass
class Parcel:
    number: str
    name: str = ""
    rings: list[Ring] = field(default_factory=list)
    attributes: dict[str, str] = field(default_factory=dict)
    declared_area_ha: float | None = None
    line: int | None = None  # the header line of the parcel in its file
    geometry: Polygon | MultiPolygon | None = None
    # ring index -> index of the ring that holds it as a hole (None for shells)
    hole_of: dict[int, int | None] = field(default_factory=dict)
    notes: list[ReadNote] = field(default_factory=list)

    @property
    def use(self) -> str | None:
        """The intended use (地块用途) under any of the names files give it."""
        return next((self.attributes[k] for k in USE_KEYS if self.attributes.get(k)), None)

    def raw_rings(self) -> list[list[tuple[float, float]]]:
        return [r.xy() for r in self.rings]

    def point_named(self, ring: int, vertex: int) -> str:
        pts = self.rings[ring].points
        return pts[vertex % len(pts)].name if pts else ""

    def geometry_ring_order(self) -> list[int]:
        """Indices of ``rings`` in the order ``geometry`` holds them: each shell, then its holes
        (the order ``build_geometry`` makes)."""
        order = []
        for i in range(len(self.rings)):
            if self.hole_of.get(i) is None and len(self.rings[i].xy()) >= 3:
                order.append(i)
                order += [k for k in range(len(self.rings)) if self.hole_of.get(k) == i]
        return order

    def named_rings(self) -> list[tuple[int, list[str], list[tuple[float, float]]]]:
        """(ring number, point names, vertices) in the geometry's ring order."""
        out = []
        for i in self.geometry_ring_order():
            ring = self.rings[i]
            xy = ring.xy()
            out.append((ring.number, [p.name for p in ring.points[:len(xy)]], xy))
        return out


def build_geometry(parcel: Parcel) -> None:
    """Decide from geometry which rings are holes: a ring inside an odd number of others is a
    hole of the smallest ring containing it. Crossing rings are left to validation."""
    polys = []
    for r in parcel.rings:
        xy = r.xy()
        polys.append(Polygon(xy) if len(xy) >= 3 else Polygon())
    areas = [abs(_signed_area(r.xy())) for r in parcel.rings]
    containers: list[list[int]] = []
    shapely.prepare(polys)
    for i, p in enumerate(polys):
        inside = []
        if not p.is_empty:
            rep = p.representative_point() if p.is_valid else shapely.Point(p.exterior.coords[0])
            for j, q in enumerate(polys):
                if j != i and not q.is_empty and areas[j] > areas[i] and q.covers(rep):
                    inside.append(j)
        containers.append(inside)
    hole_of: dict[int, int | None] = {}
    for i, inside in enumerate(containers):
        if len(inside) % 2 == 1:
            hole_of[i] = min(inside, key=lambda j: areas[j])
        else:
            hole_of[i] = None
    parts = []
    for i, p in enumerate(polys):
        if hole_of[i] is None and not p.is_empty:
            holes = [parcel.rings[k].xy() for k, h in hole_of.items() if h == i]
            parts.append(Polygon(parcel.rings[i].xy(), holes))
    parcel.hole_of = hole_of
    if not parts:
        parcel.geometry = Polygon()
    elif len(parts) == 1:
        parcel.geometry = parts[0]
    else:
        parcel.geometry = MultiPolygon(parts)


def _signed_area(xy: list[tuple[float, float]]) -> float:
    if len(xy) < 3:
        return 0.0
    x0, y0 = xy[0]
    s = 0.0
    for (x1, y1), (x2, y2) in zip(xy, xy[1:] + xy[:1], strict=True):
        s += (x1 - x0) * (y2 - y0) - (x2 - x0) * (y1 - y0)
    return s / 2.0


def numbered_rings(rings: list[list[tuple[float, float]]]
                   ) -> list[list[tuple[str, float, float]]]:
    """Boundary points named J1, J2 … running on across the rings of one parcel, as the
    coordinate file, the DXF and the boundary-point table number them (no closing repeat)."""
    out, n = [], 0
    for ring in rings:
        named = []
        for e, north in ring:
            n += 1
            named.append((f"J{n}", e, north))
        out.append(named)
    return out


def rings_from_geometry(geom) -> list[list[tuple[float, float]]]:
    """Shell then its holes, part by part: the order the coordinate file numbers rings in."""
    out = []
    for part in getattr(geom, "geoms", [geom]):
        if part.is_empty:
            continue
        out.append(list(part.exterior.coords)[:-1])
        out.extend(list(h.coords)[:-1] for h in part.interiors)
    return out


def parcel_from_rings(number: str, name: str, rings: list[list[tuple[float, float]]],
                      attributes: dict | None = None, declared_area_ha: float | None = None,
                      named: list[tuple[int, list[str], list[tuple[float, float]]]] | None = None
                      ) -> Parcel:
    """A parcel from rings given easting first; holes and parts from geometry. Points are
    J1, J2 … unless ``named`` gives each ring's number, point names and vertices."""
    if named is None:
        named = [(k, [j for j, _e, _n in pts], [(e, n) for _j, e, n in pts])
                 for k, pts in enumerate(numbered_rings(rings), start=1)]
    out = [Ring(number, [BoundaryPoint(j, e, north) for j, (e, north) in zip(names, xy,
                                                                             strict=True)])
           for number, names, xy in sorted(named, key=lambda r: r[0])]
    p = Parcel(number, name, out, dict(attributes or {}), declared_area_ha)
    build_geometry(p)
    return p


def parcel_from_geometry(number: str, name: str, geom, attributes: dict | None = None,
                         declared_area_ha: float | None = None) -> Parcel:
    """A parcel whose rings come from a polygon (shell then holes, part by part)."""
    return parcel_from_rings(number, name, rings_from_geometry(geom), attributes,
                             declared_area_ha)


def parcel_from_polygon(number: str, name: str, geom, attributes: dict | None = None,
                        declared_area_ha: float | None = None,
                        named: list[tuple[int, list[str], list[tuple[float, float]]]] | None = None
                        ) -> Parcel:
    """A parcel over a polygon read from a GIS file: the polygon is kept as the geometry and
    its structure says which ring is a hole of which shell (no containment tests needed).
    ``named``: each ring's number, point names and vertices in the polygon's ring order."""
    order: list[tuple[list[tuple[float, float]], int | None]] = []  # (vertices, shell position)
    for part in getattr(geom, "geoms", [geom]):
        # a polygon without holes (most parcels) in one C call: a checker reads 1 000s
        xy = shapely.get_coordinates(part).tolist() \
            if not shapely.get_num_interior_rings(part) else None
        if xy == []:
            continue
        shell = len(order)
        if xy is not None:
            order.append(([tuple(c) for c in xy[:-1]], None))
            continue
        order.append((list(part.exterior.coords)[:-1], None))
        order += [(list(h.coords)[:-1], shell) for h in part.interiors]
    if named is None:
        named, n = [], 0
        for k, (xy, _shell) in enumerate(order, start=1):
            named.append((k, [f"J{n + i + 1}" for i in range(len(xy))], xy))
            n += len(xy)
    by_number = sorted(range(len(named)), key=lambda i: named[i][0])
    position = {old: new for new, old in enumerate(by_number)}
    rings = [Ring(named[i][0], [BoundaryPoint(j, e, north) for j, (e, north)
                                in zip(named[i][1], named[i][2], strict=True)])
             for i in by_number]
    hole_of = {position[i]: None if shell is None else position[shell]
               for i, (_xy, shell) in enumerate(order)}
    return Parcel(number, name, rings, dict(attributes or {}), declared_area_ha,
                  geometry=geom, hole_of=hole_of)
