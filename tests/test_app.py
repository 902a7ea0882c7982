"""The app factory: the built site at /, its 404 page, and /healthz."""

from __future__ import annotations

from typing import Callable
from xml.etree import ElementTree

from bs4 import BeautifulSoup
from starlette.testclient import TestClient


def test_healthz_reports_articles_and_index_version(make_client: Callable[..., TestClient]) -> None:
    response = make_client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["articles"] >= 3
    assert isinstance(body["index_version"], str) and body["index_version"]


def test_healthz_is_503_without_an_index(make_client: Callable[..., TestClient]) -> None:
    response = make_client(with_index=False).get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_site_is_served_at_root(make_client: Callable[..., TestClient]) -> None:
    response = make_client().get("/patterns/thigh-and-knee/seizing-hamstring/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    assert soup.find("h1").get_text(strip=True).startswith("The seizing hamstring")


def test_unknown_path_gets_the_site_404_page(make_client: Callable[..., TestClient]) -> None:
    response = make_client().get("/no/such/page/")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert BeautifulSoup(response.text, "html.parser").find(class_="md-content") is not None


def test_sitemap_names_the_origin_it_is_served_on(make_client: Callable[..., TestClient]) -> None:
    response = make_client().get("/sitemap.xml", headers={"host": "atlas.example.org:9001"})
    assert response.status_code == 200 and "xml" in response.headers["content-type"]
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [loc.text for loc in ElementTree.fromstring(response.content).findall("s:url/s:loc", namespace)]
    assert locs and all(loc.startswith("http://atlas.example.org:9001/") for loc in locs)


def test_every_response_forbids_framing_and_sniffing(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    for path in ("/", "/patterns/thigh-and-knee/biceps-femoris/", "/api/search?q=knee", "/healthz"):
        headers = client.get(path).headers
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "same-origin", path
