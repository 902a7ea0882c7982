"""Security headers: the full set with a strict CSP on what the feedback package serves, and the basics
(nosniff, no framing, referrer policy) on everything else, the MkDocs pages and the search API included.
The MkDocs pages carry no CSP because Material needs inline script."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

BASIC_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # The article pages hold the feedback form: no other site may frame them.
    "X-Frame-Options": "DENY",
}
HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, **BASIC_HEADERS}

PREFIXES = ("/editor", "/api/editor", "/api/feedback", "/feedback/")


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, prefixes: tuple[str, ...] = PREFIXES) -> None:
        self.app = app
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        ours = scope["path"].startswith(self.prefixes)
        editor = scope["path"].startswith(("/editor", "/api/editor"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in (HEADERS if ours else BASIC_HEADERS).items():
                    headers.setdefault(name, value)
                if editor:
                    # Queue pages hold readers' email addresses; no shared cache may keep them.
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
