"""SQL for the review queue: items, their internal notes and their audit log. Works inside a caller's transaction."""

from __future__ import annotations

from typing import Any

from .model import ITEM_FIELDS, SUBMISSION_FIELDS, Item, ItemQuery
from .store import Row, Tx

_COLUMNS = ", ".join(ITEM_FIELDS)

SORTS = {
    "newest": "created_at DESC, id DESC",
    "oldest": "created_at ASC, id ASC",
    "page": "page_url ASC, created_at DESC, id DESC",
    "kind": "kind ASC, created_at DESC, id DESC",
    "status": "status ASC, created_at DESC, id DESC",
}

_SEARCHED = ("id", "message", "name", "email", "page_url", "selected_text", "suggested_fix")


def _like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ItemRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    def insert(self, item_id: str, values: dict[str, str | None], status: str, client_hash: str | None, now: str) -> None:
        columns = ["id", "created_at", "updated_at", *SUBMISSION_FIELDS, "status", "client_hash"]
        params = [item_id, now, now, *(values.get(f) for f in SUBMISSION_FIELDS), status, client_hash]
        self.tx.execute(
            f"INSERT INTO feedback_items ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
            params,
        )

    def get(self, item_id: str, *, for_update: bool = False) -> Row | None:
        lock = self.tx.dialect.for_update if for_update else ""
        return self.tx.one(f"SELECT {_COLUMNS} FROM feedback_items WHERE id = ?{lock}", (item_id,))

    def existing(self, item_ids: list[str]) -> list[str]:
        if not item_ids:
            return []
        marks = ", ".join("?" for _ in item_ids)
        return [r["id"] for r in self.tx.all(f"SELECT id FROM feedback_items WHERE id IN ({marks})", item_ids)]

    def update(self, item_id: str, fields: dict[str, Any], now: str) -> None:
        # Column names come from the model's fixed tuples, never from the request.
        assert set(fields) <= {"status", "assignee", "duplicate_of"}
        assignments = ", ".join(f"{name} = ?" for name in fields)
        self.tx.execute(
            f"UPDATE feedback_items SET {assignments}, updated_at = ? WHERE id = ?",
            (*fields.values(), now, item_id),
        )

    def search(self, query: ItemQuery) -> tuple[list[Row], int]:
        where, params = self._where(query)
        order = SORTS.get(query.sort, SORTS["newest"])
        total = int(self.tx.scalar(f"SELECT COUNT(*) AS n FROM feedback_items{where}", params) or 0)
        rows = self.tx.all(
            f"SELECT {_COLUMNS} FROM feedback_items{where} ORDER BY {order} LIMIT ? OFFSET ?",
            (*params, query.limit, query.offset),
        )
        return rows, total

    @staticmethod
    def _where(query: ItemQuery) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        if query.statuses:
            clauses.append(f"status IN ({', '.join('?' for _ in query.statuses)})")
            params.extend(query.statuses)
        if query.kind:
            clauses.append("kind = ?")
            params.append(query.kind)
        if query.page_url:
            clauses.append("page_url = ?")
            params.append(query.page_url)
        if query.ids:
            clauses.append(f"id IN ({', '.join('?' for _ in query.ids)})")
            params.extend(query.ids)
        if query.text:
            pattern = _like_pattern(query.text)
            clauses.append("(" + " OR ".join(f"lower({c}) LIKE ? ESCAPE '\\'" for c in _SEARCHED) + ")")
            params.extend([pattern] * len(_SEARCHED))
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def duplicates_of(self, item_id: str) -> list[str]:
        rows = self.tx.all("SELECT id FROM feedback_items WHERE duplicate_of = ? ORDER BY created_at", (item_id,))
        return [r["id"] for r in rows]

    def add_note(self, item_id: str, author: str, body: str, now: str) -> None:
        self.tx.execute(
            "INSERT INTO feedback_notes (item_id, author, body, created_at) VALUES (?, ?, ?, ?)",
            (item_id, author, body, now),
        )

    def notes(self, item_ids: list[str]) -> dict[str, list[dict[str, str]]]:
        found: dict[str, list[dict[str, str]]] = {i: [] for i in item_ids}
        if not item_ids:
            return found
        marks = ", ".join("?" for _ in item_ids)
        rows = self.tx.all(
            f"SELECT item_id, author, body, created_at FROM feedback_notes WHERE item_id IN ({marks}) ORDER BY id",
            item_ids,
        )
        for row in rows:
            found[row["item_id"]].append({"author": row["author"], "text": row["body"], "created_at": row["created_at"]})
        return found

    def add_audit(self, item_id: str, actor: str, field: str, old: str | None, new: str | None, now: str) -> None:
        self.tx.execute(
            "INSERT INTO feedback_audit (item_id, actor, field, old_value, new_value, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            (item_id, actor, field, old, new, now),
        )

    def audit(self, item_id: str) -> list[Row]:
        return self.tx.all(
            "SELECT actor, field, old_value, new_value, created_at FROM feedback_audit WHERE item_id = ? ORDER BY id",
            (item_id,),
        )

    def open_by_page(self, statuses: tuple[str, ...], limit: int = 50) -> list[Row]:
        marks = ", ".join("?" for _ in statuses)
        return self.tx.all(
            "SELECT page_url, COUNT(*) AS open_items,"
            " SUM(CASE WHEN kind = 'question' THEN 1 ELSE 0 END) AS questions,"
            " SUM(CASE WHEN kind = 'typo' THEN 1 ELSE 0 END) AS typos,"
            " MIN(created_at) AS oldest"
            f" FROM feedback_items WHERE status IN ({marks})"
            " GROUP BY page_url ORDER BY open_items DESC, page_url LIMIT ?",
            (*statuses, limit),
        )

    def counts_by_status(self) -> dict[str, int]:
        rows = self.tx.all("SELECT status, COUNT(*) AS n FROM feedback_items GROUP BY status")
        return {r["status"]: int(r["n"]) for r in rows}


def to_item(row: Row, notes: list[dict[str, str]]) -> Item:
    """The item as the editors' API gives it: every submitted field as sent, plus the queue's own fields."""
    item: Item = {name: row[name] for name in ITEM_FIELDS}
    item["notes"] = notes
    return item
