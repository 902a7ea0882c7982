"""Chromium opens the founding story through a real `trigger-atlas serve`."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.browser


def test_story_shows_breadcrumbs_and_feedback_block(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/patterns/thigh-and-knee/seizing-hamstring/")
    crumbs = page.locator("nav.md-path .md-path__link").all_inner_texts()
    assert [c.strip() for c in crumbs][-2:] == ["Lower Extremity Pain", "Hamstring Pain"]
    block = page.locator("#question-comment-typo")
    block.scroll_into_view_if_needed()
    assert block.is_visible()
    assert "Question? Comment? Typo?" in block.inner_text()
