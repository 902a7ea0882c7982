"""The built site as the app serves it: static files, plus a sitemap that names the origin it is served on.

Material's instant loading only takes over links listed in sitemap.xml, whose addresses carry the
build's `site_url`. Rewriting them to the origin of the request lets instant loading work wherever
the service runs (another port, another host name) without rebuilding the site.
"""

from __future__ import annotations

import re
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles

_LOC = re.compile(r"<loc>https?://[^/<]+/")


def site_app(site_dir: Path) -> StaticFiles:
    return StaticFiles(directory=site_dir, html=True, check_dir=False)


def sitemap_endpoint(site_dir: Path):  # type: ignore[no-untyped-def]
    async def sitemap(request: Request) -> Response:
        try:
            text = (site_dir / "sitemap.xml").read_text(encoding="utf-8")
        except FileNotFoundError:
            return Response("The site has not been built yet.", status_code=404, media_type="text/plain")
        origin = f"{request.url.scheme}://{request.url.netloc}/"
        return Response(_LOC.sub(f"<loc>{origin}", text), media_type="application/xml")

    return sitemap
