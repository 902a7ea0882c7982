"""When `serve` rebuilds the index: missing, stale content, another schema, or damaged files."""

from __future__ import annotations

import shutil
from pathlib import Path

from search_service.search.indexing import ensure_index, index_is_stale
from search_service.settings import Settings
from tests.conftest import PROJECT_DIR


def settings_with_copy(built: Settings, tmp_path: Path) -> Settings:
    shutil.copytree(built.index_dir, tmp_path / "index")
    return Settings.from_env({}, project_dir=PROJECT_DIR, data_dir=tmp_path)


def test_fresh_index_is_kept(built_settings: Settings, tmp_path: Path) -> None:
    settings = settings_with_copy(built_settings, tmp_path)
    assert not index_is_stale(settings)
    assert ensure_index(settings) is None


def test_missing_index_is_built(built_settings: Settings, tmp_path: Path) -> None:
    settings = Settings.from_env({}, project_dir=PROJECT_DIR, data_dir=tmp_path)
    assert index_is_stale(settings)
    meta = ensure_index(settings)
    assert meta is not None and meta.articles > 60
    assert not index_is_stale(settings)


def test_damaged_index_is_rebuilt(built_settings: Settings, tmp_path: Path) -> None:
    settings = settings_with_copy(built_settings, tmp_path)
    generation = settings.index_dir / (settings.index_dir / "CURRENT").read_text()
    for segment in generation.glob("*.seg"):
        segment.write_bytes(b"\0" * 64)
    for toc in generation.glob("*.toc"):
        toc.write_bytes(b"junk")
    assert index_is_stale(settings)
    assert ensure_index(settings) is not None
    assert not index_is_stale(settings)


def test_other_content_fingerprint_is_stale(built_settings: Settings, tmp_path: Path) -> None:
    settings = settings_with_copy(built_settings, tmp_path)
    assert not index_is_stale(settings)
    assert index_is_stale(settings, fingerprint="something-else")
