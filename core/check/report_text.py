"""Every word the check reports and the case layout print, in Chinese and in English: a report
is in one language (the plugin's, or ``--lang`` of the CLI; Chinese by default)."""

from __future__ import annotations

from ..i18n import CHINESE, ENGLISH, language

TEXT = {
    CHINESE: {
        "title": "红线合规性审查报告", "status": {"pass": "通过", "warning": "提示",
                                               "conflict": "冲突"},
        "parcel": "地块编号", "name": "名称", "use": "用途", "area_m2": "面积（平方米）",
        "ha": "公顷", "mu": "亩", "result": "结论", "layer": "图层", "overlap_m2": "重叠（平方米）",
        "share": "占比", "net_m2": "扣除后（平方米）", "by_class": "分类（平方米）",
        "rule": "规则", "reason": "理由", "points_title": "界址点成果表", "point": "界址点",
        "edge": "边长（米）", "sources": "数据来源", "role": "角色", "source": "数据",
        "crs": "坐标系", "modified": "修改时间", "fingerprint_note":
            "JSON 结果中每个图层的 features_sha256 是该地块所读要素的指纹，可据此复核。",
        "data_notes": "数据问题", "repaired": "{n} 个无效要素已修复（make_valid）后参与计算",
        "checked": "审查时间", "profile": "审查方案", "legend": "图例", "red_lines": "红线",
        "boundary_points": "界址点", "check_results": "审查结果", "total": "合计",
        "area_basis": "面积为地块在 CGCS2000 高斯-克吕格投影带内的平面面积",
        "roles": {"ecology": "生态保护红线", "farmland": "永久基本农田",
                  "urban_boundary": "城镇开发边界", "forest": "林地", "approved": "已批红线",
                  "planning": "国土空间规划", "overlay": "叠加图层"},
    },
    ENGLISH: {
        "title": "Compliance check report", "status": {"pass": "pass", "warning": "warning",
                                                    "conflict": "conflict"},
        "parcel": "Parcel", "name": "Name", "use": "Use", "area_m2": "Area (m²)", "ha": "ha",
        "mu": "mu", "result": "Result", "layer": "Layer", "overlap_m2": "Overlap (m²)",
        "share": "Share", "net_m2": "Net (m²)", "by_class": "By class (m²)", "rule": "Rule",
        "reason": "Reason", "points_title": "boundary points", "point": "Point",
        "edge": "Edge (m)", "sources": "Data sources", "role": "Role", "source": "Source",
        "crs": "CRS", "modified": "Modified", "fingerprint_note":
            "Each layer's features_sha256 in the JSON result fingerprints the features read "
            "for each parcel.",
        "data_notes": "Data notes", "repaired": "{n} invalid feature(s) repaired (make_valid) "
                                                "before the overlay",
        "checked": "checked", "profile": "profile", "legend": "Legend", "red_lines": "Red lines",
        "boundary_points": "Boundary points", "check_results": "Check results",
        "total": "Total", "area_basis": "Areas are planar, in the parcels' CGCS2000 "
                                        "Gauss-Krüger zone",
        "roles": {"ecology": "Ecological protection red line", "farmland":
                  "Permanent basic farmland", "urban_boundary": "Urban development boundary",
                  "forest": "Forest land", "approved": "Approved red lines",
                  "planning": "Land-use planning", "overlay": "Overlay"},
    },
}


def texts(lang: str | None = None) -> dict:
    """The report's words in ``lang`` (any locale name; Chinese when unknown)."""
    return TEXT[language(lang) if lang else CHINESE]
