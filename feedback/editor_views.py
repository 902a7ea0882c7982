"""The editors' triage pages under /editor/: sign-in, the queue, one item, bulk changes, the dashboard, export.

Server-rendered and usable without JavaScript; every POST carries the session's CSRF token in a hidden field.
"""

from __future__ import annotations

import functools
from typing import Any, Awaitable, Callable
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from search_service.errors import AtlasError, BadRequest, Forbidden, PayloadTooLarge

from .auth import CSRF_FIELD, SESSION_COOKIE, Editor, authenticate, clear_session_cookie, require_csrf, set_session_cookie
from .export import FORMATS, MEDIA_TYPES, export
from .web import MAX_BODY, feedback, limited_route
from .item_repository import SORTS
from .model import KINDS, OPEN_STATES, STATES, UNSET, Change, ItemQuery
from .templating import render, render_error
from .validation import ITEM_ID, MAX_OFFSET, clean_change

PAGE_SIZE = 50
EditorView = Callable[[Request, Editor], Awaitable[Response]]


def _safe_next(target: str | None) -> str:
    # Only our own pages: anything else would make the sign-in form an open redirect.
    if target and target.startswith("/editor/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/editor/"


def _too_large(request: Request) -> Response:
    return render_error(request, PayloadTooLarge(f"The form is larger than {MAX_BODY // 1024} KiB; shorten the note."))


def editor_page(view: EditorView) -> Callable[[Request], Awaitable[Response]]:
    """Sign-in redirect for visitors, CSRF check on POST, and errors as HTML pages."""

    @functools.wraps(view)
    async def page(request: Request) -> Response:
        component = feedback(request)
        try:
            editor = await authenticate(request, component.auth)
            if editor is None:
                query = urlencode({"next": request.url.path + (f"?{request.url.query}" if request.url.query else "")})
                return RedirectResponse(f"/editor/login?{query}", status_code=303)
            if request.method == "POST":
                form = await request.form(max_files=0)
                supplied = form.get(CSRF_FIELD)
                require_csrf(editor, component.auth, supplied if isinstance(supplied, str) else None)
            return await view(request, editor)
        except AtlasError as exc:
            return render_error(request, exc)

    return page


def _context(request: Request, editor: Editor, **values: Any) -> dict[str, Any]:
    component = feedback(request)
    csrf = component.auth.csrf_token(editor.session_id) if editor.session_id else ""
    return {"editor": editor.name, "csrf_token": csrf, "now": component.clock(), **values}


async def login_page(request: Request) -> Response:
    component = feedback(request)
    if await authenticate(request, component.auth) is not None:
        return RedirectResponse(_safe_next(request.query_params.get("next")), status_code=303)
    return render(request, "editor/login.html", {"next": _safe_next(request.query_params.get("next")), "name": ""})


def _cross_site(request: Request) -> bool:
    """A sign-in posted from another site: it would sign the editor into someone else's account."""
    fetch_site = request.headers.get("sec-fetch-site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin is not None and origin != f"{request.url.scheme}://{request.url.netloc}"


async def login(request: Request) -> Response:
    component = feedback(request)
    form = await request.form(max_files=0)
    name, password, target = (str(form.get(k) or "") for k in ("name", "password", "next"))
    if _cross_site(request):
        error = Forbidden("Sign in from this site's own sign-in page.")
        return render(request, "editor/login.html", {"next": _safe_next(target), "name": name, "error": error}, status_code=403)
    try:
        session_id = await run_in_threadpool(component.auth.login, name.strip(), password, component.client_hash(request))
    except AtlasError as exc:
        context = {"next": _safe_next(target), "name": name, "error": exc}
        return render(request, "editor/login.html", context, status_code=exc.status_code, headers=exc.headers or None)
    previous = request.cookies.get(SESSION_COOKIE)
    if previous:  # one browser, one session: the one it came with ends here
        await run_in_threadpool(component.auth.logout, previous)
    response = RedirectResponse(_safe_next(target), status_code=303)
    set_session_cookie(response, session_id, secure=component.is_https(request))
    return response


@editor_page
async def logout(request: Request, editor: Editor) -> Response:
    component = feedback(request)
    if editor.session_id:
        await run_in_threadpool(component.auth.logout, editor.session_id)
    response = RedirectResponse("/editor/login", status_code=303)
    clear_session_cookie(response, secure=component.is_https(request))
    return response


def _queue_query(raw: Any) -> tuple[ItemQuery, dict[str, str]]:
    """The queue's filters; it opens on the unhandled items (status new)."""
    # PostgreSQL refuses NUL in text, and no filter needs one.
    params = {key: value.replace("\x00", "") for key, value in raw.items()}
    status = params.get("status", "new")
    statuses: tuple[str, ...] = {"all": (), "open": OPEN_STATES}.get(status, (status,) if status in STATES else ("new",))
    kind = params.get("kind") if params.get("kind") in KINDS else None
    sort = params.get("sort") if params.get("sort") in SORTS else "newest"
    try:
        page = min(max(1, int(params.get("p", "1"))), MAX_OFFSET // PAGE_SIZE)
    except ValueError:
        page = 1
    filters = {
        "status": status if status in (*STATES, "all", "open") else "new",
        "kind": kind or "",
        "page": params.get("page", ""),
        "q": params.get("q", ""),
        "sort": sort,
    }
    query = ItemQuery(
        statuses=statuses,
        kind=kind,
        page_url=filters["page"] or None,
        text=filters["q"] or None,
        sort=sort,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    return query, filters


@editor_page
async def queue(request: Request, editor: Editor) -> Response:
    component = feedback(request)
    query, filters = _queue_query(request.query_params)
    items, total = await run_in_threadpool(component.triage.find, query)
    editors = await run_in_threadpool(component.auth.editor_names)
    page = query.offset // PAGE_SIZE + 1

    def page_link(number: int) -> str:
        return "/editor/?" + urlencode({**{k: v for k, v in filters.items() if v}, "p": number})

    context = _context(
        request,
        editor,
        items=items,
        total=total,
        filters=filters,
        sorts=list(SORTS),
        editors=editors,
        done=request.query_params.get("done"),
        previous_page=page_link(page - 1) if page > 1 else None,
        next_page=page_link(page + 1) if query.offset + len(items) < total else None,
        first_shown=query.offset + 1 if items else 0,
        last_shown=query.offset + len(items),
    )
    return render(request, "editor/queue.html", context)


async def _item_context(request: Request, editor: Editor, item_id: str, **extra: Any) -> dict[str, Any]:
    component = feedback(request)

    def load() -> dict[str, Any]:
        detail = component.triage.detail(item_id)
        item = detail.item
        location = component.pages.locate(item["page_url"], item["selected_text"], item["context_before"], item["context_after"])
        return {"item": item, "audit": detail.audit, "duplicates": detail.duplicates, "location": location,
                "editors": component.auth.editor_names()}

    return _context(request, editor, **await run_in_threadpool(load), **extra)


@editor_page
async def item_page(request: Request, editor: Editor) -> Response:
    context = await _item_context(request, editor, request.path_params["item_id"], saved=request.query_params.get("saved"))
    return render(request, "editor/item.html", context)


def _form_change(form: Any) -> Change:
    """The item form sends every field; empty ones mean 'leave as it is' (assignee: 'nobody')."""
    data: dict[str, Any] = {}
    if form.get("status"):
        data["status"] = form.get("status")
    if "assignee" in form:
        data["assignee"] = form.get("assignee") or None
    if form.get("duplicate_of", "").strip():
        data["duplicate_of"] = form.get("duplicate_of")
    if form.get("note", "").strip():
        data["note"] = form.get("note")
    return clean_change(data)


@editor_page
async def update_item(request: Request, editor: Editor) -> Response:
    component = feedback(request)
    item_id = request.path_params["item_id"]
    form = await request.form()
    try:
        change = _form_change(form)
        item = await run_in_threadpool(component.triage.change, item_id, change, editor.name)
    except AtlasError as exc:
        if exc.status_code != 422:
            raise
        context = await _item_context(request, editor, item_id, error=exc, draft_note=form.get("note", ""))
        return render(request, "editor/item.html", context, status_code=422)
    return RedirectResponse(f"/editor/items/{item['id']}?saved=1", status_code=303)


_BULK_ACTIONS = {f"status:{state}" for state in STATES if state != "duplicate"} | {"assign", "unassign", "duplicate"}


def _bulk_change(form: Any, editor: Editor) -> tuple[str, Change]:
    action = form.get("action", "")
    if action not in _BULK_ACTIONS:
        raise BadRequest("Choose what to do with the selected items.", {"action": "choose an action"})
    if action.startswith("status:"):
        return action, clean_change({"status": action.removeprefix("status:")})
    if action == "assign":
        return action, clean_change({"assignee": form.get("assignee") or editor.name})
    if action == "unassign":
        return action, clean_change({"assignee": None})
    return action, clean_change({"duplicate_of": form.get("duplicate_of", "")})


@editor_page
async def bulk(request: Request, editor: Editor) -> Response:
    """Step one shows what will change and asks to confirm; step two (confirm=yes) applies it to all or none."""
    component = feedback(request)
    form = await request.form()
    ids = sorted({i.strip().upper() for i in form.getlist("ids") if isinstance(i, str) and ITEM_ID.match(i.strip().upper())})
    if not ids:
        return RedirectResponse("/editor/?done=0", status_code=303)
    action, change = _bulk_change(form, editor)
    if form.get("confirm") != "yes":
        items, _ = await run_in_threadpool(component.triage.find, ItemQuery(ids=tuple(ids), limit=len(ids)))
        context = _context(request, editor, items=items, action=action, change=change, unset=UNSET,
                           assignee=form.get("assignee", ""), duplicate_of=form.get("duplicate_of", ""))
        return render(request, "editor/bulk_confirm.html", context)
    count = await run_in_threadpool(component.triage.bulk, ids, change, editor.name)
    return RedirectResponse(f"/editor/?{urlencode({'status': 'all', 'done': count})}", status_code=303)


@editor_page
async def dashboard(request: Request, editor: Editor) -> Response:
    data = await run_in_threadpool(feedback(request).triage.dashboard)
    return render(request, "editor/dashboard.html", _context(request, editor, **data))


@editor_page
async def export_download(request: Request, editor: Editor) -> Response:
    fmt = request.query_params.get("format", "csv")
    status = request.query_params.get("status") or None
    if fmt not in FORMATS:
        raise BadRequest(f"Export as {' or '.join(FORMATS)}.", {"format": "unknown format"})
    if status is not None and status not in STATES:
        raise BadRequest(f"Unknown status {status!r}.", {"status": "unknown status"})
    component = feedback(request)
    # Read in full before answering, so a database failure is a clear error page and not a truncated file.
    items = await run_in_threadpool(lambda: list(component.triage.export(status)))
    stamp = component.clock().strftime("%Y%m%dT%H%M%SZ")
    filename = f"trigger-atlas-feedback-{status or 'all'}-{stamp}.{fmt}"
    return Response(
        "".join(export(items, fmt)),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def editor_root(request: Request) -> Response:
    return RedirectResponse("/editor/", status_code=307)


def _post(path: str, endpoint: Callable[[Request], Awaitable[Response]]) -> Route:
    return limited_route(path, endpoint, methods=["POST"], too_large=_too_large, include_in_schema=False)


routes = [
    Route("/editor", editor_root, methods=["GET"], include_in_schema=False),
    Route("/editor/", queue, methods=["GET"], include_in_schema=False),
    Route("/editor/login", login_page, methods=["GET"], include_in_schema=False),
    _post("/editor/login", login),
    _post("/editor/logout", logout),
    Route("/editor/items/{item_id}", item_page, methods=["GET"], include_in_schema=False),
    _post("/editor/items/{item_id}", update_item),
    _post("/editor/bulk", bulk),
    Route("/editor/dashboard", dashboard, methods=["GET"], include_in_schema=False),
    Route("/editor/export", export_download, methods=["GET"], include_in_schema=False),
]
