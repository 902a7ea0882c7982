"""The atlas as one object: the vocabulary plus every article, with the look-ups the site and search share."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .articles import Article, load_articles
from .schema import PREVALENCE
from .vocabulary import Vocabulary, load_vocabulary


@dataclass(frozen=True)
class AreaReferrer:
    article: Article
    zone: str  # "essential" or "spillover"


@dataclass
class Atlas:
    docs_dir: Path
    vocabulary: Vocabulary
    articles: list[Article]

    @classmethod
    def load(cls, docs_dir: Path) -> "Atlas":
        articles, _unreadable = load_articles(docs_dir)
        return cls(Path(docs_dir), load_vocabulary(docs_dir), articles)

    @cached_property
    def patterns(self) -> dict[str, Article]:
        return {a.muscle: a for a in self.articles if a.kind == "pattern"}

    @property
    def stories(self) -> list[Article]:
        return [a for a in self.articles if a.kind == "story"]

    def muscle_name(self, slug: str) -> str:
        pattern = self.patterns.get(slug)
        return self.vocabulary.muscle_name(slug) if pattern is None else pattern.title

    def referrers(self, area_id: str) -> list[AreaReferrer]:
        """Pattern articles that send pain to an area: essential before spillover, more common first."""
        found = [
            AreaReferrer(a, "essential" if area_id in a.essential else "spillover")
            for a in self.patterns.values()
            if area_id in a.essential or area_id in a.spillover
        ]
        return sorted(found, key=lambda r: (r.zone != "essential", prevalence_rank(r.article), r.article.title))

    def area_counts(self) -> dict[str, int]:
        """Number of articles (patterns and stories) that send pain to each area."""
        counts = {area_id: 0 for area_id in self.vocabulary.areas}
        for article in self.articles:
            for area in {*article.essential, *article.spillover}:
                if area in counts:
                    counts[area] += 1
        return counts


def prevalence_rank(article: Article) -> int:
    value = article.meta.get("prevalence")
    return PREVALENCE.index(value) if value in PREVALENCE else len(PREVALENCE)
