"""The form without JavaScript: a plain POST that lands on a thank-you page, or shows the form again with what the
reader typed and a note at each field at fault."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from search_service.errors import AtlasError, BadRequest, NotFound, PayloadTooLarge

from .web import MAX_BODY, feedback, limited_route
from .model import OPTIONAL_FIELDS, SUBMISSION_FIELDS
from .templating import render, render_error
from .validation import ITEM_ID


def _too_large(request: Request) -> Response:
    exc = PayloadTooLarge(
        f"Your message is longer than this form takes ({MAX_BODY // 1024} KiB). Please shorten it and send it again; "
        "use your browser's Back button to get your text back."
    )
    return render_error(request, exc, "public/error.html")


def _form_values(form: FormData) -> dict[str, Any]:
    """A form sends every field, empty or not; an empty optional field means the reader left it out."""
    values: dict[str, Any] = {}
    for name, value in form.multi_items():
        if not isinstance(value, str):
            continue
        if name in OPTIONAL_FIELDS and value == "":
            continue
        values[name] = value
    return values


async def submit_form(request: Request) -> Response:
    component = feedback(request)
    try:
        form = await request.form(max_files=0)
    except HTTPException as exc:
        if exc.status_code == 413:
            raise  # the body limit's own page answers
        return render_error(request, BadRequest(f"The form could not be read ({exc.detail})."), "public/error.html")
    values = _form_values(form)
    try:
        item_id = await run_in_threadpool(component.intake.receive, values, component.client_hash(request))
    except AtlasError as exc:
        page_url = values.get("page_url")
        context = {
            # Only a page of this site becomes a link; what the reader sent could be anything.
            "back_url": page_url if isinstance(page_url, str) and component.pages.path_problem(page_url) is None else None,
            "error": exc,
            "values": {name: values.get(name, "") for name in SUBMISSION_FIELDS},
            # A fresh token: a reader without JavaScript who corrects the form now has one.
            "form_token": component.form_tokens.issue(),
        }
        return render(request, "public/form.html", context, status_code=exc.status_code, headers=exc.headers or None)
    return RedirectResponse(f"/feedback/thanks?ref={item_id}", status_code=303)


async def thanks(request: Request) -> Response:
    ref = request.query_params.get("ref", "").strip().upper()
    try:
        if not ITEM_ID.match(ref):
            raise NotFound("That reference number is not one of ours.")
        item = await run_in_threadpool(feedback(request).triage.get, ref)
    except AtlasError as exc:
        return render_error(request, exc, "public/error.html")
    return render(request, "public/thanks.html", {"ref": ref, "page_url": item["page_url"]})


routes = [
    limited_route("/feedback/submit", submit_form, methods=["POST"], too_large=_too_large, include_in_schema=False),
    Route("/feedback/thanks", thanks, methods=["GET"], include_in_schema=False),
]
