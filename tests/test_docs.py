"""Documentation that cannot fall behind: every command, setting and content field is described."""

from __future__ import annotations

import argparse
import inspect
import re

from search_service import settings as settings_module
from search_service.cli import build_parser
from search_service.content.schema import FIELDS
from tests.conftest import PROJECT_DIR

README = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")


def commands(parser: argparse.ArgumentParser, prefix: str = "trigger-atlas") -> list[str]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                nested = commands(sub, f"{prefix} {name}")
                found += nested or [f"{prefix} {name}"]
    return found


def test_readme_documents_every_command() -> None:
    documented = set(re.findall(r"`(trigger-atlas [a-z]+(?: [a-z]+)?)", README))
    missing = [c for c in commands(build_parser()) if c not in documented]
    assert not missing, f"README lacks: {missing}"


def test_readme_documents_every_setting() -> None:
    variables = set(re.findall(r'"(ATLAS_[A-Z_]+)"', inspect.getsource(settings_module)))
    assert variables >= {"ATLAS_DATA_DIR", "ATLAS_DATABASE_URL", "ATLAS_SECRET_KEY", "ATLAS_FEEDBACK_RATE"}
    missing = sorted(v for v in variables if f"`{v}`" not in README)
    assert not missing, f"README lacks settings: {missing}"


def test_contributor_guide_documents_every_field() -> None:
    guide = (PROJECT_DIR / "docs" / "about" / "contributing.md").read_text(encoding="utf-8")
    missing = [f.name for f in FIELDS if f"`{f.name}`" not in guide]
    assert not missing, f"docs/about/contributing.md lacks fields: {missing}"
