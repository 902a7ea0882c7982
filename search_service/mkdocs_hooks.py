"""MkDocs hooks: navigation from the front matter, generated pages, and the referral figure on articles.

Loaded by path from mkdocs.yml (`hooks:`); everything it does lives in the package, so the site
build and the service read the same content model.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from search_service.content.articles import Article
from search_service.content.atlas import Atlas, prevalence_rank
from search_service.figures.article_figures import THUMBNAIL_DIR, article_figure, thumbnail_svg
from search_service.site_pages import AREAS_DIR, MAP_PAGE, MUSCLES_PAGE, generated_pages

_atlas: Atlas | None = None
_articles_by_uri: dict[str, Article] = {}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _atlas, _articles_by_uri
    _atlas = Atlas.load(Path(config["docs_dir"]))
    _articles_by_uri = {a.path.as_posix(): a for a in _atlas.articles}
    config["nav"] = build_nav(_atlas)
    return config


def build_nav(atlas: Atlas) -> list[Any]:
    regions: list[Any] = []
    for region_id, region_title in atlas.vocabulary.regions:
        sections: list[Any] = []
        for section in atlas.vocabulary.sections.values():
            if section.region_id != region_id:
                continue
            filed = [a for a in atlas.articles if a.meta.get("filed_under") == section.id]
            filed.sort(key=lambda a: (a.kind != "story", prevalence_rank(a), a.title))
            if filed:
                sections.append({section.title: [{a.title: a.path.as_posix()} for a in filed]})
        if sections:
            regions.append({region_title: sections})
    nav: list[Any] = [{"Home": "index.md"}, {"Where does it hurt?": MAP_PAGE}]
    nav.append({"Trigger Point Pain Patterns": ["patterns/index.md", *regions]})
    nav.append({"Pain Areas": [f"{AREAS_DIR}/index.md"]})
    nav.append({"Muscles A–Z": MUSCLES_PAGE})
    nav.append({"About": ["about/index.md", "about/contributing.md"]})
    return nav


def on_files(files: Files, config: MkDocsConfig) -> Files:
    assert _atlas is not None
    for src_uri, content in generated_pages(_atlas).items():
        files.append(File.generated(config, src_uri, content=content))
    return files


# The section whose top shows the referral figure, per kind of article.
FIGURE_SECTION = {"pattern": "## The referral pattern", "story": "## The real culprit"}


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    summary = page.meta.get("summary")
    if summary and "description" not in page.meta:
        page.meta["description"] = summary
    heading = FIGURE_SECTION.get(str(page.meta.get("kind")))
    article = _article(page)
    if heading is None or article is None or heading not in markdown:
        return markdown
    figure = article_figure(_atlas, article)
    return markdown.replace(heading, f"{heading}\n\n{figure}\n", 1)


def _article(page: Page) -> Article | None:
    return _articles_by_uri.get(page.file.src_uri)


def on_post_build(config: MkDocsConfig) -> None:
    """Standalone thumbnails of every pattern's figure, for the body map's results."""
    assert _atlas is not None
    folder = Path(config["site_dir"]) / THUMBNAIL_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for muscle, article in _atlas.patterns.items():
        (folder / f"{muscle}.svg").write_text(thumbnail_svg(_atlas, article), encoding="utf-8")
