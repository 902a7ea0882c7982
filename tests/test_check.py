"""The content checker on tiny doc trees made inline, and on the real docs/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from search_service.content.check import check_docs
from search_service.content.front_matter import FrontMatterError, parse

PROJECT_DOCS = Path(__file__).resolve().parent.parent / "docs"
REAL_ARTICLE = PROJECT_DOCS / "patterns" / "thigh-and-knee" / "biceps-femoris.md"


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A docs tree with the real vocabularies, one muscle, and its valid pattern article."""
    root = tmp_path / "docs"
    shutil.copytree(PROJECT_DOCS / "_data", root / "_data")
    muscles = root / "_data" / "muscles.yaml"
    text = muscles.read_text()
    head, _, rest = text.partition("muscles:\n")
    muscles.write_text(head + "muscles:\n  - {slug: biceps-femoris, name: Biceps femoris, group: thigh-and-knee}\n"
                       "  - {slug: gastrocnemius, name: Gastrocnemius, group: leg-and-foot}\n")
    folder = root / "patterns" / "thigh-and-knee"
    folder.mkdir(parents=True)
    article = REAL_ARTICLE.read_text()
    article = article.replace("related: [medial-hamstrings, gluteus-minimus, gastrocnemius, popliteus, vastus-lateralis, adductor-magnus, piriformis]", "related: [gastrocnemius]")
    article = _drop_links(article)
    (folder / "biceps-femoris.md").write_text(article)
    other = article.replace("muscle: biceps-femoris", "muscle: gastrocnemius").replace("related: [gastrocnemius]", "related: [biceps-femoris]")
    (root / "patterns" / "leg-and-foot").mkdir()
    (root / "patterns" / "leg-and-foot" / "gastrocnemius.md").write_text(other)
    return root


def _drop_links(text: str) -> str:
    import re

    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)


def lines_for(problems: list, name: str) -> list[str]:
    return [str(p) for p in problems if name in p.path]


def test_valid_tree_is_clean(docs: Path) -> None:
    assert [str(p) for p in check_docs(docs)] == []


def test_unknown_area_is_reported_on_its_line(docs: Path) -> None:
    path = docs / "patterns" / "thigh-and-knee" / "biceps-femoris.md"
    text = path.read_text().replace("essential: [back-of-knee, back-of-thigh]", "essential: [back-of-knee, back-of-thigh, elbow-pit]")
    path.write_text(text)
    line = text.splitlines().index("  essential: [back-of-knee, back-of-thigh, elbow-pit]") + 1
    assert lines_for(check_docs(docs), "biceps-femoris") == [
        f"docs/patterns/thigh-and-knee/biceps-femoris.md:{line}: unknown body-area id 'elbow-pit' in pain_areas.essential"
    ]


def test_missing_section_field_and_unknown_field(docs: Path) -> None:
    path = docs / "patterns" / "thigh-and-knee" / "biceps-femoris.md"
    text = path.read_text().replace("## For bodyworkers", "## Notes").replace("prevalence: common\n", "prevalence: common\ncolour: red\n")
    text = text.replace("mimics: [sciatica, Baker's cyst, knee joint injury, hamstring strain]\n", "")
    path.write_text(text)
    messages = [p.message for p in check_docs(docs)]
    assert "missing required section '## For bodyworkers'" in messages
    assert "missing required field 'mimics'" in messages
    assert any(m.startswith("unknown field 'colour'") for m in messages)


def test_missing_pattern_article_and_unresolved_related(docs: Path) -> None:
    (docs / "patterns" / "leg-and-foot" / "gastrocnemius.md").unlink()
    problems = [str(p) for p in check_docs(docs)]
    assert any("docs/_data/muscles.yaml:" in p and "no pattern article for muscle 'gastrocnemius'" in p for p in problems)
    assert any("related muscle 'gastrocnemius' has no pattern article" in p for p in problems)


def test_broken_link_and_word_bounds(docs: Path) -> None:
    path = docs / "patterns" / "thigh-and-knee" / "biceps-femoris.md"
    text = path.read_text()
    head, _, _ = text.partition("## What clients say")
    short = head + "## What clients say\nx\n## The referral pattern\nx\n## Find it yourself\nx\n## Self-care\nx\n## For bodyworkers\nx\n## Related patterns\n- [Nowhere](nowhere.md)\n"
    path.write_text(short)
    messages = [p.message for p in check_docs(docs)]
    assert "link 'nowhere.md' does not resolve to a page in docs/" in messages
    assert any(m.startswith("the body has ") and "a pattern needs 300–700" in m for m in messages)


def test_bad_yaml_gives_its_line() -> None:
    with pytest.raises(FrontMatterError) as caught:
        parse("---\ntitle: ok\nkind: [unclosed\n---\nbody\n")
    assert caught.value.line >= 3


def test_real_docs_are_clean() -> None:
    assert [str(p) for p in check_docs(PROJECT_DOCS)] == []
