"""The feedback part of the service as one component the app factory composes."""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from search_service.settings import Settings


class FeedbackComponent:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.routes: list[BaseRoute] = []
        self.middleware: list[Middleware] = []

    def startup(self) -> None:
        """Open the store and apply migrations."""

    def shutdown(self) -> None:
        """Close the store."""

    def healthy(self) -> bool:
        return True

    def record_zero_result(self, query: str) -> None:
        """Remember a search that found nothing (text and time only)."""
