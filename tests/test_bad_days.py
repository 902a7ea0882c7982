"""Bad days: a full disk, a read-only data dir, a damaged index, PostgreSQL going away and coming back.

Each answers 503 with an error a person can act on, stores nothing half-written, and recovers without
a restart. The disks are real: small tmpfs mounts (root only, as CI runs; elsewhere these skip).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Callable, Iterator

import psycopg
import pytest
from starlette.testclient import TestClient

from tests.conftest import data_dir_with_index, PROJECT_DIR, in_ci

ARTICLE = "/patterns/thigh-and-knee/biceps-femoris/"


def submit(client: TestClient, message: str) -> int:
    body = {"page_url": ARTICLE, "kind": "comment", "message": message}
    return client.post("/api/feedback", json=body).status_code


def health_becomes(client: TestClient, status: int, within: float = 10.0) -> bool:
    """/healthz caches the database check for a moment; wait for it to catch up."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if client.get("/healthz").status_code == status:
            return True
        time.sleep(0.2)
    return False


def count_rows(db: Path) -> int:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return int(conn.execute("SELECT count(*) FROM feedback_items").fetchone()[0])


@contextlib.contextmanager
def tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True, text=True)
    if result.returncode != 0:
        message = f"cannot mount a tmpfs to play a small or read-only disk: {result.stderr.strip()}"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_full_disk_refuses_with_503_and_recovers(make_client: Callable[..., TestClient], tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "4m") as disk:
        client = make_client(data_dir=disk / "data", with_index=False, feedback_rate="1000/minute")
        assert submit(client, "before the disk filled") == 201
        filler = disk / "filler"
        with open(filler, "wb") as fh:
            with contextlib.suppress(OSError):
                while True:
                    fh.write(b"\0" * 65536)
                    fh.flush()
        answers = [client.post("/api/feedback", json={"page_url": ARTICLE, "kind": "comment", "message": "x" * 4000 + str(i)})
                   for i in range(30)]
        refused = [a for a in answers if a.status_code == 503]
        assert refused, [a.status_code for a in answers]
        assert all(a.status_code in (201, 503) for a in answers), [(a.status_code, a.text[:200]) for a in answers]
        assert "nothing was saved" in refused[0].json()["error"]
        accepted = sum(a.status_code == 201 for a in answers)
        filler.unlink()
        assert submit(client, "after space came back") == 201
        assert count_rows(disk / "data" / "feedback.db") == 2 + accepted


def test_a_read_only_data_dir_refuses_with_503_and_recovers(make_client: Callable[..., TestClient], tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", "8m") as disk:
        client = make_client(data_dir=disk / "data", with_index=False, feedback_rate="1000/minute")
        assert submit(client, "while writable") == 201
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        response = client.post("/api/feedback", json={"page_url": ARTICLE, "kind": "comment", "message": "while read-only"})
        assert response.status_code == 503 and response.json()["error"]
        subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        assert submit(client, "writable again") == 201
        messages = {row[0] for row in sqlite3.connect(disk / "data" / "feedback.db").execute("SELECT message FROM feedback_items")}
        assert messages == {"while writable", "writable again"}


def test_a_damaged_index_is_503_never_500(make_client: Callable[..., TestClient], built_settings, tmp_path: Path) -> None:
    data_dir = data_dir_with_index(built_settings, tmp_path / "data")
    generation = data_dir / "index" / (data_dir / "index" / "CURRENT").read_text()
    for part in generation.glob("*.toc"):
        part.write_bytes(b"damaged")
    client = make_client(data_dir=data_dir)
    assert client.get("/healthz").status_code == 503
    for path, params in (("/api/search", {"q": "knee"}), ("/api/suggest", {"q": "kn"}), ("/api/areas", {})):
        response = client.get(path, params=params)
        assert response.status_code == 503 and response.json()["error"], path
    assert submit(client, "feedback still works without an index") == 201


@pytest.mark.postgres
def test_postgres_going_away_and_coming_back(make_client: Callable[..., TestClient], tmp_path: Path) -> None:
    if not os.environ.get("ATLAS_TEST_POSTGRES_URL"):
        from tests.feedback_fixtures import postgres_url

        postgres_url()  # fails in CI, skips elsewhere, with the reason
    script = str(PROJECT_DIR / "scripts" / "postgres-test-cluster.sh")
    # Not under tmp_path: PostgreSQL runs as its own user, who cannot enter pytest's private folders.
    env = {**os.environ, "PGPORT_TEST": "55439", "PG_TEST_DIR": f"/tmp/atlas-pg-outage-{os.getpid()}"}
    url = subprocess.run([script, "start"], env=env, capture_output=True, text=True, check=True).stdout.strip()
    try:
        client = make_client(database_url=url)
        assert submit(client, "before the outage") == 201
        assert health_becomes(client, 200)
        subprocess.run([script, "halt"], env=env, capture_output=True, check=True)
        response = client.post("/api/feedback", json={"page_url": ARTICLE, "kind": "comment", "message": "during the outage"})
        assert response.status_code == 503 and response.json()["error"]
        assert health_becomes(client, 503)
        subprocess.run([script, "start"], env=env, capture_output=True, check=True)
        assert submit(client, "after the outage") == 201
        assert health_becomes(client, 200)
        with psycopg.connect(url) as conn:
            messages = {row[0] for row in conn.execute("SELECT message FROM feedback_items")}
        assert messages == {"before the outage", "after the outage"}
    finally:
        subprocess.run([script, "stop"], env=env, capture_output=True)
