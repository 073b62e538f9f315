"""A small sample county, generated (not downloaded): control layers and red lines around
E 38 461 200, N 3 343 500 in CGCS2000 / 3-degree Gauss-Kruger zone 38 (EPSG:4526)."""

from __future__ import annotations

import json
from pathlib import Path

import fiona
import numpy as np
import shapely
from shapely.geometry import Polygon, box, mapping

from ..core.geodesy.params import BursaWolf, ParameterSet
from ..core.geodesy.transforms import make_transform
from ..core.redline.coordfile import CoordinateDocument, write_coordinate_file
from ..core.redline.model import parcel_from_geometry

CRS = "EPSG:4526"
XIAN80 = "EPSG:2362"  # Xian 1980 / 3-degree Gauss-Kruger zone 38
E0, N0 = 38_455_000.0, 3_338_000.0
SIZE = 12_000.0
# the "true" local parameters of the sample county (what fitting should recover)
TRUE_PARAMS = BursaWolf(-31.52, 97.64, 55.18, 0.842, -1.357, 2.118, 3.25, "coordinate_frame")

PROFILE = """# Compliance-check profile of the sample county (paths relative to this file)
[[layers]]
name = "国土空间规划"
path = "planning.gpkg"
role = "planning"
class_field = "YDYHFLDM"
key_fields = ["BSM"]

[[layers]]
name = "生态保护红线"
path = "ecology.gpkg"
role = "ecology"
key_fields = ["HXMC"]

[[layers]]
name = "永久基本农田"
path = "farmland.gpkg"
role = "farmland"
key_fields = ["TBBH"]
deduction_field = "KCXS"

[[layers]]
name = "城镇开发边界"
path = "urban_boundary.gpkg"
role = "urban_boundary"

[[layers]]
name = "林地一张图"
path = "forest.gpkg"
role = "forest"
class_field = "BH_DJ"
key_fields = ["SEN_LIN_LB", "DI_LEI"]

[[layers]]
name = "已批红线"
path = "approved.gpkg"
role = "approved"
key_fields = ["AJBH", "XMMC"]

[[uses]]
name = "工业用地"
classes = ["10", "11", "12", "13"]

[[uses]]
name = "仓储用地"
classes = ["11", "12", "13"]

[[uses]]
name = "商业用地"
classes = ["09", "12", "13", "14"]

[[uses]]
name = "居住用地"
classes = ["07", "08", "12", "13", "14"]
"""

PLANNING_CLASSES = ["01", "03", "07", "08", "09", "10", "12", "14", "17"]


def _write(path: Path, layer: str, schema: dict, records: list[dict]) -> None:
    with fiona.open(path, "w", driver="GPKG", layer=layer, crs=CRS, schema=schema) as dst:
        dst.writerecords(records)


def _poly(rng, cx, cy, r, n=7) -> Polygon:
    angles = np.sort(rng.uniform(0, 2 * np.pi, n))
    radii = r * rng.uniform(0.6, 1.0, n)
    return Polygon(np.column_stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)]))


def build(out_dir: str | Path, seed: int = 20261126) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    files: dict[str, Path] = {}

    # planning: a 12 x 12 grid of 1 km blocks, each with a land-use class
    recs = []
    step = 1000.0
    for i in range(12):
        for j in range(12):
            code = PLANNING_CLASSES[(i * 5 + j * 3 + i * j) % len(PLANNING_CLASSES)]
            if 4 <= i <= 6 and 4 <= j <= 6:
                code = "10"  # the county's industrial park
            g = box(E0 + i * step, N0 + j * step, E0 + (i + 1) * step, N0 + (j + 1) * step)
            recs.append({"geometry": mapping(g), "properties": {"YDYHFLDM": code,
                                                                 "BSM": f"GH{i:02d}{j:02d}"}})
    files["planning"] = out / "planning.gpkg"
    _write(files["planning"], "planning", {"geometry": "Polygon",
           "properties": {"YDYHFLDM": "str", "BSM": "str"}}, recs)

    # three zones three lines
    eco = [_poly(rng, E0 + 2500, N0 + 9500, 1800, 9), _poly(rng, E0 + 10000, N0 + 2000, 1200, 8)]
    files["ecology"] = out / "ecology.gpkg"
    _write(files["ecology"], "STBHHX", {"geometry": "Polygon",
           "properties": {"HXMC": "str"}},
           [{"geometry": mapping(g), "properties": {"HXMC": f"生态保护红线{i + 1}"}}
            for i, g in enumerate(eco)])
    farm = [_poly(rng, E0 + 7000, N0 + 8000, 1500, 8), _poly(rng, E0 + 3000, N0 + 3000, 1000, 8)]
    files["farmland"] = out / "farmland.gpkg"
    _write(files["farmland"], "YJJBNT", {"geometry": "Polygon",
           "properties": {"TBBH": "str", "DLBM": "str", "KCXS": "float"}},
           [{"geometry": mapping(g), "properties": {"TBBH": f"NT{i + 1:03d}", "DLBM": "0101",
                                                    "KCXS": kcxs}}  # 田坎系数 of hill farmland
            for i, (g, kcxs) in enumerate(zip(farm, (0.0687, 0.1183), strict=True))])
    urban = box(E0 + 4000, N0 + 4000, E0 + 9500, N0 + 7500)
    files["urban_boundary"] = out / "urban_boundary.gpkg"
    _write(files["urban_boundary"], "CZKFBJ", {"geometry": "Polygon",
           "properties": {"MC": "str"}},
           [{"geometry": mapping(urban), "properties": {"MC": "城镇开发边界"}}])

    # forest: 500 m cells in the north-east with protection levels I-IV
    recs = []
    for i in range(8, 24):
        for j in range(12, 24):
            level = ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ"][(i + 2 * j) % 4]
            g = box(E0 + i * 500, N0 + j * 500, E0 + (i + 1) * 500, N0 + (j + 1) * 500)
            recs.append({"geometry": mapping(g), "properties": {
                "BH_DJ": level, "SEN_LIN_LB": "公益林" if level in "ⅠⅡ" else "商品林",
                "DI_LEI": "0301"}})
    files["forest"] = out / "forest.gpkg"
    _write(files["forest"], "forest", {"geometry": "Polygon",
           "properties": {"BH_DJ": "str", "SEN_LIN_LB": "str", "DI_LEI": "str"}}, recs)

    # red lines: a ministry coordinate file with three parcels (one with a hole, one 2-part)
    p1 = Polygon([(E0 + 5200.0, N0 + 5100.0), (E0 + 5650.0, N0 + 5080.0),
                  (E0 + 5700.0, N0 + 5420.0), (E0 + 5230.0, N0 + 5450.0)],
                 [[(E0 + 5400.0, N0 + 5200.0), (E0 + 5500.0, N0 + 5200.0),
                   (E0 + 5500.0, N0 + 5300.0), (E0 + 5400.0, N0 + 5300.0)]])
    p2 = shapely.MultiPolygon([box(E0 + 6800, N0 + 7300, E0 + 7300, N0 + 7800),
                               box(E0 + 7400, N0 + 7300, E0 + 7600, N0 + 7500)])
    p3 = Polygon([(E0 + 2300.0, N0 + 8000.0), (E0 + 2900.0, N0 + 8050.0),
                  (E0 + 2950.0, N0 + 8600.0), (E0 + 2250.0, N0 + 8550.0)])
    from ..core.redline.area import planar_area

    parcels = []
    for number, name, use, g in (("HX2026001", "工业园一期", "工业用地", p1),
                                 ("HX2026002", "物流仓储中心", "仓储用地", p2),
                                 ("HX2026003", "山地旅游项目", "商业用地", p3)):
        parcel = parcel_from_geometry(number, name, g, {"记录图形属性": "面", "地块用途": use})
        parcel.declared_area_ha = round(planar_area(g) / 10_000.0, 4)
        parcels.append(parcel)
    header = {"数据产生单位": "示范县自然资源局", "数据产生日期": "2026-11-26",
              "坐标系": "2000国家大地坐标系", "几度分带": "3", "带号": "38", "精度": "0.001"}
    files["redlines"] = out / "redlines.txt"
    write_coordinate_file(CoordinateDocument(header, parcels), files["redlines"], "gbk")

    # legacy: the same county's control points in Xian 1980, and common points for fitting
    params = ParameterSet(TRUE_PARAMS, XIAN80, CRS)
    to_cgcs = make_transform(XIAN80, CRS, params)
    ids = [f"G{i:02d}" for i in range(1, 13)]
    src_e = E0 + 200 + rng.uniform(0, SIZE - 400, len(ids))
    src_n = N0 + 200 + rng.uniform(0, SIZE - 400, len(ids))
    dst_e, dst_n, _ = to_cgcs.transform(src_e, src_n, np.zeros(len(ids)))
    dst_e = dst_e + rng.normal(0, 0.01, len(ids))
    dst_n = dst_n + rng.normal(0, 0.01, len(ids))
    dst_n[4] += 0.5  # one blunder, as in real survey data
    lines = ["id,x1,y1,x2,y2"] + [
        f"{i},{n1:.4f},{e1:.4f},{n2:.4f},{e2:.4f}"
        for i, n1, e1, n2, e2 in zip(ids, src_n, src_e, dst_n, dst_e, strict=True)]
    files["common_points"] = out / "common_points.csv"
    files["common_points"].write_text("\n".join(lines) + "\n", encoding="utf-8")
    pts = ["id,x,y"] + [f"P{i:03d},{N0 + 300 + 97 * i:.3f},{E0 + 400 + 113 * i:.3f}"
                        for i in range(1, 51)]
    files["xian80_points"] = out / "xian80_points.csv"
    files["xian80_points"].write_text("\n".join(pts) + "\n", encoding="utf-8")
    # already approved red lines (one touches the logistics centre's second part)
    approved = [shapely.box(E0 + 7550, N0 + 7450, E0 + 7800, N0 + 7700),
                shapely.box(E0 + 1000, N0 + 1000, E0 + 1300, N0 + 1200)]
    files["approved"] = out / "approved.gpkg"
    _write(files["approved"], "approved", {"geometry": "Polygon",
           "properties": {"AJBH": "str", "XMMC": "str"}},
           [{"geometry": mapping(g), "properties": {"AJBH": f"JAAA2025{i + 1:04d}",
                                                    "XMMC": f"已批项目{i + 1}"}}
            for i, g in enumerate(approved)])
    files["profile"] = out / "profile.toml"
    files["profile"].write_text(PROFILE, encoding="utf-8")
    (out / "true_params.json").write_text(json.dumps(params.to_dict(), indent=2),
                                          encoding="utf-8")
    return files
