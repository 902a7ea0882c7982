"""Checks on what readers and editors send. Pure: returns cleaned values or raises an error naming each field at fault.

Values are kept exactly as sent (no trimming, no escaping); escaping is the templates' job.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from search_service.errors import BadRequest, Unprocessable

from .model import KINDS, OPTIONAL_FIELDS, PATCH_FIELDS, STATES, SUBMISSION_FIELDS, UNSET, Change, ItemQuery, Submission

MAX_MESSAGE = 5000
MAX_LENGTHS = {
    "name": 100,
    "email": 254,
    "selected_text": 1000,
    "context_before": 500,
    "context_after": 500,
    "suggested_fix": 1000,
    "form_token": 200,
    "website": 500,
}
MAX_NOTE = 5000
MAX_LIMIT = 500
DEFAULT_LIMIT = 50

# No "?", "&", "%", "#", "," or "/": an address is put into a mailto: link, where those would add
# headers (a hidden Bcc) or more recipients to the editor's reply.
_EMAIL = re.compile(r"^[^@\s?&%#,/]+@[^@\s?&%#,/]+\.[^@\s.?&%#,/]+$")
ITEM_ID = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}$")
EDITOR_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def _invalid(problems: dict[str, str], *, status: type[BadRequest] | type[Unprocessable] = Unprocessable) -> Exception:
    if len(problems) == 1:
        (field, problem), = problems.items()
        message = f"The field '{field}' {problem}."
    else:
        listed = "; ".join(f"'{field}' {problem}" for field, problem in problems.items())
        message = f"{len(problems)} fields need attention: {listed}."
    return status(message, dict(problems))


def _text_problem(value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be text"
    if "\x00" in value:
        return "contains a NUL character"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains characters that are not valid Unicode"
    return None


def _refuse_unknown(data: Mapping[str, Any], allowed: tuple[str, ...], what: str) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise BadRequest(
            f"Unknown field{'s' if len(unknown) > 1 else ''} {', '.join(repr(u) for u in unknown)}; {what} takes only "
            f"{', '.join(allowed)}.",
            {name: "is not a known field" for name in unknown},
        )


def clean_submission(data: Any, page_problem: Callable[[str], str | None]) -> Submission:
    """A reader's submission; ``page_problem`` says why a page_url is not a page of this site (None when it is)."""
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object with the fields page_url, kind and message.")
    _refuse_unknown(data, SUBMISSION_FIELDS, "a submission")
    problems: dict[str, str] = {}
    values: dict[str, Any] = {}

    for field in ("page_url", "message"):
        value = data.get(field)
        if value is None:
            problems[field] = "is required"
        elif (problem := _text_problem(value)) is not None:
            problems[field] = problem
        elif not value.strip():
            problems[field] = "is empty"
        else:
            values[field] = value
    if "message" in values and len(values["message"]) > MAX_MESSAGE:
        problems["message"] = f"is {len(values.pop('message')):,} characters long; the most is {MAX_MESSAGE:,}"
    if "page_url" in values and (problem := page_problem(values["page_url"])) is not None:
        problems["page_url"] = problem
        del values["page_url"]

    kind = data.get("kind")
    if kind is None:
        values["kind"] = "comment"
    elif kind not in KINDS:
        problems["kind"] = f"must be one of {', '.join(KINDS)}"
    else:
        values["kind"] = kind

    for field in OPTIONAL_FIELDS:
        value = data.get(field)
        if value is None:
            continue
        if (problem := _text_problem(value)) is not None:
            problems[field] = problem
        elif len(value) > MAX_LENGTHS[field]:
            problems[field] = f"is longer than {MAX_LENGTHS[field]:,} characters"
        else:
            values[field] = value
    email = values.get("email")
    if email and not _EMAIL.match(email.strip()):
        problems["email"] = "is not an email address (leave it empty if you want no reply)"

    if problems:
        raise _invalid(problems)
    return Submission(**values)


def clean_change(data: Any) -> Change:
    """An editor's PATCH of one item: any subset of status, note, duplicate_of and assignee."""
    if not isinstance(data, dict):
        raise BadRequest("The body must be a JSON object with any of status, note, duplicate_of and assignee.")
    _refuse_unknown(data, PATCH_FIELDS, "a change")
    problems: dict[str, str] = {}
    status = data.get("status", UNSET)
    if status is not UNSET and status not in STATES:
        problems["status"] = f"must be one of {', '.join(STATES)}"
    note = data.get("note", UNSET)
    if note is not UNSET:
        if (problem := _text_problem(note)) is not None:
            problems["note"] = problem
        elif not note.strip():
            problems["note"] = "is empty"
        elif len(note) > MAX_NOTE:
            problems["note"] = f"is longer than {MAX_NOTE:,} characters"
    duplicate_of = data.get("duplicate_of", UNSET)
    if isinstance(duplicate_of, str):
        duplicate_of = duplicate_of.strip().upper()
        if not ITEM_ID.match(duplicate_of):
            problems["duplicate_of"] = "must be the reference of another item, such as K7Q2-M9XD"
    elif duplicate_of is not UNSET and duplicate_of is not None:
        problems["duplicate_of"] = "must be an item reference or null"
    assignee = data.get("assignee", UNSET)
    if assignee is not UNSET and assignee is not None and (not isinstance(assignee, str) or not EDITOR_NAME.match(assignee)):
        problems["assignee"] = "must be an editor's name or null"
    if problems:
        raise _invalid(problems)
    return Change(status=status, note=note, duplicate_of=duplicate_of, assignee=assignee)


MAX_OFFSET = 1_000_000_000
LIST_PARAMS = ("status", "kind", "page_url", "limit", "offset", "q")


def clean_item_query(params: Mapping[str, str]) -> ItemQuery:
    """The editors' API listing: status, kind, page_url, q, limit (1–500, default 50) and offset."""
    _refuse_unknown(params, LIST_PARAMS, "the listing")
    problems: dict[str, str] = {}
    status = params.get("status") or None
    if status is not None and status not in STATES:
        problems["status"] = f"must be one of {', '.join(STATES)}"
    kind = params.get("kind") or None
    if kind is not None and kind not in KINDS:
        problems["kind"] = f"must be one of {', '.join(KINDS)}"
    for field in ("page_url", "q"):
        if field in params and (problem := _text_problem(params[field])) is not None:
            problems[field] = problem
    limit = _whole(params.get("limit"), DEFAULT_LIMIT, 1, MAX_LIMIT, "limit", problems)
    # Bounded so that no offset overflows the databases' 64-bit integers (and none is that useful).
    offset = _whole(params.get("offset"), 0, 0, MAX_OFFSET, "offset", problems)
    if problems:
        raise _invalid(problems, status=BadRequest)
    return ItemQuery(
        statuses=(status,) if status else (),
        kind=kind,
        page_url=params.get("page_url") or None,
        text=params.get("q") or None,
        limit=limit,
        offset=offset,
    )


def _whole(raw: str | None, default: int, low: int, high: int | None, field: str, problems: dict[str, str]) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        problems[field] = "must be a whole number"
        return default
    if value < low or (high is not None and value > high):
        problems[field] = f"must be between {low} and {high}" if high is not None else f"must be {low} or more"
        return default
    return value
