"""The built site (mkdocs build --strict through the hooks): navigation, breadcrumbs, article blocks."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from search_service.content.atlas import Atlas
from search_service.settings import Settings


def page(settings: Settings, url: str) -> BeautifulSoup:
    path = settings.site_dir / url.strip("/") / "index.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_story_has_breadcrumbs_from_region_to_pain_area(built_settings: Settings) -> None:
    soup = page(built_settings, "/patterns/thigh-and-knee/seizing-hamstring/")
    crumbs = [a.get_text(" ", strip=True) for a in soup.select("nav.md-path .md-path__link")]
    assert crumbs[-3:] == ["Trigger Point Pain Patterns", "Lower Extremity Pain", "Hamstring Pain"]


def test_every_article_has_its_blocks(built_settings: Settings) -> None:
    atlas = Atlas.load(built_settings.docs_dir)
    for article in atlas.articles:
        soup = page(built_settings, article.url)
        titles = {h.get_text(strip=True) for h in soup.select(".atlas-block-title")}
        assert {"About the author", "Support this site", "Question? Comment? Typo?"} <= titles, article.url
        assert soup.select_one(".atlas-health-note") is not None, article.url


def test_support_block_comes_from_mkdocs_extra(built_settings: Settings) -> None:
    import yaml

    extra = yaml.safe_load((built_settings.project_dir / "mkdocs.yml").read_text())["extra"]
    soup = page(built_settings, "/patterns/thigh-and-knee/biceps-femoris/")
    link = soup.select_one(".atlas-support a")
    assert link["href"] == extra["support"]["link"]
    assert link.get_text(strip=True) == extra["support"]["label"]


def test_announcement_bar_shows_the_site_notice(built_settings: Settings) -> None:
    soup = page(built_settings, "/")
    assert "does not diagnose" in soup.select_one(".md-banner").get_text(" ", strip=True)


def test_every_area_has_a_generated_page_listing_its_referrers(built_settings: Settings) -> None:
    atlas = Atlas.load(built_settings.docs_dir)
    for area_id in atlas.vocabulary.areas:
        soup = page(built_settings, f"/areas/{area_id}/")
        listed = {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in soup.select("article li a")}
        expected = {r.article.muscle for r in atlas.referrers(area_id)}
        assert expected <= listed, area_id
        strong = {a["href"].rstrip("/").rsplit("/", 1)[-1] for a in soup.select("article li strong a")}
        assert strong == {r.article.muscle for r in atlas.referrers(area_id) if r.zone == "essential"}, area_id


def test_muscles_a_to_z_lists_every_pattern_with_aliases(built_settings: Settings) -> None:
    atlas = Atlas.load(built_settings.docs_dir)
    text = page(built_settings, "/muscles/").get_text(" ", strip=True)
    for article in atlas.patterns.values():
        assert article.title in text
        for alias in article.meta.get("aliases") or []:
            assert alias in text


def test_site_does_not_publish_the_vocabulary(built_settings: Settings) -> None:
    assert not (Path(built_settings.site_dir) / "_data").exists()
