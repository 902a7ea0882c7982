"""The editors' side: authentication, CSRF, sign-in throttle, the JSON API and the triage pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from feedback.auth import SESSION_COOKIE
from feedback.component import FeedbackComponent
from feedback.model import ITEM_FIELDS

from feedback_fixtures import (  # noqa: F401  (fixtures)
    ARTICLE,
    ARTICLE_SOURCE,
    EDITOR,
    PASSWORD,
    PROJECT_DIR,
    FakeClock,
    aged_token,
    api_token,
    build_app,
    client,
    clock,
    closing,
    component,
    csrf,
    database_url,
    editor,
    make_settings,
    parse_html,
    settings,
    squash,
    submission,
)

XSS = "<script>alert('pwned')</script><img src=x onerror=alert(1)>"


def submit(client: TestClient, **fields: Any) -> str:  # noqa: F811
    response = client.post("/api/feedback", json=submission(form_token=aged_token(), **fields))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# Without credentials


@pytest.mark.parametrize("method, path", [("GET", "/api/editor/feedback"), ("GET", "/api/editor/feedback/AAAA-0000"), ("PATCH", "/api/editor/feedback/AAAA-0000")])
def test_editor_api_needs_credentials(client: TestClient, method: str, path: str) -> None:  # noqa: F811
    response = client.request(method, path, json={"status": "spam"})
    assert response.status_code == 401
    assert response.json()["error"].startswith("Sign in as an editor")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_wrong_bearer_token_is_refused_even_with_a_session(client, csrf) -> None:  # noqa: F811
    assert client.get("/api/editor/feedback", headers=bearer("ta_wrong")).status_code == 401
    assert client.get("/api/editor/feedback", headers={"Authorization": "Basic YTpi"}).status_code == 401


@pytest.mark.parametrize("path", ["/editor/", "/editor/dashboard", "/editor/items/AAAA-0000", "/editor/export?format=csv"])
def test_editor_pages_redirect_to_sign_in(client: TestClient, path: str) -> None:  # noqa: F811
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/editor/login?next=")


def test_editor_post_without_session_redirects_and_changes_nothing(client, component) -> None:  # noqa: F811
    item_id = submit(client)
    response = client.post(f"/editor/items/{item_id}", data={"status": "spam"})
    assert response.status_code == 303 and response.headers["location"].startswith("/editor/login")
    assert component.triage.get(item_id)["status"] == "new"


# Signing in and out


def test_sign_in_sets_a_strict_http_only_cookie_and_sign_out_ends_the_session(client, editor) -> None:  # noqa: F811
    response = client.post("/editor/login", data={"name": EDITOR, "password": PASSWORD, "next": "/editor/dashboard"})
    assert response.status_code == 303 and response.headers["location"] == "/editor/dashboard"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    attributes = {part.strip().lower() for part in cookie.split(";")}
    assert {"httponly", "samesite=strict", "path=/"} <= attributes
    assert "secure" not in attributes  # plain http in this test
    session = client.cookies[SESSION_COOKIE]
    token = parse_html(client.get("/editor/").text).find("input", name="csrf_token").attrs["value"]
    assert client.post("/editor/logout", data={"csrf_token": token}).status_code == 303
    client.cookies.set(SESSION_COOKIE, session)
    assert client.get("/api/editor/feedback").status_code == 401


def test_cookie_is_secure_over_https(component, editor) -> None:  # noqa: F811
    with TestClient(build_app(component), base_url="https://atlas.example", follow_redirects=False) as client:
        response = client.post("/editor/login", data={"name": EDITOR, "password": PASSWORD})
    assert "secure" in {part.strip().lower() for part in response.headers["set-cookie"].split(";")}


def test_sign_in_redirects_only_to_editor_pages(client, editor) -> None:  # noqa: F811
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example", "/"):
        response = client.post("/editor/login", data={"name": EDITOR, "password": PASSWORD, "next": target})
        assert response.headers["location"] == "/editor/"


def test_failed_sign_ins_grow_a_delay_answered_with_429(client, component, editor, clock: FakeClock) -> None:  # noqa: F811
    def attempt(password: str, name: str = EDITOR):
        return client.post("/editor/login", data={"name": name, "password": password})

    for _ in range(3):
        response = attempt("wrong")
        assert response.status_code == 401
        assert "do not match" in squash(parse_html(response.text).find(role="alert").text)
    locked = attempt(PASSWORD)  # even the right password waits
    assert locked.status_code == 429 and locked.headers["retry-after"] == "1"
    clock.advance(1.5)
    assert attempt("wrong").status_code == 401  # fourth failure: two seconds now
    assert attempt(PASSWORD).headers["retry-after"] == "2"
    clock.advance(2.5)
    assert attempt(PASSWORD).status_code == 303
    # Success clears the record.
    assert attempt("wrong").status_code == 401 and attempt("wrong").status_code == 401


def test_the_delay_also_follows_the_client_across_account_names(client, editor, clock) -> None:  # noqa: F811
    for name in ("mallory1", "mallory2", "mallory3"):
        assert client.post("/editor/login", data={"name": name, "password": "x"}).status_code == 401
    response = client.post("/editor/login", data={"name": EDITOR, "password": PASSWORD})
    assert response.status_code == 429


def test_a_changed_secret_key_signs_editors_out(client, component, csrf, tmp_path: Path, database_url: str) -> None:  # noqa: F811
    assert client.get("/api/editor/feedback").status_code == 200
    rotated = FeedbackComponent(make_settings(tmp_path, database_url, secret_key="another-secret-" + "z" * 30), clock=FakeClock())
    with closing(rotated), TestClient(build_app(rotated), follow_redirects=False, cookies=dict(client.cookies)) as after:
        assert after.get("/api/editor/feedback").status_code == 401
        page = after.get("/editor/")
        assert page.status_code == 303 and page.headers["location"].startswith("/editor/login")


# CSRF


def test_cookie_patch_needs_its_csrf_token(client, component, csrf) -> None:  # noqa: F811
    item_id = submit(client)
    path = f"/api/editor/feedback/{item_id}"
    assert client.patch(path, json={"status": "spam"}).status_code == 403
    assert client.patch(path, json={"status": "spam"}, headers={"X-CSRF-Token": "forged"}).status_code == 403
    assert component.triage.get(item_id)["status"] == "new"
    response = client.patch(path, json={"status": "spam"}, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200 and response.json()["status"] == "spam"


def test_cookie_form_posts_need_the_hidden_csrf_field(client, component, csrf) -> None:  # noqa: F811
    item_id = submit(client)
    response = client.post(f"/editor/items/{item_id}", data={"status": "resolved"})
    assert response.status_code == 403
    assert "CSRF" in parse_html(response.text).find(role="alert").text
    bulk = client.post("/editor/bulk", data={"ids": item_id, "action": "status:spam", "confirm": "yes"})
    assert bulk.status_code == 403
    assert client.post("/editor/logout").status_code == 403
    assert component.triage.get(item_id)["status"] == "new"


def test_bearer_token_needs_no_csrf(client, api_token) -> None:  # noqa: F811
    item_id = submit(client)
    response = client.patch(f"/api/editor/feedback/{item_id}", json={"status": "triaged"}, headers=bearer(api_token))
    assert response.status_code == 200 and response.json()["status"] == "triaged"


# The JSON API


def test_list_items_newest_first_with_filters_and_paging(client, api_token) -> None:  # noqa: F811
    first = submit(client, kind="typo", selected_text="x")
    second = submit(client, kind="question")
    third = submit(client, kind="question", page_url="/")
    auth = bearer(api_token)
    body = client.get("/api/editor/feedback", headers=auth).json()
    assert body["total"] == 3 and [i["id"] for i in body["items"]] == [third, second, first]
    assert set(body["items"][0]) == {*ITEM_FIELDS, "notes"}
    assert [i["id"] for i in client.get("/api/editor/feedback?kind=question&limit=1&offset=1", headers=auth).json()["items"]] == [second]
    assert client.get(f"/api/editor/feedback?page_url={ARTICLE}", headers=auth).json()["total"] == 2
    assert client.get("/api/editor/feedback?status=spam", headers=auth).json() == {"items": [], "total": 0}


@pytest.mark.parametrize("query", ["limit=0", "limit=501", "limit=ten", "offset=-1", "status=open", "kind=rant", "sort=newest"])
def test_list_items_refuses_bad_parameters(client, api_token, query: str) -> None:  # noqa: F811
    response = client.get(f"/api/editor/feedback?{query}", headers=bearer(api_token))
    assert response.status_code == 400 and response.json()["fields"]


def test_patch_moves_notes_assigns_and_links_duplicates(client, component, api_token) -> None:  # noqa: F811
    original, copy = submit(client), submit(client)
    auth = bearer(api_token)
    item = client.patch(f"/api/editor/feedback/{copy}", json={"duplicate_of": original.lower(), "note": "same question", "assignee": EDITOR}, headers=auth).json()
    assert (item["status"], item["duplicate_of"], item["assignee"]) == ("duplicate", original, EDITOR)
    assert [(n["author"], n["text"]) for n in item["notes"]] == [(EDITOR, "same question")]
    item = client.patch(f"/api/editor/feedback/{copy}", json={"note": "second note", "assignee": None}, headers=auth).json()
    assert [n["text"] for n in item["notes"]] == ["same question", "second note"] and item["assignee"] is None
    assert client.patch(f"/api/editor/feedback/{copy}", json={}, headers=auth).status_code == 200
    audit = [(a["actor"], a["field"], a["new_value"]) for a in component.triage.detail(copy).audit]
    assert audit == [
        ("reader", "status", "new"),
        (EDITOR, "status", "duplicate"),
        (EDITOR, "duplicate_of", original),
        (EDITOR, "assignee", EDITOR),
        (EDITOR, "note", "same question"),
        (EDITOR, "assignee", None),
        (EDITOR, "note", "second note"),
    ]  # the empty change added nothing


@pytest.mark.parametrize(
    "body, status, field",
    [
        ({"status": "done"}, 422, "status"),
        ({"status": None}, 422, "status"),
        ({"note": ""}, 422, "note"),
        ({"note": "n" * 5001}, 422, "note"),
        ({"assignee": "nobody"}, 422, "assignee"),
        ({"assignee": "bad name!"}, 422, "assignee"),
        ({"duplicate_of": "SELF"}, 422, "duplicate_of"),
        ({"duplicate_of": "ZZZZ-9999"}, 422, "duplicate_of"),
        ({"duplicate_of": "not an id"}, 422, "duplicate_of"),
        ({"status": "duplicate"}, 422, "duplicate_of"),
        ({"priority": "high"}, 400, "priority"),
    ],
)
def test_patch_refuses_bad_changes(client, component, api_token, body, status, field) -> None:  # noqa: F811
    item_id = submit(client)
    if body.get("duplicate_of") == "SELF":
        body = {"duplicate_of": item_id}
    response = client.patch(f"/api/editor/feedback/{item_id}", json=body, headers=bearer(api_token))
    assert response.status_code == status, response.text
    assert field in response.json()["fields"]
    assert component.triage.get(item_id)["status"] == "new"


@pytest.mark.parametrize(
    "path, status",
    [
        ("/api/editor/feedback/%00", 404),
        ("/api/editor/feedback/AAAA-0000%00", 404),
        ("/api/editor/feedback/x'%3B--", 404),
        ("/api/editor/feedback?q=a%00b", 400),
        ("/api/editor/feedback?page_url=%00", 400),
    ],
)
def test_odd_ids_and_filters_are_answered_without_the_database(client, api_token, path: str, status: int) -> None:  # noqa: F811
    """PostgreSQL refuses NUL in text; such input must be a 4xx, never a 503 from the driver."""
    response = client.get(path, headers=bearer(api_token))
    assert response.status_code == status and response.json()["error"]


def test_queue_filters_ignore_nul(client, csrf) -> None:  # noqa: F811
    assert client.get("/editor/?q=%00&page=%00").status_code == 200
    assert client.get("/editor/items/%00").status_code == 404


def test_a_huge_page_or_offset_is_not_a_server_error(client, csrf, api_token) -> None:  # noqa: F811
    assert client.get("/editor/?p=188975633200400662528").status_code == 200
    response = client.get("/api/editor/feedback?offset=188975633200400662528", headers=bearer(api_token))
    assert response.status_code == 400 and "offset" in response.json()["fields"]


def test_patch_of_an_unknown_item_is_404(client, api_token) -> None:  # noqa: F811
    response = client.patch("/api/editor/feedback/ZZZZ-0000", json={"status": "spam"}, headers=bearer(api_token))
    assert response.status_code == 404 and response.json()["error"]


def test_patch_body_is_limited_too(client, api_token) -> None:  # noqa: F811
    item_id = submit(client)
    response = client.patch(f"/api/editor/feedback/{item_id}", json={"note": "n" * 20000}, headers=bearer(api_token))
    assert response.status_code == 413 and "error" in response.json()


# The triage pages


def test_editor_pages_send_security_headers_and_no_inline_script(client, csrf) -> None:  # noqa: F811
    item_id = submit(client)
    for path in ("/editor/", f"/editor/items/{item_id}", "/editor/dashboard", "/editor/login?signed-out"):
        if path.startswith("/editor/login"):
            client.cookies.clear()
        response = client.get(path)
        assert response.status_code == 200, path
        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] in ("same-origin", "no-referrer")
        scripts = parse_html(response.text).find_all("script")
        assert scripts and all(s.attrs.get("src", "").startswith("/editor/static/") and not s.text.strip() for s in scripts)
        assert not any(name.startswith("on") for e in parse_html(response.text).iter() for name in e.attrs)
    assert client.get("/editor/static/editor.js").status_code == 200


def test_a_script_payload_is_stored_verbatim_and_shown_escaped(client, csrf, component) -> None:  # noqa: F811
    item_id = submit(client, message=XSS, name=XSS, kind="typo", selected_text=XSS, suggested_fix=XSS)
    assert component.triage.get(item_id)["message"] == XSS
    api_item = client.get(f"/api/editor/feedback/{item_id}").json()
    assert api_item["message"] == XSS and api_item["name"] == XSS
    for path in (f"/editor/items/{item_id}", "/editor/"):
        page = parse_html(client.get(path).text)
        assert [s.attrs["src"] for s in page.find_all("script")] == ["/editor/static/editor.js"]
        assert page.find_all("img") == []
    item_page = parse_html(client.get(f"/editor/items/{item_id}").text)
    assert item_page.by_id("message").text == XSS
    assert item_page.by_id("suggested-fix").text == XSS


def test_queue_opens_on_new_items_and_filters_searches_sorts(client, csrf, component) -> None:  # noqa: F811
    old = submit(client, message="first: knee question")
    spam = submit(client, message="buy pills")
    typo = submit(client, kind="typo", message="typo in the title", selected_text="hamstrng")
    component.triage.change(spam, __import__("feedback.model").model.Change(status="spam"), EDITOR)

    def refs(query: str = "") -> list[str]:
        page = parse_html(client.get(f"/editor/{query}").text)
        return [a.text for a in page.find_all("a") if a.attrs.get("href", "").startswith("/editor/items/")]

    assert refs() == [typo, old]
    assert refs("?status=all") == [typo, spam, old]
    assert refs("?status=spam") == [spam]
    assert refs("?status=new&kind=typo") == [typo]
    assert refs("?q=FIRST%3A") == [old]
    assert refs("?sort=oldest") == [old, typo]
    assert refs(f"?status=all&page={ARTICLE}&sort=oldest") == [old, spam, typo]
    ages = [t.text for t in parse_html(client.get("/editor/").text).find_all("time")]
    assert ages == ["just now", "just now"]


def test_item_page_shows_a_typo_in_context_with_source_file_and_line(client, csrf) -> None:  # noqa: F811
    source = (PROJECT_DIR / ARTICLE_SOURCE).read_text()
    selected = "a genuine source of hamstring pain"
    line = next(n for n, text in enumerate(source.splitlines(), 1) if selected in text)
    item_id = submit(
        client,
        kind="typo",
        message="Fine, just checking.",
        selected_text=selected,
        context_before="Its trigger points are ",
        context_after=", but the pain gathers",
        suggested_fix="a real source of hamstring pain",
    )
    page = parse_html(client.get(f"/editor/items/{item_id}").text)
    context = page.by_id("typo-context")
    assert context.find("mark").text == selected
    assert squash(context.text) == squash(f"Its trigger points are {selected}, but the pain gathers")
    assert page.find("code", class_="source-path").text == f"{ARTICLE_SOURCE}:{line}"
    assert page.by_id("source-line").text.startswith(f"{line}: ")


def test_item_form_changes_status_note_and_assignee_with_an_audit_log(client, csrf, component) -> None:  # noqa: F811
    item_id = submit(client)
    form = {"csrf_token": csrf, "status": "in_progress", "assignee": EDITOR, "duplicate_of": "", "note": "Asked Dr. K."}
    response = client.post(f"/editor/items/{item_id}", data=form)
    assert response.status_code == 303 and response.headers["location"] == f"/editor/items/{item_id}?saved=1"
    page = parse_html(client.get(response.headers["location"]).text)
    rows = [[squash(td.text) for td in tr.find_all("td")] for tr in page.find("table", class_="audit").find("tbody").find_all("tr")]
    assert [row[1:] for row in rows] == [
        ["reader", "status", "—", "new"],
        [EDITOR, "status", "new", "in_progress"],
        [EDITOR, "assignee", "—", EDITOR],
        [EDITOR, "note", "—", "Asked Dr. K."],
    ]
    assert all(row[0].endswith("Z") for row in rows)
    assert [squash(n.text) for n in page.find_all("div", class_="note-body")] == ["Asked Dr. K."]
    # An invalid change shows the page again with the problem and keeps the draft note.
    bad = client.post(f"/editor/items/{item_id}", data={**form, "status": "duplicate", "note": "draft"})
    assert bad.status_code == 422
    bad_page = parse_html(bad.text)
    assert bad_page.by_id("note").text == "draft" and bad_page.find(role="alert") is not None


def test_bulk_changes_ask_for_confirmation_first(client, csrf, component) -> None:  # noqa: F811
    ids = [submit(client) for _ in range(3)]
    form = {"csrf_token": csrf, "ids": ids[:2], "action": "status:spam"}
    confirm = client.post("/editor/bulk", data=form)
    assert confirm.status_code == 200
    page = parse_html(confirm.text)
    assert "Mark 2 items as Spam?" in squash(page.find(role="alert").text)
    assert sorted(i.attrs["value"] for i in page.find_all("input", name="ids")) == sorted(ids[:2])
    assert {component.triage.get(i)["status"] for i in ids} == {"new"}
    done = client.post("/editor/bulk", data={**form, "confirm": "yes"})
    assert done.status_code == 303
    assert [component.triage.get(i)["status"] for i in ids] == ["spam", "spam", "new"]
    dup = client.post("/editor/bulk", data={"csrf_token": csrf, "ids": ids[1:], "action": "duplicate", "duplicate_of": ids[0], "confirm": "yes"})
    assert dup.status_code == 303
    assert [component.triage.get(i)["duplicate_of"] for i in ids[1:]] == [ids[0], ids[0]]


def test_dashboard_shows_open_items_by_page_and_zero_result_searches(client, csrf, component) -> None:  # noqa: F811
    for _ in range(2):
        submit(client, kind="question")
    submit(client, page_url="/", kind="comment")
    component.triage.record_zero_result("knee <b>clicks</b>")
    page = parse_html(client.get("/editor/dashboard").text)
    rows = [[squash(td.text) for td in tr.find_all("td")] for tr in page.find("table", class_="by-page").find("tbody").find_all("tr")]
    assert [row[:3] for row in rows] == [[f"{ARTICLE} (article)", "2", "2"], ["/ (article)", "1", "0"]]
    zero = page.find("table", class_="zero-results").find("tbody").find_all("tr")
    assert [squash(zero[0].find("td").text)] == ["knee <b>clicks</b>"]


def test_export_from_the_ui(client, csrf) -> None:  # noqa: F811
    submit(client, message="=HYPERLINK(\"http://evil.example\")")
    csv_response = client.get("/editor/export?format=csv")
    assert csv_response.status_code == 200 and csv_response.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv_response.headers["content-disposition"]
    lines = csv_response.text.splitlines()
    assert lines[0].startswith("id,created_at,page_url,kind,message")
    assert "'=HYPERLINK" in lines[1]
    json_response = client.get("/editor/export?format=json&status=new")
    assert json_response.json()["total"] == 1
    assert json_response.json()["items"][0]["message"].startswith("=HYPERLINK")
    assert client.get("/editor/export?format=xml").status_code == 400


def test_a_burst_of_sign_ins_cannot_outrun_the_throttle(client, editor) -> None:  # noqa: F811
    from concurrent.futures import ThreadPoolExecutor

    def attempt(_: int) -> int:
        return client.post("/editor/login", data={"name": EDITOR, "password": "wrong guess"}).status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(attempt, range(24)))
    assert statuses.count(401) <= 3 and statuses.count(429) >= 21


def test_the_account_lock_stays_short_so_nobody_can_keep_an_editor_out(client, component, editor, clock) -> None:  # noqa: F811
    from feedback.account_repository import AccountRepository
    from feedback.auth import ACCOUNT_MAX_LOCK_SECONDS
    from feedback.timeutil import from_text

    for _ in range(12):
        client.post("/editor/login", data={"name": EDITOR, "password": "wrong"})
        clock.advance(3600)  # waits out every lock, so each attempt is a real failure
    with component.store.read() as tx:
        row = AccountRepository(tx).throttle(f"account:{EDITOR}")
    assert row is not None
    assert (from_text(row["locked_until"]) - from_text(row["updated_at"])).total_seconds() <= ACCOUNT_MAX_LOCK_SECONDS


def test_a_cross_site_sign_in_is_refused(client, editor) -> None:  # noqa: F811
    response = client.post("/editor/login", data={"name": EDITOR, "password": PASSWORD},
                           headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403 and "set-cookie" not in response.headers


def test_signing_in_again_ends_the_previous_session(client, editor) -> None:  # noqa: F811
    first = client.post("/editor/login", data={"name": EDITOR, "password": PASSWORD})
    old = first.cookies.get("atlas_editor_session") or client.cookies.get("atlas_editor_session")
    client.post("/editor/login", data={"name": EDITOR, "password": PASSWORD})
    client.cookies.clear()
    client.cookies.set("atlas_editor_session", old)
    assert client.get("/api/editor/feedback").status_code == 401
