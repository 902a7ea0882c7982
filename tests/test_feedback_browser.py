"""The form in a real Chromium against the real app: JSON sending, field errors, the typo reporter, Material's
instant loading, and the plain form with JavaScript off.

Chromium comes from tests/conftest.py's `browser` and `page` fixtures (Debian's chromium through Playwright).
"""

from __future__ import annotations

import time
from typing import Any, Iterator

import pytest

from tests.conftest import data_dir_with_index, LiveServer
from tests.feedback_fixtures import ARTICLE, PROJECT_DIR, SECRET, stored_items

pytestmark = pytest.mark.browser

OTHER_ARTICLE = "/patterns/hip-and-buttock/gluteus-minimus/"


@pytest.fixture(scope="module")
def server(built_settings: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any]]:
    """A real `trigger-atlas serve`, and a FeedbackComponent on its data dir to read what it stored."""
    from feedback.component import FeedbackComponent
    from search_service.settings import Settings

    data_dir = data_dir_with_index(built_settings, tmp_path_factory.mktemp("feedback-browser") / "data")
    live = LiveServer(data_dir, env={"ATLAS_SECRET_KEY": SECRET, "ATLAS_FEEDBACK_RATE": "1000/minute"})
    component = FeedbackComponent(Settings.from_env({}, project_dir=PROJECT_DIR, data_dir=data_dir, secret_key=SECRET))
    try:
        live.wait_ready()
        component.startup()
        yield live.url, component
    finally:
        component.shutdown()
        live.stop()


def wait_out_the_form_token(component: Any) -> None:
    """A person takes longer than the token's minimum to write; the test waits it out."""
    time.sleep(component.form_tokens.min_seconds + 0.2)


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
    wait_out_the_form_token(component)
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
    wait_out_the_form_token(component)
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
    wait_out_the_form_token(component)
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


def test_reader_reports_a_typo_and_an_editor_resolves_it(server, browser) -> None:
    """End to end: select a word, Ctrl+Enter, send; sign in as an editor, find it with its context and
    source line, resolve it."""
    import os
    import subprocess
    import sys

    base, component = server
    env = {**os.environ, "ATLAS_DATA_DIR": str(component.settings.data_dir), "ATLAS_SECRET_KEY": SECRET}
    subprocess.run([sys.executable, "-m", "search_service.cli", "editor", "add", "morgan"],
                   input="a sturdy editor password\n", text=True, env=env, cwd=PROJECT_DIR, check=True, capture_output=True)

    reader = browser.new_context()
    page = reader.new_page()
    open_article(page, base)
    assert page.evaluate(SELECT_JS, "hamstrings")
    page.locator(".atlas-qct__typo-button").wait_for(state="visible")
    page.keyboard.press("Control+Enter")
    page.fill("#atlas-qct-suggested-fix", "hamstring muscles")
    page.fill("#atlas-qct-message", "Is this the right word here?")
    wait_out_the_form_token(component)
    page.click("#question-comment-typo button[type=submit]")
    status = page.locator("#atlas-qct-status")
    status.filter(has_text="Thank you").wait_for()
    reference = status.inner_text().rsplit(" ", 1)[-1].rstrip(".")
    reader.close()

    editor = browser.new_context()
    page = editor.new_page()
    page.goto(base + "/editor/")
    page.wait_for_url("**/editor/login**")
    page.fill("#name", "morgan")
    page.fill("#password", "a sturdy editor password")
    page.click("form.login button[type=submit]")
    page.wait_for_url("**/editor/")
    page.click(f"a[href='/editor/items/{reference}']")
    page.wait_for_url(f"**/editor/items/{reference}")
    context = page.inner_text("#typo-context")
    assert "hamstrings" in page.inner_text("#typo-context mark")
    assert len(context) > len("hamstrings") + 40
    assert page.inner_text("#suggested-fix") == "hamstring muscles"
    source = page.inner_text(".source-path")
    assert source.startswith("docs/patterns/thigh-and-knee/biceps-femoris.md:")
    line = int(source.rsplit(":", 1)[1])
    source_lines = (PROJECT_DIR / "docs/patterns/thigh-and-knee/biceps-femoris.md").read_text().splitlines()
    assert "hamstrings" in source_lines[line - 1]
    page.select_option("#status", "resolved")
    page.fill("#note", "Wording is right; left as it is.")
    page.click("form.triage button[type=submit]")
    page.locator("text=Saved.").wait_for()
    editor.close()
    [item] = [i for i in stored_items(component) if i["id"] == reference]
    assert item["status"] == "resolved" and item["notes"]
