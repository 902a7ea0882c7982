"""Referral figures made from front matter: on every article page, with words for those who cannot see them."""

from __future__ import annotations

from bs4 import BeautifulSoup

from search_service.content.atlas import Atlas
from search_service.figures.article_figures import alt_text
from search_service.figures.body_figure import load_figure
from search_service.settings import Settings
from tests.conftest import PROJECT_DIR


def test_every_article_page_shows_its_own_figure(built_settings: Settings) -> None:
    atlas = Atlas.load(built_settings.docs_dir)
    for article in atlas.articles:
        html = (built_settings.site_dir / article.url.strip("/") / "index.html").read_text()
        figure = BeautifulSoup(html, "html.parser").select_one("figure.referral-figure")
        assert figure is not None, article.url
        essential = {el["data-area"] for el in figure.select("[data-area].zone-essential")}
        spillover = {el["data-area"] for el in figure.select("[data-area].zone-spillover")}
        assert essential == set(article.essential), article.url
        assert spillover == set(article.spillover), article.url
        assert len(figure.select(".trigger-point-marker")) >= 1
        assert figure.find("title").get_text() == alt_text(atlas, article)
        assert figure.find("figcaption").get_text(strip=True)


def test_alt_text_names_the_places_in_words() -> None:
    atlas = Atlas.load(PROJECT_DIR / "docs")
    text = alt_text(atlas, atlas.patterns["biceps-femoris"])
    assert text.startswith("Pain from Biceps femoris trigger points is felt mainly in the back of the knee")
    assert "sometimes in the" in text and "trigger points lie in the back of the thigh" in text


def test_every_pattern_has_a_thumbnail_file(built_settings: Settings) -> None:
    atlas = Atlas.load(built_settings.docs_dir)
    for muscle in atlas.patterns:
        svg = (built_settings.site_dir / "figures" / f"{muscle}.svg").read_text()
        assert svg.startswith("<svg") and "<style>" in svg


def test_vocabulary_views_match_the_figure() -> None:
    atlas = Atlas.load(PROJECT_DIR / "docs")
    figure = load_figure()
    assert set(figure.areas) == set(atlas.vocabulary.areas)
    for area_id, area in atlas.vocabulary.areas.items():
        assert area.view == figure.areas[area_id].view, area_id


def test_map_page_embeds_every_pattern_for_offline_use(built_settings: Settings) -> None:
    import json

    soup = BeautifulSoup((built_settings.site_dir / "where-does-it-hurt" / "index.html").read_text(), "html.parser")
    data = json.loads(soup.select_one("#atlas-map-data").string)
    atlas = Atlas.load(built_settings.docs_dir)
    assert {p["muscle"] for p in data["patterns"]} == set(atlas.patterns)
    shapes = [el["data-area"] for el in soup.select(".body-map [data-area]")]
    boxes = [el["value"] for el in soup.select('input[name="area"]')]
    assert sorted(shapes) == sorted(boxes) == sorted(atlas.vocabulary.areas)
