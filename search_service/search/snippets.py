"""Result snippets: a short window of the article around the query's words, with <mark> around them.

Everything but the <mark> tags is escaped, so a snippet is safe to insert as HTML.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from .query import stem

_TOKEN = re.compile(r"[A-Za-z0-9]+")
WINDOW_WORDS = 28


def snippet(text: str, stems: set[str], *, window: int = WINDOW_WORDS) -> str:
    tokens = list(_TOKEN.finditer(text))
    if not tokens:
        return ""
    hits = [i for i, t in enumerate(tokens) if stems and stem(t.group().lower()) in stems]
    start = _best_window_start(hits, len(tokens), window)
    end = min(len(tokens), start + window)
    begin_char = tokens[start].start()
    end_char = tokens[end - 1].end()
    hit_set = set(hits)
    parts: list[str] = ["… " if start > 0 else ""]
    cursor = begin_char
    for i in range(start, end):
        token = tokens[i]
        parts.append(str(escape(text[cursor : token.start()])))
        word = escape(token.group())
        parts.append(f"<mark>{word}</mark>" if i in hit_set else str(word))
        cursor = token.end()
    parts.append(str(escape(text[cursor:end_char])))
    if end < len(tokens):
        parts.append(" …")
    return str(Markup("".join(parts)))


def _best_window_start(hits: list[int], total: int, window: int) -> int:
    if not hits:
        return 0
    best_start, best_count = 0, -1
    j = 0
    for i, first in enumerate(hits):
        while j < len(hits) and hits[j] < first + window:
            j += 1
        if j - i > best_count:
            best_start, best_count = first, j - i
    # Lead in with a few words of context before the first match.
    return max(0, min(best_start - 4, total - window))
