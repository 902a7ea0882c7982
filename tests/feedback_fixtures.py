"""Fixtures and helpers for the feedback tests (imported by tests/test_feedback*.py; not a conftest).

The store-backed fixtures run on SQLite and on PostgreSQL. PostgreSQL comes from ATLAS_TEST_POSTGRES_URL
(scripts/postgres-test-cluster.sh starts one); each test gets a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import time
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, AsyncIterator, Iterator

import psycopg
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from feedback.component import FeedbackComponent
from feedback.form_tokens import FormTokens
from feedback.model import ItemQuery
from search_service.errors import AtlasError, atlas_error_handler
from search_service.settings import Settings

PROJECT_DIR = Path(__file__).resolve().parents[1]
ARTICLE = "/patterns/thigh-and-knee/biceps-femoris/"
ARTICLE_SOURCE = "docs/patterns/thigh-and-knee/biceps-femoris.md"
SECRET = "test-secret-key-" + "k" * 32
EDITOR = "ada"
PASSWORD = "correct horse battery staple"


class FakeClock:
    """A UTC clock that moves only when told, plus a millisecond per reading so timestamps stay distinct."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2025, 11, 26, 12, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        self.now += timedelta(milliseconds=1)
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def postgres_url() -> str:
    url = os.environ.get("ATLAS_TEST_POSTGRES_URL")
    if not url:
        hint = "start one with scripts/postgres-test-cluster.sh and export ATLAS_TEST_POSTGRES_URL"
        if os.environ.get("CI"):
            pytest.fail(f"ATLAS_TEST_POSTGRES_URL is not set but CI is: the PostgreSQL store tests must run in CI ({hint})")
        pytest.skip(f"PostgreSQL store tests need ATLAS_TEST_POSTGRES_URL ({hint})")
    return url


@contextlib.contextmanager
def postgres_schema(base_url: str) -> Iterator[str]:
    """A fresh schema for one test; the URL's search_path points at it."""
    schema = f"atlas_test_{secrets.token_hex(6)}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        separator = "&" if "?" in base_url else "?"
        yield f"{base_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(base_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'feedback.db'}"
        return
    with postgres_schema(postgres_url()) as url:
        yield url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make_settings(tmp_path: Path, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "project_dir": PROJECT_DIR,
        "data_dir": tmp_path / "var",
        "database_url": database_url,
        "secret_key": SECRET,
        "feedback_rate": "1000/minute",
    }
    values.update(overrides)
    return Settings.from_env({}, **values)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return make_settings(tmp_path, database_url)


def build_app(component: FeedbackComponent) -> Starlette:
    """The feedback component composed as search_service.app composes it, without the search parts."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        component.startup()
        try:
            yield
        finally:
            component.shutdown()

    app = Starlette(
        routes=component.routes,
        middleware=component.middleware,
        lifespan=lifespan,
        exception_handlers={AtlasError: atlas_error_handler},
    )
    app.state.feedback = component
    return app


@contextlib.contextmanager
def closing(component: FeedbackComponent) -> Iterator[FeedbackComponent]:
    """A component whose store is closed afterwards, even when a test reads from it after the app stopped."""
    try:
        yield component
    finally:
        component.store.close()


@pytest.fixture
def component(settings: Settings, clock: FakeClock) -> Iterator[FeedbackComponent]:
    with closing(FeedbackComponent(settings, clock=clock)) as created:
        yield created


@pytest.fixture
def client(component: FeedbackComponent) -> Iterator[TestClient]:
    with TestClient(build_app(component), follow_redirects=False) as test_client:
        yield test_client


@pytest.fixture
def editor(component: FeedbackComponent) -> str:
    component.auth.add_editor(EDITOR, PASSWORD)
    return EDITOR


@pytest.fixture
def api_token(component: FeedbackComponent, editor: str) -> str:
    return component.auth.new_token(editor)


def sign_in(client: TestClient, name: str = EDITOR, password: str = PASSWORD) -> str:
    """Sign in through the form; return the session's CSRF token, read from the queue page."""
    response = client.post("/editor/login", data={"name": name, "password": password, "next": "/editor/"})
    assert response.status_code == 303, response.text
    page = parse_html(client.get("/editor/").text)
    field = page.find("input", name="csrf_token")
    assert field is not None
    return field.attrs["value"]


@pytest.fixture
def csrf(client: TestClient, editor: str) -> str:
    return sign_in(client)


def aged_token(seconds: float = 10) -> str:
    """A form token issued ``seconds`` ago, as a reader's browser would hold after typing."""
    return FormTokens(SECRET, clock=lambda: time.time() - seconds).issue()


def submission(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"page_url": ARTICLE, "kind": "question", "message": "Does this also cause pain when cycling?"}
    body.update(fields)
    return {k: v for k, v in body.items() if v is not ...}


def stored_items(component: FeedbackComponent) -> list[dict[str, Any]]:
    items, _ = component.triage.find(ItemQuery(limit=500))
    return items


# A small DOM from the standard library's parser, so tests can assert on structure instead of substrings.

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: "Element | None") -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list["Element | str"] = []

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def iter(self) -> Iterator["Element"]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, **attrs: str) -> list["Element"]:
        wanted = {k.rstrip("_"): v for k, v in attrs.items()}
        return [
            e for e in self.iter()
            if (tag is None or e.tag == tag) and all(e.attrs.get(k) == v for k, v in wanted.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> "Element | None":
        found = self.find_all(tag, **attrs)
        return found[0] if found else None

    def by_id(self, element_id: str) -> "Element":
        found = self.find(id=element_id)
        assert found is not None, f"no element with id {element_id!r}"
        return found


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v if v is not None else "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in _VOID:
            self.current = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse_html(text: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
