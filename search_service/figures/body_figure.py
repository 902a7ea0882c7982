"""Render the atlas's body figure (``body.svg``): referral-pattern figures and the clickable body map.

``body.svg`` holds three views (``<g id="view-front|back|side">``, each drawn in its own local units,
its region given by ``data-viewbox``), their silhouettes (``class="outline"``) and one closed shape
per body area (``data-area``). Output is inline SVG/HTML without ``style`` attributes or scripts;
colours come from ``overrides/assets/stylesheets/figures.css``.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from html import escape
from pathlib import Path

SVG_NS = "http://www.w3.org/2000/svg"
FIGURE_PATH = Path(__file__).with_name("body.svg")
VIEWS: tuple[str, ...] = ("front", "back", "side")
VIEW_HEADINGS: dict[str, str] = {"front": "Front", "back": "Back", "side": "Side"}
HEADING_HEIGHT, ZOOM_HEADING_HEIGHT = 26.0, 13.0  # the zoomed head view is shown ~2x larger
Box = tuple[float, float, float, float]  # x, y, width, height
# Head and neck, in view units: a referral figure whose areas all lie inside is drawn zoomed to it.
HEAD_BOX: Box = (30.0, 32.0, 160.0, 128.0)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@dataclass(frozen=True)
class AreaShape:
    """One body area's shape. (cx, cy) is the centre of its bounding box ``box`` (x0, y0, x1, y1),
    in the local units of its view."""

    area_id: str
    view: str
    element_xml: str
    cx: float
    cy: float
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class View:
    name: str
    box: Box  # the view's region, local units
    outlines: tuple[str, ...]  # silhouette, detail and inset paths, as XML


@dataclass(frozen=True)
class BodyFigure:
    views: dict[str, View]
    areas: dict[str, AreaShape]  # in document order, which is the body map's tab order


def _bezier_extremes(p: list[float]) -> list[float]:
    """Both ends and any interior extreme of one coordinate of a quadratic or cubic Bézier."""
    if len(p) == 3:
        a, b, c = 0.0, p[0] - 2 * p[1] + p[2], p[1] - p[0]  # derivative / 2 = b*t + c
    else:
        a, b, c = -p[0] + 3 * p[1] - 3 * p[2] + p[3], 2 * (p[0] - 2 * p[1] + p[2]), p[1] - p[0]
    if abs(a) < 1e-12:
        ts = [-c / b] if b else []
    else:
        disc = b * b - 4 * a * c
        ts = [(-b + s * disc**0.5) / (2 * a) for s in (1, -1)] if disc >= 0 else []
    n = len(p) - 1
    binomials = [1, 2, 1] if n == 2 else [1, 3, 3, 1]

    def at(t: float) -> float:
        return sum(k * (1 - t) ** (n - i) * t**i * v for i, (k, v) in enumerate(zip(binomials, p)))

    return [p[0], p[-1], *(at(t) for t in ts if 0 < t < 1)]


def _path_extent(d: str) -> tuple[list[float], list[float]]:
    if re.search(r"[^MLCQZ\d\s,.eE+-]", d):
        raise ValueError(f"body.svg paths may use absolute M, L, C, Q and Z only: {d[:40]!r}")
    xs: list[float] = []
    ys: list[float] = []
    current = (0.0, 0.0)
    for command, args in re.findall(r"([MLCQZ])([^MLCQZ]*)", d):
        numbers = [float(n) for n in _NUMBER.findall(args)]
        points = list(zip(numbers[0::2], numbers[1::2]))
        step = {"Q": 2, "C": 3}.get(command, 1)
        for i in range(0, len(points), step):
            segment = [current, *points[i : i + step]] if step > 1 else points[i : i + 1]
            xs += _bezier_extremes([q[0] for q in segment]) if step > 1 else [segment[0][0]]
            ys += _bezier_extremes([q[1] for q in segment]) if step > 1 else [segment[0][1]]
            current = segment[-1]
    return xs, ys


def _bounds(element: ET.Element) -> tuple[float, float, float, float]:
    """Bounding box (x0, y0, x1, y1) of an <ellipse>, <polygon> or <path>."""
    if element.tag == "ellipse":
        cx, cy, rx, ry = (float(element.get(name, "0")) for name in ("cx", "cy", "rx", "ry"))
        xs, ys = [cx - rx, cx + rx], [cy - ry, cy + ry]
    elif element.tag == "polygon":
        numbers = [float(n) for n in _NUMBER.findall(element.get("points", ""))]
        xs, ys = numbers[0::2], numbers[1::2]
    elif element.tag == "path":
        xs, ys = _path_extent(element.get("d", ""))
    else:
        raise ValueError(f"body.svg: unsupported area shape <{element.tag}>")
    if not xs:
        raise ValueError(f"body.svg: empty shape for {element.get('data-area')!r}")
    return min(xs), min(ys), max(xs), max(ys)


@cache
def load_figure() -> BodyFigure:
    """Parse body.svg (once): each view's region and outlines, and every area's shape."""
    root = ET.parse(FIGURE_PATH).getroot()
    for node in root.iter():
        node.tag = node.tag.rsplit("}", 1)[-1]  # plain SVG tags; the output <svg> declares the namespace
    views: dict[str, View] = {}
    areas: dict[str, AreaShape] = {}
    for group in root.iter("g"):
        name = group.get("id", "").removeprefix("view-")
        if name not in VIEWS:
            continue
        x, y, width, height = (float(n) for n in group.get("data-viewbox", "").split())
        outlines = [ET.tostring(c, encoding="unicode") for c in group if "outline" in c.get("class", "").split()]
        for child in group.iterfind("*[@data-area]"):
            area_id = child.get("data-area", "")
            if area_id in areas:
                raise ValueError(f"body.svg: area {area_id!r} is drawn more than once")
            x0, y0, x1, y1 = _bounds(child)
            xml = ET.tostring(child, encoding="unicode")
            areas[area_id] = AreaShape(area_id, name, xml, (x0 + x1) / 2, (y0 + y1) / 2, (x0, y0, x1, y1))
        views[name] = View(name, (x, y, width, height), tuple(outlines))
    return BodyFigure(views, areas)


def area_ids() -> list[str]:
    return list(load_figure().areas)


def default_label(area_id: str) -> str:
    return area_id.replace("-", " ").capitalize()


def _checked(ids: Iterable[str], role: str) -> list[str]:
    unknown = [a for a in ids if a not in load_figure().areas]
    if unknown:
        raise ValueError(f"unknown body-area id(s) in {role}: {', '.join(unknown)}")
    return list(dict.fromkeys(ids))


def _canvas(names: list[str], attributes: dict[str, str], *, headings: bool, zoom: bool,
            shown: set[str] | None) -> tuple[ET.Element, dict[str, ET.Element]]:
    """An <svg> with the named views side by side, each a nested <svg> viewport holding its outlines
    (the sole inset only if ``shown`` is None or includes one of its areas)."""
    figure = load_figure()
    boxes = [HEAD_BOX if zoom else figure.views[n].box for n in names]
    top = (ZOOM_HEADING_HEIGHT if zoom else HEADING_HEIGHT) if headings else 0.0
    width, height = sum(b[2] for b in boxes), max(b[3] for b in boxes) + top
    svg = ET.Element("svg", {"xmlns": SVG_NS, "viewBox": f"0 0 {width:g} {height:g}", **attributes})
    views: dict[str, ET.Element] = {}
    offset = 0.0
    for name, (x, y, w, h) in zip(names, boxes):
        if headings:
            ET.SubElement(svg, "text", {"class": "view-heading", "x": f"{offset + w / 2:g}", "y": f"{top * 0.7:g}",
                                        "text-anchor": "middle"}).text = VIEW_HEADINGS[name]
        view = ET.SubElement(svg, "svg", {"class": f"view view-{name}", "x": f"{offset:g}", "y": f"{top:g}",
                                          "width": f"{w:g}", "height": f"{h:g}", "viewBox": f"{x:g} {y:g} {w:g} {h:g}"})
        outlines = ET.SubElement(view, "g", {"class": "outlines", "aria-hidden": "true"})
        for xml in figure.views[name].outlines:
            element = ET.fromstring(xml)
            inset_for = set(element.attrib.pop("data-inset-for", "").split())
            if shown is None or not inset_for or inset_for & shown:
                outlines.append(element)
        views[name] = view
        offset += w
    return svg, views


def _shape(area_id: str, css_class: str, attributes: Mapping[str, str] | None = None) -> ET.Element:
    element = ET.fromstring(load_figure().areas[area_id].element_xml)
    element.attrib.update({"class": css_class, **(attributes or {})})
    return element


def render_referral_figure(*, essential: list[str], spillover: list[str], trigger_points: list[str],
                           caption: str, alt: str, thumbnail: bool = False) -> str:
    """A ``<figure class="referral-figure">``: only the views needed (front, back, side order),
    essential zones solid, spillover zones hatched, an × on each trigger point's area, a legend
    (not on thumbnails) and the caption. Unknown area ids raise ValueError."""
    essential = _checked(essential, "essential")
    spillover = [a for a in _checked(spillover, "spillover") if a not in essential]
    trigger_points = _checked(trigger_points, "trigger_points")
    areas = load_figure().areas
    shown = {*essential, *spillover, *trigger_points}
    names = [n for n in VIEWS if any(areas[a].view == n for a in shown)] or ["front"]
    hx, hy, hw, hh = HEAD_BOX
    zoom = bool(shown) and all(hx <= x0 and hy <= y0 and x1 <= hx + hw and y1 <= hy + hh
                               for x0, y0, x1, y1 in (areas[a].box for a in shown))
    # Ids derive from the inputs: reproducible builds, and figures that differ never collide.
    digest = hashlib.sha256(repr((essential, spillover, trigger_points, caption, alt, thumbnail)).encode())
    uid = f"atlas-fig-{digest.hexdigest()[:12]}"
    css = f"referral-svg views-{len(names)}" + (" zoom-head" if zoom else "")
    svg, views = _canvas(names, {"class": css, "role": "img", "aria-labelledby": f"{uid}-title"},
                         headings=not thumbnail, zoom=zoom, shown=shown)
    title, defs = ET.Element("title", {"id": f"{uid}-title"}), ET.Element("defs")
    title.text = alt
    size = "9" if thumbnail else "5"
    pattern = ET.SubElement(defs, "pattern", {"id": f"{uid}-hatch", "patternUnits": "userSpaceOnUse", "width": size,
                                              "height": size, "patternTransform": "rotate(45)"})
    ET.SubElement(pattern, "rect", {"class": "hatch-background", "width": size, "height": size})
    middle = f"{float(size) / 2:g}"
    ET.SubElement(pattern, "line", {"class": "hatch-line", "x1": middle, "y1": "0", "x2": middle, "y2": size})
    svg[0:0] = [title, defs]
    for area_id in spillover:
        views[areas[area_id].view].append(_shape(area_id, "zone-spillover", {"fill": f"url(#{uid}-hatch)"}))
    for area_id in essential:
        views[areas[area_id].view].append(_shape(area_id, "zone-essential"))
    arm = (10.0 if thumbnail else 6.0) * (0.6 if zoom else 1.0)
    for area_id in trigger_points:
        shape = areas[area_id]
        marker = ET.SubElement(views[shape.view], "g", {"class": "trigger-point-marker", "data-area": area_id})
        for css_class in ("trigger-point-halo", "trigger-point"):
            for sign in (1, -1):
                ET.SubElement(marker, "line", {
                    "class": css_class, "x1": f"{shape.cx - arm:g}", "y1": f"{shape.cy - sign * arm:g}",
                    "x2": f"{shape.cx + arm:g}", "y2": f"{shape.cy + sign * arm:g}"})
    parts = [f'<figure class="referral-figure{" thumbnail" if thumbnail else ""}">', ET.tostring(svg, encoding="unicode")]
    if not thumbnail:
        parts.append(_legend(f"{uid}-hatch", bool(essential), bool(spillover), bool(trigger_points)))
    parts += [f"<figcaption>{escape(caption)}</figcaption>", "</figure>"]
    return "\n".join(parts)


def _legend(hatch_id: str, essential: bool, spillover: bool, trigger_points: bool) -> str:
    key = '<svg class="legend-key" viewBox="0 0 24 16" aria-hidden="true" focusable="false">{}</svg>'
    rect = 'x="1" y="1" width="22" height="14" rx="3"'
    items = [
        (essential, f'<rect class="zone-essential" {rect}/>', "Essential zone: nearly always felt"),
        (spillover, f'<rect class="zone-spillover" fill="url(#{hatch_id})" {rect}/>', "Spillover zone: sometimes felt"),
        (trigger_points, "".join(f'<line class="{c}" x1="7" y1="3" x2="17" y2="13"/><line class="{c}" x1="7" '
                                 'y1="13" x2="17" y2="3"/>' for c in ("trigger-point-halo", "trigger-point")),
         "Trigger point"),
    ]
    rows = "".join(f"<li>{key.format(swatch)}<span>{escape(text)}</span></li>" for used, swatch, text in items if used)
    return f'<ul class="referral-legend" aria-label="Key">{rows}</ul>'


def render_body_map(labels: Mapping[str, str] | None = None) -> str:
    """The "Where does it hurt?" map: all views, every area a focusable checkbox titled with its label
    (``labels`` maps area id to label; missing ids fall back to the id in words)."""
    labels = labels or {}
    svg, views = _canvas(list(VIEWS), {"class": "body-map", "role": "group", "aria-label": "Body map"},
                         headings=True, zoom=False, shown=None)
    for area_id, shape in load_figure().areas.items():
        element = _shape(area_id, "area", {"tabindex": "0", "role": "checkbox", "aria-checked": "false"})
        ET.SubElement(element, "title").text = labels.get(area_id) or default_label(area_id)
        views[shape.view].append(element)
    return ET.tostring(svg, encoding="unicode")
