"""The JSON routes: the readers' form token and submission, and the editors' API. Views only translate HTTP.

Their OpenAPI description is search_service/openapi.py, served at /openapi.json.
"""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from search_service.errors import PayloadTooLarge

from .auth import CSRF_HEADER, require_csrf, require_editor
from .web import MAX_BODY, feedback, limited_route, read_json
from .validation import clean_change, clean_item_query


def _too_large(request: Request) -> Response:
    exc = PayloadTooLarge(f"The body is larger than {MAX_BODY // 1024} KiB; shorten the message.")
    return JSONResponse(exc.to_json(), status_code=exc.status_code)


async def form_token(request: Request) -> JSONResponse:
    """A signed, time-stamped token for the next submission."""
    tokens = feedback(request).form_tokens
    return JSONResponse(
        {"token": tokens.issue(), "min_seconds": int(tokens.min_seconds)},
        headers={"Cache-Control": "no-store"},
    )


async def submit(request: Request) -> JSONResponse:
    """A reader's question, comment or typo report."""
    component = feedback(request)
    data = await read_json(request)
    item_id = await run_in_threadpool(component.intake.receive, data, component.client_hash(request))
    # Spam is stored for editors to review, but a bot is not told that it was caught.
    return JSONResponse({"id": item_id, "status": "new"}, status_code=201)


async def list_items(request: Request) -> JSONResponse:
    """The review queue, newest first."""
    component = feedback(request)
    await require_editor(request, component.auth)
    query = clean_item_query(request.query_params)
    items, total = await run_in_threadpool(component.triage.find, query)
    return JSONResponse({"items": items, "total": total})


async def get_item(request: Request) -> JSONResponse:
    """One item with its notes."""
    component = feedback(request)
    await require_editor(request, component.auth)
    item = await run_in_threadpool(component.triage.get, request.path_params["item_id"])
    return JSONResponse(item)


async def patch_item(request: Request) -> JSONResponse:
    """Change an item's status, add a note, link a duplicate or assign an editor."""
    component = feedback(request)
    editor = await require_editor(request, component.auth)
    require_csrf(editor, component.auth, request.headers.get(CSRF_HEADER))
    change = clean_change(await read_json(request))
    item = await run_in_threadpool(component.triage.change, request.path_params["item_id"], change, editor.name)
    return JSONResponse(item)


routes = [
    Route("/api/feedback/token", form_token, methods=["GET"]),
    limited_route("/api/feedback", submit, methods=["POST"], too_large=_too_large),
    Route("/api/editor/feedback", list_items, methods=["GET"]),
    Route("/api/editor/feedback/{item_id}", get_item, methods=["GET"]),
    limited_route("/api/editor/feedback/{item_id}", patch_item, methods=["PATCH"], too_large=_too_large),
]
