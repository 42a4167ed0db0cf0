"""The fetcher against a real HTTP server on 127.0.0.1: retries, limits, timeouts, conditional requests.

The loopback server here (:class:`Loopback`, fixture ``loopback``) is reused by
``test_harvest.py``. Waits between retries are recorded by an injected
``sleep``, never slept.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

import httpx
import pytest

from loopback import refused_url as loopback_refused_url
from loopback import serving
from storydiff.errors import FetchError, InputTooLarge
from storydiff.inputs.fetch import BACKOFF_CAP, RETRY_AFTER_CAP, Fetcher, FetchResult
from storydiff.settings import Settings

PAGE = (
    b"<!DOCTYPE html><html><head><title>Ferry suspended</title></head><body>"
    b"<p>The Wenlow ferry was suspended on Thursday after an engine fire.</p></body></html>"
)
# The client's read timeout in the timeout tests, and how long the slow route keeps it waiting.
SHORT_TIMEOUT = 0.2
SLOW_SECONDS = 2.0
# How often the loopback server checks for shutdown; the default 0.5 s would add that to every test.
POLL_SECONDS = 0.01


# --------------------------------------------------------------------------- loopback server


@dataclass
class Route:
    """One canned answer of the loopback server.

    ``fail`` first answers are ``fail_status`` (with ``fail_headers``); then
    ``status`` with ``body``. ``etag``/``last_modified`` make the route answer
    304 to a request carrying the same validator. ``length=False`` leaves out
    Content-Length (the body ends when the connection closes). ``delay`` holds
    the answer back that many seconds (cut short when the server stops), for
    the first ``delayed`` requests or, when None, for all.
    """

    body: bytes = PAGE
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    fail: int = 0
    fail_status: int = 503
    fail_headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    length: bool = True
    delay: float = 0.0
    delayed: int | None = None


@dataclass
class Loopback:
    """A real HTTP server on 127.0.0.1 serving :class:`Route` s, counting requests per path."""

    base: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def serve(self, path: str, route: Route | None = None, **fields: object) -> str:
        """Add a route (a Route, or its fields) and return its URL."""
        self.routes[path] = route if route is not None else Route(**fields)  # type: ignore[arg-type]
        return self.url(path)

    def headers_of(self, path: str) -> list[dict[str, str]]:
        """The request headers (lower-cased names) of every request for ``path``, in order."""
        return [headers for seen, headers in self.requests if seen == path]


def _handler(state: Loopback, stop: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.hits[self.path] += 1
            state.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = state.routes.get(self.path)
            if route is None:
                self.send_error(404)
                return
            if route.delay and (route.delayed is None or state.hits[self.path] <= route.delayed):
                stop.wait(route.delay)
            if state.hits[self.path] <= route.fail:
                self._answer(route.fail_status, route.fail_headers, b"busy", length=True)
                return
            if (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                route.last_modified and self.headers.get("If-Modified-Since") == route.last_modified
            ):
                self._answer(304, self._validators(route), b"", length=False)
                return
            headers = {"Content-Type": route.content_type, **self._validators(route), **route.headers}
            self._answer(route.status, headers, route.body, length=route.length)

        @staticmethod
        def _validators(route: Route) -> dict[str, str]:
            found = {"ETag": route.etag, "Last-Modified": route.last_modified}
            return {name: value for name, value in found.items() if value}

        def _answer(self, status: int, headers: dict[str, str], body: bytes, *, length: bool) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # The client may stop reading (size limit, timeout), as it should.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    return Handler


@pytest.fixture
def loopback() -> Iterator[Loopback]:
    """A fresh loopback server per test, so request counts belong to that test alone."""
    stop = threading.Event()
    state = Loopback()
    # A short poll interval: shutdown() waits for it, once per test.
    with serving(_handler(state, stop), stop=stop, poll_interval=POLL_SECONDS) as base:
        state.base = base
        yield state


@pytest.fixture
def refused_url() -> str:
    """An address where nothing listens: a port bound, then closed again."""
    return loopback_refused_url()


class Sleeps(list[float]):
    """An injected ``sleep`` that records each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def fetch(url: str, sleeps: Sleeps, settings: Settings | None = None, **options: object) -> FetchResult:
    with Fetcher(settings or Settings(), sleep=sleeps, **options) as fetcher:  # type: ignore[arg-type]
        return fetcher.get(url)


def fetch_error(url: str, sleeps: Sleeps, settings: Settings | None = None, **options: object) -> str:
    with pytest.raises(FetchError) as caught:
        fetch(url, sleeps, settings, **options)
    return caught.value.message


# --------------------------------------------------------------------------- success


def test_a_page_comes_back_with_its_metadata(loopback: Loopback, sleeps: Sleeps) -> None:
    loopback.serve("/news/ferry.html", etag='"v1"', last_modified="Thu, 07 Mar 2024 10:00:00 GMT")
    loopback.serve("/old", status=302, headers={"Location": "/news/ferry.html"}, body=b"")
    result = fetch(loopback.url("/old"), sleeps)
    assert result == FetchResult(
        url=loopback.url("/news/ferry.html"),  # the final address, after the redirect
        status=200,
        content=PAGE,
        mime="text/html",
        charset="utf-8",
        etag='"v1"',
        last_modified="Thu, 07 Mar 2024 10:00:00 GMT",
        not_modified=False,
    )
    assert sleeps == []


def test_user_agent_from_settings_and_accept_per_request(loopback: Loopback, sleeps: Sleeps) -> None:
    url = loopback.serve("/feed.xml")
    with Fetcher(Settings(user_agent="storydiff-test/3"), sleep=sleeps) as fetcher:
        fetcher.get(url, accept="application/rss+xml")
    [headers] = loopback.headers_of("/feed.xml")
    assert headers["user-agent"] == "storydiff-test/3"
    assert headers["accept"] == "application/rss+xml"


def test_an_injected_client_is_used_and_left_open(loopback: Loopback, sleeps: Sleeps) -> None:
    url = loopback.serve("/a.html")
    with httpx.Client(headers={"User-Agent": "injected/2"}) as client:
        with Fetcher(Settings(), client, sleep=sleeps) as fetcher:
            fetcher.get(url)
        assert not client.is_closed
    assert loopback.headers_of("/a.html")[0]["user-agent"] == "injected/2"


def test_its_own_client_is_closed_with_it() -> None:
    fetcher = Fetcher(Settings())
    with fetcher:
        assert not fetcher.client.is_closed
    assert fetcher.client.is_closed


def test_negative_retries_are_refused() -> None:
    with pytest.raises(ValueError, match="retries must be 0 or more, not -1"):
        Fetcher(Settings(), retries=-1)


# --------------------------------------------------------------------------- retries


@pytest.mark.parametrize(
    ("status", "fail", "waits"),
    [
        (503, 1, [0.5]),  # one failure: one retry after the first backoff
        (503, 2, [0.5, 1.0]),  # two failures: the backoff doubles
        (500, 1, [0.5]),  # any 5xx is worth another try
        (502, 2, [0.5, 1.0]),  # a gateway error, as a restarting server behind a proxy gives
        (429, 1, [0.5]),  # throttled without a Retry-After: the backoff schedule
    ],
)
def test_transient_failures_are_retried_then_succeed(
    loopback: Loopback, sleeps: Sleeps, status: int, fail: int, waits: list[float]
) -> None:
    url = loopback.serve("/busy.html", fail=fail, fail_status=status)
    assert fetch(url, sleeps).content == PAGE
    assert loopback.hits["/busy.html"] == fail + 1
    assert sleeps == waits


def test_retries_run_out(loopback: Loopback, sleeps: Sleeps) -> None:
    url = loopback.serve("/down.html", fail=10)
    assert (
        fetch_error(url, sleeps)
        == "HTTP 503 Service Unavailable; the server is busy or failing, try again later"
    )
    assert loopback.hits["/down.html"] == 3  # the first attempt and two retries
    assert sleeps == [0.5, 1.0]


def test_the_backoff_is_capped(loopback: Loopback, sleeps: Sleeps) -> None:
    url = loopback.serve("/down.html", fail=10)
    fetch_error(url, sleeps, retries=6, backoff=1.0)
    assert sleeps == [1.0, 2.0, 4.0, BACKOFF_CAP, BACKOFF_CAP, BACKOFF_CAP]


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (404, "HTTP 404 Not Found"),  # the page is not there: asking again will not change that
        (410, "HTTP 410 Gone"),  # removed for good
        (
            403,
            "HTTP 403 Forbidden; the site refuses the download, save the page from a browser and give the file",
        ),
        (400, "HTTP 400 Bad Request"),  # any other 4xx is final too
    ],
)
def test_client_errors_are_not_retried(loopback: Loopback, sleeps: Sleeps, status: int, message: str) -> None:
    url = loopback.serve("/gone.html", status=status)
    assert fetch_error(url, sleeps) == message
    assert loopback.hits["/gone.html"] == 1
    assert sleeps == []


@pytest.mark.parametrize(
    ("retry_after", "waits"),
    [
        ("2", [2.0]),  # seconds, as asked
        ("0", [0.0]),  # "right away"
        ("1.5", [1.5]),  # fractions are numbers too
        ("Thu, 07 Mar 2024 10:00:00 GMT", [0.5]),  # an HTTP date is not honoured: the backoff applies
        ("soon", [0.5]),  # nonsense: the backoff applies
        ("nan", [0.5]),  # parses as a float, which time.sleep refuses: the backoff applies
    ],
)
def test_retry_after_is_honoured(
    loopback: Loopback, sleeps: Sleeps, retry_after: str, waits: list[float]
) -> None:
    url = loopback.serve(
        "/throttled.html", fail=1, fail_status=429, fail_headers={"Retry-After": retry_after}
    )
    assert fetch(url, sleeps).content == PAGE
    assert sleeps == waits


def test_a_retry_after_beyond_the_cap_is_final(loopback: Loopback, sleeps: Sleeps) -> None:
    url = loopback.serve("/throttled.html", fail=5, fail_status=503, fail_headers={"Retry-After": "3600"})
    assert RETRY_AFTER_CAP < 3600
    assert (
        fetch_error(url, sleeps)
        == "HTTP 503 Service Unavailable; the server asks to wait 3600 s, try again after that"
    )
    assert loopback.hits["/throttled.html"] == 1
    assert sleeps == []


def test_a_refused_connection_is_retried(refused_url: str, sleeps: Sleeps) -> None:
    message = fetch_error(refused_url, sleeps)
    assert message == "could not connect: connection refused; check the address or your network"
    assert sleeps == [0.5, 1.0]


def test_a_timeout_is_retried_then_reported(loopback: Loopback, sleeps: Sleeps) -> None:
    url = loopback.serve("/slow.html", delay=SLOW_SECONDS)
    message = fetch_error(url, sleeps, Settings(timeout=SHORT_TIMEOUT), retries=1)
    assert message == "timed out after 0.2 s; try again later or raise it with --timeout"
    assert loopback.hits["/slow.html"] == 2
    assert sleeps == [0.5]


def test_a_slow_first_answer_then_a_quick_one(loopback: Loopback, sleeps: Sleeps) -> None:
    # The first request hangs past the timeout; the retry is answered at once.
    url = loopback.serve("/flaky.html", delay=SLOW_SECONDS, delayed=1)
    assert fetch(url, sleeps, Settings(timeout=SHORT_TIMEOUT)).content == PAGE
    assert loopback.hits["/flaky.html"] == 2
    assert sleeps == [0.5]


# --------------------------------------------------------------------------- limits and failures


@pytest.mark.parametrize(
    ("length", "message"),
    [
        (True, "is 5.0 kB, over the 1.0 kB limit; raise it with --max-size"),  # refused on Content-Length
        (False, "is larger than the 1.0 kB limit; raise it with --max-size"),  # counted while streaming
    ],
)
def test_the_size_limit(loopback: Loopback, sleeps: Sleeps, length: bool, message: str) -> None:
    url = loopback.serve("/big.html", body=b"x" * 5_000, length=length)
    with pytest.raises(InputTooLarge) as caught:
        fetch(url, sleeps, Settings(max_bytes=1_000))
    assert caught.value.message == message
    assert loopback.hits["/big.html"] == 1  # too large is final
    assert sleeps == []


def test_too_many_redirects(loopback: Loopback, sleeps: Sleeps) -> None:
    url = loopback.serve("/loop", status=302, headers={"Location": "/loop"}, body=b"")
    message = fetch_error(url, sleeps, Settings(max_redirects=2))
    assert message == "too many redirects (more than 2); the address redirects in a loop"
    assert sleeps == []


def test_a_bad_address(sleeps: Sleeps) -> None:
    message = fetch_error("ftp://files.example/report.txt", sleeps)
    assert message.startswith("is not a valid address (")
    assert message.endswith("); check the URL")


# --------------------------------------------------------------------------- conditional requests


@pytest.mark.parametrize(
    ("validators", "sent"),
    [
        # the entity tag of the last answer
        ({"etag": '"v1"'}, {"if-none-match": '"v1"'}),
        # the date of the last answer, for servers without entity tags
        (
            {"last_modified": "Thu, 07 Mar 2024 10:00:00 GMT"},
            {"if-modified-since": "Thu, 07 Mar 2024 10:00:00 GMT"},
        ),
    ],
)
def test_an_unchanged_resource_is_not_modified(
    loopback: Loopback, sleeps: Sleeps, validators: dict[str, str], sent: dict[str, str]
) -> None:
    url = loopback.serve("/feed.xml", **validators)
    with Fetcher(Settings(), sleep=sleeps) as fetcher:
        first = fetcher.get(url)
        second = fetcher.get(url, etag=first.etag, last_modified=first.last_modified)
    assert not first.not_modified
    assert first.content == PAGE
    assert second.not_modified
    assert second.status == 304
    assert second.content == b""
    assert (second.etag, second.last_modified) == (first.etag, first.last_modified)
    [plain, conditional] = loopback.headers_of("/feed.xml")
    assert not {"if-none-match", "if-modified-since"} & plain.keys()
    assert {name: conditional[name] for name in sent} == sent


def test_a_changed_resource_comes_back_whole(loopback: Loopback, sleeps: Sleeps) -> None:
    url = loopback.serve("/feed.xml", etag='"v2"')
    with Fetcher(Settings(), sleep=sleeps) as fetcher:
        answer = fetcher.get(url, etag='"v1"')
    assert not answer.not_modified
    assert (answer.content, answer.etag) == (PAGE, '"v2"')
