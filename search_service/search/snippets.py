"""Result snippets: a short window of the article around the query's words, with <mark> around them.

Everything but the <mark> tags is escaped, so a snippet is safe to insert as HTML. Matching runs as
one regular expression over the text (the words' stem prefixes), and only candidate words are
stemmed, so a snippet costs little even for long articles.
"""

from __future__ import annotations

import re

from markupsafe import escape

from .query import stem

WINDOW_CHARS = 200
LEAD_CHARS = 40


def snippet(text: str, stems: set[str], *, window: int = WINDOW_CHARS) -> str:
    hits = _hits(text, stems)
    start = _window_start(text, hits, window)
    end = min(len(text), start + window)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    parts = ["… " if start > 0 else ""]
    cursor = start
    for hit_start, hit_end in hits:
        if hit_start < start or hit_end > end:
            continue
        parts.append(str(escape(text[cursor:hit_start])))
        parts.append(f"<mark>{escape(text[hit_start:hit_end])}</mark>")
        cursor = hit_end
    parts.append(str(escape(text[cursor:end])))
    if end < len(text):
        parts.append(" …")
    return "".join(parts).strip()


def _hits(text: str, stems: set[str]) -> list[tuple[int, int]]:
    prefixes = sorted({s[:4] for s in stems if s}, key=len, reverse=True)
    if not prefixes:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, prefixes)) + r")[a-z0-9]*", re.IGNORECASE)
    return [(m.start(), m.end()) for m in pattern.finditer(text) if stem(m.group().lower()) in stems]


def _window_start(text: str, hits: list[tuple[int, int]], window: int) -> int:
    if not hits:
        return 0
    best, best_count, j = hits[0][0], 0, 0
    for i, (first, _) in enumerate(hits):
        while j < len(hits) and hits[j][1] <= first + window - LEAD_CHARS:
            j += 1
        if j - i > best_count:
            best, best_count = first, j - i
    start = max(0, best - LEAD_CHARS)
    if start > 0:
        space = text.find(" ", start, best)
        start = space + 1 if space != -1 else best
    return start
