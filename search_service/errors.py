"""Errors a person can act on. Each carries its HTTP status; the app renders them as the contract's JSON."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse


class AtlasError(Exception):
    status_code = 400

    def __init__(self, message: str, fields: dict[str, str] | None = None, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.headers = headers or {}

    def to_json(self) -> dict[str, object]:
        body: dict[str, object] = {"error": self.message}
        if self.fields:
            body["fields"] = self.fields
        return body


class BadRequest(AtlasError):
    status_code = 400


class Unauthorized(AtlasError):
    status_code = 401


class Forbidden(AtlasError):
    status_code = 403


class NotFound(AtlasError):
    status_code = 404


class PayloadTooLarge(AtlasError):
    status_code = 413


class Unprocessable(AtlasError):
    status_code = 422


class TooManyRequests(AtlasError):
    status_code = 429


class Unavailable(AtlasError):
    status_code = 503


async def atlas_error_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AtlasError)
    return JSONResponse(exc.to_json(), status_code=exc.status_code, headers=exc.headers)
