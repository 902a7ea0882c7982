"""`trigger-atlas editor add|token` and `trigger-atlas feedback export|backup`."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from feedback.component import FeedbackComponent
from feedback.intake import Intake
from search_service.cli import main
from search_service.settings import Settings

from feedback_fixtures import ARTICLE, PROJECT_DIR, FakeClock, aged_token, closing, database_url, submission  # noqa: F401


@pytest.fixture
def env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:  # noqa: F811
    monkeypatch.setenv("ATLAS_PROJECT_DIR", str(PROJECT_DIR))
    monkeypatch.setenv("ATLAS_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("ATLAS_DATABASE_URL", database_url)
    monkeypatch.setenv("ATLAS_SECRET_KEY", "cli-test-secret-" + "c" * 30)
    return Settings.from_env()


def run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def seed(settings: Settings, *messages: str, status: str | None = None) -> list[str]:
    with closing(FeedbackComponent(settings, clock=FakeClock())) as component:
        intake: Intake = component.intake
        ids = [intake.receive(submission(message=m, form_token=aged_token()), "client") for m in messages]
        if status:
            from feedback.model import Change

            component.triage.change(ids[0], Change(status=status), "cli-test")
    return ids


def test_editor_add_reads_one_line_and_the_account_signs_in(env, monkeypatch, capsys) -> None:
    code, out, err = run(monkeypatch, capsys, "editor", "add", "grace", stdin="  spaces are kept  \nignored second line\n")
    assert code == 0 and out == "" and "grace" in err
    with closing(FeedbackComponent(env, clock=FakeClock())) as component:
        assert component.auth.login("grace", "  spaces are kept  ", "c")
    code, _, err = run(monkeypatch, capsys, "editor", "add", "grace", stdin="another password\n")
    assert code == 1 and "already an editor named 'grace'" in err


@pytest.mark.parametrize("name, password, problem", [("grace", "short\n", "at least 8"), ("bad name!", "long enough pw\n", "name")])
def test_editor_add_refuses_weak_input(env, monkeypatch, capsys, name, password, problem) -> None:
    code, _, err = run(monkeypatch, capsys, "editor", "add", name, stdin=password)
    assert code == 1 and problem in err


def test_editor_token_is_printed_once_and_stored_hashed(env, monkeypatch, capsys) -> None:
    run(monkeypatch, capsys, "editor", "add", "grace", stdin="long enough password\n")
    code, out, err = run(monkeypatch, capsys, "editor", "token", "grace")
    token = out.strip()
    assert code == 0 and token.startswith("ta_") and len(token) > 40 and "cannot be shown again" in err
    with closing(FeedbackComponent(env, clock=FakeClock())) as component:
        assert component.auth.token_editor(token) == "grace"
        with component.store.read() as tx:
            stored = [r["token_hash"] for r in tx.all("SELECT token_hash FROM api_tokens")]
    assert token not in stored and len(stored[0]) == 64
    code, _, err = run(monkeypatch, capsys, "editor", "token", "nobody")
    assert code == 1 and "no editor named 'nobody'" in err


def test_feedback_export_csv_and_json(env, monkeypatch, capsys) -> None:
    first, second = seed(env, "=cmd|' /C calc'!A0", "Second, with \"quotes\"\nand a new line", status="resolved")
    code, out, _ = run(monkeypatch, capsys, "feedback", "export")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [r["id"] for r in rows] == [second, first]
    assert rows[1]["message"] == "'=cmd|' /C calc'!A0" and rows[0]["message"] == "Second, with \"quotes\"\nand a new line"
    code, out, _ = run(monkeypatch, capsys, "feedback", "export", "--format", "json", "--status", "new")
    body = json.loads(out)
    assert code == 0 and body["total"] == 1 and body["items"][0]["id"] == second
    assert body["items"][0]["page_url"] == ARTICLE
    for bad in (["--format", "xml"], ["--status", "open"]):
        with pytest.raises(SystemExit):
            main(["feedback", "export", *bad])


def test_feedback_backup_is_a_consistent_copy(env, monkeypatch, capsys, tmp_path: Path) -> None:
    if not env.database_url.startswith("sqlite"):
        code, _, err = run(monkeypatch, capsys, "feedback", "backup", str(tmp_path / "x.db"))
        assert code == 1 and "pg_dump" in err
        return
    [item_id] = seed(env, "keep me")
    target = tmp_path / "backup.db"
    code, _, err = run(monkeypatch, capsys, "feedback", "backup", str(target))
    assert code == 0 and str(target) in err
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("SELECT id FROM feedback_items").fetchall() == [(item_id,)]
    finally:
        copy.close()
    code, _, err = run(monkeypatch, capsys, "feedback", "backup", str(target))
    assert code == 1 and "exists already" in err
    code, _, err = run(monkeypatch, capsys, "feedback", "backup", str(tmp_path))
    assert code == 0 and len(list(tmp_path.glob("feedback-*.db"))) == 1


def test_the_console_script_reads_the_password_from_a_pipe(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("trigger-atlas")
    if not script.exists():
        pytest.skip("the trigger-atlas console script is not installed in this environment")
    environment = {**os.environ, "ATLAS_DATA_DIR": str(tmp_path), "ATLAS_PROJECT_DIR": str(PROJECT_DIR)}
    environment.pop("ATLAS_DATABASE_URL", None)
    result = subprocess.run([str(script), "editor", "add", "linus"], input="a fine password\n", capture_output=True, text=True, env=environment)
    assert result.returncode == 0, result.stderr
    result = subprocess.run([str(script), "editor", "token", "linus"], capture_output=True, text=True, env=environment)
    assert result.returncode == 0 and result.stdout.startswith("ta_")
    assert (tmp_path / "feedback.db").exists()
