"""The vocabulary of the review queue (kinds, states, fields) and the shapes passed between modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("question", "comment", "typo")
STATES = ("new", "triaged", "in_progress", "resolved", "wont_fix", "duplicate", "spam")
# Items an editor still has to act on; the dashboard counts these.
OPEN_STATES = ("new", "triaged", "in_progress")

STATE_LABELS = {
    "new": "New",
    "triaged": "Triaged",
    "in_progress": "In progress",
    "resolved": "Resolved",
    "wont_fix": "Won't fix",
    "duplicate": "Duplicate",
    "spam": "Spam",
}

OPTIONAL_FIELDS = (
    "name",
    "email",
    "selected_text",
    "context_before",
    "context_after",
    "suggested_fix",
    "form_token",
    "website",
)
SUBMISSION_FIELDS = ("page_url", "kind", "message", *OPTIONAL_FIELDS)
PATCH_FIELDS = ("status", "note", "duplicate_of", "assignee")

# The editors' API and the export give an item in this order.
ITEM_FIELDS = ("id", "created_at", *SUBMISSION_FIELDS, "status", "assignee", "duplicate_of")

Item = dict[str, Any]


@dataclass(frozen=True)
class Submission:
    """A reader's submission after validation, still holding every value as it was sent."""

    page_url: str
    kind: str
    message: str
    name: str | None = None
    email: str | None = None
    selected_text: str | None = None
    context_before: str | None = None
    context_after: str | None = None
    suggested_fix: str | None = None
    form_token: str | None = None
    website: str | None = None

    def values(self) -> dict[str, str | None]:
        return {name: getattr(self, name) for name in SUBMISSION_FIELDS}


class Unset:
    """Marks a field a PATCH did not mention, as opposed to one it set to null."""

    _instance: "Unset | None" = None

    def __new__(cls) -> "Unset":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET = Unset()


@dataclass(frozen=True)
class Change:
    """What an editor asks to change on one item; UNSET fields stay as they are."""

    status: str | Unset = UNSET
    note: str | Unset = UNSET
    duplicate_of: str | None | Unset = UNSET
    assignee: str | None | Unset = UNSET


@dataclass(frozen=True)
class ItemQuery:
    """A filtered, sorted page of the queue."""

    statuses: tuple[str, ...] = ()
    kind: str | None = None
    page_url: str | None = None
    text: str | None = None
    sort: str = "newest"
    limit: int = 50
    offset: int = 0
    ids: tuple[str, ...] = field(default=())
