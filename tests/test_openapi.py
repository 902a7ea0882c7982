"""/openapi.json describes every JSON route the contract names, and the app's routes are all in it."""

from __future__ import annotations

from typing import Callable

from starlette.routing import Route
from starlette.testclient import TestClient

CONTRACT_ROUTES = {
    ("get", "/healthz"), ("get", "/api/search"), ("get", "/api/suggest"), ("get", "/api/areas"),
    ("get", "/api/feedback/token"), ("post", "/api/feedback"), ("get", "/api/editor/feedback"),
    ("patch", "/api/editor/feedback/{id}"),
}


def test_document_lists_the_contract_routes(make_client: Callable[..., TestClient]) -> None:
    doc = make_client().get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    listed = {(method, path) for path, item in doc["paths"].items() for method in item}
    assert CONTRACT_ROUTES <= listed


def test_every_json_api_route_of_the_app_is_documented(make_client: Callable[..., TestClient]) -> None:
    client = make_client()
    doc = client.get("/openapi.json").json()
    app_routes = {
        (method.lower(), route.path.replace("{item_id}", "{id}"))
        for route in client.app.routes
        if isinstance(route, Route) and route.path.startswith("/api/")
        for method in (route.methods or set()) - {"HEAD"}
    }
    listed = {(method, path) for path, item in doc["paths"].items() for method in item}
    assert app_routes <= listed, app_routes - listed
