"""`trigger-atlas check`: every article against the schema, the vocabulary and the site's links."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..site_pages import generated_pages
from .articles import Article, load_articles
from .atlas import Atlas
from .schema import FIELD_NAMES, FIELDS, SECTIONS, WORD_BOUNDS, FieldSpec
from .vocabulary import Vocabulary, load_vocabulary

_LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^##\s+(.+?)\s*$", re.M)


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def check_docs(docs_dir: Path) -> list[Problem]:
    docs_dir = Path(docs_dir)
    vocab = load_vocabulary(docs_dir)
    articles, unreadable = load_articles(docs_dir)
    problems = [Problem(_docs_path(u.path), u.line, u.message) for u in unreadable]
    for article in articles:
        problems.extend(_check_article(article, vocab, docs_dir))
    problems.extend(_check_coverage(articles, vocab, docs_dir))
    problems.extend(_check_related(articles))
    problems.extend(_check_links(docs_dir, set(generated_pages(Atlas(docs_dir, vocab, articles)))))
    return sorted(set(problems))


def _docs_path(rel: Path) -> str:
    return f"docs/{rel.as_posix()}"


def _check_article(article: Article, vocab: Vocabulary, docs_dir: Path) -> Iterator[Problem]:
    path = _docs_path(article.path)
    meta = article.meta
    front = article.front
    for key in meta:
        if key not in FIELD_NAMES:
            yield Problem(path, front.line_of(key), f"unknown field '{key}' (see docs/about/contributing.md)")
    kind = meta.get("kind")
    if kind not in SECTIONS:
        yield Problem(path, front.line_of("kind"), f"kind must be one of {', '.join(SECTIONS)}, not {kind!r}")
        return
    for spec in FIELDS:
        if spec.name not in meta or meta[spec.name] in (None, "", []):
            if kind in spec.required_for:
                yield Problem(path, 1, f"missing required field '{spec.name}'")
            continue
        for line_path, message in _check_field(spec, meta[spec.name], vocab):
            yield Problem(path, front.line_of(spec.name, *line_path), message)
    if kind == "pattern" and meta.get("muscle") in vocab.muscles:
        group = vocab.muscles[meta["muscle"]].group
        expected = Path("patterns") / group / f"{meta['muscle']}.md"
        if article.path != expected:
            yield Problem(path, front.line_of("muscle"), f"the pattern article for '{meta['muscle']}' belongs at docs/{expected.as_posix()}")
    yield from _check_body(article, kind, path)


def _check_field(spec: FieldSpec, value: Any, vocab: Vocabulary) -> Iterator[tuple[tuple[Any, ...], str]]:
    name = spec.name
    if spec.type in ("text", "choice", "muscle", "section"):
        if not isinstance(value, str):
            yield (), f"'{name}' must be a single text value"
            return
        if spec.max_length and len(value) > spec.max_length:
            yield (), f"'{name}' is {len(value)} characters; keep it within {spec.max_length}"
        if spec.type == "choice" and value not in spec.choices:
            yield (), f"'{name}' must be one of {', '.join(spec.choices)}, not {value!r}"
        if spec.type == "muscle" and value not in vocab.muscles:
            yield (), f"unknown muscle slug '{value}' in '{name}'"
        if spec.type == "section" and value not in vocab.sections:
            yield (), f"unknown navigation section '{value}' in '{name}' (see docs/_data/navigation.yaml)"
        return
    if spec.type == "pain_areas":
        yield from _check_pain_areas(value, vocab)
        return
    if not isinstance(value, list):
        yield (), f"'{name}' must be a list"
        return
    if len(value) < spec.min_items:
        yield (), f"'{name}' needs at least {spec.min_items} entries, has {len(value)}"
    seen: set[str] = set()
    for index, item in enumerate(value):
        if spec.type == "trigger_points":
            yield from _check_trigger_point(index, item, vocab)
            continue
        if not isinstance(item, str) or not item.strip():
            yield (index,), f"'{name}' entry {index + 1} must be non-empty text"
            continue
        if item.lower() in seen:
            yield (index,), f"'{name}' lists '{item}' twice"
        seen.add(item.lower())
        if spec.type == "muscle_list" and item not in vocab.muscles:
            yield (index,), f"unknown muscle slug '{item}' in '{name}'"
        if spec.type == "choice_list" and item not in spec.choices:
            yield (index,), f"'{name}' entries must be among {', '.join(spec.choices)}, not {item!r}"


def _check_pain_areas(value: Any, vocab: Vocabulary) -> Iterator[tuple[tuple[Any, ...], str]]:
    if not isinstance(value, dict):
        yield (), "'pain_areas' must have 'essential' and 'spillover' lists"
        return
    for key in value:
        if key not in ("essential", "spillover"):
            yield (key,), f"'pain_areas' has unknown key '{key}'; use essential and spillover"
    if not value.get("essential"):
        yield (), "'pain_areas.essential' needs at least one body-area id"
    seen: dict[str, str] = {}
    for zone in ("essential", "spillover"):
        areas = value.get(zone) or []
        if not isinstance(areas, list):
            yield (zone,), f"'pain_areas.{zone}' must be a list of body-area ids"
            continue
        for index, area in enumerate(areas):
            if area not in vocab.areas:
                yield (zone, index), f"unknown body-area id '{area}' in pain_areas.{zone}"
            elif area in seen:
                yield (zone, index), f"body area '{area}' is listed twice (in {seen[area]} and {zone})"
            seen[area] = zone


def _check_trigger_point(index: int, item: Any, vocab: Vocabulary) -> Iterator[tuple[tuple[Any, ...], str]]:
    if not isinstance(item, dict) or set(item) != {"area", "where"}:
        yield (index,), "each trigger point needs exactly 'area' (a body-area id) and 'where' (a few words)"
        return
    if item["area"] not in vocab.areas:
        yield (index, "area"), f"unknown body-area id '{item['area']}' in trigger_points"
    if not isinstance(item["where"], str) or not item["where"].strip():
        yield (index, "where"), "a trigger point's 'where' must say in a few words where it lies"


def _check_body(article: Article, kind: str, path: str) -> Iterator[Problem]:
    body_line = article.front.body_start_line
    headings = [(m.group(1), article.body.count("\n", 0, m.start()) + body_line) for m in _HEADING.finditer(article.body)]
    titles = [h for h, _ in headings]
    position = -1
    for section in SECTIONS[kind]:
        if section not in titles:
            yield Problem(path, body_line, f"missing required section '## {section}'")
            continue
        index = titles.index(section)
        if index < position:
            yield Problem(path, headings[index][1], f"section '## {section}' is out of order; expected {', '.join(SECTIONS[kind])}")
        position = max(position, index)
    low, high = WORD_BOUNDS[kind]
    words = article.word_count()
    if not low <= words <= high:
        yield Problem(path, body_line, f"the body has {words} words; a {kind} needs {low}–{high}")
    if kind == "story" and article.muscle and not any(
        Path(link.split("#")[0]).stem == article.muscle for link in _LINK.findall(article.body)
    ):
        yield Problem(path, article.front.line_of("muscle"), f"a story must link to its culprit's pattern article ({article.muscle}.md)")


def _check_coverage(articles: list[Article], vocab: Vocabulary, docs_dir: Path) -> Iterator[Problem]:
    by_muscle: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        if article.kind == "pattern":
            by_muscle[article.muscle].append(article)
    muscles_file = docs_dir / "_data" / "muscles.yaml"
    lines = muscles_file.read_text(encoding="utf-8").splitlines()
    for slug in vocab.muscles:
        if not by_muscle.get(slug):
            line = next((n for n, text in enumerate(lines, 1) if f"slug: {slug}," in text), 1)
            yield Problem("docs/_data/muscles.yaml", line, f"no pattern article for muscle '{slug}'")
    for slug, group in by_muscle.items():
        for extra in group[1:]:
            yield Problem(_docs_path(extra.path), extra.front.line_of("muscle"), f"a second pattern article for '{slug}' (first: {_docs_path(group[0].path)})")


def _check_related(articles: list[Article]) -> Iterator[Problem]:
    with_pattern = {a.muscle for a in articles if a.kind == "pattern"}
    for article in articles:
        for index, slug in enumerate(article.meta.get("related") or []):
            if not isinstance(slug, str):
                continue
            if article.kind == "pattern" and slug == article.muscle:
                yield Problem(_docs_path(article.path), article.front.line_of("related", index), "an article cannot be related to its own muscle")
            elif slug not in with_pattern:
                yield Problem(_docs_path(article.path), article.front.line_of("related", index), f"related muscle '{slug}' has no pattern article")


def _check_links(docs_dir: Path, generated: set[str]) -> Iterator[Problem]:
    for page in sorted(docs_dir.rglob("*.md")):
        rel = page.relative_to(docs_dir)
        if rel.parts[0].startswith("_"):
            continue
        text = page.read_text(encoding="utf-8")
        for match in _LINK.finditer(text):
            target = match.group(1)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                continue
            line = text.count("\n", 0, match.start()) + 1
            link_path = target.split("#", 1)[0]
            if link_path.startswith("/"):
                yield Problem(_docs_path(rel), line, f"link '{target}' is absolute; link to the Markdown file with a relative path")
                continue
            resolved = (page.parent / link_path).resolve()
            generated_target = resolved.is_relative_to(docs_dir.resolve()) and resolved.relative_to(docs_dir.resolve()).as_posix() in generated
            if not generated_target and (not resolved.exists() or resolved.is_dir()):
                yield Problem(_docs_path(rel), line, f"link '{target}' does not resolve to a page in docs/")
