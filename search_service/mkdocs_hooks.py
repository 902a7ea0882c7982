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

from search_service.content.atlas import Atlas, prevalence_rank
from search_service.site_pages import AREAS_DIR, MUSCLES_PAGE, generated_pages

_atlas: Atlas | None = None


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _atlas
    _atlas = Atlas.load(Path(config["docs_dir"]))
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
    nav: list[Any] = [{"Home": "index.md"}]
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


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    summary = page.meta.get("summary")
    if summary and "description" not in page.meta:
        page.meta["description"] = summary
    return markdown
