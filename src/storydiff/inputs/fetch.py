"""Fetching URLs: the one path every download in storydiff takes.

:class:`Fetcher` wraps one :class:`httpx.Client` (injectable, so tests can
point it at a loopback server or an :class:`httpx.MockTransport`) and adds
what a batch of downloads needs on top of it:

* the size limit (``settings.max_bytes``) enforced while the body streams in,
  from ``Content-Length`` and from the bytes actually received;
* conditional requests (``If-None-Match`` / ``If-Modified-Since``), so a feed
  that has not changed costs one empty ``304`` answer;
* retries with exponential backoff on failures that usually pass (a refused
  or dropped connection, a timeout, HTTP 429 and 5xx), honouring a numeric
  ``Retry-After`` up to a cap; other 4xx answers are final;
* an overall deadline per fetch (``settings.fetch_deadline``, retries
  included): the client's timeout bounds each read only, so a server sending
  one byte every few seconds would otherwise hold a run for ever. When it
  passes, the connection is shut down under the read that is waiting.

Every failure raises :class:`~storydiff.errors.FetchError` (or
:class:`~storydiff.errors.InputTooLarge`) with a one-line message that says
what went wrong and how to fix it; the caller sets ``input``.
"""

from __future__ import annotations

import contextlib
import logging
import math
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from storydiff.errors import FetchError, InputTooLarge
from storydiff.inputs.sizes import format_size, too_large_message
from storydiff.settings import Settings

__all__ = [
    "DEFAULT_BACKOFF",
    "DEFAULT_RETRIES",
    "FetchResult",
    "Fetcher",
    "format_size",
    "make_client",
    "too_large_message",
]

logger = logging.getLogger(__name__)

# Retries after the first attempt (3 attempts in all). Transient failures
# (a server restarting, a rate limit) clear within seconds or not for minutes;
# more attempts mostly make a batch run slower on hosts that are really down.
DEFAULT_RETRIES = 2
# Seconds before the first retry, doubled for each one after (0.5, 1, 2, ...):
# long enough for a restarting server or a load balancer to recover.
DEFAULT_BACKOFF = 0.5
# The longest any one backoff wait grows to, whatever the attempt number.
BACKOFF_CAP = 8.0
# The longest ``Retry-After`` storydiff waits. Servers ask for 1-60 s when
# throttling; a longer request means "not now", so the URL fails with the
# HTTP error instead of stalling a whole batch run.
RETRY_AFTER_CAP = 30.0

HTTP_TOO_MANY_REQUESTS = 429
HTTP_NOT_MODIFIED = 304

_ERRNO_PREFIX = re.compile(r"^\[Errno -?\d+\]\s*")
_DNS_FAILURES = (
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "getaddrinfo failed",
    "no address associated",
)


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one GET brought back.

    ``url`` is the final address after redirects; ``mime`` the lower-cased
    MIME type of ``Content-Type`` without parameters (``""`` when the server
    sent none); ``charset`` the declared character set, if any. ``etag`` and
    ``last_modified`` are the validators to send next time. ``not_modified``
    is True when a conditional request was answered ``304 Not Modified``:
    ``content`` is then empty and the validators are the ones sent, unless the
    server sent new ones.
    """

    url: str
    status: int
    content: bytes
    mime: str
    charset: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool = False


class _Deadline:
    """The end of one fetch's time, and a timer that cuts its connections off when it comes.

    The sockets are learnt from httpcore's ``trace`` extension as connections
    open (and from the response, for a pooled one); shutting one down wakes the
    read blocked on it, which then fails, and :attr:`expired` says why.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        """Seconds left (negative once passed)."""
        return self.ends - time.monotonic()

    def passed(self) -> bool:
        """Whether the deadline has come (the timer may not have fired yet)."""
        return self.expired or self.remaining() <= 0

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: watch every connection the fetch opens, and its TLS socket.

        TLS takes the TCP socket over (the first one is detached), so both are watched.
        """
        if event in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            self.watch(info.get("return_value"))

    def watch(self, stream: Any) -> None:
        """Cut ``stream``'s socket off when the deadline comes (at once if it has)."""
        get_info = getattr(stream, "get_extra_info", None)
        sock = get_info("socket") if get_info is not None else None
        if not isinstance(sock, socket.socket):
            return
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


class _Retry(Exception):
    """A transient failure: try again after ``delay`` seconds, or raise ``error`` when out of attempts."""

    def __init__(self, error: FetchError, delay: float | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.delay = delay


class Fetcher:
    """Downloads URLs through one HTTP client with a size limit, conditional requests and retries.

    ``client`` is used as given and left open; when none is given one is made
    with :func:`make_client` (timeouts, user agent and redirect limit from
    ``settings``) and closed by :meth:`close`. ``retries`` is the number of
    attempts after the first, ``backoff`` the seconds before the first retry
    (doubled after each), ``sleep`` the function that waits (tests pass one
    that records the delays instead of waiting).
    """

    def __init__(
        self,
        settings: Settings,
        client: httpx.Client | None = None,
        *,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if retries < 0:
            raise ValueError(f"retries must be 0 or more, not {retries}")
        self.settings = settings
        self._own_client = client is None
        self.client = client if client is not None else make_client(settings)
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the client if this fetcher made it; an injected client stays open for its owner."""
        if self._own_client:
            self.client.close()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> FetchResult:
        """GET ``url``, following redirects, and return the body with its metadata.

        ``etag``/``last_modified`` make the request conditional
        (``If-None-Match``/``If-Modified-Since``); an unchanged resource comes
        back with ``not_modified=True`` and no content. ``accept`` replaces the
        client's ``Accept`` header (feeds ask for RSS and Atom first).

        Raises :class:`FetchError` when the URL cannot be fetched (after the
        retries, for failures that may pass) and :class:`InputTooLarge` when the
        body is over ``settings.max_bytes``.
        """
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        conditional = bool(etag or last_modified)
        try:
            parsed = httpx.URL(url)
            host = parsed.host  # decodes an IDNA name ("xn--..."), which may hold no valid name
        except (httpx.InvalidURL, UnicodeError) as exc:  # UnicodeError: a lone surrogate, bad IDNA
            reason = str(exc).strip().split("\n", 1)[0] or type(exc).__name__
            raise FetchError(f"is not a valid address ({reason}); check the URL") from None
        if parsed.scheme not in ("http", "https") or not host:
            # checked here, not left to the transport: one without the check (a test's) fails oddly
            raise FetchError("is not a valid address (not http or https, or no host name); check the URL")
        with _Deadline(self.settings.fetch_deadline) as deadline:
            for attempt in range(self.retries + 1):
                try:
                    return self._get_once(
                        url,
                        headers,
                        conditional=conditional,
                        etag=etag,
                        modified=last_modified,
                        deadline=deadline,
                    )
                except (_Retry, FetchError) as exc:
                    if deadline.passed():
                        raise FetchError(self._deadline_message()) from None
                    if isinstance(exc, FetchError):
                        raise
                    retry = exc
                if attempt == self.retries:
                    raise retry.error from None
                delay = retry.delay if retry.delay is not None else self._backoff_delay(attempt)
                if delay >= deadline.remaining():
                    raise retry.error from None  # no time left to wait for another attempt
                logger.info("retrying %s in %g s (%s)", url, delay, retry.error.message)
                self._sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")  # pragma: no cover

    def _deadline_message(self) -> str:
        return (
            f"the download took longer than {self.settings.fetch_deadline:g} s in all (the server sends "
            "too slowly); try again later, or save the page and give the file"
        )

    def _backoff_delay(self, attempt: int) -> float:
        return float(min(self.backoff * 2**attempt, BACKOFF_CAP))

    def _get_once(
        self,
        url: str,
        headers: dict[str, str],
        *,
        conditional: bool,
        etag: str | None,
        modified: str | None,
        deadline: _Deadline,
    ) -> FetchResult:
        """One attempt; transient failures come out as :class:`_Retry`, final ones as FetchError."""
        max_bytes = self.settings.max_bytes
        try:
            with self.client.stream(
                "GET", url, headers=headers, follow_redirects=True, extensions={"trace": deadline.trace}
            ) as response:
                deadline.watch(response.extensions.get("network_stream"))  # a pooled connection
                status = response.status_code
                if status == HTTP_TOO_MANY_REQUESTS or status >= 500:
                    raise _Retry(FetchError(_http_error_message(response)), _retry_after(response))
                if status >= 400:
                    raise FetchError(_http_error_message(response))
                if status == HTTP_NOT_MODIFIED and conditional:
                    return FetchResult(
                        url=str(response.url),
                        status=status,
                        content=b"",
                        mime="",
                        charset=None,
                        etag=response.headers.get("etag") or etag,
                        last_modified=response.headers.get("last-modified") or modified,
                        not_modified=True,
                    )
                if 300 <= status < 400:
                    # Redirects with a Location were followed; this is a 3xx the client cannot follow.
                    raise FetchError(
                        f"HTTP {status} {response.reason_phrase}; the server sent no page, check the address"
                    )
                length = response.headers.get("content-length", "")
                if length.isdigit() and int(length) > max_bytes:
                    raise InputTooLarge(too_large_message(max_bytes, int(length)))
                chunks: list[bytes] = []
                total = 0
                for chunk in response.iter_bytes():
                    if deadline.passed():
                        raise FetchError(self._deadline_message())
                    total += len(chunk)
                    if total > max_bytes:
                        raise InputTooLarge(too_large_message(max_bytes))
                    chunks.append(chunk)
                return FetchResult(
                    url=str(response.url),
                    status=status,
                    content=b"".join(chunks),
                    mime=response.headers.get("content-type", "").split(";")[0].strip().lower(),
                    charset=response.charset_encoding,
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
        except httpx.TimeoutException as exc:
            raise _Retry(
                FetchError(
                    f"timed out after {_timeout_seconds(exc, self.client):g} s; "
                    "try again later or raise it with --timeout"
                )
            ) from None
        except httpx.ConnectError as exc:
            reason = _connect_reason(exc)
            error = FetchError(f"could not connect: {reason}; check the address or your network")
            if reason == "host not found":
                raise error from None  # a name that does not resolve will not resolve in a second either
            raise _Retry(error) from None
        except httpx.TooManyRedirects:
            raise FetchError(
                f"too many redirects (more than {self.client.max_redirects}); the address redirects in a loop"
            ) from None
        except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
            raise FetchError(f"is not a valid address ({exc}); check the URL") from None
        except (httpx.ReadError, httpx.RemoteProtocolError) as exc:
            # The connection dropped mid-answer: as transient as a refused connection.
            reason = str(exc) or type(exc).__name__
            raise _Retry(FetchError(f"the download failed: {reason}; try again")) from None
        except httpx.HTTPError as exc:
            reason = str(exc) or type(exc).__name__
            raise FetchError(f"the download failed: {reason}; try again") from None


def make_client(settings: Settings) -> httpx.Client:
    """Make the HTTP client storydiff fetches URLs with: timeout, user agent and redirect limit from settings.

    The caller closes it (it is a context manager).
    """
    return httpx.Client(
        timeout=settings.timeout,
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        headers={
            "User-Agent": settings.user_agent,
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
        },
    )


def _http_error_message(response: httpx.Response) -> str:
    """The reason for an HTTP error status, with a fix where one is known."""
    message = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    if response.status_code in (401, 403):
        return f"{message}; the site refuses the download, save the page from a browser and give the file"
    if response.status_code == HTTP_TOO_MANY_REQUESTS or response.status_code >= 500:
        return f"{message}; the server is busy or failing, try again later"
    return message


def _retry_after(response: httpx.Response) -> float | None:
    """The wait a 429/503 asks for, in seconds, when numeric and within the cap.

    None when absent or an HTTP date (the backoff schedule applies). Over the
    cap, the answer is final: the server asked not to come back soon.
    """
    value = response.headers.get("retry-after", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        return None
    if math.isnan(seconds) or seconds < 0:
        return None  # "nan" parses as a float, and time.sleep refuses it
    if seconds > RETRY_AFTER_CAP:
        status = f"HTTP {response.status_code} {response.reason_phrase}".strip()
        raise FetchError(f"{status}; the server asks to wait {seconds:g} s, try again after that")
    return seconds


def _timeout_seconds(exc: httpx.TimeoutException, client: httpx.Client) -> float:
    timeout = client.timeout
    value = {
        httpx.ConnectTimeout: timeout.connect,
        httpx.WriteTimeout: timeout.write,
        httpx.PoolTimeout: timeout.pool,
    }.get(type(exc), timeout.read)
    return value if value is not None else 0.0


def _connect_reason(exc: httpx.ConnectError) -> str:
    reason = _ERRNO_PREFIX.sub("", str(exc)).strip()
    lowered = reason.lower()
    if "refused" in lowered:
        return "connection refused"
    if any(marker in lowered for marker in _DNS_FAILURES):
        return "host not found"
    return lowered or "connection failed"
