"""Referral figures for articles, made from their front matter so a figure never disagrees with its text.

The full figure goes inline into the article page; a small standalone thumbnail per pattern (with its
own colours, since an <img> does not see the page's CSS) serves the body map's result list.
"""

from __future__ import annotations

import re

from ..content.articles import Article
from ..content.atlas import Atlas
from .body_figure import render_referral_figure

THUMBNAIL_DIR = "figures"

# The light palette of overrides/assets/stylesheets/figures.css, for standalone thumbnails.
_THUMBNAIL_STYLE = (
    ".outlines path{fill:#f7f2ed;stroke:#5a524b;stroke-width:1.25px;stroke-linejoin:round;vector-effect:non-scaling-stroke}"
    ".outlines path.detail,.outlines path.inset-frame{fill:none;stroke:#b9afa6;stroke-width:1px}"
    ".zone-essential{fill:#e4491f;stroke:#a8300f;stroke-width:1px;vector-effect:non-scaling-stroke}"
    ".zone-spillover{stroke:#e4491f;stroke-width:1px;stroke-dasharray:3 2;vector-effect:non-scaling-stroke}"
    ".hatch-line{stroke:#e4491f;stroke-width:3.5}.hatch-background{fill:rgb(228 73 31 / 0.1)}"
    ".trigger-point{stroke:#1c1815;stroke-width:2.5px;stroke-linecap:round;vector-effect:non-scaling-stroke}"
    ".trigger-point-halo{stroke:#fff;stroke-width:5.5px;stroke-linecap:round;vector-effect:non-scaling-stroke}"
    ".view-heading{display:none}"
)


def _listing(labels: list[str]) -> str:
    labels = [label[0].lower() + label[1:] for label in labels]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def alt_text(atlas: Atlas, article: Article) -> str:
    """Where the pain goes, in words, for readers who cannot see the figure."""
    label = atlas.vocabulary.area_label
    muscle = atlas.muscle_name(article.muscle)
    text = f"Pain from {muscle} trigger points is felt mainly in the {_listing([label(a) for a in article.essential])}"
    if article.spillover:
        text += f", and sometimes in the {_listing([label(a) for a in article.spillover])}"
    points = list(dict.fromkeys(article.trigger_point_areas))
    if points:
        text += f". The trigger points lie in the {_listing([label(a) for a in points])}"
    return text + "."


def caption(atlas: Atlas, article: Article) -> str:
    muscle = atlas.muscle_name(article.muscle)
    if article.kind == "story":
        return f"Where the pain is felt, and where its culprit, {muscle}, lies."
    return f"Referral pattern of {muscle}: essential zone solid, spillover hatched, trigger points marked ×."


def article_figure(atlas: Atlas, article: Article, *, thumbnail: bool = False) -> str:
    return render_referral_figure(
        essential=article.essential,
        spillover=article.spillover,
        trigger_points=list(dict.fromkeys(article.trigger_point_areas)),
        caption=caption(atlas, article),
        alt=alt_text(atlas, article),
        thumbnail=thumbnail,
    )


def thumbnail_svg(atlas: Atlas, article: Article) -> str:
    """A standalone SVG file of the article's figure, small, with its colours built in."""
    html = article_figure(atlas, article, thumbnail=True)
    match = re.search(r"<svg\b.*</svg>", html, re.S)
    assert match, "render_referral_figure returned no <svg>"
    svg = match.group(0)
    return svg.replace(">", f"><style>{_THUMBNAIL_STYLE}</style>", 1) if "<style>" not in svg else svg


def thumbnail_uri(muscle: str) -> str:
    return f"{THUMBNAIL_DIR}/{muscle}.svg"
