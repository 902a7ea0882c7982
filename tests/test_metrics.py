"""/metrics counts searches and zero-result searches and times requests by route."""

from __future__ import annotations

import re
from typing import Callable

from starlette.testclient import TestClient


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus text format, whatever the order of its labels."""
    for match in re.finditer(rf"^{re.escape(name)}(?:\{{([^}}]*)\}})? ([0-9.e+-]+)$", text, re.M):
        found = dict(re.findall(r'(\w+)="([^"]*)"', match.group(1) or ""))
        if found == labels:
            return float(match.group(2))
    return 0.0


def test_searches_and_zero_results_are_counted(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    before = client.get("/metrics").text
    client.get("/api/search", params={"q": "pain behind the knee"})
    client.get("/api/search", params={"area": "heel"})
    client.get("/api/search", params={"q": "qqqzzzxxx"})
    after = client.get("/metrics").text
    assert sample(after, "atlas_searches_total", by="words") - sample(before, "atlas_searches_total", by="words") == 2
    assert sample(after, "atlas_searches_total", by="areas") - sample(before, "atlas_searches_total", by="areas") == 1
    assert sample(after, "atlas_zero_result_searches_total") - sample(before, "atlas_zero_result_searches_total") == 1


def test_request_latency_is_recorded_by_route_template(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    client.get("/api/search", params={"q": "heel"})
    text = client.get("/metrics").text
    assert sample(text, "atlas_request_duration_seconds_count", route="/api/search", method="GET") >= 1
    assert "text/plain" in client.get("/metrics").headers["content-type"]
