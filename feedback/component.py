"""The feedback part of the service as one component the app factory composes: routes, middleware, lifecycle."""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from search_service.settings import Settings

from . import api, editor_views, public_pages
from .auth import EditorAuth
from .client_address import client_address, client_hash, forwarded_scheme, parse_proxies
from .form_tokens import FormTokens
from .intake import Intake
from .pages import SitePages
from .rate_limit import SubmissionRateLimiter
from .security_headers import SecurityHeadersMiddleware
from .store import LazyStore, StoreUnavailable
from .timeutil import Clock, utcnow
from .triage import Triage

log = logging.getLogger("feedback")

STATIC_DIR = Path(__file__).parent / "static"
# /healthz may be polled often; one database round trip every few seconds is plenty.
HEALTH_TTL_SECONDS = 2.0


class FeedbackComponent:
    def __init__(self, settings: Settings, *, clock: Clock = utcnow) -> None:
        self.settings = settings if settings.secret_key else settings.with_secret()
        self.clock = clock
        secret = self.settings.secret_key
        self.proxies = parse_proxies(self.settings.trusted_proxies)
        self.pages = SitePages(self.settings.docs_dir, self.settings.site_dir)
        self.form_tokens = FormTokens(secret)
        self.store = LazyStore(self.settings.database_url)
        self.intake = Intake(self.store, self.pages, self.form_tokens, SubmissionRateLimiter(self.settings.feedback_rate), clock)
        self.triage = Triage(self.store, clock)
        self.auth = EditorAuth(self.store, secret, clock)
        # Work that must hold up neither the event loop nor a search answer (logging zero-result searches,
        # refreshing the health check) runs here, one task at a time.
        self._background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="feedback-background")
        self._health: tuple[float, bool] = (0.0, False)
        self._health_pending = False
        self._health_lock = threading.Lock()

        self.routes: list[BaseRoute] = [
            *api.routes,
            *public_pages.routes,
            *editor_views.routes,
            Mount("/editor/static", app=StaticFiles(directory=STATIC_DIR), name="editor-static"),
        ]
        self.middleware: list[Middleware] = [Middleware(SecurityHeadersMiddleware)]

    def startup(self) -> None:
        """Open the store and apply migrations; a database that is down now is retried on each later use."""
        try:
            self.store.prepare()
            self.triage.prune_search_log()
        except StoreUnavailable as exc:
            log.error("feedback database unavailable at start-up (%s); answering 503 until it is back", exc.detail)
        self._health = (time.monotonic(), self.store.ping())

    def shutdown(self) -> None:
        self._background.shutdown(wait=True)
        self.store.close()

    def healthy(self) -> bool:
        """The last known state of the database. /healthz calls this on the event loop, so a stale answer is
        refreshed in the background instead of waiting here for a database that may not answer."""
        with self._health_lock:
            checked_at, ok = self._health
            if time.monotonic() - checked_at > HEALTH_TTL_SECONDS and not self._health_pending:
                self._health_pending = True
                try:
                    self._background.submit(self._check_health)
                except RuntimeError:  # shutting down
                    self._health_pending = False
            return ok

    def _check_health(self) -> None:
        ok = self.store.ping()
        with self._health_lock:
            self._health = (time.monotonic(), ok)
            self._health_pending = False

    def record_zero_result(self, query: str) -> None:
        """Remember a search that found nothing (text and time only)."""
        query = query.strip()
        if not query:
            return
        try:
            self._background.submit(self._record_zero_result, query)
        except RuntimeError:  # shutting down; a lost statistic is no reader's message
            pass

    def _record_zero_result(self, query: str) -> None:
        try:
            self.triage.record_zero_result(query)
        except StoreUnavailable as exc:
            log.warning("zero-result search not recorded: %s", exc.detail)

    def client_hash(self, request: Request) -> str:
        peer = request.client.host if request.client else None
        address = client_address(peer, request.headers.get("x-forwarded-for"), self.proxies)
        return client_hash(address, self.settings.secret_key)

    def is_https(self, request: Request) -> bool:
        peer = request.client.host if request.client else None
        return forwarded_scheme(peer, request.headers.get("x-forwarded-proto"), request.url.scheme, self.proxies) == "https"

