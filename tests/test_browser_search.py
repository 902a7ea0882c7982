"""Chromium and the search box: the service's answers as you type, and Material's static search without it."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def open_search(page: Any, text: str) -> None:
    page.locator(".md-search__input").click()
    page.locator(".md-search__input").type(text, delay=20)


def test_typing_leads_to_the_culprit_and_keyboard_opens_it(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/")
    open_search(page, "my hamstring seizes when I drive")
    first = page.locator("#atlas-search-panel .atlas-search__item").first
    first.wait_for()
    assert "gluteus minimus" in first.inner_text().lower()
    assert page.locator("#atlas-search-panel mark").count() > 0
    assert page.locator("#atlas-search-panel .atlas-chip--essential").count() > 0
    assert not page.locator(".md-search-result").is_visible()
    href = first.locator("a").get_attribute("href")
    page.keyboard.press("ArrowDown")
    assert first.get_attribute("aria-selected") == "true"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{href}")


def test_search_box_survives_instant_navigation(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/")
    page.evaluate("window.__atlasMarker = 1")
    page.locator(".md-tabs a", has_text="Muscles A–Z").click()
    page.wait_for_url("**/muscles/")
    assert page.evaluate("window.__atlasMarker") == 1, "the tab was not opened by instant loading"
    open_search(page, "infraspinatis")
    panel = page.locator("#atlas-search-panel")
    panel.locator(".atlas-search__item").first.wait_for()
    assert "infraspinatus" in panel.locator(".atlas-search__meta").inner_text()
    assert "Infraspinatus" in panel.locator(".atlas-search__title").first.inner_text()


def test_enter_opens_the_results_page_with_filters(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/")
    open_search(page, "pain behind the knee")
    page.locator("#atlas-search-panel .atlas-search__item").first.wait_for()
    page.keyboard.press("Enter")
    page.wait_for_url("**/results/?words=*")
    page.locator(".atlas-results__list .atlas-search__item").first.wait_for()
    page.select_option("#atlas-results-kind", "story")
    page.locator(".atlas-results__form button[type=submit]").click()
    page.wait_for_url("**kind=story**")
    page.wait_for_function("document.querySelector('.atlas-results__status').textContent.includes('matching')")
    kinds = page.locator(".atlas-results__list .atlas-search__muscle").all_inner_texts()
    assert kinds and all(k.startswith("Story") for k in kinds)


def test_without_the_service_material_search_answers(static_site: str, page: Any) -> None:
    page.goto(f"{static_site}/")
    open_search(page, "gluteus")
    page.locator(".md-search-result__item").first.wait_for(timeout=15000)
    assert page.locator(".md-search-result").is_visible()
    assert page.locator("#atlas-search-panel").is_hidden()
