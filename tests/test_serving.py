"""`trigger-atlas serve` for real: several workers pick up a rebuilt index, SIGTERM lets requests in
flight finish, a damaged index is rebuilt at start, and /metrics adds up every worker."""

from __future__ import annotations

import json
import signal
import socket
import time
from pathlib import Path

import httpx2 as httpx

from search_service.content.atlas import Atlas
from search_service.search.documents import atlas_documents
from search_service.search.engine import build
from search_service.settings import Settings
from tests.conftest import data_dir_with_index, LiveServer

ARTICLE = "/patterns/thigh-and-knee/biceps-femoris/"


def versions(url: str, n: int = 30) -> set[str]:
    # A fresh connection per request, so that both workers answer.
    return {httpx.get(f"{url}/healthz").json()["index_version"] for _ in range(n)}


def test_every_worker_picks_up_a_rebuilt_index(built_settings: Settings, tmp_path: Path) -> None:
    data_dir = data_dir_with_index(built_settings, tmp_path / "data")
    server = LiveServer(data_dir, ["--workers", "2"])
    try:
        server.wait_ready()
        before = versions(server.url)
        assert len(before) == 1
        atlas = Atlas.load(built_settings.docs_dir)
        meta = build(data_dir / "index", atlas_documents(atlas), fingerprint="f" * 64,
                     sidecar=json.loads((built_settings.index_dir / (built_settings.index_dir / "CURRENT").read_text() / "sidecar.json").read_text()))
        assert versions(server.url) == {meta.version} != before
        answer = httpx.get(f"{server.url}/api/search", params={"q": "seizing hamstring"}).json()
        assert answer["results"][0]["muscle"] == "gluteus-minimus"
    finally:
        server.stop()


def test_sigterm_lets_a_request_in_flight_finish(built_settings: Settings, tmp_path: Path) -> None:
    data_dir = data_dir_with_index(built_settings, tmp_path / "data")
    server = LiveServer(data_dir)
    try:
        server.wait_ready()
        body = json.dumps({"page_url": ARTICLE, "kind": "question", "message": "Sent while the server stops."}).encode()
        with socket.create_connection(("127.0.0.1", server.port)) as sock:
            head = (f"POST /api/feedback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
            sock.sendall(head + body[:10])
            time.sleep(0.3)
            server.process.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            assert server.process.poll() is None, "the server quit with a request in flight"
            sock.sendall(body[10:])
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 201"), reply[:200]
        # uvicorn finishes the request, shuts down, then re-raises SIGTERM so the exit status says why.
        assert server.process.wait(timeout=15) in (0, -signal.SIGTERM)
    finally:
        server.stop()


def test_serve_rebuilds_a_damaged_index(built_settings: Settings, tmp_path: Path) -> None:
    data_dir = data_dir_with_index(built_settings, tmp_path / "data")
    generation = data_dir / "index" / (data_dir / "index" / "CURRENT").read_text()
    for part in generation.glob("*.toc"):
        part.write_bytes(b"damaged")
    server = LiveServer(data_dir)
    try:
        server.wait_ready()
        assert httpx.get(f"{server.url}/api/search", params={"q": "heel pain"}).status_code == 200
    finally:
        server.stop()


def test_metrics_add_up_across_workers(built_settings: Settings, tmp_path: Path) -> None:
    data_dir = data_dir_with_index(built_settings, tmp_path / "data")
    server = LiveServer(data_dir, ["--workers", "2"])
    try:
        server.wait_ready()
        for _ in range(20):
            with httpx.Client() as client:
                assert client.get(f"{server.url}/api/search", params={"q": "calf cramp"}).status_code == 200
        text = httpx.get(f"{server.url}/metrics").text
        line = next(l for l in text.splitlines() if l.startswith('atlas_searches_total{by="words"}'))
        assert float(line.split()[-1]) == 20
    finally:
        server.stop()
