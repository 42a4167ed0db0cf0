"""The web app behind ``storydiff serve``: pages, a JSON API under ``/api``, static files.

::

    create_app(WebSettings) -> FastAPI   the pages (views.py), the API (api.py), /static, /openapi.json
    serve(db, host, port, token)         refuses an unsafe bind or a bad database, then runs uvicorn

Every response, errors included, carries a strict Content-Security-Policy (no
inline script or style, nothing from elsewhere), ``X-Content-Type-Options:
nosniff`` and ``Referrer-Policy: no-referrer``. Errors have one JSON shape under
``/api`` and are a readable page elsewhere::

    {"error": {"status": 404, "message": "there is no story 'x' in this corpus; ..."}}

:class:`Guard`, the outermost layer, also refuses what no page or API call
needs: a request body over the size limit (413), on a loopback server a
``Host`` that is not this machine (DNS rebinding: a web page that points its
own name at 127.0.0.1 to read the corpus), and a write from another site's page
(cross-site POST).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from storydiff import __version__
from storydiff.corpus.store import open_store
from storydiff.errors import StorydiffError
from storydiff.inputs.sizes import format_size
from storydiff.web import api, views
from storydiff.web.service import ResultCache, status_of
from storydiff.web.settings import DEFAULT_HOST, DEFAULT_PORT, WebSettings, check_bind, is_loopback

__all__ = ["CSP", "SECURITY_HEADERS", "Guard", "create_app", "error_response", "serve"]

logger = logging.getLogger(__name__)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",  # frame-ancestors for browsers that predate it
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_api(path: str) -> bool:
    """Whether ``path`` belongs to the JSON API (errors there are JSON)."""
    return path == "/api" or path.startswith("/api/") or path == "/openapi.json"


def error_response(
    path: str, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """The one error shape: JSON under ``/api``, a readable page elsewhere.

    The message may quote what the user sent; a lone surrogate in it (a JSON
    ``"\\ud800"``) is written as an escape, or encoding the answer would fail.
    """
    message = message.encode("utf-8", "backslashreplace").decode("utf-8")
    if is_api(path):
        return JSONResponse({"error": {"status": status, "message": message}}, status, headers=headers)
    return views.error_page(status, message, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    problems = []
    for error in exc.errors():
        where = " → ".join(str(part) for part in error.get("loc", ()) if part != "body") or "body"
        if error.get("type") == "json_invalid":
            problems.append(f"the body is not valid JSON ({error.get('ctx', {}).get('error', 'malformed')})")
        else:
            problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return "the request is not valid: " + "; ".join(problems) + "; see /openapi.json for what each call takes"


class _BodyTooLarge(StarletteHTTPException):
    """Raised from ``receive`` when a streamed body passes the limit.

    An HTTPException, so that FastAPI's body parsing lets it through as a 413
    instead of turning it into "There was an error parsing the body".
    """

    def __init__(self, message: str) -> None:
        super().__init__(413, message)


class Guard:
    """The outermost layer: security headers on every answer, and the refusals no route needs to repeat.

    * a body over ``max_body`` bytes: 413, from ``Content-Length`` or while it streams in;
    * on a loopback server, a ``Host`` other than this machine: 400;
    * a write sent from another site's page (``Sec-Fetch-Site``, ``Origin``): 403;
    * an exception nothing else handled: 500 in the one error shape, logged.
    """

    def __init__(self, app: ASGIApp, *, max_body: int, loopback: bool) -> None:
        self.app = app
        self.max_body = max_body
        self.loopback = loopback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request, add the headers to whatever answers it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name.encode(), value.encode())
                    for name, value in SECURITY_HEADERS.items()
                    if name.encode() not in present
                ]
            await send(message)

        path = scope.get("path", "")
        refusal = self._refusal(scope)
        if refusal is not None:
            status, message = refusal
            await error_response(path, status, message)(scope, receive, send_with_headers)
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise _BodyTooLarge(self._too_large())
            return message

        try:
            await self.app(scope, counted_receive, send_with_headers)
        except _BodyTooLarge as exc:
            if not started:
                await error_response(path, 413, exc.detail)(scope, receive, send_with_headers)
        except Exception:
            logger.exception("error answering %s %s", scope.get("method"), path)
            if not started:
                message = "the server failed to answer (a bug in storydiff); the server's log has the details"
                await error_response(path, 500, message)(scope, receive, send_with_headers)

    def _too_large(self) -> str:
        return (
            f"the request is larger than {format_size(self.max_body)}; send fewer or shorter texts "
            "(each at most the per-text limit)"
        )

    def _refusal(self, scope: Scope) -> tuple[int, str] | None:
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]
        }
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body:
            return 413, self._too_large()
        host = headers.get("host", "")
        # A loopback server answers to loopback addresses (all of 127/8, ::1) and the names that
        # always mean this machine; any other name is pointed at it by someone else's DNS.
        if self.loopback and not is_loopback(_host_name(host)):
            return 400, (
                f"this server answers to 127.0.0.1 or localhost, not {host!r}; open it at "
                "http://127.0.0.1 (a name pointed at this machine by other DNS is refused)"
            )
        if scope.get("method", "GET") not in SAFE_METHODS:
            sender = _cross_site_sender(headers, host)
            if sender is not None:
                return 403, (
                    f"a page of {sender} tried to send this request; submit the form from this server's "
                    "own pages, or call the API from a program (not from another site's page)"
                )
        return None


def _cross_site_sender(headers: Mapping[str, str], host: str) -> str | None:
    """Who sent a write from another site's page (a cross-site POST), or None when it came from here.

    Browsers say where a request comes from in ``Sec-Fetch-Site``; ``Origin`` is
    the fallback for those that do not. Under ``Referrer-Policy: no-referrer``
    this server's own forms are sent with ``Origin: null``, so "null" alone
    proves nothing either way; programs (curl, httpx) send neither header. The
    JSON API needs a JSON body besides, which no cross-site form can send.
    """
    origin = headers.get("origin")
    site = headers.get("sec-fetch-site")
    if site is not None:
        return None if site in ("same-origin", "none") else (origin if origin and origin != "null" else site)
    if origin and origin != "null" and urlsplit(origin).netloc.lower() != host.lower():
        return origin
    return None


def _host_name(host: str) -> str:
    """The name of a ``Host`` header, without the port (``[::1]:8000`` -> ``::1``)."""
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0].lower() if ":" in host else host.lower()


def create_app(web: WebSettings) -> FastAPI:
    """The web app for ``web``: pages, the JSON API, static files, the error shape, the guard."""
    app = FastAPI(
        title="storydiff",
        version=__version__,
        summary="Compare news reports of one event: conflicts, agreements, unique facts, with evidence.",
        description=(
            "The JSON API of `storydiff serve`. Errors always have the shape "
            '`{"error": {"status": <code>, "message": "<what went wrong and how to fix it>"}}`. '
            "When the server has a token, `POST /api/ingest` and comparisons of URLs need "
            "`Authorization: Bearer <token>`."
        ),
        docs_url=None,  # Swagger UI and ReDoc load scripts from a CDN: the CSP refuses them
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.web = web
    app.state.results = ResultCache(web.kept_results)
    app.include_router(api.router)
    app.include_router(views.router)
    # the site's files, and the report's stylesheet (inlined in the standalone HTML report)
    static = StaticFiles(packages=[("storydiff.web", "static"), ("storydiff.report", "static")])
    app.mount("/static", static, name="static")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and message == "Not Found":
            message = (
                f"there is no {request.url.path}; the API's calls are listed at /openapi.json"
                if is_api(request.url.path)
                else f"there is no page {request.url.path}; the stories are at /, comparing is at /compare"
            )
        elif exc.status_code == 405 and message == "Method Not Allowed":
            message = f"{request.method} is not allowed on {request.url.path}; see /openapi.json"
        return error_response(request.url.path, exc.status_code, message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request.url.path, 422, _validation_message(exc))

    @app.exception_handler(StorydiffError)
    async def storydiff_error(request: Request, exc: StorydiffError) -> Response:
        status = status_of(exc)
        if status == 500:
            logger.error("%s %s: %s", request.method, request.url.path, exc)
        return error_response(request.url.path, status, str(exc))

    app.add_middleware(Guard, max_body=web.max_body_bytes, loopback=is_loopback(web.host))
    return app


def serve(
    db: str,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    token: str | None = None,
    *,
    log_level: str = "info",
) -> None:
    """Serve the corpus at ``db`` on ``host:port`` until interrupted: what ``storydiff serve`` runs.

    Raises :class:`~storydiff.errors.SettingsError` for a non-loopback ``host``
    without a ``token`` (or a short token) and :class:`~storydiff.errors.StoreError`
    for a database that cannot be opened, before anything listens.
    """
    import uvicorn

    check_bind(host, token or None)
    open_store(db).close()  # a bad --db fails here, in one line, not on the first request
    web = WebSettings(db=db, host=host, port=port, token=token or None)
    uvicorn.run(
        create_app(web),
        host=host,
        port=port,
        log_level=log_level,
        server_header=False,
        proxy_headers=False,  # no proxy is trusted to say who the client is
    )
