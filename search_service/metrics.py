"""Prometheus metrics (through the official client) and the access log of every request.

With several uvicorn workers each process counts on its own; `serve` points PROMETHEUS_MULTIPROC_DIR
at a folder in the data dir before anything imports prometheus_client, so /metrics adds them up.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client import multiprocess
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SEARCHES = Counter("atlas_searches_total", "Searches answered, by what the reader gave", ["by"])
ZERO_RESULT_SEARCHES = Counter("atlas_zero_result_searches_total", "Searches that found nothing")
FEEDBACK_SUBMISSIONS = Counter(
    "atlas_feedback_submissions_total", "Reader submissions stored, by kind and review status", ["kind", "status"]
)
REQUEST_SECONDS = Histogram(
    "atlas_request_duration_seconds",
    "Time to answer a request, by route",
    ["route", "method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)

access_logger = logging.getLogger("trigger_atlas.access")


class AccessLogMiddleware:
    """Times every HTTP request, records it in the latency histogram and logs it as one JSON line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            template = getattr(route, "path", None) or "site"
            if template == "/":
                template = "site"
            REQUEST_SECONDS.labels(template, scope["method"]).observe(elapsed)
            if access_logger.isEnabledFor(logging.INFO):
                access_logger.info(
                    "request",
                    extra={"fields": {"method": scope["method"], "path": scope["path"], "route": template,
                                      "status": status, "duration_ms": round(elapsed * 1000, 2)}},
                )


def _registry() -> Any:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    from prometheus_client import REGISTRY

    return REGISTRY


async def metrics(request: Request) -> Response:
    return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)
