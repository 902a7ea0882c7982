"""Building the site (`mkdocs build --strict`) and deciding when the built site is stale."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .settings import Settings

BUILD_MARKER = ".atlas-build"
_PACKAGE_DIRS = ("search_service", "feedback")


class BuildError(RuntimeError):
    pass


def source_files(settings: Settings) -> list[Path]:
    """Everything the built site depends on: content, configuration, theme overrides and our code."""
    root = settings.project_dir
    files = [root / "mkdocs.yml"]
    for folder in ("docs", "overrides"):
        files += [p for p in (root / folder).rglob("*") if p.is_file()]
    for package in _PACKAGE_DIRS:
        files += [p for p in (root / package).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    return [p for p in files if p.exists()]


def newest_source_mtime(settings: Settings) -> float:
    return max((p.stat().st_mtime for p in source_files(settings)), default=0.0)


def site_is_stale(settings: Settings) -> bool:
    marker = settings.site_dir / BUILD_MARKER
    if not marker.exists():
        return True
    return marker.stat().st_mtime < newest_source_mtime(settings)


def build_site(settings: Settings) -> None:
    """Build into a fresh folder beside `site/` and swap it in, so a running server never serves half a site."""
    root = settings.project_dir
    target = settings.site_dir
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=root))
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(root / "mkdocs.yml"), "-d", str(staging)]
    # Material prints a banner about MkDocs 2 on every build; our pin already answers it.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        raise BuildError(f"mkdocs build --strict failed:\n{result.stderr.strip() or result.stdout.strip()}")
    (staging / BUILD_MARKER).write_text("built by trigger-atlas\n")
    os.chmod(staging, 0o755)
    old = None
    if target.exists():
        old = root / f".site-old-{os.getpid()}"
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
