"""Connections, the small SQL dialect shim and the versioned migrations of the feedback database.

Thin repositories over the stdlib ``sqlite3`` and ``psycopg`` 3 instead of an ORM: seven small tables and plain SQL
that both engines accept, so an ORM would add a dependency and a layer without removing code; the engines differ
only in placeholders, row locks and identity columns, which :class:`Dialect` and per-dialect migrations cover.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import logging
import re
import sqlite3
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterator, Protocol, Sequence

import psycopg
from psycopg.pq import TransactionStatus
from psycopg.rows import dict_row

from search_service.errors import Unavailable

from .timeutil import to_text, utcnow

log = logging.getLogger("feedback.store")

Row = dict[str, Any]
Params = Sequence[Any]

BUSY_TIMEOUT_MS = 5000


class StoreUnavailable(Unavailable):
    """The database cannot be reached or refused the work; nothing was written."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            "The feedback database is unavailable at the moment; nothing was saved. Please try again in a minute.",
            headers={"Retry-After": "30"},
        )
        self.detail = detail


class Conflict(Exception):
    """A uniqueness or reference constraint refused the write."""


@dataclass(frozen=True)
class Dialect:
    name: str
    placeholder: str
    # Appended to a SELECT that reads a row about to be changed; SQLite's BEGIN IMMEDIATE already serialises writers.
    for_update: str

    def sql(self, text: str) -> str:
        """Translate the repositories' portable SQL (``?`` placeholders) into this engine's."""
        if self.placeholder == "?":
            return text
        # psycopg treats % as the start of a placeholder, so literal ones are doubled first.
        return text.replace("%", "%%").replace("?", self.placeholder)


SQLITE = Dialect(name="sqlite", placeholder="?", for_update="")
POSTGRESQL = Dialect(name="postgresql", placeholder="%s", for_update=" FOR UPDATE")


class Tx:
    """One transaction's worth of statements, whatever the engine."""

    def __init__(self, cursor: Any, dialect: Dialect) -> None:
        self._cursor = cursor
        self.dialect = dialect

    def execute(self, sql: str, params: Params = ()) -> int:
        self._cursor.execute(self.dialect.sql(sql), tuple(params))
        return int(self._cursor.rowcount)

    def all(self, sql: str, params: Params = ()) -> list[Row]:
        self._cursor.execute(self.dialect.sql(sql), tuple(params))
        return list(self._cursor.fetchall())

    def one(self, sql: str, params: Params = ()) -> Row | None:
        self._cursor.execute(self.dialect.sql(sql), tuple(params))
        row: Row | None = self._cursor.fetchone()
        return row

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.one(sql, params)
        return None if row is None else next(iter(row.values()))


class Store(Protocol):
    dialect: Dialect
    url: str

    def read(self) -> contextlib.AbstractContextManager[Tx]: ...

    def write(self) -> contextlib.AbstractContextManager[Tx]: ...

    def prepare(self) -> None: ...

    def ping(self) -> bool: ...

    def close(self) -> None: ...


def _dict_row(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> Row:
    return {column[0]: value for column, value in zip(cursor.description, row)}


class SQLiteStore:
    """One short-lived connection per operation: no connection is shared between threads."""

    dialect = SQLITE

    def __init__(self, url: str) -> None:
        self.url = url
        self.path = Path(url.removeprefix("sqlite:///"))
        self.lock_path = self.path.with_name(self.path.name + ".write-lock")

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        conn.row_factory = _dict_row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # FULL makes every commit fsync the WAL, so a 201 means the row survives a power cut.
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    @contextlib.contextmanager
    def _transaction(self, begin: str, queue: Callable[[], contextlib.AbstractContextManager[None]] = contextlib.nullcontext) -> Iterator[Tx]:
        try:
            conn = self._connect()
        except sqlite3.Error as exc:
            log.error("cannot open %s: %s", self.path, exc)
            raise StoreUnavailable(str(exc)) from exc
        try:
            # Connecting happens outside the queue; only the transaction itself waits its turn.
            with queue():
                yield from self._run(conn, begin)
        finally:
            conn.close()

    def _run(self, conn: sqlite3.Connection, begin: str) -> Iterator[Tx]:
        try:
            conn.execute(begin)
            yield Tx(conn.cursor(), self.dialect)
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # closing the connection below rolls back as well
            if isinstance(exc, sqlite3.IntegrityError):
                raise Conflict(str(exc)) from exc
            if isinstance(exc, sqlite3.Error):
                log.error("database error on %s: %s", self.path, exc)
                raise StoreUnavailable(str(exc)) from exc
            raise

    def read(self) -> contextlib.AbstractContextManager[Tx]:
        return self._transaction("BEGIN")

    def write(self) -> contextlib.AbstractContextManager[Tx]:
        # IMMEDIATE takes the write lock up front, so a transaction never fails half-way for want of it.
        return self._transaction("BEGIN IMMEDIATE", queue=self._writer_queue)

    @contextlib.contextmanager
    def _writer_queue(self) -> Iterator[None]:
        """One writer at a time across every thread and worker process, handed over at once.

        SQLite's busy handler polls with growing sleeps; under a burst from several workers that made
        half-second tails. A kernel file lock queues the writers and wakes the next one immediately,
        and dies with its holder, so a killed worker cannot leave it taken.
        """
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            log.error("cannot open %s: %s", self.lock_path, exc)
            raise StoreUnavailable(str(exc)) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def prepare(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = self._connect()
            try:
                # WAL is a property of the file: set once, it holds for every later connection.
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
            finally:
                conn.close()
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(str(exc)) from exc
        if mode and next(iter(mode.values())) != "wal":
            log.warning("SQLite refused WAL mode for %s; staying in %s", self.path, mode)

    def ping(self) -> bool:
        return _answers(self)

    def backup(self, target: Path) -> None:
        """Copy the live database with sqlite3's online backup API; writers carry on meanwhile."""
        try:
            source = self._connect()
            try:
                dest = sqlite3.connect(target)
                try:
                    source.backup(dest)
                finally:
                    dest.close()
            finally:
                source.close()
        except sqlite3.Error as exc:
            raise StoreUnavailable(str(exc)) from exc

    def close(self) -> None:
        """Nothing stays open between operations."""


class PostgresStore:
    """A few idle connections kept for reuse; each operation checks one out for itself."""

    dialect = POSTGRESQL

    def __init__(self, url: str, max_idle: int = 4) -> None:
        self.url = url
        self._max_idle = max_idle
        self._idle: list[psycopg.Connection[Row]] = []
        self._lock = threading.Lock()

    def _checkout(self) -> psycopg.Connection[Row]:
        with self._lock:
            while self._idle:
                conn = self._idle.pop()
                if not conn.closed:
                    return conn
        return psycopg.connect(self.url, autocommit=True, row_factory=dict_row, connect_timeout=5)

    def _checkin(self, conn: psycopg.Connection[Row]) -> None:
        if not conn.closed and conn.info.transaction_status == TransactionStatus.IDLE:
            with self._lock:
                if len(self._idle) < self._max_idle:
                    self._idle.append(conn)
                    return
        conn.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Tx]:
        try:
            conn = self._checkout()
        except psycopg.Error as exc:
            log.error("cannot connect to PostgreSQL: %s", exc)
            raise StoreUnavailable(str(exc)) from exc
        try:
            with conn.transaction(), conn.cursor() as cursor:
                yield Tx(cursor, self.dialect)
        except psycopg.errors.IntegrityError as exc:
            raise Conflict(str(exc)) from exc
        except psycopg.Error as exc:
            # A connection that failed mid-way may be unusable; a fresh one is cheap next time.
            conn.close()
            log.error("PostgreSQL error: %s", exc)
            raise StoreUnavailable(str(exc)) from exc
        finally:
            # After our own errors (not found, invalid) the transaction rolled back and the connection is reusable;
            # _checkin keeps only a connection that is open and idle.
            if not conn.closed:
                self._checkin(conn)

    def read(self) -> contextlib.AbstractContextManager[Tx]:
        return self._transaction()

    def write(self) -> contextlib.AbstractContextManager[Tx]:
        return self._transaction()

    def prepare(self) -> None:
        """The server keeps its own durability settings (synchronous_commit on by default)."""

    def ping(self) -> bool:
        return _answers(self)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()


def _answers(store: "SQLiteStore | PostgresStore") -> bool:
    """Whether the database answers a trivial query now."""
    try:
        with store.read() as tx:
            tx.scalar("SELECT 1 AS ok")
    except StoreUnavailable:
        return False
    return True


def open_store(url: str) -> SQLiteStore | PostgresStore:
    """Open the store for a URL and bring its schema up to date."""
    store: SQLiteStore | PostgresStore
    if url.startswith("sqlite:///"):
        store = SQLiteStore(url)
    elif url.startswith(("postgresql://", "postgres://")):
        store = PostgresStore(url)
    else:
        raise ValueError(f"unsupported database URL scheme: {url.split(':', 1)[0]!r}")
    store.prepare()
    migrate(store)
    return store


class LazyStore:
    """Opens (and migrates) the store on first use, so a database that is down at start-up gives 503 answers
    until it is back, instead of a service that will not start."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.dialect = SQLITE if url.startswith("sqlite:///") else POSTGRESQL
        self._store: SQLiteStore | PostgresStore | None = None
        self._lock = threading.Lock()

    def get(self) -> SQLiteStore | PostgresStore:
        with self._lock:
            if self._store is None:
                self._store = open_store(self.url)
            return self._store

    def read(self) -> contextlib.AbstractContextManager[Tx]:
        return self.get().read()

    def write(self) -> contextlib.AbstractContextManager[Tx]:
        return self.get().write()

    def prepare(self) -> None:
        self.get()

    def ping(self) -> bool:
        try:
            return self.get().ping()
        except StoreUnavailable:
            return False

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                self._store.close()
                self._store = None


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


def migrations(dialect: Dialect) -> list[Migration]:
    folder = resources.files("feedback") / "migrations" / dialect.name
    found = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], split_statements(entry.read_text(encoding="utf-8"))))
    return sorted(found, key=lambda m: m.version)


def split_statements(script: str) -> tuple[str, ...]:
    """Statements end with ';' at the end of a line; the migration files hold no triggers or quoted semicolons."""
    lines = [line for line in script.splitlines() if not line.lstrip().startswith("--")]
    return tuple(s.strip() for s in re.split(r";\s*$", "\n".join(lines), flags=re.M) if s.strip())


def migrate(store: SQLiteStore | PostgresStore) -> list[int]:
    """Apply the pending migrations in one transaction; return the versions applied."""
    applied: list[int] = []
    with store.write() as tx:
        if store.dialect is POSTGRESQL:
            # Several instances may start together; the lock makes the second wait and then find nothing to do.
            tx.execute("SELECT pg_advisory_xact_lock(?)", (0x7A71A5,))
        tx.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {row["version"] for row in tx.all("SELECT version FROM schema_migrations")}
        for migration in migrations(store.dialect):
            if migration.version in done:
                continue
            for statement in migration.statements:
                tx.execute(statement)
            tx.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, to_text(utcnow())),
            )
            applied.append(migration.version)
    if applied:
        log.info("feedback database migrated to version %d", applied[-1])
    return applied
