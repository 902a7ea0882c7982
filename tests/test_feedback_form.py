"""The readers' form: the partial on every article, and the plain HTML path for readers without JavaScript."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jinja2
import pytest
from starlette.testclient import TestClient

from feedback_fixtures import (  # noqa: F401  (fixtures)
    ARTICLE,
    PROJECT_DIR,
    client,
    clock,
    component,
    database_url,
    parse_html,
    settings,
    squash,
    stored_items,
)

FORM_FIELDS = {"page_url", "kind", "message", "name", "email", "selected_text", "context_before", "context_after", "suggested_fix", "form_token", "website"}


def form_post(client: TestClient, **fields: Any):  # noqa: F811
    data = {"page_url": ARTICLE, "kind": "question", "message": "Is this the same as sciatica?", "name": "", "email": "",
            "selected_text": "", "context_before": "", "context_after": "", "suggested_fix": "", "form_token": "", "website": ""}
    data.update(fields)
    return client.post("/feedback/submit", data=data)


def test_no_js_form_lands_on_a_thank_you_page_with_the_reference(client, component) -> None:  # noqa: F811
    response = form_post(client)
    assert response.status_code == 303
    location = response.headers["location"]
    assert location.startswith("/feedback/thanks?ref=")
    [item] = stored_items(component)
    assert location.endswith(item["id"])
    # Empty optional fields count as left out.
    assert item["name"] is None and item["email"] is None and item["status"] == "new"
    page = parse_html(client.get(location).text)
    assert page.by_id("reference").text == item["id"]
    assert squash(page.find(role="status").text) == f"Thank you — your reference is {item['id']}."
    assert page.find("a", href=ARTICLE) is not None


def test_no_js_form_shows_errors_and_keeps_what_the_reader_typed(client, component) -> None:  # noqa: F811
    response = form_post(client, message="   ", name="Zoë <b>", email="zoe@", kind="typo", selected_text="hamstrng")
    assert response.status_code == 422
    page = parse_html(response.text)
    assert page.by_id("message-error").text == "The message is empty."
    assert "email" in page.by_id("email-error").text
    assert page.by_id("message").attrs["aria-invalid"] == "true"
    assert page.by_id("name").attrs["value"] == "Zoë <b>"
    assert page.by_id("email").attrs["value"] == "zoe@"
    assert page.by_id("selected_text").attrs["value"] == "hamstrng"
    assert page.find("input", name="page_url").attrs["value"] == ARTICLE
    assert page.find("input", name="form_token").attrs["value"]  # a token for the second try
    assert page.find("input", name="kind", value="typo").attrs.get("checked") is not None
    assert page.find("a", href=ARTICLE) is not None
    assert stored_items(component) == []
    # Corrected, it goes through.
    assert form_post(client, message="It says hamstrng.", kind="typo", selected_text="hamstrng").status_code == 303


def test_no_js_form_does_not_link_back_to_a_foreign_page(client) -> None:  # noqa: F811
    response = form_post(client, page_url="javascript:alert(1)")
    assert response.status_code == 422
    assert parse_html(response.text).find("a", href="javascript:alert(1)") is None


def test_no_js_honeypot_is_still_thanked_and_stored_as_spam(client, component) -> None:  # noqa: F811
    response = form_post(client, website="http://spam.example")
    assert response.status_code == 303 and "/feedback/thanks" in response.headers["location"]
    assert [i["status"] for i in stored_items(component)] == ["spam"]


def test_no_js_form_over_the_limit_is_an_html_413(client, component) -> None:  # noqa: F811
    response = form_post(client, message="x" * 20000)
    assert response.status_code == 413 and response.headers["content-type"].startswith("text/html")
    assert "Back" in parse_html(response.text).find(role="alert").text
    assert stored_items(component) == []


def test_thanks_for_an_unknown_reference_is_404(client) -> None:  # noqa: F811
    assert client.get("/feedback/thanks?ref=ZZZZ-0000").status_code == 404
    assert client.get("/feedback/thanks?ref=<script>").status_code == 404


def render_partial(page_url: str = "patterns/thigh-and-knee/biceps-femoris/") -> Any:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(PROJECT_DIR / "overrides"), autoescape=True)
    html = env.get_template("partials/question-comment-typo.html").render(
        page={"url": page_url}, config={"extra": {"feedback": {"endpoint": "/api/feedback"}}}
    )
    return parse_html(html)


def test_the_partial_is_a_labelled_plain_form() -> None:
    page = render_partial()
    section = page.by_id("question-comment-typo")
    assert squash(section.find("h2").text) == "Question? Comment? Typo?"
    form = section.find("form")
    assert (form.attrs["method"], form.attrs["action"], form.attrs["data-endpoint"]) == ("post", "/feedback/submit", "/api/feedback")
    names = {e.attrs["name"] for e in form.iter() if e.tag in ("input", "textarea") and "name" in e.attrs}
    assert names == FORM_FIELDS
    assert form.find("input", name="page_url").attrs["value"] == ARTICLE
    assert [r.attrs["value"] for r in form.find_all("input", name="kind")] == ["question", "comment", "typo"]
    # Every field a person fills in has a label.
    labels = {label.attrs.get("for") for label in form.find_all("label")}
    for element in form.iter():
        if element.tag in ("input", "textarea") and element.attrs.get("type") not in ("hidden", "radio"):
            assert element.attrs["id"] in labels, element.attrs
    help_id = form.find("input", name="email").attrs["aria-describedby"]
    assert "only to reply" in page.by_id(help_id).text and "never shown" in page.by_id(help_id).text
    honeypot = form.find("input", name="website")
    assert honeypot.attrs["tabindex"] == "-1" and honeypot.attrs["autocomplete"] == "off"
    assert honeypot.parent.attrs["aria-hidden"] == "true" and "atlas-qct__hp" in honeypot.parent.attrs["class"]
    typo = page.by_id("atlas-qct-typo")
    assert {e.attrs["name"] for e in typo.find_all("input")} == {"selected_text", "suggested_fix", "context_before", "context_after"}
    status = page.by_id("atlas-qct-status")
    assert status.attrs["role"] == "status" and status.attrs["aria-live"] == "polite"


def test_the_partial_on_the_home_page_points_at_slash() -> None:
    assert render_partial("").find("input", name="page_url").attrs["value"] == "/"


def test_the_honeypot_is_off_screen_not_display_none() -> None:
    css = (PROJECT_DIR / "overrides/assets/stylesheets/feedback.css").read_text()
    rule = css.split(".atlas-qct__hp", 1)[1].split("}", 1)[0]
    assert "left: -10000px" in rule and "display: none" not in rule


def test_mkdocs_loads_the_script_and_the_stylesheet() -> None:
    config = (PROJECT_DIR / "mkdocs.yml").read_text()
    assert config.count("extra_javascript:") == 1
    assert "  - assets/javascripts/feedback.js" in config.splitlines()
    assert "  - assets/stylesheets/feedback.css" in config.splitlines()


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed; the JavaScript syntax check needs it")
def test_feedback_js_parses() -> None:
    for script in (PROJECT_DIR / "overrides/assets/javascripts/feedback.js", PROJECT_DIR / "feedback/static/editor.js"):
        result = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_the_built_article_carries_the_form(tmp_path: Path) -> None:
    """Material includes the partial on every article (overrides/partials/comments.html)."""
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-d", str(site)],
        cwd=PROJECT_DIR, check=True, capture_output=True, env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    page = parse_html((site / ARTICLE.strip("/") / "index.html").read_text())
    form = page.by_id("question-comment-typo").find("form")
    assert form.find("input", name="page_url").attrs["value"] == ARTICLE
    assert any(s.attrs.get("src", "").endswith("assets/javascripts/feedback.js") for s in page.find_all("script"))
