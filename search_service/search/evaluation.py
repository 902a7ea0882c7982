"""`trigger-atlas eval`: Success@1, Success@3 and MRR@10 of a query file, beside a plain BM25 baseline.

The baseline is what a stock site search does: one text field per article (title and body), BM25,
the reader's words OR-ed together, no areas, aliases, typo handling or ranking of ours. It is built in
a temporary folder in the same run, over the same articles.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import yaml
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import ID, TEXT, Schema

from ..content.atlas import Atlas
from ..content.vocabulary import load_vocabulary
from ..settings import Settings
from .documents import plain_text
from .engine import SearchIndex
from .query import normalize
from .service import SearchRequest, SearchService


@dataclass(frozen=True)
class EvalQuery:
    q: str
    expect: tuple[str, ...]
    kind: str


Ranker = Callable[[str], list[str]]  # query -> muscles of the ranked results


def load_queries(path: Path) -> list[EvalQuery]:
    items = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    return [EvalQuery(str(i["q"]), tuple(i["expect"]), str(i.get("kind", "other"))) for i in items]


def first_hit_rank(muscles: Sequence[str], expect: Sequence[str]) -> int | None:
    for rank, muscle in enumerate(muscles[:10], 1):
        if muscle in expect:
            return rank
    return None


def metrics(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "S@1": sum(1 for r in ranks if r == 1) / n,
        "S@3": sum(1 for r in ranks if r is not None and r <= 3) / n,
        "MRR@10": sum(1 / r for r in ranks if r is not None) / n,
    }


def evaluate(queries: list[EvalQuery], ranker: Ranker) -> dict[str, dict[str, float]]:
    by_kind: dict[str, list[int | None]] = defaultdict(list)
    for query in queries:
        rank = first_hit_rank(ranker(query.q), query.expect)
        by_kind["overall"].append(rank)
        by_kind[query.kind].append(rank)
    return {kind: {**metrics(ranks), "n": len(ranks)} for kind, ranks in by_kind.items()}


def atlas_ranker(settings: Settings) -> Ranker:
    service = SearchService(SearchIndex(settings.index_dir), load_vocabulary(settings.docs_dir))

    def rank(q: str) -> list[str]:
        answer = service.search(SearchRequest(q=q, limit=10), use_cache=False)
        return [r["muscle"] for r in answer["results"]]

    return rank


def baseline_ranker(atlas: Atlas, folder: Path) -> Ranker:
    analyzer = StemmingAnalyzer()
    ix = whoosh_index.create_in(str(folder), Schema(muscle=ID(stored=True), text=TEXT(analyzer=analyzer)))
    with ix.writer() as writer:
        for article in atlas.articles:
            writer.add_document(muscle=article.muscle, text=f"{article.title}\n{plain_text(article.body)}")
    searcher = ix.searcher()

    def rank(q: str) -> list[str]:
        terms = [t.text for t in analyzer(normalize(q))]
        if not terms:
            return []
        hits = searcher.search(wq.Or([wq.Term("text", t) for t in terms]), limit=10)
        return [hit["muscle"] for hit in hits]

    return rank


def format_report(ours: dict[str, dict[str, float]], baseline: dict[str, dict[str, float]]) -> str:
    lines = [f"{'kind':<10} {'n':>3}   {'S@1':>5} {'S@3':>5} {'MRR@10':>6}   {'BM25 S@1':>8} {'S@3':>5} {'MRR@10':>6}"]
    kinds = ["overall"] + sorted(k for k in ours if k != "overall")
    for kind in kinds:
        a, b = ours[kind], baseline[kind]
        lines.append(
            f"{kind:<10} {int(a['n']):>3}   {a['S@1']:>5.2f} {a['S@3']:>5.2f} {a['MRR@10']:>6.2f}   "
            f"{b['S@1']:>8.2f} {b['S@3']:>5.2f} {b['MRR@10']:>6.2f}"
        )
    return "\n".join(lines)


def run_eval(settings: Settings, queries_file: Path) -> str:
    queries = load_queries(queries_file)
    ours = evaluate(queries, atlas_ranker(settings))
    with tempfile.TemporaryDirectory() as folder:
        baseline = evaluate(queries, baseline_ranker(Atlas.load(settings.docs_dir), Path(folder)))
    return format_report(ours, baseline)
