"""The review queue as CSV or JSON, written in chunks so a large queue never sits in memory at once."""

from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Iterator

from .model import ITEM_FIELDS, Item

FORMATS = ("csv", "json")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
CSV_COLUMNS = (*ITEM_FIELDS, "notes")
# A spreadsheet runs a cell that starts with one of these as a formula; readers' text must stay text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def export(items: Iterable[Item], fmt: str) -> Iterator[str]:
    if fmt == "csv":
        return iter_csv(items)
    if fmt == "json":
        return iter_json(items)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def iter_csv(items: Iterable[Item]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        chunk = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return chunk

    writer.writerow(CSV_COLUMNS)
    yield flush()
    for item in items:
        notes = "\n".join(f"{n['author']} ({n['created_at']}): {n['text']}" for n in item["notes"])
        writer.writerow([_cell(item[name]) for name in ITEM_FIELDS] + [_cell(notes)])
        yield flush()


def iter_json(items: Iterable[Item]) -> Iterator[str]:
    """The editors' API shape, {"items": [...], "total": N}, with the count written last."""
    yield '{"items": ['
    total = 0
    for item in items:
        yield ("," if total else "") + "\n" + json.dumps(item, ensure_ascii=False)
        total += 1
    yield f'\n], "total": {total}}}\n'
