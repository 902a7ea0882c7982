"""Shared fixtures: a built site and index, an app client with overrides, a live server, Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx2 as httpx
import pytest
from starlette.testclient import TestClient

from search_service.app import create_app
from search_service.cli import prepare
from search_service.settings import Settings

PROJECT_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def in_ci() -> bool:
    return bool(os.environ.get("CI"))


@pytest.fixture(scope="session")
def built_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The real site built into site/ and the real atlas indexed into a temporary data dir."""
    settings = Settings.from_env({}, project_dir=PROJECT_DIR, data_dir=tmp_path_factory.mktemp("data"))
    prepare(settings, say=lambda _: None)
    return settings


@pytest.fixture
def make_client(built_settings: Settings, tmp_path: Path) -> Iterator[Callable[..., TestClient]]:
    """A TestClient on a fresh data dir (the built index copied in); keyword arguments override settings."""
    clients: list[TestClient] = []

    def make(**overrides: Any) -> TestClient:
        data_dir = Path(overrides.pop("data_dir", tmp_path / f"data{len(clients)}"))
        with_index = overrides.pop("with_index", True)
        if with_index and not (data_dir / "index").exists():
            data_dir_with_index(built_settings, data_dir)
        settings = Settings.from_env({}, project_dir=PROJECT_DIR, data_dir=data_dir, **overrides)
        client = TestClient(create_app(settings))
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def data_dir_with_index(built: Settings, data_dir: Path) -> Path:
    """A data dir holding a copy of the built index, for a server of its own."""
    shutil.copytree(built.index_dir, data_dir / "index")
    return data_dir


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveServer:
    def __init__(self, data_dir: Path, extra_args: list[str] | None = None, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        command = [sys.executable, "-m", "search_service.cli", "serve", "--port", str(self.port), "--data-dir", str(data_dir)]
        self.log = open(data_dir.parent / f"serve-{self.port}.log", "w")
        self.process = subprocess.Popen(
            command + (extra_args or []),
            cwd=PROJECT_DIR,
            env={**os.environ, **(env or {})},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"trigger-atlas serve exited: {Path(self.log.name).read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("trigger-atlas serve did not become healthy in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait()
        self.log.close()


@pytest.fixture(scope="session")
def live_server(built_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A real `trigger-atlas serve` on a free loopback port (site and index already fresh)."""
    server = LiveServer(data_dir_with_index(built_settings, tmp_path_factory.mktemp("live") / "data"))
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright. Missing Chromium fails in CI; elsewhere it skips."""
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: install Debian's chromium package (see README prerequisites)"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture(scope="session")
def static_site(built_settings: Settings) -> Iterator[str]:
    """The built site on a plain static file server: no search service behind it."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(built_settings.site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
