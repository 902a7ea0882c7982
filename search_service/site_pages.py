"""Pages generated at build time from the front matter: one per body area, and Muscles A–Z.

Hand-made lists go stale; these are rebuilt from the articles on every `mkdocs build`.
"""

from __future__ import annotations

import json
import posixpath

from markupsafe import escape

from .content.atlas import AreaReferrer, Atlas, prevalence_rank
from .figures.article_figures import thumbnail_uri
from .figures.body_figure import render_body_map

AREAS_DIR = "areas"
MUSCLES_PAGE = "muscles.md"
RESULTS_PAGE = "results.md"
MAP_PAGE = "where-does-it-hurt.md"
GROUP_TITLES = {
    "head-and-neck": "Head and neck",
    "shoulder-and-back": "Shoulder and back",
    "chest-and-abdomen": "Chest and abdomen",
    "arm-and-hand": "Arm and hand",
    "hip-and-leg": "Hip and leg",
    "ankle-and-foot": "Ankle and foot",
}


def area_page_uri(area_id: str) -> str:
    return f"{AREAS_DIR}/{area_id}.md"


def link(from_uri: str, to_uri: str) -> str:
    """A relative Markdown link target from one docs file to another."""
    return posixpath.relpath(to_uri, posixpath.dirname(from_uri) or ".")


def generated_pages(atlas: Atlas) -> dict[str, str]:
    pages = {
        f"{AREAS_DIR}/index.md": areas_index(atlas),
        MUSCLES_PAGE: muscles_a_to_z(atlas),
        RESULTS_PAGE: results_page(atlas),
        MAP_PAGE: body_map_page(atlas),
    }
    for area_id in atlas.vocabulary.areas:
        pages[area_page_uri(area_id)] = area_page(atlas, area_id)
    return pages


def areas_index(atlas: Atlas) -> str:
    here = f"{AREAS_DIR}/index.md"
    counts = atlas.area_counts()
    lines = [
        "---", "title: Pain areas", "---", "", "# Pain areas", "",
        "Pick the place that hurts to see the muscles whose trigger points send pain there. "
        "Often the culprit is some distance away.", "",
    ]
    for group, title in GROUP_TITLES.items():
        areas = [a for a in atlas.vocabulary.areas.values() if a.group == group]
        if not areas:
            continue
        lines += [f"## {title}", ""]
        for area in areas:
            n = counts.get(area.id, 0)
            lines.append(f"- [{escape(area.label)}]({link(here, area_page_uri(area.id))}) ({n} {'article' if n == 1 else 'articles'})")
        lines.append("")
    return "\n".join(lines)


def area_page(atlas: Atlas, area_id: str) -> str:
    here = area_page_uri(area_id)
    area = atlas.vocabulary.areas[area_id]
    referrers = atlas.referrers(area_id)
    lines = [
        "---", f"title: {_yaml_text(area.label)} pain", "area_page: " + area_id, "---", "",
        f"# Pain in the {escape(area.label[0].lower() + area.label[1:])}", "",
    ]
    if area.phrases:
        lines += [f"Also described as: {', '.join(escape(p) for p in area.phrases[:6])}.", ""]
    if not referrers:
        lines += ["No pattern in the atlas sends pain here yet.", ""]
    essential = [r for r in referrers if r.zone == "essential"]
    spillover = [r for r in referrers if r.zone == "spillover"]
    if essential:
        lines += ["## Main referrers", "", "These muscles send their main (essential) pain here, the more common first:", ""]
        lines += [f"- **[{escape(r.article.title)}]({link(here, r.article.path.as_posix())})**{_summary(r)}" for r in essential]
        lines.append("")
    if spillover:
        lines += ["## Also sends pain here", "", "These muscles sometimes spill pain into this area:", ""]
        lines += [f"- *[{escape(r.article.title)}]({link(here, r.article.path.as_posix())})*{_summary(r)}" for r in spillover]
        lines.append("")
    stories = [s for s in atlas.stories if area_id in s.essential or area_id in s.spillover]
    if stories:
        lines += ["## Stories", ""]
        lines += [f"- [{escape(s.title)}]({link(here, s.path.as_posix())})" for s in stories]
        lines.append("")
    return "\n".join(lines)


def muscles_a_to_z(atlas: Atlas) -> str:
    lines = [
        "---", "title: Muscles A–Z", "---", "", "# Muscles A–Z", "",
        "Every muscle in the atlas, with the other names people use for it.", "",
    ]
    letter = ""
    for article in sorted(atlas.patterns.values(), key=lambda a: a.title.lower()):
        first = article.title[:1].upper()
        if first != letter:
            letter = first
            lines += ["", f"## {letter}", ""]
        aliases = ", ".join(escape(a) for a in article.meta.get("aliases") or [])
        tail = f" — also: {aliases}" if aliases else ""
        lines.append(f"- [{escape(article.title)}]({article.path.as_posix()}){tail}")
    lines.append("")
    return "\n".join(lines)


def _summary(referrer: AreaReferrer) -> str:
    summary = referrer.article.meta.get("summary")
    return f": {escape(summary)}" if summary else ""


def _yaml_text(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def results_page(atlas: Atlas) -> str:
    """The full search results page; its filters list the regions of the navigation."""
    regions = "".join(f'<option value="{escape(rid)}">{escape(title)}</option>' for rid, title in atlas.vocabulary.regions)
    return f"""---
title: Search results
search:
  exclude: true
hide:
  - toc
---

# Search results

<div id="atlas-results-page" class="atlas-results">
<form class="atlas-results__form" action="./" method="get" role="search">
<label for="atlas-results-q">Where or when does it hurt?</label>
<input id="atlas-results-q" name="words" type="search" autocomplete="off" placeholder="e.g. pain behind my knee when I sit">
<label for="atlas-results-kind">Kind</label>
<select id="atlas-results-kind" name="kind"><option value="">All articles</option><option value="pattern">Muscle patterns</option><option value="story">Symptom stories</option></select>
<label for="atlas-results-region">Region</label>
<select id="atlas-results-region" name="region"><option value="">All regions</option>{regions}</select>
<button class="md-button md-button--primary" type="submit">Search</button>
</form>
<p class="atlas-results__status" role="status" aria-live="polite"></p>
<ol class="atlas-results__list atlas-search__list"></ol>
<noscript><p>The results list needs JavaScript. Browse the <a href="../areas/">pain areas</a> or <a href="../muscles/">Muscles A–Z</a> instead.</p></noscript>
</div>
"""


def body_map_page(atlas: Atlas) -> str:
    """"Where does it hurt?": the clickable body map, a keyboard list of the same areas, and the
    patterns' data embedded so the page still works where the search service cannot be reached."""
    vocab = atlas.vocabulary
    labels = {area_id: area.label for area_id, area in vocab.areas.items()}
    patterns = [
        {
            "muscle": a.muscle,
            "title": a.title,
            "url": a.url.lstrip("/"),
            "summary": a.meta.get("summary", ""),
            "essential": a.essential,
            "spillover": a.spillover,
            "rank": prevalence_rank(a),
            "words": " ".join([a.title, *(a.meta.get("aliases") or []), *(a.meta.get("symptoms") or []),
                               *(a.meta.get("mimics") or []), *(a.meta.get("aggravated_by") or [])]).lower(),
        }
        for a in sorted(atlas.patterns.values(), key=lambda a: a.title)
    ]
    # URLs are relative to the site root, which is one level up from this page's directory URL.
    data = json.dumps({"root": "../", "labels": labels, "patterns": patterns, "thumbs": thumbnail_uri("{muscle}")},
                      separators=(",", ":")).replace("</", "<\\/")
    groups = []
    for group, title in GROUP_TITLES.items():
        boxes = "".join(
            f'<li><label><input type="checkbox" name="area" value="{escape(a.id)}"> {escape(a.label)}</label></li>'
            for a in vocab.areas.values() if a.group == group
        )
        groups.append(f'<fieldset class="atlas-map__group"><legend>{escape(title)}</legend><ul>{boxes}</ul></fieldset>')
    return f"""---
title: Where does it hurt?
hide:
  - toc
---

# Where does it hurt?

Click every place that hurts on the figure, or tick them in the list. The muscles that send pain
there appear below: the main referrers first, then those whose pain sometimes spills over. Add a few
words about when it hurts to narrow the list.

<div id="atlas-body-map" class="atlas-map" markdown="0">
<div class="atlas-map__figure">
{render_body_map(labels)}
<p class="atlas-map__label" aria-live="polite">Point at or focus an area to see its name.</p>
</div>
<form class="atlas-map__form" action="../results/" method="get">
<label for="atlas-map-words">Describe it (optional)</label>
<input id="atlas-map-words" name="words" type="search" autocomplete="off" placeholder="e.g. when I drive, after running">
<button type="reset" class="md-button atlas-map__clear">Clear all</button>
<details class="atlas-map__list"><summary>Pick areas from a list</summary>
{"".join(groups)}
</details>
</form>
<section class="atlas-map__results" aria-labelledby="atlas-map-results-heading">
<h2 id="atlas-map-results-heading">Muscles that may be the culprit</h2>
<p class="atlas-map__status" role="status" aria-live="polite">Pick an area to begin.</p>
<ol class="atlas-map__list-results"></ol>
</section>
<script type="application/json" id="atlas-map-data">{data}</script>
</div>
"""
