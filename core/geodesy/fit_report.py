"""The parameter-fit report a surveyor checks and signs (Chinese by default, English on request)."""

from __future__ import annotations

import math

from .fitting import FitResult, warning_text
from .params import FourParam
from .transforms import parse_crs

_TEXT = {
    "zh_CN": {
        "title": "坐标转换参数计算报告",
        "source": "源坐标系", "target": "目标坐标系", "model": "转换模型",
        "four": "平面四参数（x 北坐标，y 东坐标）",
        "seven": "布尔莎七参数", "three": "三参数（平移）",
        "coordinate_frame": "坐标框架旋转（EPSG 9607）",
        "position_vector": "位置矢量旋转（EPSG 9606）",
        "heights_given": "高程：使用公共点文件中的椭球高 h1、h2",
        "heights_assumed": "高程：未给出，两侧均取假定椭球高 {h:.3f} m（仅平面坐标参与检验）",
        "points": "公共点：{n} 个，参与计算 {k} 个，剔除 {r} 个；分布范围（最大点间距）{span:.1f} km",
        "param": "参数", "value": "数值", "sigma": "中误差",
        "sigma0": "验后单位权中误差 σ0 = ±{s:.4f} m（观测分量自由度 f = {f:.1f}）",
        "corr": "最大参数相关系数：{a} 与 {b}，ρ = {rho:.4f}",
        "accuracy": "点位精度：Mx = ±{mx:.4f} m，My = ±{my:.4f} m，Mp = ±{mp:.4f} m",
        "accuracy_note": "（Mx = ±√([VxVx]/rx)，rx 为 x 分量多余观测数之和；Mp = ±√(Mx² + My²)）",
        "residuals": "公共点残差 V = 转换值 − 已知值（m）",
        "head": ("点号", "Vx", "Vy", "V", "T", "p", "标记"),
        "over2": "超 2Mp", "over3": "超 3Mp",
        "test": "粗差检验：逐点 F 检验（外部学生化残差，计及各点杠杆作用），显著水平 α = {a}",
        "rejected": "剔除的粗差点（对最终参数的残差，剔除时的检验量）：",
        "none_rejected": "未发现粗差点。",
        "check": "检核点（未参与计算）{n} 个：",
        "check_acc": "外符合精度：Mx = ±{mx:.4f} m，My = ±{my:.4f} m，Mp = ±{mp:.4f} m",
        "warnings": "注意：",
        "sign": "计算：__________    检查：__________    日期：__________",
    },
    "en": {
        "title": "Transformation parameter report",
        "source": "Source CRS", "target": "Target CRS", "model": "Model",
        "four": "plane four-parameter similarity (x northing, y easting)",
        "seven": "Bursa-Wolf seven-parameter", "three": "three-parameter (shifts)",
        "coordinate_frame": "coordinate frame rotation (EPSG 9607)",
        "position_vector": "position vector rotation (EPSG 9606)",
        "heights_given": "Heights: ellipsoidal heights h1, h2 from the common-point file",
        "heights_assumed": ("Heights: none given; both sides took the assumed ellipsoidal "
                            "height {h:.3f} m (only plane coordinates are tested)"),
        "points": "Common points: {n}, {k} used, {r} rejected; span (largest distance) {span:.1f} km",
        "param": "parameter", "value": "value", "sigma": "std. dev.",
        "sigma0": "A posteriori unit-weight error σ0 = ±{s:.4f} m (observed components, f = {f:.1f})",
        "corr": "Largest parameter correlation: {a} and {b}, ρ = {rho:.4f}",
        "accuracy": "Point accuracy: Mx = ±{mx:.4f} m, My = ±{my:.4f} m, Mp = ±{mp:.4f} m",
        "accuracy_note": ("(Mx = ±√([VxVx]/rx), rx the sum of the x components' redundancy "
                          "numbers; Mp = ±√(Mx² + My²))"),
        "residuals": "Residuals V = converted − known (m)",
        "head": ("point", "Vx", "Vy", "V", "T", "p", "mark"),
        "over2": "> 2Mp", "over3": "> 3Mp",
        "test": ("Gross errors: F test of each point (externally studentised residual, leverage "
                 "counted), significance α = {a}"),
        "rejected": "Rejected as gross errors (residual against the final fit, test when rejected):",
        "none_rejected": "No gross errors found.",
        "check": "Check points (not used in the fit): {n}",
        "check_acc": "External accuracy: Mx = ±{mx:.4f} m, My = ±{my:.4f} m, Mp = ±{mp:.4f} m",
        "warnings": "Warnings:",
        "sign": "Computed by: __________   Checked by: __________   Date: __________",
    },
}

_LABELS_ZH = {"dx": "Δx 平移", "dy": "Δy 平移", "rotation_sec": "α 旋转", "tx": "ΔX 平移",
              "ty": "ΔY 平移", "tz": "ΔZ 平移", "rx_sec": "εX 旋转", "ry_sec": "εY 旋转",
              "rz_sec": "εZ 旋转", "scale_ppm": "m 尺度"}
_UNITS = {"dx": "m", "dy": "m", "tx": "m", "ty": "m", "tz": "m", "rotation_sec": "″",
          "rx_sec": "″", "ry_sec": "″", "rz_sec": "″", "scale_ppm": "ppm"}


def _crs_label(text: str) -> str:
    try:
        return f"{text} ({parse_crs(text).name})"
    except Exception:  # an unreadable CRS is still printed as given
        return text


def report_text(result: FitResult, lang: str = "zh_CN") -> str:
    lang = "en" if lang.startswith("en") else "zh_CN"
    t = _TEXT[lang]
    p, s = result.params, result.stats
    m = p.model
    lines = [t["title"], "=" * 40, f"{t['source']}: {_crs_label(p.source)}",
             f"{t['target']}: {_crs_label(p.target)}"]
    if isinstance(m, FourParam):
        lines.append(f"{t['model']}: {t['four']}")
    else:
        kind = t["three"] if len(s.names) == 3 else t["seven"]
        lines.append(f"{t['model']}: {kind}, {t[m.convention]}")
        lines.append(t["heights_given"] if result.heights == "given"
                     else t["heights_assumed"].format(h=result.assumed_height_m))
    total = len(result.ids) + len(result.rejected)
    lines.append(t["points"].format(n=total, k=len(result.ids), r=len(result.rejected),
                                    span=result.extent["span_m"] / 1000.0))
    lines += ["", f"{t['param']}  /  {t['value']}  /  {t['sigma']}"]
    for name, value, sigma in zip(s.names, s.values, s.sigmas, strict=True):
        unit = _UNITS[name]
        label = f"{_LABELS_ZH[name]} ({name})" if lang == "zh_CN" else name
        lines.append(f"  {label:<22} {value:16.6f} {unit:<3} ±{sigma:.6f} {unit}")
    a, b, rho = s.max_correlation
    lines += ["", t["sigma0"].format(s=s.sigma0_m, f=s.redundancy),
              t["corr"].format(a=a, b=b, rho=rho),
              t["accuracy"].format(mx=s.mx_m, my=s.my_m, mp=s.mp_m), t["accuracy_note"], "",
              t["test"].format(a=s.alpha), "", t["residuals"]]
    head = t["head"]
    lines.append(f"{head[0]:>10} {head[1]:>9} {head[2]:>9} {head[3]:>9} {head[4]:>9} "
                 f"{head[5]:>9}  {head[6]}")

    def row(pid: str, v: tuple[float, float]) -> str:
        vp = math.hypot(*v)
        test = result.tests[pid]
        mark = t["over3"] if vp > 3 * s.mp_m else t["over2"] if vp > 2 * s.mp_m else ""
        return (f"{pid:>10} {v[0]:9.4f} {v[1]:9.4f} {vp:9.4f} {test.statistic:9.2f} "
                f"{test.p_value:9.2g}  {mark}")

    lines += [row(pid, v) for pid, v in result.residuals.items()]
    if result.rejected:
        lines += ["", t["rejected"]]
        lines += [row(pid, v) for pid, v in result.rejected.items()]
    else:
        lines += ["", t["none_rejected"]]
    if result.check is not None:
        c = result.check
        lines += ["", t["check"].format(n=len(c.residuals))]
        for pid, v in c.residuals.items():
            vp = math.hypot(*v)
            mark = t["over2"] if vp > 2 * s.mp_m else ""
            lines.append(f"{pid:>10} {v[0]:9.4f} {v[1]:9.4f} {vp:9.4f}  {mark}")
        lines.append(t["check_acc"].format(mx=c.mx_m, my=c.my_m, mp=c.mp_m))
    if result.warnings:
        lines += ["", t["warnings"]] + [f"- {warning_text(c, v, lang)}"
                                              for c, v in result.warnings]
    lines += ["", t["sign"]]
    return "\n".join(lines) + "\n"
