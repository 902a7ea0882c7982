"""The Jinja2 environment of the feedback pages: autoescaped, with the filters the queue needs."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from search_service.errors import AtlasError

from .model import KINDS, STATE_LABELS, STATES
from .timeutil import age, from_text


def _age(created_at: str, now: Any) -> str:
    return age(from_text(created_at), now)


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("feedback", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["age"] = _age
    env.filters["state_label"] = lambda state: STATE_LABELS.get(state, state)
    env.globals.update(STATES=STATES, KINDS=KINDS, STATE_LABELS=STATE_LABELS)
    return env


templates = Jinja2Templates(env=_environment())


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    return templates.TemplateResponse(request, name, context or {}, status_code=status_code, headers=headers)


def render_error(request: Request, exc: AtlasError, template: str = "error.html") -> Response:
    return render(request, template, {"error": exc}, status_code=exc.status_code, headers=exc.headers or None)
