"""The body figure (search_service/figures/body.svg) and its renderer (body_figure.py)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from search_service.figures.body_figure import (
    FIGURE_PATH,
    _bounds,
    area_ids,
    load_figure,
    render_body_map,
    render_referral_figure,
)

NS = "{http://www.w3.org/2000/svg}"

# The contract's vocabulary: every body-area id, on the view where it is drawn.
EXPECTED_VIEWS: dict[str, frozenset[str]] = {
    "front": frozenset({
        "forehead", "eyebrow", "behind-eye", "cheek", "upper-teeth", "lower-teeth", "throat", "front-of-neck",
        "front-of-shoulder", "chest", "upper-abdomen", "lower-abdomen", "navel", "groin", "front-of-upper-arm",
        "inner-arm", "inner-elbow", "front-of-elbow", "front-of-forearm", "front-of-wrist", "base-of-thumb", "palm",
        "thumb-and-index-finger", "middle-finger", "ring-and-little-finger", "front-of-hip", "front-of-thigh",
        "inner-thigh", "front-of-knee", "inner-knee", "shin", "front-of-ankle", "inner-ankle", "top-of-foot",
        "big-toe", "toes",
    }),
    "back": frozenset({
        "top-of-head", "back-of-head", "base-of-skull", "back-of-neck", "top-of-shoulder", "back-of-shoulder",
        "shoulder-blade", "between-shoulder-blades", "below-shoulder-blade", "mid-back", "low-back", "sacrum",
        "tailbone", "back-of-upper-arm", "back-of-elbow", "back-of-forearm", "back-of-wrist", "back-of-hand",
        "buttock", "back-of-thigh", "back-of-knee", "calf", "achilles", "heel", "sole", "ball-of-foot",
    }),
    "side": frozenset({
        "temple", "ear", "jaw", "side-of-neck", "side-of-shoulder", "outer-upper-arm", "outer-elbow", "side-of-ribs",
        "side-of-hip", "outer-thigh", "outer-knee", "outer-leg", "outer-ankle",
    }),
}
EXPECTED_IDS: frozenset[str] = frozenset().union(*EXPECTED_VIEWS.values())


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def _drawn_areas(svg: ET.Element) -> dict[str, ET.Element]:
    """Area shapes (not trigger-point markers) by area id; fails on duplicates."""
    shapes = [e for e in svg.iter() if e.get("data-area") and _local(e.tag) != "g"]
    ids = [e.get("data-area", "") for e in shapes]
    assert len(ids) == len(set(ids)), "an area is drawn twice"
    return dict(zip(ids, shapes))


def test_vocabulary_lists_are_disjoint() -> None:
    assert sum(len(v) for v in EXPECTED_VIEWS.values()) == len(EXPECTED_IDS) == 75


def test_body_svg_is_well_formed_svg_with_three_views() -> None:
    root = ET.parse(FIGURE_PATH).getroot()
    assert root.tag == f"{NS}svg"
    assert len(root.get("viewBox", "").split()) == 4
    views = [g.get("id") for g in root.iter(f"{NS}g") if g.get("id", "").startswith("view-")]
    assert views == ["view-front", "view-back", "view-side"]
    for group in root.iter(f"{NS}g"):
        if group.get("id", "").startswith("view-"):
            outlines = [p for p in group.iter(f"{NS}path") if "outline" in _classes(p)]
            assert outlines, f"{group.get('id')} has no silhouette"
    assert not list(root.iter(f"{NS}title")), "labels are added by code, not in the source figure"
    header = FIGURE_PATH.read_text(encoding="utf-8")[:1500]
    assert "Trigger Atlas" in header and "CC BY 4.0" in header


def test_every_area_is_drawn_exactly_once_on_its_view() -> None:
    root = ET.parse(FIGURE_PATH).getroot()
    text = FIGURE_PATH.read_text(encoding="utf-8")
    seen: list[str] = []
    for group in root.iter(f"{NS}g"):
        view = group.get("id", "").removeprefix("view-")
        for shape in group.iter():
            area = shape.get("data-area")
            if area is None:
                continue
            seen.append(area)
            assert area in EXPECTED_VIEWS.get(view, frozenset()), f"{area} is on the {view} view"
            assert _local(shape.tag) in {"path", "ellipse", "polygon"}
            if _local(shape.tag) == "path":
                assert shape.get("d", "").rstrip().endswith("Z"), f"{area}: path is not closed"
    assert sorted(seen) == sorted(EXPECTED_IDS)
    for area in EXPECTED_IDS:
        assert text.count(f'data-area="{area}"') == 1, area


def test_paths_use_only_absolute_m_l_c_q_z() -> None:
    root = ET.parse(FIGURE_PATH).getroot()
    for path in root.iter(f"{NS}path"):
        assert re.fullmatch(r"[MLCQZ\d\s,.\-]+", path.get("d", "")), path.get("d", "")[:40]


def test_area_ids_are_the_vocabulary() -> None:
    ids = area_ids()
    assert len(ids) == len(set(ids)) == 75
    assert set(ids) == EXPECTED_IDS


def test_shapes_sit_inside_their_view_and_on_the_figure() -> None:
    figure = load_figure()
    for area_id, shape in figure.areas.items():
        x, y, width, height = figure.views[shape.view].box
        assert x < shape.cx < x + width and y < shape.cy < y + height, area_id
        x0, y0, x1, y1 = shape.box
        assert x1 - x0 >= 8 and y1 - y0 >= 8, f"{area_id} is too small to click"
        # The centroid lies within the extent of the view's silhouettes (figure and sole inset).
        outline_boxes = [_bounds(ET.fromstring(xml)) for xml in figure.views[shape.view].outlines]
        assert any(b[0] <= shape.cx <= b[2] and b[1] <= shape.cy <= b[3] for b in outline_boxes), area_id


def test_limb_areas_are_on_the_figures_right_side() -> None:
    areas = load_figure().areas
    for area_id in ("front-of-forearm", "palm", "front-of-thigh", "shin", "big-toe"):
        assert areas[area_id].cx < 110, area_id  # front view: the figure's right is the viewer's left
    for area_id in ("back-of-forearm", "back-of-hand", "buttock", "calf", "heel"):
        assert areas[area_id].cx > 110, area_id  # back view: the figure's right is the viewer's right


CAPTION = 'Gluteus minimus <script>alert("x")</script> & friends'
ALT = "Pain in the buttock & back of the thigh <b>"


def _referral(**overrides: object) -> str:
    arguments: dict[str, object] = {
        "essential": ["buttock", "back-of-thigh"], "spillover": ["back-of-knee"], "trigger_points": ["side-of-hip"],
        "caption": CAPTION, "alt": ALT,
    }
    arguments.update(overrides)
    return render_referral_figure(**arguments)  # type: ignore[arg-type]


def test_referral_figure_draws_the_pattern() -> None:
    html = _referral()
    figure = ET.fromstring(html)  # the whole figure is well-formed XML
    assert _local(figure.tag) == "figure" and "referral-figure" in _classes(figure)
    svg = figure.find(f"{NS}svg")
    assert svg is not None and svg.get("role") == "img"
    title = svg.find(f"{NS}title")
    assert title is not None and title.text == ALT and svg.get("aria-labelledby") == title.get("id")

    drawn = _drawn_areas(svg)
    assert set(drawn) == {"buttock", "back-of-thigh", "back-of-knee"}
    assert "zone-essential" in _classes(drawn["buttock"]) and "zone-essential" in _classes(drawn["back-of-thigh"])
    spill = drawn["back-of-knee"]
    assert "zone-spillover" in _classes(spill)
    hatch = re.fullmatch(r"url\(#([\w-]+)\)", spill.get("fill", ""))
    assert hatch is not None
    patterns = [p for p in svg.iter(f"{NS}pattern") if p.get("id") == hatch.group(1)]
    assert len(patterns) == 1 and patterns[0].find(f"{NS}line[@class='hatch-line']") is not None

    markers = [g for g in svg.iter(f"{NS}g") if "trigger-point-marker" in _classes(g)]
    assert [m.get("data-area") for m in markers] == ["side-of-hip"]
    lines = [line for line in markers[0] if "trigger-point" in _classes(line)]
    assert len(lines) == 2  # an ×: two crossing lines centred on the area
    shape = load_figure().areas["side-of-hip"]
    for line in lines:
        mid_x = (float(line.get("x1", "0")) + float(line.get("x2", "0"))) / 2
        mid_y = (float(line.get("y1", "0")) + float(line.get("y2", "0"))) / 2
        assert (mid_x, mid_y) == pytest.approx((shape.cx, shape.cy))

    views = [v.get("class", "").split()[-1] for v in svg if _local(v.tag) == "svg"]
    assert views == ["view-back", "view-side"]

    caption = figure.find("figcaption")
    assert caption is not None and caption.text == CAPTION
    assert "&lt;script&gt;" in html and "&amp; friends" in html and "<script" not in html
    assert "<b>" not in html
    assert all(e.get("style") is None for e in figure.iter())
    legend = figure.find("ul")
    assert legend is not None and len(legend) == 3


def test_referral_figure_views_are_in_front_back_side_order() -> None:
    svg = ET.fromstring(_referral(essential=["side-of-hip"], spillover=["chest"], trigger_points=["calf"]))[0]
    assert [v.get("class", "").split()[-1] for v in svg if _local(v.tag) == "svg"] == [
        "view-front", "view-back", "view-side"]


def test_hatch_ids_are_unique_per_figure_and_reproducible() -> None:
    def hatch_id(html: str) -> str:
        found = re.search(r'<pattern id="([^"]+)"', html)
        assert found is not None
        return found.group(1)

    first, second = _referral(), _referral(caption="Another muscle")
    assert hatch_id(first) != hatch_id(second)
    assert hatch_id(first) == hatch_id(_referral())


def test_thumbnail_has_no_legend_but_keeps_the_caption() -> None:
    figure = ET.fromstring(_referral(thumbnail=True))
    assert "thumbnail" in _classes(figure)
    assert figure.find("ul") is None
    assert figure.find("figcaption") is not None


def test_head_patterns_are_zoomed_and_the_sole_inset_only_shows_when_used() -> None:
    head = ET.fromstring(_referral(essential=["temple", "jaw"], spillover=["upper-teeth"], trigger_points=["jaw"]))[0]
    assert "zoom-head" in _classes(head)
    body = ET.fromstring(_referral())[0]
    assert "zoom-head" not in _classes(body)
    assert not [p for p in body.iter(f"{NS}path") if "inset-frame" in _classes(p)]
    sole = ET.fromstring(_referral(essential=["sole"], spillover=[], trigger_points=["calf"]))[0]
    assert [p for p in sole.iter(f"{NS}path") if "inset-frame" in _classes(p)]


def test_unknown_area_is_an_error() -> None:
    with pytest.raises(ValueError, match="no-such-area"):
        _referral(spillover=["no-such-area"])


def test_body_map_has_every_area_once_as_a_focusable_checkbox() -> None:
    svg = ET.fromstring(render_body_map({"forehead": "Forehead & brow"}))
    assert "body-map" in _classes(svg) and svg.get("role") == "group" and svg.get("aria-label") == "Body map"
    drawn = _drawn_areas(svg)
    assert set(drawn) == EXPECTED_IDS
    for area_id, shape in drawn.items():
        assert shape.get("tabindex") == "0" and shape.get("role") == "checkbox"
        assert shape.get("aria-checked") == "false"
        title = shape.find(f"{NS}title")
        assert title is not None and title.text, area_id
    assert drawn["forehead"].findtext(f"{NS}title") == "Forehead & brow"
    assert drawn["back-of-knee"].findtext(f"{NS}title") == "Back of knee"
    headings = [t.text for t in svg.iter(f"{NS}text") if "view-heading" in _classes(t)]
    assert headings == ["Front", "Back", "Side"]
    assert all(e.get("style") is None for e in svg.iter())
