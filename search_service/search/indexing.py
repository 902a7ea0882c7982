"""Build the search index from the atlas when it is missing or stale, with a progress bar on a terminal."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable

from ..content.atlas import Atlas
from ..settings import Settings
from .documents import atlas_documents, content_fingerprint
from .engine import SCHEMA_VERSION, IndexDocument, IndexMeta, IndexUnavailable, SearchIndex, build, read_meta

_CODE_DIR = Path(__file__).parent


def index_fingerprint(settings: Settings) -> str:
    return content_fingerprint(settings.docs_dir, sorted(_CODE_DIR.glob("*.py")))


def index_is_stale(settings: Settings, fingerprint: str | None = None) -> bool:
    """Missing, of another schema, built from other content, or unreadable (damaged files)."""
    meta = read_meta(settings.index_dir)
    if meta is None or meta.schema_version != SCHEMA_VERSION:
        return True
    if meta.fingerprint != (fingerprint or index_fingerprint(settings)):
        return True
    index = SearchIndex(settings.index_dir)
    try:
        index.meta
    except IndexUnavailable:
        return True
    finally:
        index.close()
    return False


def suggestion_phrases(atlas: Atlas) -> list[str]:
    """Search-box completions, most useful first: muscle names, aliases, conditions, areas, stories."""
    phrases: list[str] = []
    patterns = sorted(atlas.patterns.values(), key=lambda a: a.title)
    phrases += [a.title for a in patterns]
    phrases += [alias for a in patterns for alias in a.meta.get("aliases") or []]
    phrases += [m for a in atlas.articles for m in a.meta.get("mimics") or []]
    phrases += [s.title for s in atlas.stories]
    phrases += [area.label for area in atlas.vocabulary.areas.values()]
    phrases += [p for area in atlas.vocabulary.areas.values() for p in area.phrases]
    seen: dict[str, str] = {}
    for phrase in phrases:
        seen.setdefault(phrase.lower(), phrase)
    return list(seen.values())


def build_index(settings: Settings, *, documents: Iterable[IndexDocument] | None = None, total: int | None = None,
                fingerprint: str | None = None, sidecar: dict[str, object] | None = None) -> IndexMeta:
    atlas = Atlas.load(settings.docs_dir)
    if documents is None:
        documents, total = atlas_documents(atlas), len(atlas.articles)
        sidecar = {
            "suggestions": suggestion_phrases(atlas),
            "area_counts": atlas.area_counts(),
            "conditions": sorted({m for a in atlas.articles for m in a.meta.get("mimics") or []}),
        }
    fingerprint = fingerprint or index_fingerprint(settings)
    if not sys.stderr.isatty():
        return build(settings.index_dir, documents, fingerprint=fingerprint, sidecar=sidecar)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("Indexing articles"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True) as bar:
        task = bar.add_task("index", total=total)
        return build(settings.index_dir, documents, fingerprint=fingerprint, sidecar=sidecar,
                     progress=lambda n: bar.advance(task, n))


def ensure_index(settings: Settings) -> IndexMeta | None:
    """Rebuild when stale; None when the current index was already fresh."""
    fingerprint = index_fingerprint(settings)
    if not index_is_stale(settings, fingerprint):
        return None
    return build_index(settings, fingerprint=fingerprint)
