"""The controlled vocabularies kept beside the content in ``docs/_data``: body areas, muscles, navigation."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

VIEWS = ("front", "back", "side")


@dataclass(frozen=True)
class BodyArea:
    id: str
    label: str
    view: str
    group: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class Muscle:
    slug: str
    name: str
    group: str


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    region_id: str
    region_title: str


@dataclass(frozen=True)
class Vocabulary:
    areas: dict[str, BodyArea]
    muscles: dict[str, Muscle]
    muscle_groups: dict[str, str]
    regions: tuple[tuple[str, str], ...]
    sections: dict[str, Section]

    def area_label(self, area_id: str) -> str:
        area = self.areas.get(area_id)
        return area.label if area else area_id.replace("-", " ").capitalize()

    def muscle_name(self, slug: str) -> str:
        muscle = self.muscles.get(slug)
        return muscle.name if muscle else slug.replace("-", " ").capitalize()


def load_vocabulary(docs_dir: Path) -> Vocabulary:
    data_dir = Path(docs_dir) / "_data"
    return _load(str(data_dir.resolve()), _mtime_key(data_dir))


def _mtime_key(data_dir: Path) -> tuple[float, ...]:
    return tuple(p.stat().st_mtime for p in sorted(data_dir.glob("*.yaml")))


@lru_cache(maxsize=4)
def _load(data_dir: str, _mtimes: tuple[float, ...]) -> Vocabulary:
    root = Path(data_dir)
    area_doc = yaml.safe_load((root / "body_areas.yaml").read_text(encoding="utf-8"))
    areas = {
        a["id"]: BodyArea(
            id=a["id"],
            label=a["label"],
            view=a["view"],
            group=a["group"],
            phrases=tuple(a.get("phrases") or ()),
        )
        for a in area_doc["areas"]
    }
    muscle_doc = yaml.safe_load((root / "muscles.yaml").read_text(encoding="utf-8"))
    muscles = {m["slug"]: Muscle(slug=m["slug"], name=m["name"], group=m["group"]) for m in muscle_doc["muscles"]}
    groups = {g["id"]: g["title"] for g in muscle_doc["groups"]}
    nav_doc = yaml.safe_load((root / "navigation.yaml").read_text(encoding="utf-8"))
    regions = tuple((r["id"], r["title"]) for r in nav_doc["regions"])
    sections = {
        s["id"]: Section(id=s["id"], title=s["title"], region_id=r["id"], region_title=r["title"])
        for r in nav_doc["regions"]
        for s in r["sections"]
    }
    return Vocabulary(areas=areas, muscles=muscles, muscle_groups=groups, regions=regions, sections=sections)
