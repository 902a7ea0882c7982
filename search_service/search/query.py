"""Query understanding: a reader's words become body areas, analysed terms and, where a word is
misspelt, a corrected query. Nothing a reader types is parsed as query syntax.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from whoosh.lang.porter import stem as porter_stem

from ..content.vocabulary import Vocabulary
from .engine import STOP_WORDS

MAX_QUERY_CHARS = 200
MAX_WORDS = 24
_WORD = re.compile(r"[a-z0-9]+")
# Dropped before matching area phrases, so "back of my knee" and "back of the knee" are one phrase.
_FILLER = frozenset({"my", "the", "your", "a", "an", "his", "her", "their", "our", "its", "both", "left", "right"})


class Lexicon(Protocol):
    def known_word(self, word: str) -> bool: ...

    def spelling_candidates(self, word: str, maxdist: int) -> list[tuple[str, int]]: ...


@dataclass(frozen=True)
class QueryPlan:
    normalized: str
    words: tuple[str, ...]
    areas: tuple[str, ...]
    suggestion: str | None


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    return porter_stem(word)


def normalize(text: str) -> str:
    """Lowercase ASCII words separated by single spaces; apostrophes vanish ("knee's" -> "knees")."""
    text = unicodedata.normalize("NFKD", text[: MAX_QUERY_CHARS * 2]).encode("ascii", "ignore").decode()
    text = text.lower().replace("'", "")
    return " ".join(_WORD.findall(text)[:MAX_WORDS])[:MAX_QUERY_CHARS]


class AreaPhrases:
    """Finds body areas named in a query, longest phrase first, by stemmed words."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self._phrases: dict[tuple[str, ...], str] = {}
        for area in vocabulary.areas.values():
            for phrase in (area.label, area.id.replace("-", " "), *area.phrases):
                key = self._key(normalize(phrase).split())
                if key:
                    self._phrases.setdefault(key, area.id)
        self._longest = max((len(k) for k in self._phrases), default=1)

    @staticmethod
    def _key(words: list[str]) -> tuple[str, ...]:
        return tuple(stem(w) for w in words if w not in _FILLER)

    def find(self, words: list[str]) -> list[str]:
        keyed = [stem(w) for w in words if w not in _FILLER]
        found: list[str] = []
        i = 0
        while i < len(keyed):
            for size in range(min(self._longest, len(keyed) - i), 0, -1):
                area = self._phrases.get(tuple(keyed[i : i + size]))
                if area is not None:
                    if area not in found:
                        found.append(area)
                    i += size
                    break
            else:
                i += 1
        return found


def correct_word(word: str, lexicon: Lexicon) -> str:
    """The likeliest intended word for an unknown one, or the word itself."""
    if len(word) < 4 or word.isdigit() or word in STOP_WORDS or lexicon.known_word(word):
        return word
    maxdist = 1 if len(word) <= 5 else 2
    best: tuple[int, int, str] | None = None
    for candidate, frequency in lexicon.spelling_candidates(word, maxdist):
        ranked = (edit_distance(word, candidate), -frequency, candidate)
        if best is None or ranked < best:
            best = ranked
    return best[2] if best else word


def edit_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment): a swapped pair of letters is one typo."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            row[j] = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def understand(text: str, areas: AreaPhrases, lexicon: Lexicon) -> QueryPlan:
    normalized = normalize(text)
    words = normalized.split()
    corrected = [correct_word(w, lexicon) for w in words]
    suggestion = " ".join(corrected) if corrected != words else None
    return QueryPlan(
        normalized=normalized,
        words=tuple(corrected),
        areas=tuple(areas.find(corrected)),
        suggestion=suggestion,
    )
