"""The feedback store on SQLite and PostgreSQL: migrations, durability settings, repositories, concurrency."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from feedback.account_repository import AccountRepository, SearchLogRepository
from feedback.item_repository import ItemRepository, to_item
from feedback.model import ITEM_FIELDS, UNSET, Change, ItemQuery
from feedback.store import (
    POSTGRESQL,
    SQLITE,
    Conflict,
    LazyStore,
    SQLiteStore,
    StoreUnavailable,
    migrate,
    migrations,
    open_store,
)
from feedback.timeutil import to_text
from feedback.triage import Triage
from search_service.errors import NotFound, Unprocessable

from feedback_fixtures import FakeClock, database_url  # noqa: F401  (fixture)

VALUES = {
    "page_url": "/patterns/thigh-and-knee/biceps-femoris/",
    "kind": "typo",
    "message": "Ünïcødé ✓ and <script>alert('x')</script> & \"quotes\"",
    "name": "Zoë",
    "email": "zoe@example.org",
    "selected_text": "hamstrng",
    "context_before": "a genuine source of ",
    "context_after": " pain",
    "suggested_fix": "hamstring",
    "form_token": None,
    "website": "",
}


@pytest.fixture
def store(database_url: str):  # noqa: F811
    store = open_store(database_url)
    yield store
    store.close()


def insert(store, item_id: str, now: str, **values) -> None:
    with store.write() as tx:
        ItemRepository(tx).insert(item_id, {**VALUES, **values}, values.pop("status", "new"), "hash", now)


def test_migrations_apply_once_and_are_recorded(store) -> None:
    assert migrate(store) == []
    with store.read() as tx:
        versions = [r["version"] for r in tx.all("SELECT version FROM schema_migrations ORDER BY version")]
    assert versions == [m.version for m in migrations(store.dialect)]


def test_both_dialects_have_the_same_migrations() -> None:
    assert [(m.version, m.name) for m in migrations(SQLITE)] == [(m.version, m.name) for m in migrations(POSTGRESQL)]
    assert [len(m.statements) for m in migrations(SQLITE)] == [len(m.statements) for m in migrations(POSTGRESQL)]


def test_sqlite_is_in_wal_mode_with_full_synchronous_commits(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'f.db'}")
    assert isinstance(store, SQLiteStore)
    with store.read() as tx:
        assert tx.scalar("PRAGMA journal_mode") == "wal"
        assert tx.scalar("PRAGMA synchronous") == 2  # FULL
        assert tx.scalar("PRAGMA busy_timeout") == 5000
        assert tx.scalar("PRAGMA foreign_keys") == 1


def test_an_item_round_trips_exactly_as_sent(store) -> None:
    insert(store, "AAAA-0001", "2025-11-26T12:00:00.000000Z")
    with store.read() as tx:
        row = ItemRepository(tx).get("AAAA-0001")
    assert row is not None
    item = to_item(row, [])
    assert {k: item[k] for k in VALUES} == VALUES
    assert item["status"] == "new" and item["assignee"] is None and item["duplicate_of"] is None
    assert list(item) == [*ITEM_FIELDS, "notes"]


def test_a_taken_id_is_a_conflict_and_writes_nothing(store) -> None:
    insert(store, "AAAA-0001", "2025-11-26T12:00:00.000000Z")
    with pytest.raises(Conflict):
        with store.write() as tx:
            items = ItemRepository(tx)
            items.add_audit("AAAA-0001", "x", "note", None, "written before the failure", "2025-11-26T12:00:00.000001Z")
            items.insert("AAAA-0001", VALUES, "new", None, "2025-11-26T12:00:00.000001Z")
    with store.read() as tx:
        assert ItemRepository(tx).audit("AAAA-0001") == []


def test_search_filters_sorts_and_pages(store) -> None:
    for n in range(6):
        insert(
            store,
            f"AAAA-000{n}",
            f"2025-11-26T12:00:0{n}.000000Z",
            kind="question" if n % 2 else "comment",
            page_url="/a/" if n < 3 else "/b/",
            message=f"message {n} about 100% of_the cases" if n == 4 else f"message {n}",
        )
    with store.read() as tx:
        items = ItemRepository(tx)
        rows, total = items.search(ItemQuery(limit=2))
        assert total == 6 and [r["id"] for r in rows] == ["AAAA-0005", "AAAA-0004"]
        rows, _ = items.search(ItemQuery(limit=2, offset=4))
        assert [r["id"] for r in rows] == ["AAAA-0001", "AAAA-0000"]
        rows, total = items.search(ItemQuery(kind="question", page_url="/b/", sort="oldest"))
        assert total == 2 and [r["id"] for r in rows] == ["AAAA-0003", "AAAA-0005"]
        # LIKE wildcards in the search text are matched literally.
        rows, total = items.search(ItemQuery(text="100% OF_THE"))
        assert [r["id"] for r in rows] == ["AAAA-0004"]
        assert items.search(ItemQuery(text="1_0"))[1] == 0


def test_changes_write_the_audit_log_and_notes(store) -> None:
    clock = FakeClock()
    with store.write() as tx:
        AccountRepository(tx).add_editor("ada", "hash", "2025-11-26T12:00:00.000000Z")
    insert(store, "AAAA-0001", "2025-11-26T12:00:00.000000Z")
    insert(store, "AAAA-0002", "2025-11-26T12:00:01.000000Z")
    triage = Triage(store, clock)
    item = triage.change("aaaa-0002", Change(duplicate_of="AAAA-0001", note="same as 0001", assignee="ada"), "ada")
    assert (item["status"], item["duplicate_of"], item["assignee"]) == ("duplicate", "AAAA-0001", "ada")
    assert [n["text"] for n in item["notes"]] == ["same as 0001"]
    detail = triage.detail("AAAA-0002")
    assert [(a["actor"], a["field"], a["old_value"], a["new_value"]) for a in detail.audit] == [
        ("ada", "status", "new", "duplicate"),
        ("ada", "duplicate_of", None, "AAAA-0001"),
        ("ada", "assignee", None, "ada"),
        ("ada", "note", None, "same as 0001"),
    ]
    assert triage.detail("AAAA-0001").duplicates == ["AAAA-0002"]
    # Leaving the duplicate state drops the link.
    item = triage.change("AAAA-0002", Change(status="resolved"), "ada")
    assert item["duplicate_of"] is None


def test_duplicate_links_refuse_self_cycles_and_unknown_items(store) -> None:
    insert(store, "AAAA-0001", "2025-11-26T12:00:00.000000Z")
    insert(store, "AAAA-0002", "2025-11-26T12:00:01.000000Z")
    triage = Triage(store, FakeClock())
    triage.change("AAAA-0002", Change(duplicate_of="AAAA-0001"), "ada")
    for item_id, original in (("AAAA-0001", "AAAA-0001"), ("AAAA-0001", "AAAA-0002"), ("AAAA-0001", "ZZZZ-9999")):
        with pytest.raises(Unprocessable) as caught:
            triage.change(item_id, Change(duplicate_of=original), "ada")
        assert "duplicate_of" in caught.value.fields
    with pytest.raises(Unprocessable):
        triage.change("AAAA-0001", Change(status="duplicate"), "ada")
    with pytest.raises(Unprocessable):
        triage.change("AAAA-0001", Change(assignee="nobody-here"), "ada")
    with pytest.raises(NotFound):
        triage.change("ZZZZ-0000", Change(status="spam"), "ada")


def test_bulk_change_is_all_or_nothing(store) -> None:
    insert(store, "AAAA-0001", "2025-11-26T12:00:00.000000Z")
    insert(store, "AAAA-0002", "2025-11-26T12:00:01.000000Z")
    triage = Triage(store, FakeClock())
    with pytest.raises(NotFound):
        triage.bulk(["AAAA-0001", "ZZZZ-0000"], Change(status="spam"), "ada")
    assert triage.get("AAAA-0001")["status"] == "new"
    assert triage.bulk(["AAAA-0001", "AAAA-0002"], Change(status="resolved"), "ada") == 2
    assert {i["status"] for i in triage.find(ItemQuery())[0]} == {"resolved"}


def test_throttle_sessions_and_tokens(store) -> None:
    now = "2025-11-26T12:00:00.000000Z"
    with store.write() as tx:
        accounts = AccountRepository(tx)
        accounts.add_editor("ada", "hash", now)
        accounts.set_throttle("account:ada", 1, now, now)
        accounts.set_throttle("account:ada", 2, "2025-11-26T12:00:05.000000Z", now)
        accounts.add_session("sid-hash", "ada", now, "2025-11-26T13:00:00.000000Z")
        accounts.add_token("token-hash", "ada", now)
    with store.read() as tx:
        accounts = AccountRepository(tx)
        assert accounts.throttle("account:ada") == {"failures": 2, "locked_until": "2025-11-26T12:00:05.000000Z", "updated_at": now}
        assert accounts.session_editor("sid-hash", "2025-11-26T12:30:00.000000Z") == "ada"
        assert accounts.session_editor("sid-hash", "2025-11-26T13:00:00.000000Z") is None
        assert accounts.token_editor("token-hash") == "ada"
        assert accounts.token_editor("other") is None
    with pytest.raises(Conflict):
        with store.write() as tx:
            AccountRepository(tx).add_editor("ada", "hash", now)


def test_zero_result_searches_are_grouped_and_pruned(store) -> None:
    clock = FakeClock()
    triage = Triage(store, clock)
    for query in ("Knee Clicks", "knee clicks", "jaw pop"):
        triage.record_zero_result(query)
    with store.read() as tx:
        columns = set(tx.one("SELECT * FROM zero_result_searches") or {})
    assert columns == {"id", "query", "created_at"}  # no client address of any kind
    rows = triage.dashboard()["zero_results"]
    assert [(r["query"], r["searches"]) for r in rows] == [("knee clicks", 2), ("jaw pop", 1)]
    clock.advance(timedelta(days=400).total_seconds())
    triage.prune_search_log()
    with store.read() as tx:
        assert SearchLogRepository(tx).top(to_text(clock.now - timedelta(days=1000))) == []


def test_concurrent_writers_all_land(database_url: str) -> None:  # noqa: F811
    store = open_store(database_url)
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            for n in range(10):
                insert(store, f"W{worker:03d}-{n:04d}", f"2025-11-26T12:00:00.{worker:03d}{n:03d}Z")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        with store.read() as tx:
            assert tx.scalar("SELECT COUNT(*) AS n FROM feedback_items") == 80
    finally:
        store.close()


def test_unusable_database_is_unavailable_not_a_crash(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    store = LazyStore(f"sqlite:///{blocker / 'feedback.db'}")
    assert store.ping() is False
    with pytest.raises(StoreUnavailable):
        with store.write():
            pass


def test_driver_errors_become_store_unavailable(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'f.db'}")
    with pytest.raises(StoreUnavailable):
        with store.read() as tx:
            tx.execute("SELECT * FROM no_such_table")


def test_postgres_unreachable_is_unavailable() -> None:
    store = LazyStore("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")
    assert store.ping() is False


def test_online_backup_copies_a_consistent_database(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'f.db'}")
    assert isinstance(store, SQLiteStore)
    insert(store, "AAAA-0001", "2025-11-26T12:00:00.000000Z")
    store.backup(tmp_path / "copy.db")
    copy = sqlite3.connect(tmp_path / "copy.db")
    try:
        assert copy.execute("SELECT id, message FROM feedback_items").fetchall() == [("AAAA-0001", VALUES["message"])]
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        copy.close()


def test_unset_is_distinct_from_none() -> None:
    assert UNSET is not None and not UNSET and Change().assignee is UNSET
