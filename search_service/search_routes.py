"""HTTP for the symptom search: /api/search, /api/suggest, /api/areas. Views only translate HTTP."""

from __future__ import annotations

import contextlib
from typing import Iterator

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .errors import BadRequest, Unavailable
from .metrics import SEARCHES, ZERO_RESULT_SEARCHES
from .search.engine import IndexUnavailable
from .search.service import SearchInputError, SearchRequest, SearchService

_SEARCH_PARAMS = {"q", "area", "limit", "kind", "region"}


def _service(request: Request) -> SearchService:
    return request.app.state.search


@contextlib.contextmanager
def _index_usable(what: str) -> Iterator[None]:
    """An index that is missing or being rebuilt is a 503 with a hint to retry, never a 500."""
    try:
        yield
    except IndexUnavailable as exc:
        raise Unavailable(f"{what} unavailable for a moment: {exc}.", headers={"Retry-After": "5"}) from None


async def search(request: Request) -> JSONResponse:
    params = request.query_params
    unknown = sorted(set(params) - _SEARCH_PARAMS)
    if unknown:
        raise BadRequest(f"Unknown parameter '{unknown[0]}'; use q, area and limit.", {unknown[0]: "not a search parameter"})
    raw_limit = params.get("limit", "10")
    try:
        limit = int(raw_limit)
    except ValueError:
        raise BadRequest("limit must be a whole number between 1 and 50.", {"limit": "not a whole number"}) from None
    search_request = SearchRequest(
        q=params.get("q", ""),
        areas=tuple(dict.fromkeys(a for a in params.getlist("area") if a)),
        limit=limit,
        kind=params.get("kind") or None,
        region=params.get("region") or None,
    )
    try:
        with _index_usable("Search is"):
            answer = _service(request).search(search_request)
    except SearchInputError as exc:
        raise BadRequest(str(exc), {exc.field: str(exc)}) from None
    SEARCHES.labels("words and areas" if search_request.q.strip() and search_request.areas
                    else "areas" if search_request.areas else "words").inc()
    if answer["total"] == 0:
        ZERO_RESULT_SEARCHES.inc()
    return JSONResponse(answer)


async def suggest(request: Request) -> JSONResponse:
    with _index_usable("Suggestions are"):
        suggestions = _service(request).suggest(request.query_params.get("q", ""))
    return JSONResponse({"suggestions": suggestions})


async def areas(request: Request) -> JSONResponse:
    with _index_usable("Areas are"):
        listing = _service(request).areas()
    return JSONResponse({"areas": listing})


routes = [
    Route("/api/search", search, methods=["GET"]),
    Route("/api/suggest", suggest, methods=["GET"]),
    Route("/api/areas", areas, methods=["GET"]),
]
