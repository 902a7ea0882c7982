"""Articles on disk: front matter and body of every Markdown page under docs/patterns/."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .front_matter import FrontMatter, FrontMatterError, parse

PATTERNS_DIR = "patterns"
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’-]*")


@dataclass
class Article:
    path: Path  # relative to docs/
    front: FrontMatter

    @property
    def meta(self) -> dict[str, Any]:
        return self.front.data

    @property
    def kind(self) -> str:
        return str(self.meta.get("kind", ""))

    @property
    def muscle(self) -> str:
        return str(self.meta.get("muscle", ""))

    @property
    def title(self) -> str:
        return str(self.meta.get("title", ""))

    @property
    def url(self) -> str:
        """Site URL of the page with MkDocs' directory URLs."""
        return "/" + self.path.with_suffix("").as_posix().removesuffix("index").rstrip("/") + "/"

    @property
    def essential(self) -> list[str]:
        return list((self.meta.get("pain_areas") or {}).get("essential") or [])

    @property
    def spillover(self) -> list[str]:
        return list((self.meta.get("pain_areas") or {}).get("spillover") or [])

    @property
    def trigger_point_areas(self) -> list[str]:
        return [tp["area"] for tp in self.meta.get("trigger_points") or [] if isinstance(tp, dict) and "area" in tp]

    @property
    def body(self) -> str:
        return self.front.body

    def word_count(self) -> int:
        return len(_WORD.findall(self.body))


@dataclass
class Unreadable:
    path: Path
    line: int
    message: str


def article_paths(docs_dir: Path) -> list[Path]:
    root = Path(docs_dir) / PATTERNS_DIR
    return sorted(p for p in root.rglob("*.md") if p.name != "index.md")


def load_articles(docs_dir: Path) -> tuple[list[Article], list[Unreadable]]:
    docs_dir = Path(docs_dir)
    articles: list[Article] = []
    unreadable: list[Unreadable] = []
    for path in article_paths(docs_dir):
        rel = path.relative_to(docs_dir)
        try:
            articles.append(Article(path=rel, front=parse(path.read_text(encoding="utf-8"))))
        except FrontMatterError as exc:
            unreadable.append(Unreadable(rel, exc.line, str(exc)))
        except UnicodeDecodeError:
            unreadable.append(Unreadable(rel, 1, "the file is not UTF-8 text"))
    return articles, unreadable
