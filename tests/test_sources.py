"""Reading inputs: real files in tmp_path and a real HTTP server on 127.0.0.1.

The news texts here are invented for these tests.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import TextIO

import httpx
import pytest

from loopback import refused_url as loopback_refused_url
from loopback import serving
from storydiff.errors import (
    BinaryInput,
    EmptyInput,
    FetchError,
    InputError,
    InputNotFound,
    InputTooLarge,
    SettingsError,
    UnsupportedLanguage,
)
from storydiff.inputs.sources import LoadResult, load_input, load_inputs, parse_published
from storydiff.records import Rejection
from storydiff.settings import Settings

REPORT = (
    "Elm Street bridge closed after crack found\n"
    "\n"
    "The Elm Street bridge in Riverside was closed on Monday after inspectors found a crack "
    "in one of its steel beams, city officials said.\n"
    "About 12,000 vehicles cross the bridge every day. Traffic will be diverted over the Oak "
    "Avenue bridge for at least two weeks.\n"
    "“We will not reopen it until we are sure it is safe,” the mayor, Daniel Reyes, told reporters.\n"
)

OTHER_REPORT = (
    "Riverside bridge shut for repairs\n"
    "\n"
    "Engineers closed the Elm Street crossing on Monday morning after spotting a fracture in a "
    "support beam. Officials expect the closure to last three weeks, and buses will be rerouted.\n"
)

FRENCH = (
    "Le pont de la rue des Ormes a été fermé lundi après la découverte d'une fissure dans une de "
    "ses poutres d'acier, selon la mairie. Environ douze mille véhicules l'empruntent chaque jour, "
    "et la circulation sera déviée par le pont de l'avenue des Chênes pendant au moins deux semaines.\n"
)

GERMAN = (
    "Die Brücke in der Ulmenstraße wurde am Montag gesperrt, nachdem Prüfer einen Riss in einem "
    "der Stahlträger entdeckt hatten, teilte die Stadtverwaltung mit. Täglich fahren etwa "
    "zwölftausend Fahrzeuge über die Brücke; der Verkehr wird mindestens zwei Wochen lang umgeleitet.\n"
)

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Elm Street bridge closed after crack found | Riverside Gazette</title>
<meta property="og:title" content="Elm Street bridge closed after crack found">
<meta property="og:site_name" content="Riverside Gazette">
<meta name="author" content="Maria Lopez">
<meta property="article:published_time" content="2024-03-05T08:30:00Z">
</head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a></nav>
<article>
<h1>Elm Street bridge closed after crack found</h1>
<p>The Elm Street bridge in Riverside was closed on Monday after inspectors found a crack in one
of its steel beams, city officials said.</p>
<p>About 12,000 vehicles cross the bridge every day. Traffic will be diverted over the Oak Avenue
bridge for at least two weeks, according to the transport department.</p>
<p>“We will not reopen it until we are sure it is safe,” said the mayor, Daniel Reyes.</p>
</article>
<footer>Copyright 2024 Riverside Gazette</footer>
</body></html>
"""

ARTICLE_TEXT = (
    "Elm Street bridge closed after crack found\n"
    "The Elm Street bridge in Riverside was closed on Monday after inspectors found a crack in one "
    "of its steel beams, city officials said.\n"
    "About 12,000 vehicles cross the bridge every day. Traffic will be diverted over the Oak Avenue "
    "bridge for at least two weeks, according to the transport department.\n"
    "“We will not reopen it until we are sure it is safe,” said the mayor, Daniel Reyes."
)

FIVE_MB = 5_000_000
# Seconds the slow endpoint waits before answering; the client gives up long before.
SLOW_SECONDS = 3.0
SHORT_TIMEOUT = 0.3


# --------------------------------------------------------------------------- loopback server


@dataclass
class NewsServer:
    """A real HTTP server on 127.0.0.1 with one route per case; records the user agents it saw."""

    base: str
    user_agents: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


def _make_handler(server_state: NewsServer, stop: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            server_state.user_agents.append(self.headers.get("User-Agent", ""))
            route = {
                "/news/bridge-closes.html": lambda: self._send(ARTICLE_HTML, "text/html; charset=utf-8"),
                "/report.txt": lambda: self._send(REPORT, "text/plain; charset=utf-8"),
                "/old-address": lambda: self._redirect("/news/bridge-closes.html"),
                "/loop": lambda: self._redirect("/loop"),
                "/slow": self._slow,
                "/big": lambda: self._big(with_length=True),
                "/big-stream": lambda: self._big(with_length=False),
                "/brochure.pdf": lambda: self._send("%PDF-1.7 not really", "application/pdf"),
                "/blank": lambda: self._send("", "text/plain"),
            }.get(self.path)
            if route is None:
                self.send_error(404)
            else:
                route()

        def _send(self, body: str, content_type: str) -> None:
            data = body.encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _redirect(self, location: str) -> None:
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _slow(self) -> None:
            stop.wait(SLOW_SECONDS)  # returns early when the fixture shuts down
            self._send(REPORT, "text/plain")

        def _big(self, *, with_length: bool) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            if with_length:
                self.send_header("Content-Length", str(FIVE_MB))
            self.end_headers()
            chunk = b"The bridge stays closed. " * 2_000
            try:
                for _ in range(FIVE_MB // len(chunk)):
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client stopped reading at its size limit, as it should

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    return Handler


@pytest.fixture(scope="module")
def news_server() -> Iterator[NewsServer]:
    stop = threading.Event()
    state = NewsServer(base="")
    with serving(_make_handler(state, stop), stop=stop) as base:
        state.base = base
        yield state


@pytest.fixture
def refused_url() -> str:
    """An address where nothing listens: a port bound, then closed again."""
    return loopback_refused_url()


# --------------------------------------------------------------------------- helpers


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def load(
    *specs: str | Path,
    settings: Settings | None = None,
    client: httpx.Client | None = None,
    stdin: TextIO | None = None,
) -> LoadResult:
    return load_inputs([str(spec) for spec in specs], settings or Settings(), client=client, stdin=stdin)


def reasons(result: LoadResult) -> list[tuple[str, str]]:
    return [(rejection.input, rejection.reason) for rejection in result.rejected]


# --------------------------------------------------------------------------- plain text


def test_text_file(tmp_path: Path) -> None:
    path = write(tmp_path / "gazette.txt", REPORT)
    result = load(path)
    assert result.rejected == ()
    [article] = result.articles
    assert article.id == "gazette"
    assert article.path == str(path)
    assert article.url is None
    assert article.text == REPORT
    assert article.title == "Elm Street bridge closed after crack found"
    assert article.language == "en"
    assert article.published is None
    assert article.outlet is None


def test_front_matter(tmp_path: Path) -> None:
    body = REPORT.split("\n", 2)[2]
    text = (
        "---\n"
        "title: Crack shuts Elm Street bridge\n"
        'outlet: "Riverside Daily"\n'
        "published: 2024-03-04\n"
        "author: Sam Okafor\n"
        "url: https://riverside-daily.example/bridge\n"
        "tags:\n"
        "  - transport\n"
        "---\n"
        "\n" + body
    )
    [article] = load(write(tmp_path / "daily.md", text)).articles
    assert article.text == body
    assert article.title == "Crack shuts Elm Street bridge"
    assert article.outlet == "Riverside Daily"
    assert article.published == "2024-03-04"
    assert article.author == "Sam Okafor"
    assert article.url == "https://riverside-daily.example/bridge"


def test_front_matter_with_a_bad_date_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "daily.txt", "---\npublished: 4 March\n---\n" + REPORT)
    assert reasons(load(path)) == [
        (
            str(path),
            "front matter published: '4 March' is not a date; write it as YYYY-MM-DD, e.g. 2024-03-05",
        )
    ]


def test_a_rule_above_ordinary_text_is_not_front_matter(tmp_path: Path) -> None:
    text = "---\nThe bridge was closed on Monday after a crack was found.\n---\nMore follows here.\n"
    [article] = load(write(tmp_path / "notes.txt", text)).articles
    assert article.text == text


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # a short first line without closing punctuation is a headline
        ("Bridge closed\nThe bridge was closed on Monday.\n", "Bridge closed"),
        # a Markdown heading loses its marks
        ("# Bridge closed\n\nThe bridge was closed on Monday.\n", "Bridge closed"),
        # a first line that ends a sentence is the opening paragraph
        ("The bridge was closed on Monday.\nTraffic was diverted.\n", None),
        # ... also when the full stop sits inside a closing quote
        ("He said it was “unsafe.”\nTraffic was diverted.\n", None),
        # a single line is the whole report, not a headline
        ("Bridge closed after crack found\n", None),
        # a long first line is a paragraph even without a full stop
        ("Inspectors " + "found cracks and " * 10 + "closed it\nMore text.\n", None),
    ],
)
def test_headline_detection(tmp_path: Path, text: str, title: str | None) -> None:
    [article] = load(write(tmp_path / "t.txt", text)).articles
    assert article.title == title


@pytest.mark.parametrize(
    ("data", "text"),
    [
        # UTF-8 with a byte-order mark: the mark is dropped
        ("\ufeffBridge closed\nIt shut on Monday.\n".encode(), "Bridge closed\nIt shut on Monday.\n"),
        # Windows line endings and a legacy cp1252 file with curly quotes
        (b"Bridge closed\r\n\x93It is unsafe,\x94 he said.\r\n", "Bridge closed\n“It is unsafe,” he said.\n"),
        # old Mac line endings
        (b"Bridge closed\rIt shut on Monday.\r", "Bridge closed\nIt shut on Monday.\n"),
        # UTF-16 with a byte-order mark (NUL bytes, but text)
        ("Bridge closed\nIt shut on Monday.\n".encode("utf-16"), "Bridge closed\nIt shut on Monday.\n"),
    ],
)
def test_encodings_and_line_endings(tmp_path: Path, data: bytes, text: str) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(data)
    [article] = load(path).articles
    assert article.text == text


# --------------------------------------------------------------------------- HTML


def test_html_file_with_metadata(tmp_path: Path) -> None:
    path = write(tmp_path / "gazette.html", ARTICLE_HTML)
    [article] = load(path).articles
    assert article.id == "gazette"
    assert article.path == str(path)
    assert article.title == "Elm Street bridge closed after crack found"
    assert article.outlet == "Riverside Gazette"
    assert article.published == "2024-03-05"
    assert article.author == "Maria Lopez"
    assert article.language == "en"
    assert article.text == ARTICLE_TEXT  # main text only, one paragraph a line


def test_html_is_sniffed_whatever_the_extension(tmp_path: Path) -> None:
    [article] = load(write(tmp_path / "saved-page.txt", ARTICLE_HTML)).articles
    assert article.text == ARTICLE_TEXT
    assert article.outlet == "Riverside Gazette"


def test_html_without_article_text(tmp_path: Path) -> None:
    path = write(
        tmp_path / "shell.html", "<!doctype html><html><head><title>App</title></head><body></body></html>"
    )
    assert reasons(load(path)) == [
        (str(path), "found no article text in the HTML page; save the report's text to a .txt file")
    ]


# --------------------------------------------------------------------------- directories, stdin, ids


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    write(folder / "b-daily.md", OTHER_REPORT)
    write(folder / "a-gazette.html", ARTICLE_HTML)
    write(folder / "c-wire.TXT", REPORT)
    write(folder / ".draft.txt", REPORT)  # hidden: skipped
    write(folder / "photo-credits.json", "{}")  # not a report type: skipped
    write(folder / "older" / "last-week.txt", REPORT)  # subdirectory: not read
    result = load(folder)
    assert result.rejected == ()
    assert [a.id for a in result.articles] == ["a-gazette", "b-daily", "c-wire"]
    assert [a.path for a in result.articles] == [
        str(folder / "a-gazette.html"),
        str(folder / "b-daily.md"),
        str(folder / "c-wire.TXT"),
    ]


def test_directory_without_reports(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert reasons(load(tmp_path / "empty")) == [
        (
            str(tmp_path / "empty"),
            "the directory holds no report files (.htm, .html, .md, .text, .txt); give the files themselves",
        )
    ]


def test_stdin() -> None:
    [article] = load("-", stdin=io.StringIO(REPORT)).articles
    assert article.id == "stdin"
    assert article.path is None
    assert article.text == REPORT
    assert article.title == "Elm Street bridge closed after crack found"


def test_stdin_bytes_are_checked_like_a_file() -> None:
    binary = io.TextIOWrapper(io.BytesIO(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), encoding="utf-8")
    empty = io.StringIO("  \n")
    assert reasons(load("-", stdin=binary)) == [
        (
            "<stdin>",
            "looks like a binary file (not text or HTML); give a plain-text or HTML copy of the report",
        )
    ]
    assert reasons(load("-", stdin=empty)) == [
        ("<stdin>", "standard input is empty; pipe in the text of a news report")
    ]


def test_duplicate_stems_get_suffixes(tmp_path: Path) -> None:
    first = write(tmp_path / "gazette" / "report.txt", REPORT)
    second = write(tmp_path / "daily" / "report.txt", OTHER_REPORT)
    third = write(tmp_path / "wire" / "report.html", ARTICLE_HTML)
    result = load(first, second, third)
    assert [a.id for a in result.articles] == ["report", "report-2", "report-3"]


def test_the_same_file_twice_is_read_once(tmp_path: Path) -> None:
    path = write(tmp_path / "gazette.txt", REPORT)
    result = load(path, tmp_path)
    assert [a.id for a in result.articles] == ["gazette"]
    assert reasons(result) == [
        (str(tmp_path / "gazette.txt"), f"given twice (also as {path}); it is read once")
    ]


# --------------------------------------------------------------------------- rejected files


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        # nothing in it
        ("empty.txt", b"", "the file is empty; give the text of a news report"),
        # only whitespace is empty too
        ("blank.txt", b" \n\t\n", "the file is empty; give the text of a news report"),
        # front matter and nothing after it
        (
            "meta-only.md",
            b"---\ntitle: Bridge\n---\n\n",
            "the file has front matter but no text after it; add the report below the closing ---",
        ),
        # an image renamed to .txt: NUL bytes
        (
            "photo.txt",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0",
            "looks like a binary file (not text or HTML); give a plain-text or HTML copy of the report",
        ),
        # control characters but no NUL: still not text
        (
            "noise.txt",
            bytes(range(1, 32)) * 20,
            "looks like a binary file (not text or HTML); give a plain-text or HTML copy of the report",
        ),
        # a PDF gets a hint of its own
        (
            "report.txt",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n\0\0",
            "looks like a PDF file (not text or HTML); copy its text into a .txt file",
        ),
    ],
)
def test_unusable_files_are_rejected(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    good = write(tmp_path / "good.txt", REPORT)
    result = load(path, good)
    assert reasons(result) == [(str(path), reason)]
    assert [a.id for a in result.articles] == ["good"]  # the batch goes on


def test_five_megabyte_report_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_bytes((REPORT.encode() * (FIVE_MB // len(REPORT.encode()) + 1))[:FIVE_MB])
    assert reasons(load(path)) == [(str(path), "is 5.0 MB, over the 2.0 MB limit; raise it with --max-size")]


@pytest.mark.parametrize(
    ("size", "limit", "reason"),
    [
        # kilobytes below a megabyte
        (1_500, 1_000, "is 1.5 kB, over the 1.0 kB limit; raise it with --max-size"),
        # bytes below a kilobyte
        (404, 200, "is 404 bytes, over the 200 bytes limit; raise it with --max-size"),
    ],
)
def test_sizes_are_written_readably(tmp_path: Path, size: int, limit: int, reason: str) -> None:
    path = tmp_path / "gazette.txt"
    path.write_bytes(REPORT.encode()[:size].ljust(size, b"."))  # the limit is checked before any parsing
    assert reasons(load(path, settings=Settings(max_bytes=limit))) == [(str(path), reason)]


def test_missing_path_raises_at_once(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", REPORT)
    missing = str(tmp_path / "nope.txt")
    with pytest.raises(InputNotFound) as caught:
        load(good, missing)
    assert caught.value.input == missing
    assert caught.value.message == "no such file or directory; check the path"
    assert str(caught.value) == f"{missing}: no such file or directory; check the path"


def test_an_empty_spec_is_not_the_current_directory() -> None:
    with pytest.raises(
        InputNotFound, match=r"^an empty name; give a file, a directory, a URL or - for standard"
    ):
        load("")


def test_stdin_over_the_limit() -> None:
    assert reasons(load("-", stdin=io.StringIO(REPORT), settings=Settings(max_bytes=100))) == [
        ("<stdin>", "is larger than the 100 bytes limit; raise it with --max-size")
    ]


def test_an_address_without_scheme_gets_a_hint() -> None:
    with pytest.raises(InputNotFound, match=r"for a web page, start the address with https://$"):
        load("www.riverside-gazette.example/news/bridge")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (FRENCH, "language looks like French (fr), storydiff analyses English only"),
        (GERMAN, "language looks like German (de), storydiff analyses English only"),
    ],
)
def test_non_english_is_rejected(tmp_path: Path, text: str, reason: str) -> None:
    path = write(tmp_path / "foreign.txt", text)
    assert reasons(load(path)) == [(str(path), reason)]


def test_non_english_is_read_when_allowed(tmp_path: Path) -> None:
    [article] = load(write(tmp_path / "fr.txt", FRENCH), settings=Settings(english_only=False)).articles
    assert article.language == "fr"


def test_short_texts_are_not_rejected_for_language(tmp_path: Path) -> None:
    # Too short to judge: labelled, not rejected.
    [article] = load(write(tmp_path / "short.txt", "Pont fermé lundi.\n")).articles
    assert article.text == "Pont fermé lundi.\n"


# --------------------------------------------------------------------------- publication date


def test_published_fallback(tmp_path: Path) -> None:
    text = write(tmp_path / "undated.txt", REPORT)
    html = write(tmp_path / "dated.html", ARTICLE_HTML)
    result = load(text, html, settings=Settings(published="2024-03-06"))
    assert [a.published for a in result.articles] == ["2024-03-06", "2024-03-05"]  # metadata wins


def test_bad_published_setting_raises(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", REPORT)
    with pytest.raises(SettingsError, match=r"^'next Tuesday' is not a date; write it as YYYY-MM-DD"):
        load(path, settings=Settings(published="next Tuesday"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05", "2024-03-05"),  # the plain form
        (" 2024-03-05 ", "2024-03-05"),  # stray spaces from a shell
        ("2024-03-05T08:30:00Z", "2024-03-05"),  # a full timestamp keeps its day
    ],
)
def test_parse_published(value: str, expected: str) -> None:
    assert parse_published(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        # words are not accepted: the CLI must not guess
        ("5 March 2024", "'5 March 2024' is not a date; write it as YYYY-MM-DD, e.g. 2024-03-05"),
        # the compact form is ambiguous to a reader
        ("20240305", "'20240305' is not a date; write it as YYYY-MM-DD, e.g. 2024-03-05"),
        # the right shape but no such day
        (
            "2024-02-30",
            "'2024-02-30' is not a valid date (day is out of range for month); "
            "write it as YYYY-MM-DD, e.g. 2024-03-05",
        ),
    ],
)
def test_parse_published_errors(value: str, message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        parse_published(value)
    assert str(caught.value) == message


# --------------------------------------------------------------------------- URLs


def test_url_html(news_server: NewsServer) -> None:
    url = news_server.url("/news/bridge-closes.html")
    result = load(url)
    assert result.rejected == ()
    [article] = result.articles
    assert article.id == "127-0-0-1-news-bridge-closes"
    assert article.url == url
    assert article.path is None
    assert article.title == "Elm Street bridge closed after crack found"
    assert article.outlet == "Riverside Gazette"
    assert article.published == "2024-03-05"
    assert article.author == "Maria Lopez"
    assert article.text == ARTICLE_TEXT


def test_url_plain_text_takes_the_host_as_outlet(news_server: NewsServer) -> None:
    [article] = load(news_server.url("/report.txt")).articles
    assert article.text == REPORT
    assert article.outlet == "127.0.0.1"
    assert article.id == "127-0-0-1-report-txt"


def test_redirect_is_followed(news_server: NewsServer) -> None:
    [article] = load(news_server.url("/old-address")).articles
    assert article.url == news_server.url("/news/bridge-closes.html")
    assert article.outlet == "Riverside Gazette"


def test_default_client_sends_the_user_agent(news_server: NewsServer) -> None:
    news_server.user_agents.clear()
    load(news_server.url("/report.txt"), settings=Settings(user_agent="storydiff-test/1"))
    assert news_server.user_agents == ["storydiff-test/1"]


def test_injected_client_is_used_and_left_open(news_server: NewsServer) -> None:
    news_server.user_agents.clear()
    with httpx.Client(headers={"User-Agent": "injected/2"}) as client:
        load(news_server.url("/report.txt"), client=client)
        assert not client.is_closed
    assert news_server.user_agents == ["injected/2"]


def test_url_failures(news_server: NewsServer, refused_url: str) -> None:
    good = news_server.url("/report.txt")
    specs = {
        "missing": news_server.url("/missing"),
        "loop": news_server.url("/loop"),
        "big": news_server.url("/big"),
        "stream": news_server.url("/big-stream"),
        "pdf": news_server.url("/brochure.pdf"),
        "blank": news_server.url("/blank"),
    }
    result = load(refused_url, *specs.values(), good, settings=Settings(max_redirects=3))
    assert reasons(result) == [
        (refused_url, "could not connect: connection refused; check the address or your network"),
        (specs["missing"], "HTTP 404 Not Found"),
        (specs["loop"], "too many redirects (more than 3); the address redirects in a loop"),
        (specs["big"], "is 5.0 MB, over the 2.0 MB limit; raise it with --max-size"),
        (specs["stream"], "is larger than the 2.0 MB limit; raise it with --max-size"),
        (specs["pdf"], "the server sent application/pdf, not text or HTML; save the report's text to a file"),
        (specs["blank"], "the page is empty; check the address"),
    ]
    assert [a.url for a in result.articles] == [good]


def test_slow_server_times_out(news_server: NewsServer) -> None:
    result = load(news_server.url("/slow"), settings=Settings(timeout=SHORT_TIMEOUT))
    assert reasons(result) == [
        (news_server.url("/slow"), "timed out after 0.3 s; try again later or raise it with --timeout")
    ]


# --------------------------------------------------------------------------- single input


def test_load_input_returns_one_article(tmp_path: Path) -> None:
    article = load_input(str(write(tmp_path / "gazette.txt", REPORT)), Settings())
    assert article.id == "gazette"


def test_load_input_raises_the_specific_error(tmp_path: Path, refused_url: str) -> None:
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\0\1\2")
    cases: list[tuple[str, type[InputError], str]] = [
        (str(write(tmp_path / "e.txt", "")), EmptyInput, "the file is empty; give the text of a news report"),
        (
            str(binary),
            BinaryInput,
            "looks like a binary file (not text or HTML); give a plain-text or HTML copy of the report",
        ),
        (
            str(write(tmp_path / "fr.txt", FRENCH)),
            UnsupportedLanguage,
            "language looks like French (fr), storydiff analyses English only",
        ),
        (refused_url, FetchError, "could not connect: connection refused; check the address or your network"),
        (str(tmp_path), InputError, "is a directory; give one file in it, or compare the whole directory"),
    ]
    for spec, error, message in cases:
        with pytest.raises(error) as caught:
            load_input(spec, Settings())
        assert type(caught.value) is error
        assert (caught.value.input, caught.value.message) == (spec, message)
    with pytest.raises(InputTooLarge):
        load_input(str(write(tmp_path / "g.txt", REPORT)), Settings(max_bytes=10))
    with pytest.raises(InputNotFound):
        load_input(str(tmp_path / "missing.txt"), Settings())


def test_rejection_records_are_plain_data(tmp_path: Path) -> None:
    path = write(tmp_path / "e.txt", "")
    assert load(path).rejected == (Rejection(str(path), "the file is empty; give the text of a news report"),)
