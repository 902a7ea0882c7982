"""The editors' work on the queue: reading it, moving items through the states, notes, assignment, duplicates,
bulk changes, the audit log, the dashboard and the zero-result searches. Blocking: run it in a thread."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, Iterator

from search_service.errors import NotFound, Unprocessable

from .account_repository import AccountRepository, SearchLogRepository
from .item_repository import ItemRepository, to_item
from .model import OPEN_STATES, UNSET, Change, Item, ItemQuery
from .store import Row, Store, Tx
from .timeutil import Clock, to_text
from .validation import ITEM_ID

ZERO_RESULT_WINDOW = timedelta(days=90)
ZERO_RESULT_RETENTION = timedelta(days=365)
MAX_QUERY_LOGGED = 200
EXPORT_BATCH = 500


@dataclass(frozen=True)
class ItemDetail:
    item: Item
    audit: list[Row]
    duplicates: list[str]


class Triage:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def _now(self) -> str:
        return to_text(self.clock())

    def find(self, query: ItemQuery) -> tuple[list[Item], int]:
        with self.store.read() as tx:
            items = ItemRepository(tx)
            rows, total = items.search(query)
            notes = items.notes([r["id"] for r in rows])
        return [to_item(r, notes[r["id"]]) for r in rows], total

    def get(self, item_id: str) -> Item:
        with self.store.read() as tx:
            return _load(ItemRepository(tx), item_id)

    def detail(self, item_id: str) -> ItemDetail:
        with self.store.read() as tx:
            items = ItemRepository(tx)
            item = _load(items, item_id)
            return ItemDetail(item, items.audit(item["id"]), items.duplicates_of(item["id"]))

    def change(self, item_id: str, change: Change, actor: str) -> Item:
        with self.store.write() as tx:
            items = ItemRepository(tx)
            _apply(tx, items, item_id, change, actor, self._now())
            return _load(items, item_id)

    def bulk(self, item_ids: list[str], change: Change, actor: str) -> int:
        """One change to several items, all or nothing."""
        now = self._now()
        with self.store.write() as tx:
            items = ItemRepository(tx)
            for item_id in item_ids:
                _apply(tx, items, item_id, change, actor, now)
        return len(item_ids)

    def existing(self, item_ids: list[str]) -> list[str]:
        with self.store.read() as tx:
            return ItemRepository(tx).existing(item_ids)

    def dashboard(self) -> dict[str, Any]:
        since = to_text(self.clock() - ZERO_RESULT_WINDOW)
        with self.store.read() as tx:
            items = ItemRepository(tx)
            return {
                "counts": items.counts_by_status(),
                "open_by_page": items.open_by_page(OPEN_STATES),
                "zero_results": SearchLogRepository(tx).top(since),
                "zero_result_days": ZERO_RESULT_WINDOW.days,
            }

    def export(self, status: str | None = None) -> Iterator[Item]:
        """Every item (with a status, those in it), newest first, read in batches."""
        query = ItemQuery(statuses=(status,) if status else (), limit=EXPORT_BATCH, offset=0)
        while True:
            batch, _ = self.find(query)
            yield from batch
            if len(batch) < EXPORT_BATCH:
                return
            query = replace(query, offset=query.offset + EXPORT_BATCH)

    def record_zero_result(self, query: str) -> None:
        with self.store.write() as tx:
            SearchLogRepository(tx).record(query[:MAX_QUERY_LOGGED], self._now())

    def prune_search_log(self) -> None:
        with self.store.write() as tx:
            SearchLogRepository(tx).prune(to_text(self.clock() - ZERO_RESULT_RETENTION))


def _reference(item_id: str) -> str:
    """An item id as stored; anything not shaped like one is simply not found (and never reaches the database)."""
    reference = item_id.strip().upper()
    if not ITEM_ID.match(reference):
        raise NotFound(f"There is no feedback item {item_id[:40]!r}.")
    return reference


def _load(items: ItemRepository, item_id: str) -> Item:
    row = items.get(_reference(item_id))
    if row is None:
        raise NotFound(f"There is no feedback item {item_id!r}.")
    return to_item(row, items.notes([row["id"]])[row["id"]])


def _apply(tx: Tx, items: ItemRepository, item_id: str, change: Change, actor: str, now: str) -> None:
    item_id = _reference(item_id)
    row = items.get(item_id, for_update=True)
    if row is None:
        raise NotFound(f"There is no feedback item {item_id!r}.")
    status = row["status"] if change.status is UNSET else change.status
    duplicate_of = row["duplicate_of"]
    if change.duplicate_of is not UNSET:
        duplicate_of = change.duplicate_of
        if duplicate_of is not None:
            _check_original(items, item_id, duplicate_of)
            if change.status is UNSET:
                status = "duplicate"
            elif status != "duplicate":
                raise Unprocessable(
                    "An item linked to an original has the status duplicate.",
                    {"status": "must be duplicate when duplicate_of is given"},
                )
    if status == "duplicate" and duplicate_of is None:
        raise Unprocessable("Say which item this one repeats.", {"duplicate_of": "is required for the status duplicate"})
    if status != "duplicate":
        # The link means "duplicate of"; an item that leaves that state keeps it only in the audit log.
        duplicate_of = None
    assignee = row["assignee"] if change.assignee is UNSET else change.assignee
    if assignee is not None and assignee != row["assignee"] and not AccountRepository(tx).editor_exists(assignee):
        raise Unprocessable(f"There is no editor named {assignee!r}.", {"assignee": "is not an editor"})

    wanted = {"status": status, "duplicate_of": duplicate_of, "assignee": assignee}
    changed = {name: value for name, value in wanted.items() if value != row[name]}
    if changed:
        items.update(item_id, changed, now)
        for name, value in changed.items():
            items.add_audit(item_id, actor, name, row[name], value, now)
    if change.note is not UNSET:
        items.add_note(item_id, actor, change.note, now)
        items.add_audit(item_id, actor, "note", None, change.note[:200], now)


def _check_original(items: ItemRepository, item_id: str, original: str) -> None:
    if original == item_id:
        raise Unprocessable("An item cannot be a duplicate of itself.", {"duplicate_of": "is this item"})
    seen = {item_id}
    current: str | None = original
    while current is not None:
        row = items.get(current)
        if row is None:
            raise Unprocessable(f"There is no feedback item {current!r} to link to.", {"duplicate_of": "no such item"})
        if row["id"] in seen:
            raise Unprocessable("That link would make a circle of duplicates.", {"duplicate_of": "would form a cycle"})
        seen.add(row["id"])
        current = row["duplicate_of"]
