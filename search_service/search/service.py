"""The symptom search as an object: query understanding, candidate retrieval and ranking. No HTTP here."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable

from ..content.vocabulary import Vocabulary
from .engine import ZONE_WEIGHTS, Candidate, SearchIndex
from .query import AreaPhrases, QueryPlan, normalize, stem, understand
from .snippets import snippet

MAX_LIMIT = 50
CANDIDATES = 100
# How an area match weighs against the best text match (which scores 1.0).
AREA_SHARE = 0.9
# A bare body part ("shoulder") is vaguer than a named place ("front of the shoulder").
REGION_FACTOR = 0.6
# Between near-equal answers, the pattern clinicians meet more often comes first.
PREVALENCE_BONUS = (0.06, 0.03, 0.0, 0.0)


class SearchInputError(ValueError):
    """A request the search cannot answer; the message is safe to show."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    areas: tuple[str, ...] = ()
    limit: int = 10
    kind: str | None = None
    region: str | None = None


class SearchService:
    def __init__(
        self,
        index: SearchIndex,
        vocabulary: Vocabulary,
        *,
        cache_size: int = 512,
        on_zero_results: Callable[[str], None] | None = None,
    ) -> None:
        self.index = index
        self.vocabulary = vocabulary
        self._area_phrases: tuple[str, AreaPhrases] | None = None
        self._cache: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        self._cache_size = cache_size
        self._cache_lock = threading.Lock()
        self._on_zero_results = on_zero_results

    def area_phrases(self) -> AreaPhrases:
        """The area matcher, knowing the condition names of the live index generation."""
        generation = self.index.meta.generation
        if self._area_phrases is None or self._area_phrases[0] != generation:
            conditions = self.index.sidecar.get("conditions") or []
            assert isinstance(conditions, list)
            self._area_phrases = (generation, AreaPhrases(self.vocabulary, conditions))
        return self._area_phrases[1]

    def validate(self, request: SearchRequest) -> None:
        if not normalize(request.q) and not request.areas:
            raise SearchInputError("Type a few words about where or when it hurts, or pick a body area.", "q")
        unknown = [a for a in request.areas if a not in self.vocabulary.areas]
        if unknown:
            raise SearchInputError(f"Unknown body area '{unknown[0]}'; see /api/areas for the list.", "area")
        if not 1 <= request.limit <= MAX_LIMIT:
            raise SearchInputError(f"limit must be between 1 and {MAX_LIMIT}.", "limit")

    def search(self, request: SearchRequest, *, use_cache: bool = True) -> dict[str, Any]:
        started = time.perf_counter()
        self.validate(request)
        generation = self.index.meta.generation
        key = (normalize(request.q), request.areas, request.limit, request.kind, request.region, generation)
        answer = self._cached(key) if use_cache else None
        if answer is None:
            answer = self._search(request)
            if use_cache:
                self._store(key, answer)
            if answer["total"] == 0 and request.q and self._on_zero_results is not None:
                self._on_zero_results(request.q[:200])
        return {**answer, "took_ms": round((time.perf_counter() - started) * 1000, 2)}

    def _search(self, request: SearchRequest) -> dict[str, Any]:
        plan: QueryPlan = understand(request.q, self.area_phrases(), self.index) if request.q else QueryPlan("", (), (), None)
        areas = list(dict.fromkeys([*request.areas, *plan.areas]))
        groups = [((a,), 1.0) for a in areas] + [(region, REGION_FACTOR) for region in plan.regions]
        terms = self.index.analyze(" ".join(plan.words))
        # Bare body parts only re-rank what the words found: as a search of their own they would pull
        # in every article about a large part of the body, at a large cost.
        candidates = self.index.candidates(terms, areas, limit=CANDIDATES, filter_areas=bool(request.areas))
        if request.kind:
            candidates = [c for c in candidates if c.kind == request.kind]
        if request.region:
            candidates = [c for c in candidates if c.region == request.region]
        best_text = max((c.text_score for c in candidates), default=0.0) if terms else 0.0
        ranked = []
        for c in candidates:
            text = c.text_score / best_text if best_text > 0 else 0.0
            area = _area_score(c.essential, c.spillover, groups)
            if request.areas and area == 0:
                continue
            score = (text + AREA_SHARE * area if terms else area) + PREVALENCE_BONUS[min(c.prevalence, 3)]
            ranked.append((score, c))
        ranked.sort(key=lambda pair: (-pair[0], pair[1].kind != "pattern", pair[1].title))
        stems = {stem(w) for w in plan.words}
        results = [self._result(c, score, stems) for score, c in ranked[: request.limit]]
        return {
            "query": request.q,
            "areas": areas,
            "total": len(ranked),
            "suggestion": plan.suggestion,
            "results": results,
        }

    def _result(self, candidate: Candidate, score: float, stems: set[str]) -> dict[str, Any]:
        stored = self.index.document(candidate.docnum)
        extra = stored.get("extra") or {}
        return {
            "url": stored["url"],
            "title": candidate.title,
            "muscle": candidate.muscle,
            "muscle_name": extra.get("muscle_name", candidate.muscle),
            "kind": candidate.kind,
            "region": candidate.region,
            "section": extra.get("section", ""),
            "score": round(score, 4),
            "summary": stored.get("summary", ""),
            "snippet": snippet(f"{stored.get('summary', '')} {stored.get('body', '')}", stems),
            "pain_areas": {"essential": candidate.essential, "spillover": candidate.spillover},
        }

    def suggest(self, prefix: str) -> list[str]:
        phrases = self.index.sidecar.get("suggestions") or []
        assert isinstance(phrases, list)
        return suggest(phrases, prefix)

    def areas(self) -> list[dict[str, Any]]:
        counts = self.index.sidecar.get("area_counts") or {}
        assert isinstance(counts, dict)
        return [
            {"id": a.id, "label": a.label, "view": a.view, "group": a.group, "articles": int(counts.get(a.id, 0))}
            for a in self.vocabulary.areas.values()
        ]

    def _cached(self, key: tuple[Any, ...]) -> dict[str, Any] | None:
        with self._cache_lock:
            answer = self._cache.get(key)
            if answer is not None:
                self._cache.move_to_end(key)
            return answer

    def _store(self, key: tuple[Any, ...], answer: dict[str, Any]) -> None:
        with self._cache_lock:
            self._cache[key] = answer
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)


def _area_score(essential: list[str], spillover: list[str], groups: list[tuple[tuple[str, ...], float]]) -> float:
    """Mean over the places named of how well the article covers each: essential 1, spillover 0.35.

    A place is one area, or a group of areas for a bare body part, where the best-covered area counts.
    """
    if not groups:
        return 0.0

    def weight(area: str) -> float:
        return ZONE_WEIGHTS["essential"] if area in essential else ZONE_WEIGHTS["spillover"] if area in spillover else 0.0

    return sum(factor * max(weight(a) for a in group) for group, factor in groups) / len(groups)




MAX_SUGGESTIONS = 8


def suggest(phrases: list[str], prefix: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Completions for a search box: phrases starting with the prefix, then phrases with a word that does."""
    wanted = normalize(prefix)
    if not wanted:
        return []
    starts: list[str] = []
    inner: list[str] = []
    for phrase in phrases:
        norm = normalize(phrase)
        if norm.startswith(wanted):
            starts.append(phrase)
        elif f" {wanted}" in f" {norm}":
            inner.append(phrase)
        if len(starts) >= limit:
            break
    return (starts + inner)[:limit]
