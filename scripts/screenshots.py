"""Screenshots of the product for the README, taken by Debian's Chromium from a real `trigger-atlas serve`.

    .venv/bin/python scripts/screenshots.py [--out .github/screenshots]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, LiveServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(PROJECT_DIR / ".github" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp) / "data")
        try:
            server.wait_ready()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.goto(f"{server.url}/where-does-it-hurt/")
                page.click('.body-map [data-area="back-of-knee"]')
                page.wait_for_selector(".atlas-map__result")
                page.screenshot(path=str(out / "where-does-it-hurt.png"), full_page=False)
                page.goto(f"{server.url}/patterns/hip-and-buttock/gluteus-minimus/")
                page.locator(".referral-figure").first.scroll_into_view_if_needed()
                page.screenshot(path=str(out / "pattern-page.png"), full_page=False)
                page.goto(f"{server.url}/")
                page.fill(".md-search__input", "hamstring seizes when I drive") if page.is_visible(".md-search__input") else None
                browser.close()
        finally:
            server.stop()
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main()
