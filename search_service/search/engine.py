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
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.scoring import BM25F

# Bump when the schema or the analysis changes: a stored index of another version is rebuilt.
SCHEMA_VERSION = "8"

# Words that carry no meaning in a symptom query. Pain words are kept: "ache" or "cramp" discriminate.
STOP_WORDS = frozenset(
    """a an and are as at be been being but by can could did do does doing for from had has have having he her
    here hers him his how i if in into is it its itself just me mine my myself no nor not of off on once only or
    our ours out over own same she should so some such than that the their theirs them then there these they this
    those through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself get gets got getting feel feels feeling felt keep keeps""".split()
)

# How many times each short field is repeated in the one "profile" field. One field instead of seven
# keeps a query to two posting lists per term (profile and body), which is what makes 10,000 articles
# fast; repetition gives the field weights that separate fields would.
PROFILE_REPEATS: dict[str, int] = {
    "names": 3,
    "title": 2,
    "mimics": 2,
    "symptoms": 1,
    "aggravated": 1,
    "summary": 1,
    "areas_text": 1,
}
BODY_WEIGHT = 0.25
# A body term found in more than this share of articles says almost nothing (BM25 gives it a tiny
# weight) but costs a full posting list: leave it to the profile field.
COMMON_BODY_SHARE = 0.25
COMMON_BODY_FLOOR = 50
# How much an area counts when an article sends its essential or its spillover pain there; retrieval
# here and ranking in the service use the same weights.
ZONE_WEIGHTS = {"essential": 1.0, "spillover": 0.35}


def analyzer() -> StemmingAnalyzer:
    return StemmingAnalyzer(stoplist=STOP_WORDS, minsize=2)


def _schema() -> Schema:
    text = analyzer()
    spell = RegexTokenizer() | LowercaseFilter()
    return Schema(
        url=ID(stored=True, unique=True),
        title=STORED(),
        summary=STORED(),
        profile=TEXT(analyzer=text),
        body=TEXT(analyzer=text, stored=True),
        essential=KEYWORD(commas=True),
        spillover=KEYWORD(commas=True),
        # What ranking needs of every candidate, read by document number without loading the body.
        light=COLUMN(VarBytesColumn()),
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
    prevalence: int = 3  # 0 very common … 3 unknown


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
    docnum: int
    title: str
    kind: str
    muscle: str
    region: str
    essential: list[str]
    spillover: list[str]
    text_score: float
    prevalence: int = 3


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
    profile = " ; ".join(" ; ".join([getattr(doc, name)] * times) for name, times in PROFILE_REPEATS.items())
    # The spelling lexicon holds the atlas's own vocabulary (names, areas, conditions, symptoms), not
    # every body word: corrections should land on words that matter, and it halves the indexing work.
    spell = " ".join([doc.title, doc.names, doc.symptoms, doc.mimics, doc.aggravated, doc.summary, doc.areas_text])
    light = {"t": doc.title, "k": doc.kind, "m": doc.muscle, "r": doc.region, "e": doc.essential, "s": doc.spillover,
             "p": doc.prevalence}
    return {
        "url": doc.url,
        "title": doc.title,
        "summary": doc.summary,
        "profile": profile,
        "body": doc.body,
        "essential": ",".join(doc.essential),
        "spillover": ",".join(doc.spillover),
        "light": json.dumps(light, separators=(",", ":")).encode(),
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
                searcher = ix.searcher(weighting=BM25F(B=0.75, K1=1.2, profile_B=0.3))
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
        """Surface words within `maxdist` edits sharing the first letter, with their document frequency.

        Typos rarely hit the first letter, and fixing it makes the automaton walk a small part of
        the lexicon instead of all of it.
        """
        self._refresh()
        reader = self._searcher.reader()
        return [(w, reader.doc_frequency("spell", w)) for w in reader.terms_within("spell", word, maxdist, prefix=1)]

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

    def candidates(self, terms: list[str], areas: list[str], *, limit: int, filter_areas: bool = False) -> list[Candidate]:
        """Documents matching any analysed term or any area, best BM25F first, without their bodies."""
        self._refresh()
        searcher = self._searcher
        common = max(COMMON_BODY_FLOOR, COMMON_BODY_SHARE * searcher.doc_count())
        text_clauses: list[wq.Query] = []
        for term in dict.fromkeys(terms):
            fields = [wq.Term("profile", term)]
            if searcher.doc_frequency("body", term) <= common:
                fields.append(wq.Term("body", term, boost=BODY_WEIGHT))
            text_clauses.append(wq.Or(fields))
        area_query = wq.Or([
            wq.ConstantScoreQuery(wq.Term(zone, a), weight)
            for a in areas
            for zone, weight in ZONE_WEIGHTS.items()
        ])
        scores: dict[int, float] = {}
        if text_clauses:
            text_query: wq.Query = wq.Or(text_clauses)
            if areas and filter_areas:
                text_query = wq.And([text_query, area_query])
            scores.update(searcher.search(text_query, limit=limit).items())
        if areas and not (text_clauses and filter_areas):
            # Area referrers the text did not reach still compete; the caller weighs both.
            for docnum, _ in searcher.search(area_query, limit=limit).items():
                scores.setdefault(docnum, 0.0)
        light = searcher.reader().column_reader("light")
        out = []
        for docnum, score in scores.items():
            row = json.loads(light[docnum])
            out.append(Candidate(docnum, row["t"], row["k"], row["m"], row["r"], row["e"], row["s"], float(score or 0.0), row["p"]))
        return out

    def document(self, docnum: int) -> dict[str, Any]:
        """The stored fields of one document: url, title, summary, body and extra."""
        self._refresh()
        return dict(self._searcher.stored_fields(docnum))

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
            self._generation = None
