"""The front-matter schema of an article, written down once.

`trigger-atlas check` validates against it, the search index reads it, and the contributor guide
(docs/about/contributing.md) is tested to describe every field listed here.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = ("pattern", "story")
AUDIENCES = ("readers", "bodyworkers")
PREVALENCE = ("very-common", "common", "occasional")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str  # text | choice | muscle | section | text_list | muscle_list | choice_list | pain_areas | trigger_points
    description: str
    required_for: tuple[str, ...] = KINDS
    min_items: int = 0
    max_length: int = 0
    choices: tuple[str, ...] = ()


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("title", "text", "The page title as readers see it.", max_length=90),
    FieldSpec("kind", "choice", "`pattern` for a muscle's pattern article, `story` for a symptom story.", choices=KINDS),
    FieldSpec("muscle", "muscle", "Slug of the muscle the article is about; for a story, the culprit."),
    FieldSpec("filed_under", "section", "The pain-area section of the navigation (docs/_data/navigation.yaml)."),
    FieldSpec("summary", "text", "One sentence: where the pain goes and why this muscle explains it.", max_length=220),
    FieldSpec(
        "prevalence", "choice",
        "How often the pattern turns up in practice: `very-common`, `common` or `occasional`; "
        "pain-area pages list the more common first.",
        required_for=("pattern",), choices=PREVALENCE,
    ),
    FieldSpec(
        "aliases", "text_list", "Everyday names, abbreviations, older names: the words people type.",
        required_for=("pattern",), min_items=1,
    ),
    FieldSpec(
        "pain_areas", "pain_areas",
        "`essential` (always felt there) and `spillover` (sometimes) lists of body-area ids.",
    ),
    FieldSpec(
        "trigger_points", "trigger_points",
        "Where the points lie: a list of `{area: <body-area id>, where: <a few words>}`.", min_items=1,
    ),
    FieldSpec("symptoms", "text_list", "Short first-person phrases people say.", min_items=3),
    FieldSpec("aggravated_by", "text_list", "Postures, activities and times of day that bring it on.", min_items=2),
    FieldSpec("mimics", "text_list", "Conditions the pattern is mistaken for.", min_items=1),
    FieldSpec("related", "muscle_list", "Satellite and often-involved muscles (slugs).", min_items=1),
    FieldSpec(
        "audience", "choice_list", "Who the article is written for: `readers`, `bodyworkers` or both.",
        min_items=1, choices=AUDIENCES,
    ),
)

FIELD_NAMES = frozenset(f.name for f in FIELDS)

# Required `##` sections of an article body, in order.
SECTIONS: dict[str, tuple[str, ...]] = {
    "pattern": (
        "What clients say",
        "The referral pattern",
        "Find it yourself",
        "Self-care",
        "For bodyworkers",
        "Related patterns",
    ),
    "story": (
        "What readers describe",
        "The real culprit",
        "Find it yourself",
        "What helps",
        "Related patterns",
    ),
}

# Body length in words (front matter, headings and admonition titles included in the count: it is prose).
WORD_BOUNDS: dict[str, tuple[int, int]] = {"pattern": (300, 700), "story": (300, 900)}
