"""Render the atlas's body figure (``body.svg``): referral-pattern figures and the clickable body map.

``body.svg`` holds three views (``<g id="view-front|back|side">``, each placed with a translate and
drawn in its own local units, given by ``data-viewbox``), their silhouettes (``class="outline"``) and
one closed shape per body area (``data-area``). Output is inline SVG/HTML with no ``style``
attributes and no scripts; colours come from ``overrides/assets/stylesheets/figures.css``.
"""

from __future__ import annotations

import copy
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
HEADING_Y = 24.0  # baseline of the view headings, in view units (the figure starts at y=40)

_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_COMMAND = re.compile(r"([MLCQZ])([^MLCQZ]*)")


@dataclass(frozen=True)
class AreaShape:
    """One body area's shape; (cx, cy) is the centre of its bounding box, in its view's local units."""

    area_id: str
    view: str
    element_xml: str
    cx: float
    cy: float


@dataclass(frozen=True)
class View:
    name: str
    box: tuple[float, float, float, float]  # local region: x, y, width, height
    outlines: tuple[str, ...]  # silhouette and detail paths, as XML


@dataclass(frozen=True)
class BodyFigure:
    views: dict[str, View]
    areas: dict[str, AreaShape]  # in document (tab) order


def _strip_namespaces(element: ET.Element) -> ET.Element:
    element = copy.deepcopy(element)
    for node in element.iter():
        node.tag = node.tag.rsplit("}", 1)[-1]
    return element


def _axis_extremes(p0: float, p1: float, p2: float, p3: float | None = None) -> list[float]:
    """End points and interior extremes of one coordinate of a quadratic (p3 None) or cubic Bézier."""
    if p3 is None:
        denominator = p0 - 2 * p1 + p2
        ts = [(p0 - p1) / denominator] if denominator else []
        value = lambda t: (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t * t * p2  # noqa: E731
        return [p0, p2, *(value(t) for t in ts if 0 < t < 1)]
    a, b, c = -p0 + 3 * p1 - 3 * p2 + p3, 2 * (p0 - 2 * p1 + p2), p1 - p0  # derivative / 3
    if abs(a) < 1e-12:
        ts = [-c / b] if b else []
    else:
        disc = b * b - 4 * a * c
        ts = [(-b + s * disc**0.5) / (2 * a) for s in (1, -1)] if disc >= 0 else []
    cubic = lambda t: (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t * t * p2 + t**3 * p3  # noqa: E731
    return [p0, p3, *(cubic(t) for t in ts if 0 < t < 1)]


def _path_points(d: str) -> tuple[list[float], list[float]]:
    if re.search(r"[^MLCQZ\d\s,.eE+-]", d):
        raise ValueError(f"body.svg paths may use absolute M, L, C, Q and Z only: {d[:40]!r}")
    xs: list[float] = []
    ys: list[float] = []
    for command, args in _PATH_COMMAND.findall(d):
        numbers = [float(n) for n in _NUMBER.findall(args)]
        points = list(zip(numbers[0::2], numbers[1::2]))
        step = {"M": 1, "L": 1, "Q": 2, "C": 3, "Z": 1}[command]
        for i in range(0, len(points), step):
            if step == 1:
                xs.append(points[i][0])
                ys.append(points[i][1])
                continue
            start = (xs[-1], ys[-1])
            controls = [start, *points[i : i + step]]
            xs += _axis_extremes(*(p[0] for p in controls))
            ys += _axis_extremes(*(p[1] for p in controls))
    return xs, ys


def _bbox_centre(element: ET.Element) -> tuple[float, float]:
    tag = element.tag
    get = lambda name: float(element.get(name, "0"))  # noqa: E731
    if tag == "ellipse" or tag == "circle":
        rx, ry = (get("rx"), get("ry")) if tag == "ellipse" else (get("r"), get("r"))
        xs, ys = [get("cx") - rx, get("cx") + rx], [get("cy") - ry, get("cy") + ry]
    elif tag == "polygon":
        numbers = [float(n) for n in _NUMBER.findall(element.get("points", ""))]
        xs, ys = numbers[0::2], numbers[1::2]
    elif tag == "path":
        xs, ys = _path_points(element.get("d", ""))
    else:
        raise ValueError(f"unsupported area shape <{tag}>")
    if not xs:
        raise ValueError(f"empty area shape for {element.get('data-area')!r}")
    return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2


@cache
def load_figure() -> BodyFigure:
    """Parse body.svg once: its views (region and outlines) and its area shapes."""
    root = ET.parse(FIGURE_PATH).getroot()
    views: dict[str, View] = {}
    areas: dict[str, AreaShape] = {}
    for group in root.iter(f"{{{SVG_NS}}}g"):
        name = group.get("id", "").removeprefix("view-")
        if name not in VIEWS:
            continue
        x, y, width, height = (float(n) for n in group.get("data-viewbox", "").split())
        outlines: list[str] = []
        for child in map(_strip_namespaces, group):
            area_id = child.get("data-area")
            if area_id is None:
                if "outline" in child.get("class", "").split():
                    outlines.append(ET.tostring(child, encoding="unicode"))
                continue
            if area_id in areas:
                raise ValueError(f"body.svg: area {area_id!r} is drawn more than once")
            cx, cy = _bbox_centre(child)
            areas[area_id] = AreaShape(area_id, name, ET.tostring(child, encoding="unicode"), cx, cy)
        views[name] = View(name, (x, y, width, height), tuple(outlines))
    return BodyFigure(views, areas)


def area_ids() -> list[str]:
    return list(load_figure().areas)


def default_label(area_id: str) -> str:
    return area_id.replace("-", " ").capitalize()


def _checked(ids: Iterable[str], role: str) -> list[str]:
    known = load_figure().areas
    unknown = [a for a in ids if a not in known]
    if unknown:
        raise ValueError(f"unknown body-area id(s) in {role}: {', '.join(unknown)}")
    return list(dict.fromkeys(ids))


def _canvas(names: list[str], attributes: dict[str, str], headings: bool) -> tuple[ET.Element, dict[str, ET.Element]]:
    """An <svg> with the given views side by side, each a <g> holding its heading and outlines."""
    figure = load_figure()
    width = sum(figure.views[n].box[2] for n in names)
    height = max(figure.views[n].box[3] for n in names)
    svg = ET.Element("svg", {"xmlns": SVG_NS, "viewBox": f"0 0 {width:g} {height:g}", **attributes})
    groups: dict[str, ET.Element] = {}
    offset = 0.0
    for name in names:
        x, y, w, _ = figure.views[name].box
        group = ET.Element("g", {"class": f"view view-{name}", "transform": f"translate({offset - x:g} {-y:g})"})
        if headings:
            text = ET.SubElement(group, "text", {"class": "view-heading", "x": f"{x + w / 2:g}",
                                                 "y": f"{y + HEADING_Y:g}", "text-anchor": "middle"})
            text.text = VIEW_HEADINGS[name]
        outlines = ET.SubElement(group, "g", {"class": "outlines", "aria-hidden": "true"})
        outlines.extend(ET.fromstring(xml) for xml in figure.views[name].outlines)
        groups[name] = group
        offset += w
    return svg, groups


def _shape(area_id: str, css_class: str, **attributes: str) -> ET.Element:
    element = ET.fromstring(load_figure().areas[area_id].element_xml)
    element.set("class", css_class)
    for name, value in attributes.items():
        element.set(name.replace("_", "-"), value)
    return element


def render_referral_figure(
    *,
    essential: list[str],
    spillover: list[str],
    trigger_points: list[str],
    caption: str,
    alt: str,
    thumbnail: bool = False,
) -> str:
    """A ``<figure class="referral-figure">``: the views needed, essential zones solid, spillover
    zones hatched, an × on each trigger point's area, a legend (not on thumbnails) and the caption."""
    essential = _checked(essential, "essential")
    spillover = [a for a in _checked(spillover, "spillover") if a not in essential]
    trigger_points = _checked(trigger_points, "trigger_points")
    areas = load_figure().areas
    used = {areas[a].view for a in (*essential, *spillover, *trigger_points)}
    names = [n for n in VIEWS if n in used] or ["front"]
    # Deterministic ids (same page, same build, same output); distinct inputs never share them.
    key = repr((essential, spillover, trigger_points, caption, alt, thumbnail)).encode()
    uid = "atlas-fig-" + hashlib.sha256(key).hexdigest()[:12]
    svg, groups = _canvas(names, {"class": f"referral-svg views-{len(names)}", "role": "img", "aria-labelledby": f"{uid}-title"},
                          headings=not thumbnail)
    ET.SubElement(svg, "title", {"id": f"{uid}-title"}).text = alt
    defs = ET.SubElement(svg, "defs")
    spacing = "9" if thumbnail else "5"
    pattern = ET.SubElement(defs, "pattern", {"id": f"{uid}-hatch", "patternUnits": "userSpaceOnUse",
                                              "width": spacing, "height": spacing,
                                              "patternTransform": "rotate(45)"})
    ET.SubElement(pattern, "rect", {"class": "hatch-background", "width": spacing, "height": spacing})
    middle = f"{float(spacing) / 2:g}"
    ET.SubElement(pattern, "line", {"class": "hatch-line", "x1": middle, "y1": "0", "x2": middle, "y2": spacing})
    for area_id in spillover:
        groups[areas[area_id].view].append(_shape(area_id, "zone-spillover", fill=f"url(#{uid}-hatch)"))
    for area_id in essential:
        groups[areas[area_id].view].append(_shape(area_id, "zone-essential"))
    arm = 10.0 if thumbnail else 6.0
    for area_id in trigger_points:
        shape = areas[area_id]
        marker = ET.SubElement(groups[shape.view], "g", {"class": "trigger-point-marker", "data-area": area_id})
        for css_class in ("trigger-point-halo", "trigger-point"):
            for sign in (1, -1):
                ET.SubElement(marker, "line", {
                    "class": css_class,
                    "x1": f"{shape.cx - arm:g}", "y1": f"{shape.cy - sign * arm:g}",
                    "x2": f"{shape.cx + arm:g}", "y2": f"{shape.cy + sign * arm:g}",
                })
    svg.extend(groups[n] for n in names)
    parts = [f'<figure class="referral-figure{" thumbnail" if thumbnail else ""}">',
             ET.tostring(svg, encoding="unicode")]
    if not thumbnail:
        parts.append(_legend(f"{uid}-hatch", bool(essential), bool(spillover), bool(trigger_points)))
    parts += [f"<figcaption>{escape(caption)}</figcaption>", "</figure>"]
    return "\n".join(parts)


def _legend(hatch_id: str, essential: bool, spillover: bool, trigger_points: bool) -> str:
    key = '<svg class="legend-key" viewBox="0 0 24 16" aria-hidden="true" focusable="false">{}</svg>'
    items = []
    if essential:
        items.append((key.format('<rect class="zone-essential" x="1" y="1" width="22" height="14" rx="3"/>'),
                      "Essential zone: where the pain is usually felt"))
    if spillover:
        items.append((key.format(f'<rect class="zone-spillover" fill="url(#{hatch_id})" x="1" y="1" '
                                 'width="22" height="14" rx="3"/>'),
                      "Spillover zone: where it is sometimes felt"))
    if trigger_points:
        items.append((key.format('<line class="trigger-point" x1="7" y1="3" x2="17" y2="13"/>'
                                 '<line class="trigger-point" x1="7" y1="13" x2="17" y2="3"/>'),
                      "Trigger point"))
    rows = "".join(f"<li>{swatch}<span>{escape(text)}</span></li>" for swatch, text in items)
    return f'<ul class="referral-legend" aria-label="Key">{rows}</ul>'


def render_body_map(labels: Mapping[str, str] | None = None) -> str:
    """The "Where does it hurt?" map: all views, every area a focusable checkbox with a <title>.

    ``labels`` maps area ids to human labels; missing ids fall back to the id in words.
    """
    labels = labels or {}
    svg, groups = _canvas(list(VIEWS), {"class": "body-map", "role": "group", "aria-label": "Body map"},
                          headings=True)
    for area_id, shape in load_figure().areas.items():
        element = _shape(area_id, "area", tabindex="0", role="checkbox", aria_checked="false")
        ET.SubElement(element, "title").text = labels.get(area_id) or default_label(area_id)
        groups[shape.view].append(element)
    svg.extend(groups.values())
    return ET.tostring(svg, encoding="unicode")
