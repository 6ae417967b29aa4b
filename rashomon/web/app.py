"""The FastAPI application: pages and JSON API over one SQLite file.

``create_app(db_path)`` builds it; ``rashomon serve`` runs it with uvicorn on
loopback. Every response carries a strict Content-Security-Policy (scripts and
styles only from ``/static``, nothing inline, nothing external), request bodies
are capped before anything reads them, and a form or API write from another
site is refused.
"""

from __future__ import annotations

import json
import threading
from importlib import resources
from pathlib import Path
from typing import Any, Awaitable, Callable, MutableMapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware

from .. import __version__
from ..store import Store

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
DEFAULT_MAX_BODY = 10_000_000
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "::1", "[::1]"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class StoreSource:
    """One Store per server thread: a sqlite3 connection must stay in the thread that opened it."""

    def __init__(self, db_path: str):
        self.db_path = db_path
        self._local = threading.local()

    def get(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.db_path)
            self._local.store = store
        return store


def error_body(status: int, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"status": status, "message": message, **extra}}


class SecurityHeaders:
    """Adds the CSP and friends to every response, pages, API, static files and errors alike."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *[(n, v) for n, v in SECURITY_HEADERS if n not in names]]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses a request body over ``max_bytes`` with a JSON 413, before any handler reads it.

    A declared Content-Length over the limit is refused at once; a body sent
    without one (chunked) is counted as it arrives and buffered up to the limit.
    """

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def _too_large(self, send: Send) -> None:
        body = json.dumps(error_body(413, f"request body: larger than the limit of {self.max_bytes} bytes")).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                length = self.max_bytes + 1
            if length > self.max_bytes:
                await self._too_large(send)
                return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class SameOriginWrites:
    """Refuses a write (POST, PUT, PATCH, DELETE) sent by a page of another site.

    The server is local and has no accounts, so any web page the analyst opens
    could otherwise post into it (cross-site request forgery). Browsers say where
    a request comes from (Sec-Fetch-Site, Origin); programs that say nothing pass.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            headers = {k.lower(): v for k, v in scope.get("headers", [])}
            site = headers.get(b"sec-fetch-site", b"").decode("latin-1")
            origin = headers.get(b"origin", b"").decode("latin-1")
            host = headers.get(b"host", b"").decode("latin-1")
            if site:
                # Browsers that send Sec-Fetch-Site say exactly where the request comes from.
                refused = site not in ("same-origin", "none")
            else:
                # Pages with no-referrer send Origin "null" for their own forms: only a named foreign origin is refused.
                refused = bool(origin) and origin != "null" and origin.split("://", 1)[-1] != host
            if refused:
                response = JSONResponse(error_body(403, "request: writes from another site are refused"), status_code=403)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def templates() -> Environment:
    env = Environment(
        loader=PackageLoader("rashomon.web", "templates"),
        autoescape=True,  # every template, whatever its extension: article content is untrusted
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    return env


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/openapi.json"


def create_app(
    db_path: str | Path,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY,
    allowed_hosts: list[str] | None = None,
    fetch_private: bool = False,
) -> FastAPI:
    """The web application over the database at ``db_path`` (created and migrated if needed).

    ``allowed_hosts``: Host header values accepted (default: loopback names only, which
    also defeats DNS rebinding); pass ``["*"]`` when serving beyond this machine.
    ``fetch_private``: let pasted URLs reach loopback and private addresses. Off by default and
    in ``rashomon serve``; the tests turn it on to fetch from a page server they run on loopback.
    """
    from . import api, pages
    from .jobs import JobQueue

    db_path = str(db_path)
    Store(db_path).close()  # create or migrate now, so a bad file fails at start, not on the first request
    app = FastAPI(
        title="rashomon",
        version=__version__,
        description="Stories told by many sources, side by side: stories, articles, entities, export and ingest.",
        docs_url=None,  # FastAPI's /docs loads its script from a CDN: ours is rendered here, offline
        redoc_url=None,
    )
    app.state.stores = StoreSource(db_path)
    app.state.jobs = JobQueue(db_path)
    app.state.templates = templates()
    app.state.max_body_bytes = max_body_bytes
    app.state.fetch_private = fetch_private

    static = resources.files("rashomon.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = f"{request.url.path}: no such page"
        if _wants_json(request):
            return JSONResponse(error_body(exc.status_code, message), status_code=exc.status_code)
        return pages.error_page(request, exc.status_code, message)

    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, exc: RequestValidationError):
        problems = []
        for e in exc.errors():
            where = ".".join(str(part) for part in e.get("loc", ()) if part not in ("query", "body", "path"))
            problems.append({"input": where or "request", "problem": e.get("msg", "invalid")})
        message = "; ".join(f"{p['input']}: {p['problem']}" for p in problems) or "invalid request"
        if _wants_json(request):
            return JSONResponse(error_body(422, message, problems=problems), status_code=422)
        return pages.error_page(request, 422, message)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from fastapi.openapi.utils import get_openapi

            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            # POST /api/articles reads its body itself (JSON or upload); its JSON schema is added here.
            body = api.ArticlesIn.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(body.pop("$defs", {}))
            components["ArticlesIn"] = body
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    app.add_middleware(SameOriginWrites)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOOPBACK_NAMES)
    app.add_middleware(SecurityHeaders)
    return app
