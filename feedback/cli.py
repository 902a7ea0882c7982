"""`trigger-atlas editor add|token` and `trigger-atlas feedback export|backup`."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from search_service.errors import AtlasError
from search_service.settings import Settings

from .auth import EditorAuth
from .export import FORMATS, export
from .model import STATES
from .store import SQLiteStore, StoreUnavailable, open_store
from .timeutil import utcnow
from .triage import Triage


def add_commands(sub: Any) -> None:
    editor = sub.add_parser("editor", help="editor accounts and API tokens")
    editor_sub = editor.add_subparsers(dest="editor_command", required=True)
    add = editor_sub.add_parser("add", help="create an editor account; the password is read from standard input")
    add.add_argument("name")
    add.set_defaults(func=cmd_editor_add)
    token = editor_sub.add_parser("token", help="print a new API token for an editor (shown once, stored hashed)")
    token.add_argument("name")
    token.set_defaults(func=cmd_editor_token)

    feedback = sub.add_parser("feedback", help="the readers' feedback queue")
    feedback_sub = feedback.add_subparsers(dest="feedback_command", required=True)
    exporter = feedback_sub.add_parser("export", help="write the review queue to standard output")
    exporter.add_argument("--format", choices=FORMATS, default="csv")
    exporter.add_argument("--status", choices=STATES, help="only items in this state")
    exporter.set_defaults(func=cmd_feedback_export)
    backup = feedback_sub.add_parser("backup", help="copy the SQLite database while the service runs")
    backup.add_argument("path", help="a new file, or a directory to put a time-stamped copy in")
    backup.set_defaults(func=cmd_feedback_backup)


def _fail(message: str) -> int:
    print(f"trigger-atlas: {message}", file=sys.stderr)
    return 1


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password again: "):
            raise ValueError("the two passwords differ")
        return first
    # One line, as scripts pipe it; only the line break is removed, spaces are part of a password.
    return sys.stdin.readline().rstrip("\r\n")


def _run(work: Any) -> int:
    settings = Settings.from_env()
    try:
        store = open_store(settings.database_url)
    except StoreUnavailable as exc:
        return _fail(f"{exc.message} ({exc.detail})")
    try:
        return int(work(settings, store) or 0)
    except StoreUnavailable as exc:
        return _fail(f"{exc.message} ({exc.detail})")
    except AtlasError as exc:
        return _fail(exc.message)
    finally:
        store.close()


def cmd_editor_add(args: argparse.Namespace) -> int:
    try:
        password = _read_password()
    except (ValueError, EOFError) as exc:
        return _fail(str(exc))

    def work(settings: Settings, store: Any) -> int:
        EditorAuth(store, settings.secret_key, utcnow).add_editor(args.name, password)
        print(f"Editor {args.name!r} added.", file=sys.stderr)
        return 0

    return _run(work)


def cmd_editor_token(args: argparse.Namespace) -> int:
    def work(settings: Settings, store: Any) -> int:
        token = EditorAuth(store, settings.secret_key, utcnow).new_token(args.name)
        print(token)
        print("Keep this token now: it is stored hashed and cannot be shown again.", file=sys.stderr)
        return 0

    return _run(work)


def cmd_feedback_export(args: argparse.Namespace) -> int:
    def work(settings: Settings, store: Any) -> int:
        for chunk in export(Triage(store, utcnow).export(args.status), args.format):
            sys.stdout.write(chunk)
        sys.stdout.flush()
        return 0

    return _run(work)


def cmd_feedback_backup(args: argparse.Namespace) -> int:
    def work(settings: Settings, store: Any) -> int:
        if not isinstance(store, SQLiteStore):
            return _fail(
                "the feedback database is PostgreSQL; back it up with pg_dump, "
                "e.g. pg_dump --format=custom --file=feedback.dump \"$ATLAS_DATABASE_URL\""
            )
        target = Path(args.path)
        if target.is_dir():
            target = target / f"feedback-{utcnow().strftime('%Y%m%dT%H%M%SZ')}.db"
        if target.exists():
            return _fail(f"{target} exists already; give the backup a new name")
        partial = target.with_name(target.name + ".partial")
        try:
            store.backup(partial)
            # Renamed only when complete, so a file under the final name is always a whole backup.
            os.replace(partial, target)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            return _fail(f"cannot write {target}: {exc.strerror or exc}")
        print(f"Backed up {store.path} to {target}", file=sys.stderr)
        return 0

    return _run(work)
