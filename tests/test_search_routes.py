"""/api/search, /api/suggest and /api/areas over HTTP, on the real atlas index."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from starlette.testclient import TestClient

from search_service.content.vocabulary import load_vocabulary
from tests.conftest import PROJECT_DIR

AREA_IDS = list(load_vocabulary(PROJECT_DIR / "docs").areas)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def test_search_answers_in_the_contract_shape(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "hamstring cramps when driving"}).json()
    assert set(body) >= {"query", "areas", "total", "took_ms", "suggestion", "results"}
    assert body["query"] == "hamstring cramps when driving"
    first = body["results"][0]
    assert set(first) >= {"url", "title", "muscle", "kind", "score", "snippet", "pain_areas"}
    assert set(first["pain_areas"]) == {"essential", "spillover"}


def test_the_seizing_hamstring_leads_to_gluteus_minimus(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "my hamstring seizes when I drive"}).json()
    assert body["results"][0]["muscle"] == "gluteus-minimus"
    assert "back-of-thigh" in body["areas"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({}, "q"), ({"q": "   "}, "q"), ({"q": "knee", "limit": "0"}, "limit"), ({"q": "knee", "limit": "51"}, "limit"),
     ({"q": "knee", "limit": "ten"}, "limit"), ({"area": "elbow-pit"}, "area"), ({"q": "x", "colour": "red"}, "colour")],
)
def test_bad_requests_are_400_naming_the_field(client: TestClient, params: dict[str, str], field: str) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 400
    assert response.json()["error"] and field in response.json()["fields"]


def test_area_only_search_lists_referrers_essential_first(client: TestClient) -> None:
    body = client.get("/api/search", params={"area": "back-of-knee", "limit": 50}).json()
    zones = ["essential" if "back-of-knee" in r["pain_areas"]["essential"] else "spillover" for r in body["results"]]
    assert zones and zones == sorted(zones)  # "essential" < "spillover"
    assert all("back-of-knee" in r["pain_areas"]["essential"] + r["pain_areas"]["spillover"] for r in body["results"])


def test_repeated_area_counts_once_and_text_combines(client: TestClient) -> None:
    body = client.get("/api/search", params=[("area", "back-of-thigh"), ("area", "back-of-thigh"), ("q", "driving")]).json()
    assert body["areas"] == ["back-of-thigh"]
    assert body["results"]


def test_results_are_cached_by_normalised_query(client: TestClient) -> None:
    service = client.app.state.search
    first = service.search(service_request("Hamstring  CRAMPS!"))
    second = service.search(service_request("hamstring cramps"))
    assert first["results"] == second["results"] and len(service._cache) == 1


def service_request(q: str) -> Any:
    from search_service.search.service import SearchRequest

    return SearchRequest(q=q)


def test_suggest_completes_a_prefix(client: TestClient) -> None:
    suggestions = client.get("/api/suggest", params={"q": "glut"}).json()["suggestions"]
    assert 0 < len(suggestions) <= 8
    assert any(s.lower().startswith("glut") for s in suggestions)
    assert client.get("/api/suggest", params={"q": ""}).json() == {"suggestions": []}


def test_areas_lists_every_vocabulary_area(client: TestClient) -> None:
    areas = client.get("/api/areas").json()["areas"]
    assert [a["id"] for a in areas] == AREA_IDS
    assert all(a["view"] in ("front", "back", "side") and isinstance(a["articles"], int) for a in areas)
    by_id = {a["id"]: a for a in areas}
    assert by_id["back-of-knee"]["articles"] >= 2


def test_search_is_503_without_an_index(make_client: Callable[..., TestClient]) -> None:
    response = make_client(with_index=False).get("/api/search", params={"q": "knee"})
    assert response.status_code == 503 and "unavailable" in response.json()["error"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    q=st.text(max_size=300),
    areas=st.lists(st.one_of(st.sampled_from(AREA_IDS), st.text(max_size=20)), max_size=3),
    limit=st.one_of(st.integers(-5, 80).map(str), st.text(max_size=5)),
)
def test_no_input_gives_a_server_error(client: TestClient, q: str, areas: list[str], limit: str) -> None:
    params = [("q", q), ("limit", limit), *[("area", a) for a in areas]]
    response = client.get("/api/search", params=params)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        for result in response.json()["results"]:
            stripped = result["snippet"].replace("<mark>", "").replace("</mark>", "")
            assert "<" not in stripped


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.text(alphabet='*?"()[]{}:^~+-!ANDORNOT \\/', max_size=40))
def test_query_syntax_is_never_interpreted(client: TestClient, q: str) -> None:
    assert client.get("/api/search", params={"q": q + " knee"}).status_code == 200
    assert client.get("/api/suggest", params={"q": q}).status_code == 200


def test_zero_result_searches_reach_the_editors_dashboard(client: TestClient) -> None:
    import time

    assert client.get("/api/search", params={"q": "qqzzx wwvvk"}).json()["total"] == 0
    triage = client.app.state.feedback.triage
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        recorded = [row["query"] for row in triage.dashboard()["zero_results"]]
        if recorded:
            break
        time.sleep(0.05)
    assert recorded == ["qqzzx wwvvk"]
