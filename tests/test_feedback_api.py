"""POST /api/feedback and GET /api/feedback/token: validation, limits, spam guards, client addresses, failures."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from feedback.client_address import client_hash
from feedback.component import FeedbackComponent
from feedback.item_repository import ItemRepository

from feedback_fixtures import (  # noqa: F401  (fixtures)
    ARTICLE,
    SECRET,
    FakeClock,
    aged_token,
    build_app,
    client,
    clock,
    closing,
    component,
    database_url,
    make_settings,
    settings,
    stored_items,
    submission,
)

TOO_LONG = "x" * 5001


def post(client: TestClient, body: Any, **kwargs: Any):  # noqa: F811
    return client.post("/api/feedback", json=body, **kwargs)


def test_a_submission_is_stored_as_sent(client: TestClient, component: FeedbackComponent) -> None:  # noqa: F811
    body = submission(
        kind="typo",
        message="  A typo here.  ",
        name="Zoë",
        email="zoe@example.org",
        selected_text="hamstrng",
        context_before="source of ",
        context_after=" pain",
        suggested_fix="hamstring",
        form_token=aged_token(),
        website="",
    )
    response = post(client, body)
    assert response.status_code == 201
    answer = response.json()
    assert answer["status"] == "new" and len(answer["id"]) == 9
    [item] = stored_items(component)
    assert {k: item[k] for k in body} == body
    assert item["id"] == answer["id"] and item["status"] == "new"
    assert item["created_at"].endswith("Z") and item["notes"] == []


def test_optional_fields_may_be_left_out_and_kind_defaults_to_comment(client, component) -> None:  # noqa: F811
    response = post(client, {"page_url": ARTICLE, "message": "Thanks!"})
    assert response.status_code == 201
    [item] = stored_items(component)
    assert item["kind"] == "comment" and item["email"] is None and item["name"] is None


def test_limits_at_the_boundary_are_accepted(client) -> None:  # noqa: F811
    assert post(client, submission(message="x" * 5000, name="n" * 100, email="a@b.co")).status_code == 201
    assert post(client, submission(page_url="/")).status_code == 201


BAD_INPUTS = [
    # (case, body or raw bytes, content type, status, field at fault)
    ("not json", b"{nope", "application/json", 400, None),
    ("json array", b"[1, 2]", "application/json", 400, None),
    ("json string", b'"hello"', "application/json", 400, None),
    ("deeply nested", b"[" * 7000 + b"]" * 7000, "application/json", 400, None),
    ("unknown field", submission(rating=5), None, 400, "rating"),
    ("missing message", submission(message=...), None, 422, "message"),
    ("blank message", submission(message=" \n\t "), None, 422, "message"),
    ("message too long", submission(message=TOO_LONG), None, 422, "message"),
    ("message a number", submission(message=42), None, 422, "message"),
    ("message with NUL", submission(message="a\x00b"), None, 422, "message"),
    ("message lone surrogate", b'{"page_url": "/", "message": "\\ud800"}', "application/json", 422, "message"),
    ("missing page_url", submission(page_url=...), None, 422, "page_url"),
    ("page_url elsewhere", submission(page_url="https://evil.example/"), None, 422, "page_url"),
    ("page_url protocol-relative", submission(page_url="//evil.example/x/"), None, 422, "page_url"),
    ("page_url traversal", submission(page_url="/../../etc/passwd"), None, 422, "page_url"),
    ("page_url encoded traversal", submission(page_url="/patterns/%2e%2e/%2e%2e/secret/"), None, 422, "page_url"),
    ("page_url not a page", submission(page_url="/no/such/page/"), None, 422, "page_url"),
    ("page_url javascript", submission(page_url="javascript:alert(1)"), None, 422, "page_url"),
    ("unknown kind", submission(kind="rant"), None, 422, "kind"),
    ("bad email", submission(email="not-an-email"), None, 422, "email"),
    ("email with spaces", submission(email="a b@example.org"), None, 422, "email"),
    ("name too long", submission(name="n" * 101), None, 422, "name"),
    ("suggested_fix too long", submission(suggested_fix="f" * 1001), None, 422, "suggested_fix"),
    ("name not text", submission(name=["a"]), None, 422, "name"),
    ("text/plain", b'{"page_url": "/", "message": "hi"}', "text/plain", 415, None),
    ("form encoded", b"page_url=/&message=hi", "application/x-www-form-urlencoded", 415, None),
    ("over 16 KiB", submission(message="x" * (17 * 1024)), None, 413, None),
]


@pytest.mark.parametrize("case, body, content_type, status, field", BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_gets_a_specific_4xx_and_stores_nothing(
    client: TestClient, component: FeedbackComponent, case: str, body: Any, content_type: str | None, status: int, field: str | None  # noqa: F811
) -> None:
    if isinstance(body, bytes):
        response = client.post("/api/feedback", content=body, headers={"content-type": content_type or "application/json"})
    else:
        response = post(client, body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    answer = response.json()
    assert isinstance(answer["error"], str) and answer["error"].endswith(".")
    assert set(answer) <= {"error", "fields"}
    if field:
        assert field in answer["fields"]
    assert stored_items(component) == []


def test_body_limit_applies_to_the_stream_without_content_length(client, component) -> None:  # noqa: F811
    def chunks():
        yield b'{"page_url": "/", "message": "'
        for _ in range(20):
            yield b"x" * 1024
        yield b'"}'

    response = client.post("/api/feedback", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["error"].startswith("The body is larger than 16 KiB")
    assert stored_items(component) == []


def test_every_error_names_each_field_at_fault(client) -> None:  # noqa: F811
    response = post(client, {"page_url": "/nowhere/", "kind": "x", "message": ""})
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"page_url", "kind", "message"}


def test_form_token_endpoint(client) -> None:  # noqa: F811
    response = client.get("/api/feedback/token")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "min_seconds"} and body["min_seconds"] == 3
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "fields, reason",
    [
        ({"website": "http://cheap-pills.example"}, "honeypot"),
        ({"form_token": "FRESH"}, "form token"),
        ({"message": "Great! https://a.example https://b.example https://c.example", "form_token": "AGED"}, "link-heavy"),
        ({"message": "see https://a.example and www.b.example"}, "link-heavy"),
        ({"message": "https://buy-now.example/cheap-pills-and-more"}, "link-heavy"),
    ],
    ids=["honeypot", "fast-token", "three-links", "two-links-no-token", "only-a-link-no-token"],
)
def test_spam_is_stored_with_status_spam_not_dropped(client, component, fields, reason) -> None:  # noqa: F811
    if fields.get("form_token") == "FRESH":
        fields["form_token"] = client.get("/api/feedback/token").json()["token"]
    elif fields.get("form_token") == "AGED":
        fields["form_token"] = aged_token()
    response = post(client, submission(**fields))
    # A bot is not told it was caught.
    assert response.status_code == 201 and response.json()["status"] == "new"
    [item] = stored_items(component)
    assert item["status"] == "spam"
    audit = component.triage.detail(item["id"]).audit
    assert any(a["field"] == "spam_reason" and a["new_value"].startswith(reason) for a in audit)


@pytest.mark.parametrize(
    "fields",
    [
        {"form_token": "AGED"},
        {},  # no JavaScript, no token: the other guards weigh it
        {"form_token": "not-a-real-token"},
        {"message": "The study is at https://pubmed.example/123, see figure 2.", "form_token": "AGED"},
        {"message": "I read https://pubmed.example/123 and it says the opposite of your second paragraph about knees."},
    ],
    ids=["aged-token", "no-token", "forged-token", "one-link-with-token", "one-link-in-text-no-token"],
)
def test_ordinary_messages_are_not_spam(client, component, fields) -> None:  # noqa: F811
    if fields.get("form_token") == "AGED":
        fields["form_token"] = aged_token()
    assert post(client, submission(**fields)).status_code == 201
    [item] = stored_items(component)
    assert item["status"] == "new"


def test_rate_limit_answers_429_with_retry_after(tmp_path: Path, database_url: str) -> None:  # noqa: F811
    component = FeedbackComponent(make_settings(tmp_path, database_url, feedback_rate="2/minute"), clock=FakeClock())
    with closing(component), TestClient(build_app(component)) as client:
        # Refused submissions do not count against the reader.
        assert post(client, submission(message="")).status_code == 422
        assert post(client, submission()).status_code == 201
        assert post(client, submission()).status_code == 201
        response = post(client, submission())
        assert response.status_code == 429
        assert 1 <= int(response.headers["retry-after"]) <= 60
        assert "wait" in response.json()["error"]
        assert len(stored_items(component)) == 2
        # Another client has its own allowance.
        with TestClient(build_app(component), client=("192.0.2.55", 4000)) as other:
            assert post(other, submission()).status_code == 201


def stored_hashes(component: FeedbackComponent) -> list[str]:
    with component.store.read() as tx:
        return [r["client_hash"] for r in tx.all("SELECT client_hash FROM feedback_items ORDER BY created_at")]


def test_client_address_from_x_forwarded_for_only_behind_a_trusted_proxy(tmp_path: Path, database_url: str) -> None:  # noqa: F811
    component = FeedbackComponent(make_settings(tmp_path, database_url, trusted_proxies=("10.0.0.0/8",)), clock=FakeClock())
    app = build_app(component)
    spoof = {"X-Forwarded-For": "203.0.113.7, 10.1.1.1"}
    with closing(component):
        with TestClient(app, client=("10.0.0.2", 5000)) as behind_proxy:
            assert post(behind_proxy, submission(), headers=spoof).status_code == 201
        with TestClient(app, client=("198.51.100.9", 5000)) as direct:
            assert post(direct, submission(), headers=spoof).status_code == 201
        assert stored_hashes(component) == [client_hash("203.0.113.7", SECRET), client_hash("198.51.100.9", SECRET)]
        # The raw address is nowhere in the database.
        with component.store.read() as tx:
            rows = tx.all("SELECT * FROM feedback_items")
    for address in ("203.0.113.7", "198.51.100.9", "10.0.0.2"):
        assert all(address not in json.dumps(row) for row in rows)


def test_a_failed_write_answers_503_and_never_500(client, component, monkeypatch) -> None:  # noqa: F811
    def disk_full(self, *args: Any, **kwargs: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    if component.store.dialect.name == "postgresql":
        import psycopg

        def disk_full(self, *args: Any, **kwargs: Any) -> None:  # noqa: F811
            raise psycopg.errors.DiskFull("could not extend file")

    monkeypatch.setattr(ItemRepository, "insert", disk_full)
    response = post(client, submission())
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert "nothing was saved" in response.json()["error"]


def test_an_unreachable_database_answers_503(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    component = FeedbackComponent(make_settings(tmp_path, f"sqlite:///{blocker / 'feedback.db'}"))
    with TestClient(build_app(component)) as client:
        response = post(client, submission())
        assert response.status_code == 503 and response.json()["error"]
        assert component.healthy() is False


def test_health_is_refreshed_in_the_background(client, component, monkeypatch) -> None:  # noqa: F811
    assert component.healthy() is True
    monkeypatch.setattr(component.store, "ping", lambda: False)
    component._health = (0.0, True)  # stale: the next call answers at once and checks behind the scenes
    assert component.healthy() is True
    component._background.submit(lambda: None).result(timeout=10)
    assert component.healthy() is False


def test_security_headers_on_the_api(client) -> None:  # noqa: F811
    response = post(client, submission())
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_composed_into_the_real_app(tmp_path: Path) -> None:
    """search_service.app composes the component: the feedback routes answer there too."""
    from search_service.app import create_app

    app = create_app(make_settings(tmp_path, f"sqlite:///{tmp_path / 'feedback.db'}"))
    with TestClient(app, follow_redirects=False) as client:
        assert post(client, submission()).status_code == 201
        assert client.get("/api/editor/feedback").status_code == 401
        assert client.get("/editor/").headers["location"].startswith("/editor/login")
        app.state.feedback.record_zero_result("knee clicks when climbing")
    triage = app.state.feedback.triage
    assert [r["query"] for r in triage.dashboard()["zero_results"]] == ["knee clicks when climbing"]


def test_an_email_that_would_add_mail_headers_is_refused(client) -> None:  # noqa: F811
    response = client.post("/api/feedback", json={"page_url": ARTICLE, "kind": "question", "message": "hi",
                                                  "email": "reader@example.org?bcc=spy%40evil.example&body=Hi"})
    assert response.status_code == 422 and "email" in response.json()["fields"]
