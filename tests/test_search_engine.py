"""The Whoosh module: atomic generations, live reload, failed builds, version checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search_service.search.engine import IndexDocument, IndexUnavailable, SearchIndex, build, read_meta


def doc(url: str, title: str, essential: list[str], body: str = "") -> IndexDocument:
    return IndexDocument(
        url=url, title=title, kind="pattern", muscle=url.strip("/").rsplit("/", 1)[-1], region="r",
        names=title, symptoms="", mimics="", aggravated="", summary=title, areas_text="", body=body,
        essential=essential, spillover=[],
    )


def test_build_then_search(tmp_path: Path) -> None:
    build(tmp_path, [doc("/a/soleus/", "Soleus", ["heel"], "heel pain on first steps")], fingerprint="f1")
    index = SearchIndex(tmp_path)
    hits = index.candidates(index.analyze("heel steps"), [], limit=5)
    assert [h.muscle for h in hits] == ["soleus"]
    assert index.meta.articles == 1 and index.meta.fingerprint == "f1"


def test_a_rebuilt_index_is_picked_up_without_reopening(tmp_path: Path) -> None:
    build(tmp_path, [doc("/a/one/", "One", ["heel"])], fingerprint="f1")
    index = SearchIndex(tmp_path)
    assert index.meta.articles == 1
    build(tmp_path, [doc("/a/one/", "One", ["heel"]), doc("/a/two/", "Two", ["calf"])], fingerprint="f2")
    assert index.meta.articles == 2
    assert [h.muscle for h in index.candidates([], ["calf"], limit=5)] == ["two"]


def test_a_failed_build_leaves_the_live_index_alone(tmp_path: Path) -> None:
    build(tmp_path, [doc("/a/one/", "One", ["heel"])], fingerprint="f1")

    def broken():
        yield doc("/a/two/", "Two", ["calf"])
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        build(tmp_path, broken(), fingerprint="f2")
    assert read_meta(tmp_path).fingerprint == "f1"
    assert len([p for p in tmp_path.glob("g-*")]) == 1
    assert SearchIndex(tmp_path).meta.articles == 1


def test_missing_or_foreign_index_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(IndexUnavailable):
        SearchIndex(tmp_path).meta
    build(tmp_path, [doc("/a/one/", "One", ["heel"])], fingerprint="f1")
    generation = (tmp_path / "CURRENT").read_text()
    meta_file = tmp_path / generation / "meta.json"
    meta_file.write_text(json.dumps({**json.loads(meta_file.read_text()), "schema_version": "0"}))
    with pytest.raises(IndexUnavailable, match="another version"):
        SearchIndex(tmp_path).meta


def test_corrupt_index_is_unavailable_not_a_crash(tmp_path: Path) -> None:
    build(tmp_path, [doc("/a/one/", "One", ["heel"])], fingerprint="f1")
    generation = tmp_path / (tmp_path / "CURRENT").read_text()
    for toc in generation.glob("*.toc"):
        toc.write_bytes(b"garbage")
    with pytest.raises(IndexUnavailable, match="cannot be read"):
        SearchIndex(tmp_path).meta
