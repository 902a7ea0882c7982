"""Crash durability: SIGKILL the whole server mid-stream; every submission acknowledged with 201 survives, once.

SQLite and PostgreSQL, one worker and two. The server is a real `trigger-atlas serve` in its own process
group; concurrent clients submit until a moment after the kill, and what they were told is compared with
what the restarted server holds.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import httpx2 as httpx
import pytest

from search_service.settings import Settings
from tests.conftest import data_dir_with_index, PROJECT_DIR, LiveServer
from tests.feedback_fixtures import postgres_schema, postgres_url

CLIENTS = 6
ARTICLE = "/patterns/thigh-and-knee/biceps-femoris/"


@pytest.fixture(params=["sqlite-1", "sqlite-2", pytest.param("postgres-2", marks=pytest.mark.postgres)])
def crash_setup(request: pytest.FixtureRequest, built_settings: Settings, tmp_path: Path) -> Iterator[tuple[Path, dict[str, str], int]]:
    database, workers = request.param.split("-")
    data_dir = data_dir_with_index(built_settings, tmp_path / "data")
    env = {"ATLAS_FEEDBACK_RATE": "1000000/minute"}
    if database == "postgres":
        with postgres_schema(postgres_url()) as url:
            yield data_dir, {**env, "ATLAS_DATABASE_URL": url}, int(workers)
        return
    yield data_dir, env, int(workers)


def submit_until_stopped(url: str, stop: threading.Event, acknowledged: dict[str, str], lock: threading.Lock, worker: int) -> None:
    with httpx.Client(timeout=5) as client:
        for n in itertools.count():
            if stop.is_set():
                return
            message = f"durability check {worker}-{n}"
            try:
                response = client.post(f"{url}/api/feedback", json={"page_url": ARTICLE, "kind": "comment", "message": message})
            except httpx.HTTPError:
                time.sleep(0.01)
                continue
            if response.status_code == 201:
                with lock:
                    acknowledged[response.json()["id"]] = message


def stored_items(data_dir: Path, env: dict[str, str]) -> list[dict]:
    out = subprocess.run(
        [sys.executable, "-m", "search_service.cli", "feedback", "export", "--format", "json"],
        cwd=PROJECT_DIR, env={**os.environ, **env, "ATLAS_DATA_DIR": str(data_dir)},
        capture_output=True, text=True, check=True,
    ).stdout
    return json.loads(out)["items"]


def test_acknowledged_submissions_survive_sigkill_exactly_once(crash_setup: tuple[Path, dict[str, str], int]) -> None:
    data_dir, env, workers = crash_setup
    server = LiveServer(data_dir, ["--workers", str(workers)], env=env)
    acknowledged: dict[str, str] = {}
    lock = threading.Lock()
    stop = threading.Event()
    try:
        server.wait_ready()
        clients = [threading.Thread(target=submit_until_stopped, args=(server.url, stop, acknowledged, lock, i)) for i in range(CLIENTS)]
        for thread in clients:
            thread.start()
        deadline = time.monotonic() + 20
        while len(acknowledged) < 150 and time.monotonic() < deadline:
            time.sleep(0.02)
        os.killpg(server.process.pid, signal.SIGKILL)  # the whole group: every worker, mid-request
        server.process.wait()
        time.sleep(0.3)  # clients see the connection drop while still sending
        stop.set()
        for thread in clients:
            thread.join()
    finally:
        stop.set()
        server.stop()
    assert len(acknowledged) >= 50, "too few submissions were acknowledged before the kill to prove anything"

    restarted = LiveServer(data_dir, ["--workers", str(workers)], env=env)
    try:
        restarted.wait_ready()
        items = stored_items(data_dir, env)
        after = httpx.post(f"{restarted.url}/api/feedback", json={"page_url": ARTICLE, "kind": "comment", "message": "after restart"})
        assert after.status_code == 201
    finally:
        restarted.stop()
    by_id = {item["id"]: item for item in items}
    assert len(by_id) == len(items), "an id is stored twice"
    messages = [item["message"] for item in items]
    assert len(set(messages)) == len(messages), "a submission is stored twice"
    missing = [i for i in acknowledged if i not in by_id]
    assert not missing, f"{len(missing)} acknowledged submissions were lost"
    assert all(by_id[i]["message"] == message for i, message in acknowledged.items())
