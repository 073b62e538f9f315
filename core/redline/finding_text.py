"""What a validation finding says to an officer, in Chinese or English: the kind of problem by
its code, the parcel, the point and where — never a geometry library's message."""

from __future__ import annotations

from ..i18n import CHINESE, language

TITLES = {
    "TOO_FEW_POINTS": ("环的点数不足 3 个", "a ring has fewer than 3 distinct points"),
    "DEGENERATE_RING": ("环不围成面积", "a ring encloses no area"),
    "SELF_INTERSECTION": ("边界自相交", "the boundary crosses itself"),
    "PARTS_OVERLAP": ("地块的两部分相互重叠", "two parts of the parcel overlap"),
    "HOLE_OUTSIDE_SHELL": ("内环（洞）位于外环之外", "a hole lies outside its shell"),
    "INVALID_GEOMETRY": ("图形无效", "the polygon is invalid"),
    "OUTSIDE_ZONE": ("坐标不在所声明的投影带内", "coordinates outside the declared zone"),
    "RING_NOT_CLOSED": ("环未闭合（已自动闭合）", "a ring was not closed (closed for you)"),
    "DUPLICATE_POINT": ("重复的界址点", "a repeated boundary point"),
    "SPIKE": ("边界在此折返（尖刺）", "the boundary turns back here (spike)"),
    "AREA_MISMATCH": ("申报面积与图形面积不符", "declared and measured areas differ"),
    "PARCELS_OVERLAP": ("地块之间相互重叠", "parcels overlap each other"),
    "DECLARED_AREA_NOT_A_NUMBER": ("申报面积不是数字", "the declared area is not a number"),
    "DECLARED_AREA_IN_M2": ("申报面积按平方米读取", "the declared area was read as m²"),
}
SEVERITY = {"error": ("错误", "error"), "warning": ("警告", "warning"), "info": ("提示", "note")}


def describe(finding, lang: str | None = None) -> str:
    """One line for the findings list and the marker's tooltip."""
    zh = language(lang) == CHINESE if lang else True
    k = 0 if zh else 1
    title = TITLES.get(finding.code, (finding.code, finding.code))[k]
    severity = SEVERITY.get(finding.severity, (finding.severity, finding.severity))[k]
    where = ""
    if finding.point:
        where = f"，{finding.point} 处" if zh else f" at {finding.point}"
    if finding.x is not None and finding.y is not None:
        where += f"（E {finding.x:.3f}，N {finding.y:.3f}）" if zh else \
            f" (E {finding.x:.3f}, N {finding.y:.3f})"
    parcel = f"地块 {finding.parcel}：" if zh else f"parcel {finding.parcel}: "
    detail = f" — {finding.message}" if not zh else _figures_zh(finding)
    return f"[{severity}] {parcel}{title}{where}{detail}"


def _figures_zh(finding) -> str:
    v = getattr(finding, "values", None) or {}
    if finding.code == "AREA_MISMATCH" and "declared_ha" in v:
        return (f"：申报 {v['declared_ha']:.4f} 公顷，图形平面面积 {v['planar_ha']:.4f} 公顷、"
                f"椭球面积 {v['ellipsoidal_ha']:.4f} 公顷")
    if finding.code == "PARCELS_OVERLAP" and "other" in v:
        return f"：与地块 {v['other']} 重叠 {v['overlap_m2']:.2f} 平方米"
    return ""
