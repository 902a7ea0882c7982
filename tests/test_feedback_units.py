"""The pure parts of the feedback package: validation, spam guard, form tokens, client addresses, typo location."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from feedback.auth import FREE_FAILURES, MAX_LOCK_SECONDS, lock_seconds
from feedback.client_address import client_address, client_hash, forwarded_scheme, parse_proxies
from feedback.export import CSV_COLUMNS, iter_csv, iter_json
from feedback.form_tokens import FormTokens, TokenCheck
from feedback.model import SUBMISSION_FIELDS, Submission
from feedback.pages import SitePages, find_selection
from feedback.spam_guard import assess
from feedback.validation import clean_change, clean_item_query, clean_submission
from search_service.errors import AtlasError, BadRequest, Unprocessable
from search_service.settings import SettingsError

from feedback_fixtures import ARTICLE, ARTICLE_SOURCE, PROJECT_DIR

PAGES = SitePages(PROJECT_DIR / "docs", PROJECT_DIR / "site")


def ok_page(url: str) -> str | None:
    return None


# Validation


def test_clean_submission_keeps_values_as_sent() -> None:
    data = {"page_url": "/x/", "message": "  <b>hi</b>  ", "kind": "typo", "email": "", "name": None}
    assert clean_submission(data, ok_page) == Submission(page_url="/x/", kind="typo", message="  <b>hi</b>  ", email="")


def test_clean_submission_reports_every_field_at_once() -> None:
    with pytest.raises(Unprocessable) as caught:
        clean_submission({"page_url": 3, "kind": "x", "message": "", "email": "nope"}, ok_page)
    assert set(caught.value.fields) == {"page_url", "kind", "message", "email"}
    assert caught.value.message.startswith("4 fields need attention")


def test_unknown_fields_are_a_400() -> None:
    with pytest.raises(BadRequest) as caught:
        clean_submission({"page_url": "/", "message": "m", "extra": 1, "more": 2}, ok_page)
    assert set(caught.value.fields) == {"extra", "more"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*SUBMISSION_FIELDS, "other"]) | st.text(max_size=10), json_values | st.text(), max_size=8) | json_values)
def test_clean_submission_only_ever_raises_errors_a_person_can_act_on(data: object) -> None:
    try:
        result = clean_submission(data, PAGES.path_problem)
    except AtlasError as exc:
        assert exc.status_code in (400, 422) and exc.message
        return
    assert isinstance(result, Submission)
    for name in SUBMISSION_FIELDS:
        value = getattr(result, name)
        assert value is None or isinstance(value, str)
    # What passes is storable: text both engines take.
    for value in result.values().values():
        if value is not None:
            assert "\x00" not in value
            value.encode("utf-8")


def test_clean_change_distinguishes_null_from_absent() -> None:
    change = clean_change({"assignee": None, "duplicate_of": "abcd-1234"})
    assert change.assignee is None and change.duplicate_of == "ABCD-1234" and not change.status


def test_clean_item_query_defaults_and_bounds() -> None:
    query = clean_item_query({})
    assert (query.limit, query.offset, query.statuses) == (50, 0, ())
    assert clean_item_query({"limit": "500", "offset": "10", "status": "spam"}).limit == 500
    for bad in ({"limit": "0"}, {"limit": "501"}, {"offset": "-1"}, {"offset": "188975633200400662528"}, {"limit": "1.5"}, {"sort": "x"}):
        with pytest.raises(BadRequest):
            clean_item_query(bad)


# Pages and typo locations


@pytest.mark.parametrize(
    "url, problem",
    [
        (ARTICLE, None),
        ("/", None),
        ("/patterns/", None),
        (ARTICLE + "#referral", None),
        ("/patterns/thigh-and-knee/biceps-femoris", None),
        ("/nope/", "is not a page of this site"),
        ("patterns/", "must be a path"),
        ("http://x/", "must be a path"),
        ("//x/", "must be a path"),
        ("/patterns/../../etc/", "is not a valid path"),
        ("/a\\b/", "is not a valid path"),
        ("/" + "a" * 600, "is longer than 500 characters"),
    ],
)
def test_page_urls(url: str, problem: str | None) -> None:
    found = PAGES.path_problem(url)
    assert (found is None) if problem is None else (found is not None and found.startswith(problem))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400) | st.text(alphabet="/.%a2F", max_size=40).map(lambda s: "/" + s))
def test_page_check_never_fails_on_odd_urls(url: str) -> None:
    problem = PAGES.path_problem(url)
    assert problem is None or isinstance(problem, str)


def test_a_path_segment_too_long_for_the_file_system_is_no_page() -> None:
    assert PAGES.path_problem("/" + "a" * 300 + "/") == "is not a page of this site"


def test_source_file_follows_directory_urls() -> None:
    assert PAGES.source_file(ARTICLE) == PROJECT_DIR / ARTICLE_SOURCE
    assert PAGES.source_file("/") == PROJECT_DIR / "docs/index.md"
    assert PAGES.source_file("/patterns/") == PROJECT_DIR / "docs/patterns/index.md"


def test_find_selection_sees_through_markup_and_line_breaks() -> None:
    text = "# Title\n\nThe **essential zone** is the back\nof the knee.\n\nThe knee again.\n"
    offset = find_selection(text, "essential zone is the back of the knee", "", "")
    assert offset is not None and text.count("\n", 0, offset) + 1 == 3


def test_find_selection_uses_context_to_pick_an_occurrence() -> None:
    text = "the knee hurts.\nBehind the knee it aches.\nAbove the knee, nothing.\n"
    offset = find_selection(text, "knee", "Behind the ", " it aches")
    assert text.count("\n", 0, offset) + 1 == 2
    assert find_selection(text, "elbow") is None
    assert find_selection(text, "   ") is None


def test_locate_gives_the_source_path_and_line() -> None:
    location = PAGES.locate(ARTICLE, "essential zone is the back of the knee")
    assert location is not None and location.path == ARTICLE_SOURCE
    source = (PROJECT_DIR / ARTICLE_SOURCE).read_text().splitlines()
    assert "**essential zone**" in source[location.line - 1] and location.line_text == source[location.line - 1]
    assert PAGES.locate(ARTICLE, "words that are nowhere in it").line is None
    assert PAGES.locate("/nope/", "x") is None


# Spam guard and form tokens


def sub(**fields: str) -> Submission:
    return Submission(page_url="/", kind="comment", message=fields.pop("message", "Nice article."), **fields)


def test_spam_guard() -> None:
    assert assess(sub(), TokenCheck.MISSING) == (True, None)
    assert assess(sub(website=" x "), TokenCheck.VALID)[1].startswith("honeypot")
    assert assess(sub(website="   "), TokenCheck.VALID) == (True, None)
    assert assess(sub(), TokenCheck.TOO_FAST)[1].startswith("form token")
    two = "see http://a.example and http://b.example for details on this muscle"
    assert assess(sub(message=two), TokenCheck.VALID) == (True, None)
    assert assess(sub(message=two), TokenCheck.EXPIRED)[0] is False
    assert assess(sub(message="[url=http://x]x[/url] <a href=y> www.z.example"), TokenCheck.VALID)[0] is False
    assert assess(sub(message="ok", name="http://a.example http://b.example"), TokenCheck.MISSING)[0] is False


def test_form_tokens() -> None:
    now = [1_000_000.0]
    tokens = FormTokens("secret", min_seconds=3, max_age=60, clock=lambda: now[0])
    token = tokens.issue()
    assert tokens.check(token) is TokenCheck.TOO_FAST
    now[0] += 3.5
    assert tokens.check(token) is TokenCheck.VALID
    now[0] += 60
    assert tokens.check(token) is TokenCheck.EXPIRED
    assert tokens.check(None) is TokenCheck.MISSING and tokens.check("") is TokenCheck.MISSING
    assert tokens.check(token[:-2] + "xx") is TokenCheck.INVALID
    assert FormTokens("other secret", clock=lambda: now[0]).check(token) is TokenCheck.INVALID


# Client addresses


def test_client_address_trusts_forwarded_for_only_from_trusted_proxies() -> None:
    proxies = parse_proxies(["10.0.0.0/8", "192.0.2.1"])
    assert client_address("10.1.2.3", "203.0.113.9", proxies) == "203.0.113.9"
    # A client can write anything on the left; the nearest untrusted hop counts.
    assert client_address("10.1.2.3", "1.1.1.1, 203.0.113.9, 192.0.2.1", proxies) == "203.0.113.9"
    assert client_address("198.51.100.1", "203.0.113.9", proxies) == "198.51.100.1"
    assert client_address("10.1.2.3", None, proxies) == "10.1.2.3"
    assert client_address(None, "203.0.113.9", proxies) == "unknown"
    assert forwarded_scheme("10.1.2.3", "https", "http", proxies) == "https"
    assert forwarded_scheme("198.51.100.1", "https", "http", proxies) == "http"
    with pytest.raises(SettingsError):
        parse_proxies(["not-an-address"])


def test_client_hash_is_keyed_and_takes_ipv6_per_64() -> None:
    assert client_hash("203.0.113.9", "a") != client_hash("203.0.113.9", "b")
    assert "203" not in client_hash("203.0.113.9", "a")
    assert client_hash("2001:db8:1:2::1", "a") == client_hash("2001:db8:1:2:ffff::9", "a")
    assert client_hash("2001:db8:1:3::1", "a") != client_hash("2001:db8:1:2::1", "a")


def test_lock_grows_and_is_capped() -> None:
    assert [lock_seconds(n) for n in range(1, FREE_FAILURES + 4)] == [0, 0, 1, 2, 4, 8]
    assert lock_seconds(100) == MAX_LOCK_SECONDS


# Export


def test_export_formats() -> None:
    item = {name: None for name in CSV_COLUMNS}
    item.update(id="AAAA-0001", message="-1+1", name="@me", notes=[{"author": "ada", "created_at": "t", "text": "x"}])
    rows = list(csv.reader(io.StringIO("".join(iter_csv([item])))))
    assert rows[0] == list(CSV_COLUMNS)
    record = dict(zip(rows[0], rows[1]))
    assert (record["message"], record["name"], record["notes"]) == ("'-1+1", "'@me", "ada (t): x")
    assert json.loads("".join(iter_json([item, item]))) == {"items": [item, item], "total": 2}
    assert json.loads("".join(iter_json([]))) == {"items": [], "total": 0}


def test_migrations_ship_with_the_package() -> None:
    folder = Path(__file__).resolve().parents[1] / "feedback" / "migrations"
    assert sorted(p.name for p in (folder / "sqlite").glob("*.sql")) == sorted(p.name for p in (folder / "postgresql").glob("*.sql"))
