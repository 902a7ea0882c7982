"""HTTP plumbing shared by the views: the JSON body reader and routes whose body limit answers in our own shape."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, Collection

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from search_service.errors import AtlasError, BadRequest

if TYPE_CHECKING:
    from .component import FeedbackComponent

MAX_BODY = 16 * 1024


def feedback(request: Request) -> "FeedbackComponent":
    """The component serving this request, as the app factory stored it."""
    component: FeedbackComponent = request.app.state.feedback
    return component


class UnsupportedMediaType(AtlasError):
    status_code = 415


async def read_json(request: Request) -> Any:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json":
        raise UnsupportedMediaType("Send the body as JSON, with the header Content-Type: application/json.")
    body = await request.body()
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("The body is not valid JSON.") from None
    except RecursionError:
        raise BadRequest("The body nests too deeply to be a submission.") from None


class _RenderTooLarge:
    """Starlette's body limit answers 413 in plain text; this puts our own answer in its place."""

    def __init__(self, app: ASGIApp, render: Callable[[Request], Response]) -> None:
        self.app = app
        self.render = render

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        replaced = False

        async def send_ours(message: Message) -> None:
            nonlocal replaced
            if message["type"] == "http.response.start" and message["status"] == 413:
                replaced = True
                await self.render(Request(scope))(scope, receive, send)
            elif not replaced:
                await send(message)

        await self.app(scope, receive, send_ours)


def limited_route(
    path: str,
    endpoint: Callable[..., Any],
    *,
    methods: Collection[str],
    too_large: Callable[[Request], Response],
    max_body_size: int = MAX_BODY,
    include_in_schema: bool = True,
) -> Route:
    route = Route(path, endpoint, methods=list(methods), max_body_size=max_body_size, include_in_schema=include_in_schema)
    route.app = _RenderTooLarge(route.app, too_large)
    return route
