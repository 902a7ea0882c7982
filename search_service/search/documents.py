"""Turn atlas articles into index documents, and fingerprint the content so `serve` knows when to rebuild."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Iterator

from ..content.atlas import Atlas, prevalence_rank
from ..content.articles import Article
from .engine import SCHEMA_VERSION, IndexDocument

_MARKUP = re.compile(r"!!!\s*\w+(\s+\"[^\"]*\")?|[#*_`>|]|\[([^\]]*)\]\([^)]*\)|<[^>]+>")


def plain_text(markdown: str) -> str:
    """Markdown body as readable text: link targets, emphasis and admonition markers dropped."""
    text = _MARKUP.sub(lambda m: m.group(2) or " ", markdown)
    return re.sub(r"\s+", " ", text).strip()


def article_document(atlas: Atlas, article: Article) -> IndexDocument:
    meta = article.meta
    vocab = atlas.vocabulary
    muscle_name = vocab.muscle_name(article.muscle)
    names = [muscle_name, *(meta.get("aliases") or [])]
    if article.kind == "story":
        # A story answers for its culprit, so the culprit's names find it too.
        culprit = atlas.patterns.get(article.muscle)
        names += culprit.meta.get("aliases") or [] if culprit else []
    # Essential areas count double in the text field, so "heel pain" finds essential referrers first.
    area_words = [
        phrase
        for zone, weight in ((article.essential, 2), (article.spillover, 1))
        for area_id in zone
        if area_id in vocab.areas
        for phrase in (vocab.areas[area_id].label, *vocab.areas[area_id].phrases[:4]) * weight
    ]
    section = vocab.sections.get(str(meta.get("filed_under", "")))
    return IndexDocument(
        url=article.url,
        title=article.title,
        kind=article.kind,
        muscle=article.muscle,
        region=section.region_id if section else "",
        names=" ; ".join(names),
        symptoms=" ; ".join(meta.get("symptoms") or []),
        mimics=" ; ".join(meta.get("mimics") or []),
        aggravated=" ; ".join(meta.get("aggravated_by") or []),
        summary=str(meta.get("summary") or ""),
        areas_text=" ; ".join(area_words),
        body=plain_text(article.body),
        essential=article.essential,
        spillover=article.spillover,
        # A story is as common as its culprit's pattern.
        prevalence=prevalence_rank(atlas.patterns.get(article.muscle, article)),
        extra={
            "muscle_name": muscle_name,
            "section": section.title if section else "",
            "region_title": section.region_title if section else "",
        },
    )


def atlas_documents(atlas: Atlas) -> Iterator[IndexDocument]:
    for article in atlas.articles:
        yield article_document(atlas, article)


def content_fingerprint(docs_dir: Path, code_files: list[Path]) -> str:
    """A hash of everything that shapes the index: articles, vocabulary, our indexing code, the schema."""
    digest = hashlib.sha256(SCHEMA_VERSION.encode())
    for path in sorted(Path(docs_dir).rglob("*")) + sorted(code_files):
        if path.is_file() and path.suffix in (".md", ".yaml", ".yml", ".py"):
            digest.update(str(path.name).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
