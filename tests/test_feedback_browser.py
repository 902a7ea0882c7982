"""The form in a real Chromium against the real app: JSON sending, field errors, the typo reporter, Material's
instant loading, and the plain form with JavaScript off.

Chromium comes from tests/conftest.py's `browser` and `page` fixtures (Debian's chromium through Playwright).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from typing import Any, Iterator

import pytest

from feedback_fixtures import ARTICLE, PROJECT_DIR, SECRET, stored_items

pytestmark = pytest.mark.browser

OTHER_ARTICLE = "/patterns/hip-and-buttock/gluteus-minimus/"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    uvicorn = pytest.importorskip("uvicorn")
    from search_service.app import create_app
    from search_service.settings import Settings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    project = tmp_path_factory.mktemp("project")
    (project / "docs").symlink_to(PROJECT_DIR / "docs")
    # Material's instant loading only takes over links on the origin of site_url, so the site is built for this port.
    (project / "mkdocs.yml").write_text(
        f"INHERIT: {PROJECT_DIR / 'mkdocs.yml'}\n"
        f"site_url: http://127.0.0.1:{port}/\n"
        f"docs_dir: {PROJECT_DIR / 'docs'}\n"
        f"theme:\n  custom_dir: {PROJECT_DIR / 'overrides'}\n"
        f"hooks:\n  - {PROJECT_DIR / 'search_service' / 'mkdocs_hooks.py'}\n"
    )
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(project / "mkdocs.yml"), "-d", str(project / "site")],
        cwd=PROJECT_DIR, check=True, capture_output=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    settings = Settings.from_env({}, project_dir=project, data_dir=project / "var", secret_key=SECRET, feedback_rate="1000/minute")
    app = create_app(settings)
    component = app.state.feedback
    # A person takes longer than this to write; the test waits it out rather than faking the clock.
    component.form_tokens.min_seconds = 1
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="on"))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", component
    finally:
        uv.should_exit = True
        thread.join(15)


def open_article(page: Any, base: str, path: str = ARTICLE) -> None:
    page.goto(base + path)
    page.wait_for_function("document.querySelector('#question-comment-typo input[name=form_token]').value !== ''")


def new_items(component: Any, before: int) -> list[dict[str, Any]]:
    items = stored_items(component)
    return items[: len(items) - before]


def test_js_form_sends_json_and_shows_the_reference(server, page) -> None:
    base, component = server
    before = len(stored_items(component))
    open_article(page, base)
    page.check("input[name=kind][value=question]")
    page.fill("#atlas-qct-message", "Does this cause pain when cycling?")
    page.fill("#atlas-qct-email", "reader@example.org")
    assert page.is_hidden("#atlas-qct-typo")
    time.sleep(1.1)
    page.click("#question-comment-typo button[type=submit]")
    status = page.locator("#atlas-qct-status")
    status.filter(has_text="Thank you").wait_for()
    [item] = new_items(component, before)
    assert status.inner_text() == f"Thank you — your reference is {item['id']}."
    assert (item["kind"], item["email"], item["status"], item["page_url"]) == ("question", "reader@example.org", "new", ARTICLE)
    assert item["form_token"] and item["selected_text"] is None
    assert page.input_value("#atlas-qct-message") == ""


def test_js_form_shows_each_error_beside_its_field(server, page) -> None:
    base, component = server
    before = len(stored_items(component))
    open_article(page, base)
    page.fill("#atlas-qct-message", "   ")
    page.click("#question-comment-typo button[type=submit]")
    error = page.locator("#atlas-qct-message-error")
    error.wait_for()
    assert error.inner_text() == "is empty"
    assert page.get_attribute("#atlas-qct-message", "aria-invalid") == "true"
    assert "atlas-qct-message-error" in page.get_attribute("#atlas-qct-message", "aria-describedby")
    assert page.evaluate("document.activeElement.id") == "atlas-qct-message"
    assert new_items(component, before) == []


SELECT_JS = """(words) => {
  const article = document.querySelector('article');
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.data.indexOf(words);
    if (at !== -1) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + words.length);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
      return true;
    }
  }
  return false;
}"""


@pytest.mark.parametrize("how", ["ctrl+enter", "button"])
def test_typo_report_from_a_selection(server, page, how: str) -> None:
    base, component = server
    before = len(stored_items(component))
    open_article(page, base)
    assert page.evaluate(SELECT_JS, "genuine source")
    typo_button = page.locator(".atlas-qct__typo-button")
    typo_button.wait_for(state="visible")
    if how == "button":
        typo_button.click()
    else:
        page.keyboard.press("Control+Enter")
    assert page.is_checked("input[name=kind][value=typo]") and page.is_visible("#atlas-qct-typo")
    assert page.evaluate("document.activeElement.id") == "atlas-qct-suggested-fix"
    assert page.input_value("#atlas-qct-selected-text") == "genuine source"
    before_text = page.input_value("input[name=context_before]")
    after_text = page.input_value("input[name=context_after]")
    assert before_text.endswith("Its trigger points are a ") and len(before_text) == 60
    assert after_text.startswith(" of hamstring pain") and len(after_text) == 60
    assert typo_button.is_hidden()
    page.fill("#atlas-qct-suggested-fix", "real source")
    time.sleep(1.1)
    page.click("#question-comment-typo button[type=submit]")
    page.locator("#atlas-qct-status").filter(has_text="Thank you").wait_for()
    [item] = new_items(component, before)
    assert (item["kind"], item["selected_text"], item["suggested_fix"]) == ("typo", "genuine source", "real source")
    assert item["context_before"] == before_text and item["status"] == "new"
    location = component.pages.locate(item["page_url"], item["selected_text"], item["context_before"], item["context_after"])
    assert location.path.endswith("biceps-femoris.md") and location.line is not None


def test_selection_outside_the_article_or_inside_the_form_is_ignored(server, page) -> None:
    base, _ = server
    open_article(page, base)
    page.fill("#atlas-qct-message", "some words in the form")
    page.evaluate("""() => {
      const field = document.querySelector('#atlas-qct-message');
      field.focus(); field.setSelectionRange(0, 4);
      const range = document.createRange(); range.selectNodeContents(document.querySelector('#atlas-qct-heading'));
      window.getSelection().removeAllRanges(); window.getSelection().addRange(range);
      document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    }""")
    page.wait_for_timeout(100)
    assert page.locator(".atlas-qct__typo-button").count() == 0 or page.locator(".atlas-qct__typo-button").is_hidden()
    assert page.is_checked("input[name=kind][value=comment]")


def test_instant_loading_binds_the_next_page_once(server, page) -> None:
    base, component = server
    before = len(stored_items(component))
    open_article(page, base)
    page.evaluate("window.__atlasLoads = 1")
    page.click(f"article a[href$='{OTHER_ARTICLE.split('/patterns/')[1]}']")
    page.wait_for_function(f"location.pathname === '{OTHER_ARTICLE}'")
    page.wait_for_function("document.querySelector('#question-comment-typo input[name=form_token]').value !== ''")
    # Instant loading swapped the page without reloading the scripts.
    assert page.evaluate("window.__atlasLoads") == 1
    assert page.input_value("input[name=page_url]") == OTHER_ARTICLE
    page.fill("#atlas-qct-message", "Sent once from the second page.")
    time.sleep(1.1)
    page.click("#question-comment-typo button[type=submit]")
    page.locator("#atlas-qct-status").filter(has_text="Thank you").wait_for()
    page.wait_for_timeout(300)
    items = new_items(component, before)
    assert [i["page_url"] for i in items] == [OTHER_ARTICLE]
    assert page.evaluate(SELECT_JS, "the")
    assert page.locator(".atlas-qct__typo-button").count() == 1


def test_with_javascript_off_the_form_lands_on_the_thank_you_page(server, browser) -> None:
    base, component = server
    before = len(stored_items(component))
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base + ARTICLE)
        assert page.is_hidden("#atlas-qct-typo")  # CSS :has() hides the typo fields until kind=typo
        page.check("input[name=kind][value=typo]")
        assert page.is_visible("#atlas-qct-typo")
        page.fill("#atlas-qct-selected-text", "hamstrng")
        page.fill("#atlas-qct-message", "Sent without JavaScript.")
        page.click("#question-comment-typo button[type=submit]")
        page.wait_for_url("**/feedback/thanks?ref=*")
        [item] = new_items(component, before)
        assert page.inner_text("#reference") == item["id"]
        assert (item["kind"], item["selected_text"], item["form_token"], item["status"]) == ("typo", "hamstrng", None, "new")
        page.click("text=Back to the article")
        page.wait_for_url(f"**{ARTICLE}")
    finally:
        context.close()
