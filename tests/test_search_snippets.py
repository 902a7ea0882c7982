from __future__ import annotations

from hypothesis import given, strategies as st

from search_service.search.query import stem
from search_service.search.snippets import snippet


def test_matches_are_marked_and_text_is_escaped() -> None:
    text = "Pain <script>alert(1)</script> & cramps behind the knee when driving."
    html = snippet(text, {stem("cramps"), stem("driving")})
    assert "<mark>cramps</mark>" in html and "<mark>driving</mark>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html


def test_window_moves_to_the_densest_matches() -> None:
    text = " ".join(["filler"] * 80) + " the seizing hamstring cramps " + " ".join(["tail"] * 80)
    html = snippet(text, {stem("seizing"), stem("hamstring")})
    assert html.startswith("… ") and "<mark>seizing</mark> <mark>hamstring</mark>" in html


@given(st.text(max_size=300), st.sets(st.text(alphabet="abcdefgh", min_size=1, max_size=6), max_size=4))
def test_only_mark_is_markup(text: str, stems: set[str]) -> None:
    html = snippet(text, stems).replace("<mark>", "").replace("</mark>", "")
    assert "<" not in html and ">" not in html
