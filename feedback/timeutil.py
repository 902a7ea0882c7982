"""Time as the database keeps it: ISO 8601 UTC text of one fixed width, which sorts correctly as text."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

Clock = Callable[[], datetime]

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def to_text(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(_FORMAT)


def from_text(text: str) -> datetime:
    return datetime.strptime(text, _FORMAT).replace(tzinfo=timezone.utc)


def age(moment: datetime, now: datetime) -> str:
    """A person's idea of an age: 'just now', '5 minutes ago', '3 days ago'."""
    seconds = max(0, int((now - moment).total_seconds()))
    for unit, size in (("year", 365 * 86400), ("month", 30 * 86400), ("week", 7 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'' if n == 1 else 's'} ago"
    return "just now"
