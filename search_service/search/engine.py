"""The only module that talks to Whoosh: schema, atomic builds into generations, and searching.

Layout of the index folder::

    index/CURRENT          name of the live generation (replaced atomically)
    index/g-<time>-<pid>/  one complete Whoosh index plus meta.json
    index/.lock            held while a build writes

A reader opens the generation CURRENT names and reopens when CURRENT changes, so a running server
picks up a rebuilt index without a restart and never sees a half-built one.
"""

from __future__ import annotations

import fcntl
import gc
import json
import os
import shutil
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.scoring import BM25F

# Bump when the schema or the analysis changes: a stored index of another version is rebuilt.
SCHEMA_VERSION = "4"

# Words that carry no meaning in a symptom query. Pain words are kept: "ache" or "cramp" discriminate.
STOP_WORDS = frozenset(
    """a an and are as at be been being but by can could did do does doing for from had has have having he her
    here hers him his how i if in into is it its itself just me mine my myself no nor not of off on once only or
    our ours out over own same she should so some such than that the their theirs them then there these they this
    those through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself get gets got getting feel feels feeling felt keep keeps""".split()
)

TEXT_FIELDS: dict[str, float] = {
    "title": 4.0,
    "names": 5.0,
    "symptoms": 2.0,
    "mimics": 3.0,
    "aggravated": 2.0,
    "summary": 1.5,
    "areas_text": 1.5,
    "body": 0.6,
}


def analyzer() -> StemmingAnalyzer:
    return StemmingAnalyzer(stoplist=STOP_WORDS, minsize=2)


def _schema() -> Schema:
    text = analyzer()
    spell = RegexTokenizer() | LowercaseFilter()
    return Schema(
        url=ID(stored=True, unique=True),
        kind=ID(stored=True),
        muscle=ID(stored=True),
        region=ID(stored=True),
        title=TEXT(analyzer=text, stored=True),
        names=TEXT(analyzer=text),
        symptoms=TEXT(analyzer=text),
        mimics=TEXT(analyzer=text),
        aggravated=TEXT(analyzer=text),
        summary=TEXT(analyzer=text, stored=True),
        areas_text=TEXT(analyzer=text),
        body=TEXT(analyzer=text, stored=True),
        essential=KEYWORD(stored=True, commas=True),
        spillover=KEYWORD(stored=True, commas=True),
        # Surface words, unstemmed, for spelling suggestions.
        spell=TEXT(analyzer=spell, phrase=False),
        extra=STORED(),
    )


@dataclass
class IndexDocument:
    url: str
    title: str
    kind: str
    muscle: str
    region: str
    names: str
    symptoms: str
    mimics: str
    aggravated: str
    summary: str
    areas_text: str
    body: str
    essential: list[str]
    spillover: list[str]
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class IndexMeta:
    schema_version: str
    fingerprint: str
    articles: int
    built_at: float
    generation: str

    @property
    def version(self) -> str:
        return f"{self.schema_version}-{self.fingerprint[:12]}"


@dataclass
class Candidate:
    url: str
    title: str
    kind: str
    muscle: str
    region: str
    summary: str
    body: str
    essential: list[str]
    spillover: list[str]
    extra: dict[str, object]
    text_score: float


class IndexUnavailable(RuntimeError):
    """No usable index: missing, of another schema, or unreadable."""


@contextmanager
def build_lock(root: Path) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def read_meta(root: Path) -> IndexMeta | None:
    try:
        generation = (root / "CURRENT").read_text().strip()
        data = json.loads((root / generation / "meta.json").read_text())
        return IndexMeta(**data)
    except (OSError, ValueError, TypeError):
        return None


def build(
    root: Path,
    documents: Iterable[IndexDocument],
    *,
    fingerprint: str,
    sidecar: dict[str, object] | None = None,
    progress: Callable[[int], None] = lambda n: None,
) -> IndexMeta:
    """Write a new generation and make it current; on any failure the old one stays live."""
    with build_lock(root):
        generation = f"g-{time.time_ns()}-{os.getpid()}"
        folder = root / generation
        folder.mkdir()
        try:
            ix = whoosh_index.create_in(str(folder), _schema())
            writer = ix.writer(limitmb=256)
            count = 0
            try:
                for doc in documents:
                    writer.add_document(**_fields(doc))
                    count += 1
                    progress(1)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            meta = IndexMeta(SCHEMA_VERSION, fingerprint, count, time.time(), generation)
            (folder / "sidecar.json").write_text(json.dumps(sidecar or {}))
            (folder / "meta.json").write_text(json.dumps(meta.__dict__))
            tmp = root / f".CURRENT.{generation}"
            tmp.write_text(generation)
            os.replace(tmp, root / "CURRENT")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        _remove_old_generations(root, keep={generation})
        return meta


def _remove_old_generations(root: Path, keep: set[str]) -> None:
    # Keep the newest previous generation too: a worker may still be reading it for a moment.
    generations = sorted((p for p in root.glob("g-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    survivors = keep | {p.name for p in generations[-2:]}
    for path in generations:
        if path.name not in survivors:
            shutil.rmtree(path, ignore_errors=True)


def _fields(doc: IndexDocument) -> dict[str, object]:
    spell = " ".join([doc.title, doc.names, doc.symptoms, doc.mimics, doc.aggravated, doc.summary, doc.areas_text, doc.body])
    return {
        "url": doc.url,
        "kind": doc.kind,
        "muscle": doc.muscle,
        "region": doc.region,
        "title": doc.title,
        "names": doc.names,
        "symptoms": doc.symptoms,
        "mimics": doc.mimics,
        "aggravated": doc.aggravated,
        "summary": doc.summary,
        "areas_text": doc.areas_text,
        "body": doc.body,
        "essential": ",".join(doc.essential),
        "spillover": ",".join(doc.spillover),
        "spell": spell,
        "extra": doc.extra,
    }


class SearchIndex:
    """A read-only view of the live generation, reopened when a build swaps in a new one."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._lock = threading.Lock()
        self._generation: str | None = None
        self._searcher = None
        self._meta: IndexMeta | None = None
        self._sidecar: dict[str, object] = {}
        self._analyzer = analyzer()

    @property
    def meta(self) -> IndexMeta:
        self._refresh()
        assert self._meta is not None
        return self._meta

    def _open(self, generation: str) -> tuple[Any, dict[str, object]]:
        # Whoosh leaves a damaged file open when it fails to read it; the warning about that leak
        # would surface in some later, unrelated place, so it is collected here, quietly.
        failure = ""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                ix = whoosh_index.open_dir(str(self.root / generation))
                searcher = ix.searcher(weighting=BM25F(B=0.5, K1=1.2, body_B=0.75))
                sidecar = json.loads((self.root / generation / "sidecar.json").read_text())
            except Exception as exc:  # whoosh raises a zoo of errors for damaged files
                failure = type(exc).__name__
            if failure:
                gc.collect()
        if failure:
            raise IndexUnavailable(f"the search index cannot be read ({failure})")
        return searcher, sidecar

    def _refresh(self) -> None:
        try:
            generation = (self.root / "CURRENT").read_text().strip()
        except OSError:
            raise IndexUnavailable("the search index has not been built yet") from None
        if generation == self._generation:
            return
        with self._lock:
            if generation == self._generation:
                return
            meta = read_meta(self.root)
            if meta is None or meta.schema_version != SCHEMA_VERSION:
                raise IndexUnavailable("the search index is from another version and is being rebuilt")
            searcher, sidecar = self._open(generation)
            old = self._searcher
            self._searcher, self._generation, self._meta, self._sidecar = searcher, generation, meta, sidecar
            if old is not None:
                old.close()

    @property
    def sidecar(self) -> dict[str, object]:
        """Data built with the index (suggestions, area counts) that belongs to this generation."""
        self._refresh()
        return self._sidecar

    def analyze(self, text: str) -> list[str]:
        return [t.text for t in self._analyzer(text)]

    def known_word(self, word: str) -> bool:
        self._refresh()
        return self._searcher.doc_frequency("spell", word) > 0

    def spelling_candidates(self, word: str, maxdist: int) -> list[tuple[str, int]]:
        """Surface words within `maxdist` edits, with their document frequency."""
        self._refresh()
        reader = self._searcher.reader()
        return [(w, reader.doc_frequency("spell", w)) for w in reader.terms_within("spell", word, maxdist)]

    def words_with_prefix(self, prefix: str, limit: int) -> list[tuple[str, int]]:
        self._refresh()
        reader = self._searcher.reader()
        found: list[tuple[str, int]] = []
        for raw in reader.expand_prefix("spell", prefix):
            word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            found.append((word, reader.doc_frequency("spell", word)))
            if len(found) >= limit * 20:
                break
        return found

    def candidates(
        self,
        terms: list[str],
        areas: list[str],
        *,
        limit: int,
        filter_areas: bool = False,
        field_weights: dict[str, float] = TEXT_FIELDS,
    ) -> list[Candidate]:
        """Documents that match any analysed term in any text field, or any area; scored by BM25F."""
        self._refresh()
        text_clauses = [
            wq.Or([wq.Term(name, term, boost=weight) for name, weight in field_weights.items()])
            for term in dict.fromkeys(terms)
        ]
        area_clauses = [wq.Or([wq.Term("essential", a), wq.Term("spillover", a)]) for a in areas]
        if text_clauses and area_clauses and filter_areas:
            query: wq.Query = wq.And([wq.Or(text_clauses, scale=0.9), wq.Or(area_clauses)])
        elif text_clauses:
            # Area terms add a little to text hits; the caller ranks areas properly.
            query = wq.Or(text_clauses + [wq.ConstantScoreQuery(c, 0.01) for c in area_clauses], scale=0.9)
        elif area_clauses:
            query = wq.Or([wq.ConstantScoreQuery(c, 1.0) for c in area_clauses])
        else:
            return []
        results = self._searcher.search(query, limit=limit)
        out = []
        for hit in results:
            stored = hit.fields()
            out.append(
                Candidate(
                    url=stored["url"],
                    title=stored["title"],
                    kind=stored["kind"],
                    muscle=stored["muscle"],
                    region=stored.get("region", ""),
                    summary=stored.get("summary", ""),
                    body=stored.get("body", ""),
                    essential=[a for a in stored.get("essential", "").split(",") if a],
                    spillover=[a for a in stored.get("spillover", "").split(",") if a],
                    extra=stored.get("extra") or {},
                    text_score=float(hit.score or 0.0),
                )
            )
        return out

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
            self._generation = None
