"""Chromium on the "Where does it hurt?" page: clicks alone find the culprits, with and without the service."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def first_results(page: Any, n: int = 4) -> list[str]:
    page.wait_for_selector(".atlas-map__result")
    return [t.strip() for t in page.locator(".atlas-map__result a").all_inner_texts()[:n]]


def test_clicking_the_back_of_the_knee_finds_biceps_femoris(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/where-does-it-hurt/")
    knee = page.locator('.body-map [data-area="back-of-knee"]')
    knee.hover()
    assert page.locator(".atlas-map__label").inner_text() == "Back of the knee"
    knee.click()
    assert knee.get_attribute("aria-checked") == "true"
    assert "Biceps femoris" in first_results(page)
    assert "(from the page's own data" not in page.locator(".atlas-map__status").inner_text()


def test_keyboard_list_and_words_combine(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/where-does-it-hurt/")
    page.locator(".atlas-map__list summary").click()
    page.locator('input[name="area"][value="heel"]').check()
    assert "Soleus" in first_results(page, 3)
    assert page.locator('.body-map [data-area="heel"]').get_attribute("aria-checked") == "true"


def test_map_works_from_a_static_host(static_site: str, page: Any) -> None:
    page.goto(f"{static_site}/where-does-it-hurt/")
    shape = page.locator('.body-map [data-area="back-of-knee"]')
    shape.focus()
    page.keyboard.press("Space")
    assert "Biceps femoris" in first_results(page)
    assert "the search service is unreachable" in page.locator(".atlas-map__status").inner_text()
    page.locator(".atlas-map__result a").first.click()
    page.wait_for_url("**/patterns/**")
