"""The OpenAPI 3 document of every JSON route, served at /openapi.json (the contract's outside)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

from . import __version__

STATUSES = ["new", "triaged", "in_progress", "resolved", "wont_fix", "duplicate", "spam"]
KINDS = ["question", "comment", "typo"]


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(description: str, ref: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


_TEXT = {"type": "string"}
_NULLABLE_TEXT = {"type": ["string", "null"]}

SUBMISSION_FIELDS: dict[str, Any] = {
    "page_url": {"type": "string", "description": "A path of this site, e.g. /patterns/thigh-and-knee/biceps-femoris/"},
    "kind": {"type": "string", "enum": KINDS},
    "message": {"type": "string", "minLength": 1, "maxLength": 5000},
    "email": {"type": "string", "maxLength": 254},
    "name": {"type": "string", "maxLength": 200},
    "selected_text": {"type": "string", "maxLength": 1000},
    "context_before": {"type": "string", "maxLength": 1000},
    "context_after": {"type": "string", "maxLength": 1000},
    "suggested_fix": {"type": "string", "maxLength": 1000},
    "form_token": {"type": "string", "maxLength": 1000},
    "website": {"type": "string", "maxLength": 1000, "description": "Honeypot: people leave it empty"},
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": _TEXT, "fields": {"type": "object", "additionalProperties": _TEXT}},
    },
    "Health": {
        "type": "object",
        "required": ["status"],
        "properties": {"status": _TEXT, "articles": {"type": "integer"}, "index_version": _TEXT, "error": _TEXT},
    },
    "PainAreas": {
        "type": "object",
        "required": ["essential", "spillover"],
        "properties": {"essential": {"type": "array", "items": _TEXT}, "spillover": {"type": "array", "items": _TEXT}},
    },
    "SearchResult": {
        "type": "object",
        "required": ["url", "title", "muscle", "kind", "score", "snippet", "pain_areas"],
        "properties": {
            "url": _TEXT, "title": _TEXT, "muscle": _TEXT, "muscle_name": _TEXT,
            "kind": {"type": "string", "enum": ["pattern", "story"]}, "region": _TEXT, "section": _TEXT,
            "score": {"type": "number"}, "summary": _TEXT, "snippet": _TEXT,
            "pain_areas": {"$ref": "#/components/schemas/PainAreas"},
        },
    },
    "SearchAnswer": {
        "type": "object",
        "required": ["query", "areas", "total", "took_ms", "suggestion", "results"],
        "properties": {
            "query": _TEXT, "areas": {"type": "array", "items": _TEXT}, "total": {"type": "integer", "minimum": 0},
            "took_ms": {"type": "number"}, "suggestion": _NULLABLE_TEXT,
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchResult"}},
        },
    },
    "Suggestions": {
        "type": "object", "required": ["suggestions"],
        "properties": {"suggestions": {"type": "array", "maxItems": 8, "items": _TEXT}},
    },
    "Areas": {
        "type": "object", "required": ["areas"],
        "properties": {"areas": {"type": "array", "items": {
            "type": "object", "required": ["id", "label", "view", "articles"],
            "properties": {"id": _TEXT, "label": _TEXT, "view": {"type": "string", "enum": ["front", "back", "side"]},
                           "group": _TEXT, "articles": {"type": "integer", "minimum": 0}},
        }}},
    },
    "FormToken": {
        "type": "object", "required": ["token", "min_seconds"],
        "properties": {"token": _TEXT, "min_seconds": {"type": "number", "minimum": 0}},
    },
    "Submission": {
        # kind may be left out: a reader who only writes a message is making a comment.
        "type": "object", "required": ["page_url", "message"], "additionalProperties": False,
        "properties": SUBMISSION_FIELDS,
    },
    "Accepted": {
        "type": "object", "required": ["id", "status"],
        "properties": {"id": _TEXT, "status": {"type": "string", "enum": STATUSES}},
    },
    "Item": {
        "type": "object",
        "required": ["id", "created_at", "status", "page_url", "kind", "message"],
        "properties": {
            **{name: ({**spec, "type": [spec["type"], "null"]} if name not in ("page_url", "kind", "message") else spec)
               for name, spec in SUBMISSION_FIELDS.items()},
            "id": _TEXT, "created_at": {"type": "string", "format": "date-time"},
            "status": {"type": "string", "enum": STATUSES}, "assignee": _NULLABLE_TEXT, "duplicate_of": _NULLABLE_TEXT,
            "notes": {"type": "array"},
        },
    },
    "ItemList": {
        "type": "object", "required": ["items", "total"],
        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
                       "total": {"type": "integer", "minimum": 0}},
    },
    "ItemChange": {
        "type": "object", "additionalProperties": False, "minProperties": 1,
        "properties": {"status": {"type": "string", "enum": STATUSES}, "note": {"type": "string", "maxLength": 5000},
                       "duplicate_of": _NULLABLE_TEXT, "assignee": _NULLABLE_TEXT},
    },
}

_UNAVAILABLE = _error("The index or the database is unusable for a moment")
_EDITOR_ERRORS = {"401": _error("Not signed in: send a session cookie or Authorization: Bearer TOKEN"),
                  "400": _error("A parameter is out of range"), "503": _UNAVAILABLE}


def _query(name: str, schema: dict[str, Any], description: str, required: bool = False, **extra: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description, **extra}


PATHS: dict[str, Any] = {
    "/healthz": {"get": {"summary": "Liveness and readiness", "responses": {
        "200": _json("Ready", "Health"), "503": _json("The index or the database is unusable", "Health")}}},
    "/api/search": {"get": {
        "summary": "Symptom search: from where and when it hurts to the culprit muscles",
        "parameters": [
            _query("q", {"type": "string", "maxLength": 500}, "What the reader typed; q or area is required"),
            _query("area", {"type": "array", "items": {"type": "string"}}, "Body-area ids (repeatable)", style="form", explode=True),
            _query("limit", {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}, "Results to return"),
            _query("kind", {"type": "string", "enum": ["pattern", "story"]}, "Only articles of this kind"),
            _query("region", {"type": "string"}, "Only articles filed under this region id"),
        ],
        "responses": {"200": _json("Ranked results", "SearchAnswer"),
                      "400": _error("No q and no area, a bad limit, or an unknown area id"), "503": _UNAVAILABLE},
    }},
    "/api/suggest": {"get": {"summary": "Completions for a search box (at most 8)",
                             "parameters": [_query("q", {"type": "string", "maxLength": 200}, "The prefix typed so far")],
                             "responses": {"200": _json("Completions", "Suggestions"), "503": _UNAVAILABLE}}},
    "/api/areas": {"get": {"summary": "Every body area, with its view and number of articles",
                           "responses": {"200": _json("Areas", "Areas"), "503": _UNAVAILABLE}}},
    "/api/feedback/token": {"get": {"summary": "A signed, time-stamped token for the next submission",
                                    "responses": {"200": _json("Token", "FormToken")}}},
    "/api/feedback": {"post": {
        "summary": "Send a question, comment or typo report into the review queue",
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Submission"}}}},
        "responses": {"201": _json("Stored", "Accepted"), "400": _error("Not valid JSON or a field is at fault"),
                      "413": _error("The body is over 16 KiB"), "415": _error("Not JSON"),
                      "422": _error("A field is at fault"), "429": _error("Too many submissions from one client"),
                      "503": _error("The database is unavailable; nothing was stored")},
    }},
    "/api/editor/feedback": {"get": {
        "summary": "The review queue, newest first (editors only)",
        "security": [{"bearer": []}, {"session": []}],
        "parameters": [
            _query("status", {"type": "string", "enum": STATUSES}, "Only items in this state"),
            _query("kind", {"type": "string", "enum": KINDS}, "Only items of this kind"),
            _query("page_url", {"type": "string"}, "Only items about this page"),
            _query("limit", {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}, "Items per page"),
            _query("offset", {"type": "integer", "minimum": 0, "maximum": 1_000_000_000, "default": 0}, "Items to skip"),
        ],
        "responses": {"200": _json("Items", "ItemList"), **_EDITOR_ERRORS},
    }},
    "/api/editor/feedback/{id}": {"get": {
        "summary": "One item of the review queue (editors only)",
        "security": [{"bearer": []}, {"session": []}],
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": _json("The item", "Item"), "404": _error("No such item"), **_EDITOR_ERRORS},
    }, "patch": {
        "summary": "Change an item's status, add a note, assign it or mark it a duplicate (editors only)",
        "security": [{"bearer": []}, {"session": []}],
        "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ItemChange"}}}},
        "responses": {"200": _json("The changed item", "Item"), "403": _error("A cookie session without its CSRF token"),
                      "413": _error("The body is over 16 KiB"), "415": _error("Not JSON"),
                      "404": _error("No such item"), "422": _error("A field is at fault"), **_EDITOR_ERRORS},
    }},
}


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Trigger Atlas", "version": __version__,
                 "description": "Symptom search and reader feedback for the Trigger Atlas site."},
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "session": {"type": "apiKey", "in": "cookie", "name": "atlas_editor_session"}},
        },
    }


async def openapi(request: Request) -> JSONResponse:
    return JSONResponse(document())
