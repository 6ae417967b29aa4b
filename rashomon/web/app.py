"""The FastAPI application: pages and JSON API over one SQLite file.

``create_app(db_path)`` builds it; ``rashomon serve`` runs it with uvicorn on
loopback. Every response carries a strict Content-Security-Policy (scripts and
styles only from ``/static``, nothing inline, nothing external), request bodies
are capped before anything reads them, and a form or API write from another
site is refused.
"""

from __future__ import annotations

import json
import logging
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

from .. import __version__
from ..store import Store
from .exports import ExportCache
from .jobs import DEFAULT_MAX_ACTIVE, JobQueue

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
log = logging.getLogger("rashomon.web")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class StorePool:
    """Connections for request handlers: one per request, reused, never shared by two requests at once.

    A request's dependency and its handler run in different worker threads, so a connection
    created for a request must be usable from another thread (``shared_across_threads``); it is
    still only ever used by one thread at a time. WAL mode lets every reader go on while the
    ingest worker writes.
    """

    def __init__(self, db_path: str, keep: int = 8):
        self.db_path = db_path
        self.keep = keep  # idle connections kept open; more are opened under load and closed after
        self._idle: list[Store] = []
        self._lock = threading.Lock()

    def acquire(self) -> Store:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return Store(self.db_path, shared_across_threads=True)

    def release(self, store: Store) -> None:
        if store.db.in_transaction:  # a handler that raised mid-write leaves nothing open for the next one
            store.db.rollback()
        with self._lock:
            if len(self._idle) < self.keep:
                self._idle.append(store)
                return
        store.close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for store in idle:
            store.close()


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
                message["headers"] = [
                    *message.get("headers", []),
                    *[(n, v) for n, v in SECURITY_HEADERS if n not in names],
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def send_error(
    scope: Scope, send: Send, status: int, message: str, headers: dict[str, str] | None = None
) -> None:
    """An error in the API's JSON shape, for the paths that answer before (or outside) the routes."""
    body = json.dumps(error_body(status, message)).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class StartTracking:
    """``send``, remembering whether the response has begun: after that, no other answer can be given."""

    def __init__(self, send: Send):
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self.send(message)


class InternalErrors:
    """An unexpected error in a handler is a 500 in the error shape (a page or JSON), never a bare text.

    The traceback goes to the server's log; the client gets one line that names no internals.
    """

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tracked = StartTracking(send)
        try:
            await self.app(scope, receive, tracked)
        except Exception:
            log.exception("%s %s failed", scope.get("method"), scope.get("path"))
            if tracked.started:
                return  # the response is already on its way: the client sees it cut short
            await send_error(
                scope, send, 500, f"{scope.get('path', '')}: internal error (the server log has the details)"
            )


class TrustedHosts:
    """Refuses a request whose Host header is not one of ``allowed`` (``*``: any), in the error shape.

    On loopback this defeats DNS rebinding: a page on another site cannot reach the server under its own name.
    """

    def __init__(self, app: ASGIApp, allowed: list[str]):
        self.app = app
        self.any = "*" in allowed
        self.allowed = {name.lower() for name in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and not self.any:
            host = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1").lower()
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            if name not in self.allowed:
                await send_error(scope, send, 400, "request: invalid host header")
                return
        await self.app(scope, receive, send)


class BodyTooLarge(Exception):
    pass


class BodyLimit:
    """Refuses a request body over ``max_bytes`` with a JSON 413, without holding the body in memory.

    A declared Content-Length over the limit is refused at once; a body sent without one
    (chunked) is counted as the handler reads it, and the read that passes the limit ends the
    request with 413. Bodies flow through as they arrive: the handlers stream uploads to disk.
    """

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def _too_large(self, scope: Scope, send: Send) -> None:
        await send_error(
            scope, send, 413, f"request body: larger than the limit of {self.max_bytes} bytes", {"connection": "close"}
        )

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
                await self._too_large(scope, send)
                return
        size = 0

        async def counted() -> Message:
            nonlocal size
            message = await receive()
            if message["type"] == "http.request":
                size += len(message.get("body", b""))
                if size > self.max_bytes:
                    raise BodyTooLarge()
            return message

        tracked = StartTracking(send)
        try:
            await self.app(scope, counted, tracked)
        except BodyTooLarge:
            if not tracked.started:
                await self._too_large(scope, send)


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
                response = JSONResponse(
                    error_body(403, "request: writes from another site are refused"), status_code=403
                )
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


def work_dir(db_path: str) -> Path:
    """The server's files beside its database (job inputs waiting, cached exports): ``<db>.work/``."""
    return Path(f"{db_path}.work")


def create_app(
    db_path: str | Path,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY,
    allowed_hosts: list[str] | None = None,
    fetch_private: bool = False,
    max_active_jobs: int = DEFAULT_MAX_ACTIVE,
) -> FastAPI:
    """The web application over the database at ``db_path`` (created and migrated if needed).

    ``allowed_hosts``: Host header values accepted (default: loopback names only, which
    also defeats DNS rebinding); pass ``["*"]`` when serving beyond this machine.
    ``fetch_private``: let pasted URLs reach loopback and private addresses. Off by default and
    in ``rashomon serve``; the tests turn it on to fetch from a page server they run on loopback.
    ``max_active_jobs``: unfinished ingest jobs accepted before new ones are refused with 429.
    Jobs left unfinished by an earlier server on this database are resumed now.
    """
    from . import api, pages

    db_path = str(db_path)
    Store(db_path).close()  # create or migrate now, so a bad file fails at start, not on the first request
    app = FastAPI(
        title="rashomon",
        version=__version__,
        description="Stories told by many sources, side by side: stories, articles, entities, export and ingest.",
        docs_url=None,  # FastAPI's /docs loads its script from a CDN: ours is rendered here, offline
        redoc_url=None,
    )
    app.state.stores = StorePool(db_path)
    work = work_dir(db_path)
    app.state.jobs = JobQueue(
        db_path, work / "jobs", max_bytes=max_body_bytes, allow_private=fetch_private, max_active=max_active_jobs
    )
    app.state.jobs.start()
    app.state.exports = ExportCache(work / "exports")
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
            return JSONResponse(error_body(exc.status_code, message), status_code=exc.status_code, headers=exc.headers)
        page = pages.error_page(request, exc.status_code, message)
        page.headers.update(exc.headers or {})
        return page

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
    # Outermost last: every response, errors included, passes SecurityHeaders on its way out.
    app.add_middleware(SameOriginWrites)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    app.add_middleware(TrustedHosts, allowed=allowed_hosts or LOOPBACK_NAMES)
    app.add_middleware(InternalErrors)
    app.add_middleware(SecurityHeaders)
    return app
