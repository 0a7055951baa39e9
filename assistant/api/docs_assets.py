"""The API's documentation pages with their assets served by the API itself.

FastAPI's own ``/docs`` and ``/redoc`` load Swagger UI, ReDoc, a web font and the favicon
from CDNs, so on an intranet without internet they stay blank. The same files are shipped
by the pinned ``fastapi-offline`` package (Swagger UI 5, ReDoc 2, a favicon); they are
served from ``/docs-assets`` and the pages point there, under a Content-Security-Policy
that lets them reach only this server.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs-assets"
ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js", "favicon.png")
# The pages may load and call only this server. ReDoc's bundle still names one image on
# its CDN (a logo it hides when it fails to load): the policy stops that request in the
# browser, before it reaches the network. Inline script and styles are the pages' own
# (FastAPI's start-up snippet, ReDoc's styled components); ReDoc runs a worker from a blob.
CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
       "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
       "connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'self'")


def install(app: FastAPI) -> None:
    """``/docs``, ``/redoc``, ``/favicon.ico`` and the assets; make the app with
    ``docs_url=None, redoc_url=None`` so FastAPI's CDN pages are not registered."""
    missing = [name for name in ASSETS if not (ASSETS_DIR / name).is_file()]
    if missing:  # pragma: no cover - a broken install of the package
        raise RuntimeError(f"fastapi-offline mangler {missing} i {ASSETS_DIR}")
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")
    oauth2_redirect = app.swagger_ui_oauth2_redirect_url or "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    async def swagger(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} – API",
            oauth2_redirect_url=f"{root}{oauth2_redirect}",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            # No call to the public validator; remember the key between reloads.
            swagger_ui_parameters={"validatorUrl": None, "persistAuthorization": True,
                                   "displayRequestDuration": True})
        page.headers["Content-Security-Policy"] = CSP
        return page

    @app.get(oauth2_redirect, include_in_schema=False)
    async def swagger_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_redoc_html(
            openapi_url=f"{root}{app.openapi_url}", title=f"{app.title} – API",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png", with_google_fonts=False)
        page.headers["Content-Security-Policy"] = CSP
        return page

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        return FileResponse(ASSETS_DIR / "favicon.png", media_type="image/png")
