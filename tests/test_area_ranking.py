"""Area search ranks the culprits: essential before spillover, more essential matches higher."""

from __future__ import annotations

from typing import Callable

import pytest
from starlette.testclient import TestClient


def muscles(client: TestClient, *areas: str, limit: int = 10) -> list[str]:
    params = [("area", a) for a in areas] + [("limit", str(limit)), ("kind", "pattern")]
    return [r["muscle"] for r in client.get("/api/search", params=params).json()["results"]]


@pytest.mark.parametrize(
    ("area", "expected", "within"),
    [
        ("back-of-knee", {"biceps-femoris", "popliteus", "gastrocnemius"}, 5),
        ("heel", {"soleus"}, 3),
        ("temple", {"temporalis"}, 4),
        ("outer-elbow", {"supinator"}, 5),
    ],
)
def test_known_culprits_come_first(make_client: Callable[..., TestClient], area: str, expected: set[str], within: int) -> None:
    assert expected <= set(muscles(make_client(), area)[:within])


def test_more_essential_matches_rank_higher(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    results = client.get("/api/search", params=[("area", "back-of-thigh"), ("area", "calf"), ("limit", "50")]).json()["results"]

    def essential_hits(r: dict) -> int:
        return sum(a in r["pain_areas"]["essential"] for a in ("back-of-thigh", "calf"))

    hits = [essential_hits(r) for r in results]
    assert hits[0] == 2
    assert hits == sorted(hits, reverse=True)
