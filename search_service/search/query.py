"""Query understanding: a reader's words become body areas, analysed terms and, where a word is
misspelt, a corrected query. Nothing a reader types is parsed as query syntax.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Protocol

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


# Words of area labels that say where on a part, not which part: "back of the knee" names the knee.
_PLACE_WORDS = frozenset({"back", "front", "side", "top", "outer", "inner", "upper", "lower", "mid", "base", "between",
                          "below", "of", "the", "and", "middle", "ring", "little", "index"})


@dataclass(frozen=True)
class QueryPlan:
    normalized: str
    words: tuple[str, ...]
    areas: tuple[str, ...]
    suggestion: str | None
    # A bare body part ("shoulder", "knee") names a group of areas, any of which may be meant.
    regions: tuple[tuple[str, ...], ...] = ()


@lru_cache(maxsize=4096)
def stem(word: str) -> str:
    return porter_stem(word)


def normalize(text: str) -> str:
    """Lowercase ASCII words separated by single spaces; apostrophes vanish ("knee's" -> "knees")."""
    text = unicodedata.normalize("NFKD", text[: MAX_QUERY_CHARS * 2]).encode("ascii", "ignore").decode()
    text = text.lower().replace("'", "")
    return " ".join(_WORD.findall(text)[:MAX_WORDS])[:MAX_QUERY_CHARS]


def phrase_key(text: str) -> tuple[str, ...]:
    """A phrase as stemmed words without fillers: "back of my knees" and "back of the knee" are one key."""
    return tuple(stem(w) for w in normalize(text).split() if w not in _FILLER)


class AreaPhrases:
    """Finds body areas named in a query, longest phrase first, by stemmed words.

    Condition names are read first and set aside: "thoracic outlet syndrome" names no place on the
    mid-back, and "tennis elbow" is a diagnosis to match against `mimics`, not a place to search.
    """

    def __init__(self, vocabulary: Vocabulary, conditions: Iterable[str] = ()) -> None:
        self._phrases: dict[tuple[str, ...], str] = {}
        for area in vocabulary.areas.values():
            for phrase in (area.label, area.id.replace("-", " "), *area.phrases):
                key = phrase_key(phrase)
                if key:
                    self._phrases.setdefault(key, area.id)
        self._longest = max((len(k) for k in self._phrases), default=1)
        self._conditions = {key for key in map(phrase_key, conditions) if len(key) >= 2}
        self._longest_condition = max((len(k) for k in self._conditions), default=0)
        # The body part a label ends on ("knee" in "back of the knee") names all areas on that part,
        # when two or more share it; "shoulder blade" ends on "blade", so it is no part of "shoulder".
        parts: dict[str, list[str]] = {}
        for area in vocabulary.areas.values():
            head = normalize(area.label).split()[-1]
            if head not in _PLACE_WORDS:
                parts.setdefault(stem(head), []).append(area.id)
        self._regions = {key: tuple(dict.fromkeys(ids)) for key, ids in parts.items() if len(set(ids)) >= 2}

    def find(self, words: list[str]) -> list[str]:
        return self.find_with_regions(words)[0]

    def find_with_regions(self, words: list[str]) -> tuple[list[str], list[tuple[str, ...]]]:
        """Areas named by a phrase, and groups of areas named only by a bare body part."""
        keyed = [stem(w) for w in words if w not in _FILLER]
        found: list[str] = []
        regions: list[tuple[str, ...]] = []
        i = 0
        while i < len(keyed):
            condition = _longest_match(keyed, i, self._longest_condition, lambda key: key in self._conditions)
            if condition:
                i += condition
                continue
            size = _longest_match(keyed, i, self._longest, lambda key: key in self._phrases)
            if size:
                area = self._phrases[tuple(keyed[i : i + size])]
                if area not in found:
                    found.append(area)
                i += size
                continue
            region = self._regions.get(keyed[i])
            if region is not None and region not in regions:
                regions.append(region)
            i += 1
        # A part already named precisely ("behind the knee") needs no vaguer group as well.
        regions = [r for r in regions if not set(r) & set(found)]
        return found, regions


def _longest_match(keyed: list[str], start: int, longest: int, known: Callable[[tuple[str, ...]], bool]) -> int:
    """Length of the longest known phrase starting at `start`, or 0."""
    for size in range(min(longest, len(keyed) - start), 0, -1):
        if known(tuple(keyed[start : start + size])):
            return size
    return 0


def correct_word(word: str, lexicon: Lexicon) -> str:
    """The likeliest intended word for an unknown one, or the word itself."""
    if len(word) < 4 or word.isdigit() or word in STOP_WORDS or lexicon.known_word(word):
        return word
    if lexicon.known_word(stem(word)):  # another form of a known word ("golfers", "cramping")
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
    found, regions = areas.find_with_regions(corrected)
    return QueryPlan(
        normalized=normalized,
        words=tuple(corrected),
        areas=tuple(found),
        suggestion=suggestion,
        regions=tuple(regions),
    )
