"""HTTP for the symptom search: /api/search, /api/suggest, /api/areas. Views only translate HTTP."""

from __future__ import annotations

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
        answer = _service(request).search(search_request)
    except SearchInputError as exc:
        raise BadRequest(str(exc), {exc.field: str(exc)}) from None
    except IndexUnavailable as exc:
        raise Unavailable(f"Search is unavailable for a moment: {exc}.", headers={"Retry-After": "5"}) from None
    SEARCHES.labels("words and areas" if search_request.q.strip() and search_request.areas
                    else "areas" if search_request.areas else "words").inc()
    if answer["total"] == 0:
        ZERO_RESULT_SEARCHES.inc()
    return JSONResponse(answer)


async def suggest(request: Request) -> JSONResponse:
    try:
        suggestions = _service(request).suggest(request.query_params.get("q", ""))
    except IndexUnavailable as exc:
        raise Unavailable(f"Suggestions are unavailable for a moment: {exc}.", headers={"Retry-After": "5"}) from None
    return JSONResponse({"suggestions": suggestions})


async def areas(request: Request) -> JSONResponse:
    try:
        listing = _service(request).areas()
    except IndexUnavailable as exc:
        raise Unavailable(f"Areas are unavailable for a moment: {exc}.", headers={"Retry-After": "5"}) from None
    return JSONResponse({"areas": listing})


routes = [
    Route("/api/search", search, methods=["GET"]),
    Route("/api/suggest", suggest, methods=["GET"]),
    Route("/api/areas", areas, methods=["GET"]),
]
