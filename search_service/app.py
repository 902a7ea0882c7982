"""The application factory: the built site at /, the search API, the feedback API and the editors' UI."""

from __future__ import annotations

import contextlib
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from feedback.component import FeedbackComponent

from starlette.middleware import Middleware

from . import search_routes
from .metrics import AccessLogMiddleware, metrics
from .openapi import openapi
from .content.vocabulary import load_vocabulary
from .errors import AtlasError, atlas_error_handler
from .search.engine import IndexUnavailable, SearchIndex
from .search.service import SearchService
from .settings import Settings
from .site_files import site_app, sitemap_endpoint


async def healthz(request: Request) -> JSONResponse:
    search: SearchService = request.app.state.search
    feedback: FeedbackComponent = request.app.state.feedback
    try:
        meta = search.index.meta
    except IndexUnavailable as exc:
        return JSONResponse({"status": "unavailable", "error": f"The search index is unusable: {exc}."}, status_code=503)
    if not feedback.healthy():
        return JSONResponse({"status": "unavailable", "error": "The feedback database cannot be reached."}, status_code=503)
    return JSONResponse({"status": "ok", "articles": meta.articles, "index_version": meta.version})


def create_app(settings: Settings | None = None) -> Starlette:
    settings = (settings or Settings.from_env()).with_secret()
    index = SearchIndex(settings.index_dir)
    feedback = FeedbackComponent(settings)
    search = SearchService(index, load_vocabulary(settings.docs_dir), on_zero_results=feedback.record_zero_result)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        feedback.startup()
        try:
            yield
        finally:
            feedback.shutdown()
            index.close()

    routes = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/metrics", metrics, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        *search_routes.routes,
        *feedback.routes,
        Route("/sitemap.xml", sitemap_endpoint(settings.site_dir), methods=["GET"]),
        Mount("/", app=site_app(settings.site_dir), name="site"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(AccessLogMiddleware), *feedback.middleware],
        lifespan=lifespan,
        exception_handlers={AtlasError: atlas_error_handler},
    )
    app.state.settings = settings
    app.state.search = search
    app.state.feedback = feedback
    return app


def app_from_env() -> Starlette:
    """Factory for `uvicorn --factory`, used by `serve --workers N`: settings come from the environment."""
    return create_app(Settings.from_env())
