"""The check report as one self-contained HTML file (tables and an SVG map per parcel), for
the browser and for the server; the PDF comes from a QGIS print layout."""

from __future__ import annotations

from html import escape

import shapely

from ..atomic import write_text_atomic
from ..redline.model import parcel_from_geometry
from ..redline.point_table import point_rows
from ..units import area_units
from .landuse import class_label, colour
from .report_text import texts
from .results import CheckResult, ParcelResult

ROLE_COLOURS = {"ecology": "#2ca02c", "farmland": "#e6b800", "urban_boundary": "#9467bd",
                "forest": "#1b7f3b", "approved": "#7f7f7f", "planning": "#1f77b4",
                "overlay": "#17becf"}
STATUS_COLOURS = {"pass": "#2e7d32", "warning": "#ef6c00", "conflict": "#c62828"}

CSS = """
body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:24px;color:#222}
h1{font-size:20px}h2{font-size:16px;border-bottom:2px solid #c62828;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #bbb;padding:3px 8px;
font-size:12px}th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}
.status{font-weight:bold}.map{float:right;margin:0 0 12px 16px;border:1px solid #ccc}
.small{font-size:11px;color:#555}section{clear:both}
"""


def _path(geom, tx) -> str:
    parts = []
    for poly in getattr(geom, "geoms", [geom]):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        for ring in [poly.exterior, *poly.interiors]:
            pts = [tx(x, y) for x, y in ring.coords]
            parts.append("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in pts) + " Z")
    return " ".join(parts)


def svg_map(parcel: ParcelResult, size: int = 340) -> str:
    """The red line over its overlaps, north up, with a scale bar."""
    minx, miny, maxx, maxy = parcel.geometry.bounds
    span = max(maxx - minx, maxy - miny) * 1.15 or 1.0
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    scale = size / span

    def tx(x, y):
        return (x - cx) * scale + size / 2, size / 2 - (y - cy) * scale

    shapes = []
    for layer in parcel.layers:
        if layer.role == "planning" and layer.part_classes is not None and len(layer.parts):
            shapes += _class_paths(layer, tx)
        elif layer.geometry is not None and not layer.geometry.is_empty:
            polys = shapely.get_parts(layer.geometry)
            geom = shapely.union_all([p for p in polys if p.geom_type == "Polygon"])
            colour = ROLE_COLOURS.get(layer.role, "#17becf")
            shapes.append(f'<path d="{_path(geom, tx)}" fill="{colour}" fill-opacity="0.45" '
                          f'stroke="{colour}" stroke-width="0.8" fill-rule="evenodd">'
                          f"<title>{escape(layer.name)}</title></path>")
    shapes.append(f'<path d="{_path(parcel.geometry, tx)}" fill="none" stroke="#e00000" '
                  'stroke-width="2.2" fill-rule="evenodd"/>')
    bar_m = nice_step(span / 4)
    bar = bar_m * scale
    shapes.append(f'<g font-size="10"><rect x="10" y="{size - 18}" width="{bar:.1f}" height="4" '
                  f'fill="#222"/><text x="10" y="{size - 22}">{bar_m:g} m</text>'
                  f'<text x="{size - 18}" y="18" font-weight="bold">N</text>'
                  f'<path d="M{size - 14},22 l-5,14 l5,-4 l5,4 z" fill="#222"/></g>')
    return (f'<svg class="map" xmlns="http://www.w3.org/2000/svg" width="{size}" '
            f'height="{size}" viewBox="0 0 {size} {size}">' + "".join(shapes) + "</svg>")


def _class_paths(layer, tx) -> list[str]:
    """The planning overlap drawn class by class in the colours of 附录B."""
    out = []
    for code in sorted(set(layer.part_classes.tolist())):
        geom = shapely.union_all(layer.parts[layer.part_classes == code])
        fill = "#{:02x}{:02x}{:02x}".format(*colour(code))
        out.append(f'<path d="{_path(geom, tx)}" fill="{fill}" fill-opacity="0.85" '
                   f'stroke="#666" stroke-width="0.5" fill-rule="evenodd">'
                   f"<title>{escape(layer.name)} {escape(class_label(code))}</title></path>")
    return out


def nice_step(value: float) -> float:
    """The largest 1, 2 or 5 × 10^n not above ``value`` (scale bars, grid intervals)."""
    from math import floor, log10

    base = 10 ** floor(log10(value)) if value > 0 else 1
    for step in (5, 2, 1):
        if step * base <= value:
            return step * base
    return base


def _num(v: float, d: int = 2) -> str:
    return f"{v:,.{d}f}"


def summary_table_html(d: dict, lang: str | None = None) -> str:
    t = texts(lang)
    out = [f"<table><tr><th>{t['parcel']}</th><th>{t['name']}</th><th>{t['use']}</th>"
           f"<th>{t['area_m2']}</th><th>{t['ha']}</th><th>{t['mu']}</th>"
           f"<th>{t['result']}</th></tr>"]
    for p in d["parcels"]:
        out.append(f"<tr><td>{escape(p['id'])}</td><td>{escape(p['name'])}</td>"
                   f"<td>{escape(p['use'] or '')}</td><td class='n'>{_num(p['area_m2'])}</td>"
                   f"<td class='n'>{p['hectares']:.4f}</td><td class='n'>{p['mu']:.2f}</td>"
                   f"<td class='status' style='color:{STATUS_COLOURS[p['status']]}'>"
                   f"{t['status'][p['status']]}</td></tr>")
    if d["parcels"]:
        area = sum(p["area_m2"] for p in d["parcels"])
        units = area_units(area)
        out.append(f"<tr><th colspan='3'>{t['total']}</th><td class='n'>{_num(units['m2'])}"
                   f"</td><td class='n'>{units['hectares']:.4f}</td>"
                   f"<td class='n'>{units['mu']:.2f}</td><td></td></tr>")
    out.append(f"</table><p class='small'>{t['area_basis']}</p>")
    return "".join(out)


def parcel_tables_html(p: dict, lang: str | None = None) -> str:
    """Areas per layer (by class) and the verdicts of one parcel (``ParcelResult.to_dict()``)."""
    t = texts(lang)
    zh = t is texts("zh_CN")
    out = [f"<table><tr><th>{t['layer']}</th><th>{t['overlap_m2']}</th><th>{t['ha']}</th>"
           f"<th>{t['mu']}</th><th>{t['share']}</th><th>{t['net_m2']}</th>"
           f"<th>{t['by_class']}</th></tr>"]
    notes = []
    for layer in p["layers"]:
        classes = "<br>".join(f"{escape(class_label(c) if layer['role'] == 'planning' else c)}"
                              f": {_num(a)}" for c, a in layer["by_class"].items())
        net = _num(layer["net_overlap_m2"]) if "net_overlap_m2" in layer else "—"
        out.append(f"<tr><td>{escape(layer['name'])}</td>"
                   f"<td class='n'>{_num(layer['overlap_m2'])}</td>"
                   f"<td class='n'>{layer['hectares']:.4f}</td>"
                   f"<td class='n'>{layer['mu']:.2f}</td>"
                   f"<td class='n'>{100 * layer['share']:.2f} %</td><td class='n'>{net}</td>"
                   f"<td>{classes}</td></tr>")
        if layer.get("repaired_features"):
            notes.append(f"{escape(layer['name'])}: "
                         + t["repaired"].format(n=layer["repaired_features"]))
        notes += [f"{escape(layer['name'])}: {escape(f)}" for f in layer.get("findings", [])]
    out.append("</table>")
    if notes:
        out.append(f"<p class='small'>{t['data_notes']}:<br>" + "<br>".join(notes) + "</p>")
    out.append(f"<table><tr><th>{t['rule']}</th><th>{t['result']}</th><th>{t['reason']}</th>"
               "</tr>")
    for v in p["verdicts"]:
        role, _, name = v["rule"].partition(":")
        rule = name or t["roles"].get(role, role)
        reason = (v.get("reason_zh") or v["reason"]) if zh else v["reason"]
        out.append(f"<tr><td>{escape(rule)}</td><td class='status' "
                   f"style='color:{STATUS_COLOURS[v['status']]}'>{t['status'][v['status']]}"
                   f"</td><td>{escape(reason)}</td></tr>")
    out.append("</table>")
    return "".join(out)


def points_table_html(parcel: ParcelResult, lang: str | None = None) -> str:
    """The boundary-point table (界址点成果表) of one parcel."""
    t = texts(lang)
    out = [f"<h3>{escape(parcel.id)} {t['points_title']}</h3><table><tr><th>{t['point']}</th>"
           f"<th>X</th><th>Y</th><th>{t['edge']}</th></tr>"]
    for row in point_rows(parcel_from_geometry(parcel.id, parcel.name, parcel.geometry)):
        edge = "" if row["edge_m"] is None else f"{row['edge_m']:.3f}"
        out.append(f"<tr><td>{row['point']}</td><td class='n'>{row['x_northing']:.3f}</td>"
                   f"<td class='n'>{row['y_easting']:.3f}</td><td class='n'>{edge}</td></tr>")
    out.append("</table>")
    return "".join(out)


def sources_table_html(result: CheckResult, lang: str | None = None) -> str:
    t = texts(lang)
    out = [f"<h2>{t['sources']}</h2><table><tr><th>{t['layer']}</th><th>{t['role']}</th>"
           f"<th>{t['source']}</th><th>{t['crs']}</th><th>{t['modified']}</th>"
           "<th>SHA-256</th></tr>"]
    for s in result.sources:
        out.append(f"<tr><td>{escape(s['name'])}</td>"
                   f"<td>{escape(t['roles'].get(s['role'], s['role']))}</td>"
                   f"<td>{escape(s.get('path') or s.get('uri', ''))}</td><td>{escape(s['crs'])}"
                   f"</td><td>{escape(s.get('modified', ''))}</td>"
                   f"<td class='small'>{escape(s.get('sha256', ''))}</td></tr>")
    out.append(f"</table><p class='small'>{t['fingerprint_note']}</p>")
    return "".join(out)


def html_document(body: str, title: str, lang: str | None = None) -> str:
    html_lang = "en" if texts(lang) is texts("en") else "zh-CN"
    return (f"<!DOCTYPE html><html lang='{html_lang}'><head><meta charset='utf-8'><title>"
            f"{escape(title)}</title><style>{CSS}</style></head><body>{body}</body></html>")


def render_html(result: CheckResult, lang: str | None = None) -> str:
    t = texts(lang)
    d = result.to_dict()
    out = [f"<h1>{escape(t['title'])}</h1>",
           f"<p class='small'>{t['crs']} {escape(result.crs)} · {t['checked']} "
           f"{escape(result.checked_at)} · {t['profile']} {escape(str(result.profile or ''))}"
           "</p>", summary_table_html(d, lang)]
    for parcel, p in zip(result.parcels, d["parcels"], strict=True):
        out.append(f"<section><h2>{escape(p['id'])} {escape(p['name'])}</h2>{svg_map(parcel)}"
                   f"{parcel_tables_html(p, lang)}{points_table_html(parcel, lang)}</section>")
    out.append(f"<section>{sources_table_html(result, lang)}</section>")
    return html_document("\n".join(out), t["title"], lang)


def write_html(result: CheckResult, path, lang: str | None = None) -> None:
    write_text_atomic(path, render_html(result, lang))
