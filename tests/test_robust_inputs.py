"""Hostile and broken inputs on the way in: one bad item is a rejection with its reason, never the end of a run.

Every fixture is built here from invented reports (a bridge closure, a ferry delay, a library
fire). A case states the bad value, where it sits (a JSON Lines field, an RSS element, a WARC
header) and the reason the user is shown; the good items around it must all come through.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import ipaddress
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import httpx
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from loopback import refused_url, serving
from storydiff.corpus.ingest import IngestSummary, LocalAnalyzer, ingest
from storydiff.corpus.store import AnalysisResult, Store, open_store
from storydiff.errors import FetchError
from storydiff.inputs.fetch import Fetcher, format_size
from storydiff.inputs.harvest import HarvestItem, harvest
from storydiff.records import Article, Document, Rejection
from storydiff.settings import Settings
from storydiff.web import AddressPolicy, WebSettings
from storydiff.web.service import ANALYSIS_LOCK
from test_web import error_of, live_server

BRIDGE = (
    "The Vell river bridge closed on Tuesday after inspectors found cracks in two of its supports. "
    "Engineers from the county said repairs would take at least six weeks and cost about 2 million pounds. "
    "Buses will carry foot passengers across the river at the old ferry landing until the bridge reopens."
)
FERRY = (
    "The morning ferry from Skarby left four hours late on Friday because of a broken steering pump. "
    "About 300 passengers waited in the terminal, and the operator handed out vouchers for the delay. "
    "A replacement pump arrived by road from Harwick and the crossing ran normally in the afternoon."
)
LIBRARY = (
    "Fire crews were called to Marrowby library just after midnight on Sunday when an alarm sounded. "
    "The blaze damaged the reading room and destroyed around 4,000 books, the county fire service said. "
    "Nobody was hurt, and the library will stay closed while the building is checked for safety."
)
# A date the standard library overflows on: an hour of twenty-three digits.
_PAGE_START = "<html><body><article><p>"
OVERFLOWING_DATE = "Tue, 17 Mar 2026 99999999999999999999999:00 GMT"


def items_of(
    specs: Iterable[str | Path], settings: Settings | None = None, **kwargs: object
) -> list[HarvestItem]:
    return list(harvest([str(s) for s in specs], settings or Settings(), **kwargs))  # type: ignore[arg-type]


def rejections(items: Iterable[HarvestItem]) -> dict[str, str]:
    return {item.input: item.reason for item in items if isinstance(item, Rejection)}


def documents(items: Iterable[HarvestItem]) -> list[Document]:
    return [item for item in items if isinstance(item, Document)]


# --------------------------------------------------------------------------- JSON Lines

# (the record, the reason its line is rejected with): each once crashed the whole ingest
BAD_RECORDS = [
    # urlsplit raises ValueError on an unclosed IPv6 bracket
    (
        {"url": "http://[bad", "text": BRIDGE + " Again."},
        "\"url\": 'http://[bad' is not a valid address (Invalid IPv6 URL); "
        "give the address the report was published at",
    ),
    # a port that is no port: every later step reading the host would fail
    (
        {"url": "http://example.org:99999/story", "text": BRIDGE + " Once more."},
        "\"url\": 'http://example.org:99999/story' is not a valid address (Port out of range 0-65535); "
        "give the address the report was published at",
    ),
    # email.utils raises OverflowError, not ValueError, on an hour of twenty-three digits
    (
        {"published": OVERFLOWING_DATE, "text": FERRY + " Again."},
        f"published: {OVERFLOWING_DATE!r} is not a date; write it as YYYY-MM-DD, e.g. 2024-03-05",
    ),
    # a lone surrogate: the language model's binding raised TypeError on it
    (
        {"text": LIBRARY + " \ud800"},
        f'"text" holds a lone surrogate (U+D800 at character {len(LIBRARY) + 1}), which is not a character; '
        "re-export the source as UTF-8",
    ),
    # ... and trafilatura UnicodeEncodeError in an html field
    (
        {"html": f"{_PAGE_START}{BRIDGE}</p><p>\udc80</p></article></body></html>"},
        f'"html" holds a lone surrogate (U+DC80 at character {len(_PAGE_START + BRIDGE) + 7}), which is not a character; '
        "re-export the source as UTF-8",
    ),
    # ... or in a title, which no database stores
    (
        {"title": "Bridge \udfff", "text": FERRY + " Once more."},
        '"title" holds a lone surrogate (U+DFFF at character 7), which is not a character; '
        "re-export the source as UTF-8",
    ),
]


def _dump(path: Path, bad: list[dict[str, str]]) -> tuple[Path, list[int], list[int]]:
    """A dump with the good reports on lines 1, 3 and last, the bad records between; (path, good, bad lines)."""
    lines = [{"text": BRIDGE, "url": "https://courier.example/bridge", "published": "2026-03-17"}]
    lines += [bad[0], {"text": FERRY, "url": "https://ledger.example/ferry"}]
    lines += bad[1:]
    lines.append({"text": LIBRARY, "url": "https://gazette.example/library"})
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    good = [1, 3, len(lines)]
    return path, good, [n for n in range(1, len(lines) + 1) if n not in good]


def test_bad_records_in_a_dump_are_rejected_one_by_one(tmp_path: Path) -> None:
    path, good, bad = _dump(tmp_path / "dump.jsonl", [record for record, _ in BAD_RECORDS])
    items = items_of([path])
    assert [d.source for d in documents(items)] == [f"{path}:{n}" for n in good]
    assert rejections(items) == {
        f"{path}:{n}": reason for n, (_, reason) in zip(bad, BAD_RECORDS, strict=True)
    }


@pytest.mark.slow
def test_an_ingest_of_a_dump_mixing_good_and_bad_records_stores_every_good_one(
    store: Store, tmp_path: Path
) -> None:
    path, _, bad = _dump(tmp_path / "dump.jsonl", [record for record, _ in BAD_RECORDS])
    summary = ingest([str(path)], store)
    assert (summary.status, summary.new, summary.rejected, summary.failed) == ("done", 3, len(BAD_RECORDS), 0)
    assert {a.article.url for a in store.articles()} == {
        "https://courier.example/bridge",
        "https://ledger.example/ferry",
        "https://gazette.example/library",
    }
    assert store.rejections(summary.run) == [
        (summary.run, f"{path}:{n}", reason) for n, (_, reason) in zip(bad, BAD_RECORDS, strict=True)
    ]
    assert [r.status for r in store.runs()] == ["done"]
    # the same file again: nothing stored twice, the same lines rejected again, the run still done
    again = ingest([str(path)], store)
    assert (again.status, again.new, again.duplicate, again.rejected) == ("done", 0, 3, len(BAD_RECORDS))


def test_a_failure_nobody_foresaw_rejects_that_record_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = sys.modules["storydiff.inputs.harvest"]  # the package's `harvest` is the function
    real = module.article_from_bytes

    def fragile(data: bytes | str, *args: object, **kwargs: object) -> object:
        if isinstance(data, str) and data.startswith("The morning ferry"):
            raise RuntimeError("a parser's bug\nwith a second line")
        return real(data, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "article_from_bytes", fragile)
    path = tmp_path / "dump.jsonl"
    path.write_text(
        "".join(json.dumps({"text": t}) + "\n" for t in (BRIDGE, FERRY, LIBRARY)), encoding="utf-8"
    )
    items = items_of([path])
    assert [d.source for d in documents(items)] == [f"{path}:1", f"{path}:3"]
    assert rejections(items) == {
        f"{path}:2": "could not be read (RuntimeError: a parser's bug); the other items were read, "
        "please report this input to storydiff's developers"
    }


# --------------------------------------------------------------------------- RSS and Atom


def _rss(items: str, *, declaration: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (
        f'{declaration}<rss version="2.0"><channel><title>Vell Valley News</title>{items}</channel></rss>'
    ).encode()


def _item(link: str, description: str = BRIDGE, extra: str = "") -> str:
    return f"<item><title>A report</title><link>{link}</link>{extra}<description>{description}</description></item>"


@pytest.mark.parametrize(
    ("name", "items", "rejected"),
    [
        # an entry's link urlsplit cannot parse: that entry is rejected, the next one read
        (
            "bad-link",
            lambda dead: _item("http://[bad") + _item(f"{dead}/ferry", FERRY),
            {
                "http://[bad": "the entry's link 'http://[bad' is not a valid address (Invalid IPv6 URL); "
                "correct the <link> in the feed"
            },
        ),
        # a pubDate the standard library overflows on: the entry is read without a date
        ("bad-date", lambda dead: _item(f"{dead}/a", extra=f"<pubDate>{OVERFLOWING_DATE}</pubDate>"), {}),
        # references to no character (past U+10FFFF, a surrogate): feedparser's chr() raised on them
        (
            "charref",
            lambda dead: _item(f"{dead}/a", f"{BRIDGE} &#x110000; &#xD800; &#99999999999999999999;"),
            {},
        ),
        # a malformed marked section in an entry read instead of its unreachable page: HTMLParser asserted
        ("marked-section", lambda dead: _item(f"{dead}/a", f"{BRIDGE} &lt;![ x"), {}),
    ],
)
def test_bad_values_in_a_feed_reject_one_entry_or_none(
    tmp_path: Path, name: str, items: Callable[[str], str], rejected: dict[str, str]
) -> None:
    dead = refused_url("")  # every page fails: the entries stand in with their own text
    path = tmp_path / f"{name}.xml"
    path.write_bytes(_rss(items(dead)))
    with Fetcher(Settings(), retries=0) as fetcher:
        harvested = items_of([path], fetcher=fetcher)
    assert rejections(harvested) == {f"{path} > {link}": reason for link, reason in rejected.items()}
    [doc] = documents(harvested)
    if name == "bad-date":
        assert doc.article.published is None
    if name == "charref":
        assert doc.article.text.endswith("\ufffd \ufffd \ufffd")
    if name == "marked-section":
        assert doc.article.text.endswith("<![ x")


def test_a_feed_declaring_an_encoding_that_cannot_decode_is_rejected_whole(tmp_path: Path) -> None:
    # the "undefined" codec raises UnicodeError on every input, inside feedparser
    path = tmp_path / "feed.xml"
    path.write_bytes(_rss(_item(refused_url("/a")), declaration='<?xml version="1.0" encoding="undefined"?>'))
    assert rejections(items_of([path])) == {
        str(path): "is not a readable RSS or Atom feed (its declared encoding cannot decode it: decoding "
        "with 'undefined' codec failed (UnicodeError: undefined encoding)); check the feed's encoding"
    }


# --------------------------------------------------------------------------- WARC


def _response(writer: WARCWriter, url: str, body: bytes, date: str = "2026-03-17T06:45:00Z") -> None:
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/plain; charset=utf-8")], protocol="HTTP/1.1")
    writer.write_record(
        writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": date},
        )
    )


def test_bad_target_uris_and_dates_in_an_archive_reject_one_record_or_none(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        _response(writer, "https://courier.example/bridge", BRIDGE.encode())
        _response(writer, "http://[bad", FERRY.encode())
        _response(writer, "https://gazette.example/library", LIBRARY.encode(), date=OVERFLOWING_DATE)
    items = items_of([path])
    assert rejections(items) == {
        f"{path} > http://[bad": "the record's WARC-Target-URI 'http://[bad' is not a valid address "
        "(Invalid IPv6 URL); the crawler wrote it wrong"
    }
    bridge, library = documents(items)
    assert (bridge.article.published, library.article.published) == ("2026-03-17", None)


# --------------------------------------------------------------------------- limits


def test_a_gzip_dump_unpacking_past_its_cap_is_refused_fast(tmp_path: Path) -> None:
    # 64 MiB of newlines in 65 kB: once 130 s of reading empty lines
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(gzip.compress(json.dumps({"text": BRIDGE}).encode() + b"\n" * (64 * 2**20), 9))
    started = time.monotonic()
    items = items_of([path])
    assert time.monotonic() - started < 5
    [doc, refused] = items
    assert isinstance(doc, Document)
    size = path.stat().st_size
    assert isinstance(refused, Rejection)
    assert refused.input == str(path)
    assert re.fullmatch(
        re.escape(
            f"unpacks to more than {format_size(100 * size)} from {format_size(size)} (over 100 times its "
        )
        + r"size: no news dump compresses that well\) after line \d+; the lines before it were kept, check "
        r"where the file came from or unpack it and give the \.jsonl",
        refused.reason,
    )


def test_a_gzip_archive_unpacking_past_its_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    _response(writer, "https://courier.example/bridge", BRIDGE.encode())
    _response(writer, "https://ledger.example/padding", b" " * (16 * 2**20))  # 16 MiB in a few kB
    path.write_bytes(buffer.getvalue())
    items = items_of([path])
    assert isinstance(items[0], Document)
    cap = max(Settings().max_bytes, 100 * path.stat().st_size)  # never less than one article may hold
    assert items[-1] == Rejection(
        str(path),
        f"unpacks to more than {format_size(cap)} from {format_size(path.stat().st_size)} (over 100 times its "
        "size: no web archive compresses that well) after record 1; the pages before it were kept, check where "
        "the file came from",
    )


@pytest.mark.parametrize("name", ["wire.jsonl", "crawl.warc", "no-suffix", "dump.jsonl.gz"])
def test_a_named_pipe_is_refused_not_waited_on(tmp_path: Path, name: str) -> None:
    fifo = tmp_path / name
    os.mkfifo(fifo)
    given = [[fifo], [tmp_path]] if name != "no-suffix" else [[fifo]]  # a folder lists it by its suffix
    found: list[list[HarvestItem]] = []
    # harvest in a thread: before the fix it blocked for ever, opening the pipe to sniff or read it
    reader = threading.Thread(target=lambda: found.extend(items_of(spec) for spec in given), daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():
        with open(fifo, "wb"):  # let the blocked open through, so the thread ends
            pass
        pytest.fail("harvest waited on the named pipe")
    reason = "is not a regular file (a named pipe, device or socket); save its data to a file, give that"
    assert [rejections(items) for items in found] == [{str(fifo): reason}] * len(given)


# --------------------------------------------------------------------------- slow servers

# How long the trickling server waits between bytes: well inside the client's read timeout.
TRICKLE_SECONDS = 0.2


def _trickler(stop: threading.Event, *, headers_too: bool) -> type[BaseHTTPRequestHandler]:
    """A server sending a byte every TRICKLE_SECONDS: of its body, or of its headers already."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = BRIDGE.encode()
            head = (
                f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            )
            if not headers_too:
                self.wfile.write(head)
            with contextlib.suppress(OSError):
                for byte in (head if headers_too else b"") + body:
                    self.wfile.write(bytes([byte]))
                    if stop.wait(TRICKLE_SECONDS):
                        return

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
def test_a_server_trickling_bytes_is_cut_off_at_the_deadline(headers_too: bool) -> None:
    stop = threading.Event()
    with serving(_trickler(stop, headers_too=headers_too), stop=stop, poll_interval=0.01) as base:
        started = time.monotonic()
        settings = Settings(timeout=2.0, fetch_deadline=1.0)  # each byte well inside the read timeout
        with Fetcher(settings) as fetcher, pytest.raises(FetchError) as caught:
            fetcher.get(f"{base}/bridge.txt")
        took = time.monotonic() - started
    assert caught.value.message == (
        "the download took longer than 1 s in all (the server sends too slowly); "
        "try again later, or save the page and give the file"
    )
    assert 0.9 < took < 3.0  # the whole body would take over a minute; no retry after the deadline


def test_ingest_through_the_web_app_downloads_without_the_analysis_lock(tmp_path: Path) -> None:
    held: list[bool] = []

    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            held.append(ANALYSIS_LOCK.locked())  # what other requests would wait on, mid-download
            self.send_error(404)

        def log_message(self, format: str, *args: object) -> None:
            pass

    db = tmp_path / "news.db"
    open_store(db).close()
    web = WebSettings(db=str(db), policy=AddressPolicy(allow=(ipaddress.ip_network("127.0.0.1/32"),)))
    with (
        serving(Page, poll_interval=0.01) as site,
        live_server(web) as app,
        httpx.Client(base_url=app) as client,
    ):
        response = client.post("/api/ingest", json={"url": f"{site}/story.html"})
    assert response.status_code == 200, response.text
    assert response.json()["rejected"] == 1
    assert held == [False]


# --------------------------------------------------------------------------- XML with an inline DTD

_DTD = '<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'


@pytest.mark.parametrize(
    ("name", "data"),
    [
        # named like nothing storydiff knows: once sniffed as a page and stored as raw XML
        (
            "feed.xml",
            _rss(
                _item("https://courier.example/bridge", "&lol2;"), declaration=f'<?xml version="1.0"?>{_DTD}'
            ),
        ),
        # no declaration, a comment first
        (
            "feed",
            _rss(_item("https://courier.example/bridge", "&lol2;"), declaration=f"<!-- a feed -->\n{_DTD}"),
        ),
        # the same in UTF-16, which the sniffing once took for a page whatever it held
        (
            "feed16.xml",
            _rss(
                _item("https://courier.example/bridge", "&lol2;"),
                declaration=f'<?xml version="1.0" encoding="utf-16"?>{_DTD}',
            )
            .decode()
            .encode("utf-16"),
        ),
        # an OPML list, read by name: ElementTree expands what it declares
        (
            "feeds.opml",
            f'<?xml version="1.0"?>{_DTD.replace("rss", "opml", 1)}<opml version="2.0"><body>'
            '<outline text="&lol2;" xmlUrl="https://courier.example/feed"/></body></opml>'.encode(),
        ),
    ],
    ids=["sniffed", "comment-first", "utf-16", "opml"],
)
def test_xml_with_an_inline_dtd_is_refused_and_its_entities_never_expanded(
    tmp_path: Path, name: str, data: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert items_of([path]) == [
        Rejection(
            str(path),
            "is XML with an inline DTD (<!DOCTYPE ... [ ... ]>), whose entities storydiff never expands; "
            "remove the DTD from the file, or give the feed as its publisher serves it",
        )
    ]


def test_a_feed_with_a_public_doctype_and_no_inline_dtd_is_still_a_feed(tmp_path: Path) -> None:
    path = tmp_path / "feed.xml"
    doctype = '<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">'
    path.write_bytes(_rss(_item(refused_url("/bridge")), declaration=f'<?xml version="1.0"?>{doctype}'))
    with Fetcher(Settings(), retries=0) as fetcher:
        [doc] = items_of([path], fetcher=fetcher)
    assert isinstance(doc, Document)
    assert doc.article.text == BRIDGE  # the entry's own text, its page being unreachable


# --------------------------------------------------------------------------- the web app


def test_a_server_on_another_loopback_address_answers_to_it(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    open_store(db).close()
    # `storydiff serve --host 127.0.0.2` once answered 400 to every request: only 127.0.0.1 was "this machine"
    with (
        live_server(WebSettings(db=str(db), host="127.0.0.2"), "127.0.0.2") as url,
        httpx.Client(base_url=url) as client,
    ):
        assert client.get("/api/stories").status_code == 200
        assert client.get("/api/stories", headers={"host": "localhost"}).status_code == 200
        assert client.get("/api/stories", headers={"host": "[::1]:8000"}).status_code == 200
        refused = client.get(
            "/api/stories", headers={"host": "attacker.example"}
        )  # DNS rebinding: still refused
        assert refused.status_code == 400


def _raw_json(value: object) -> dict[str, object]:
    """A JSON body as a program sends it: ``\\ud800`` escapes stay escapes (httpx's json= cannot encode them)."""
    return {"content": json.dumps(value), "headers": {"content-type": "application/json"}}


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        # an id past SQLite's 64-bit integers: the driver raised OverflowError, a 500
        (
            "get",
            "/api/articles/99999999999999999999999",
            None,
            404,
            "there is no article 99999999999999999999999 in this corpus; GET /api/stories lists every article's id",
        ),
        ("get", "/api/articles/9223372036854775808", None, 404, "there is no article 9223372036854775808 "),
        # a lone surrogate in a pasted text: language detection raised TypeError, a 500
        (
            "post",
            "/api/compare",
            {"texts": [f"{BRIDGE} \ud800", FERRY]},
            422,
            f"text 1: the text holds a lone surrogate (U+D800 at character {len(BRIDGE) + 1}), which is not a "
            "character; re-export the source as UTF-8",
        ),
        # ... in a URL: httpx raised UnicodeEncodeError, and the message quoting it could not be encoded
        # (the message quotes the address with the surrogate escaped)
        (
            "post",
            "/api/compare",
            {"texts": [BRIDGE], "urls": ["http://example.org/\ud800"]},
            422,
            "http://example.org/\\ud800: is not a valid address (",
        ),
        (
            "post",
            "/api/ingest",
            {"url": "http://\ud800.example/"},
            422,
            "http://\\ud800.example/: is not a valid address (",
        ),
    ],
)
def test_hostile_ids_and_lone_surrogates_are_client_errors_in_the_one_shape(
    tmp_path: Path, method: str, path: str, body: object, status: int, message: str
) -> None:
    db = tmp_path / "news.db"
    open_store(db).close()
    with live_server(WebSettings(db=str(db))) as url, httpx.Client(base_url=url, timeout=60) as client:
        response = getattr(client, method)(path, **(_raw_json(body) if body is not None else {}))
    assert response.status_code == status, response.text
    assert str(error_of(response)["message"]).startswith(message)


# --------------------------------------------------------------------------- runs killed, runs at once

_CHILD = """
import sys, time
from storydiff.corpus.store import open_store
store = open_store(sys.argv[1])
print(store.begin_run([sys.argv[2]]), flush=True)
time.sleep(600)
"""


def _run_in_child(db: Path, name: str) -> tuple[subprocess.Popen[str], int]:
    """Another process that begins an ingest run in ``db`` and then stays alive; (process, run id)."""
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(db), name],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert child.stdout is not None
    return child, int(child.stdout.readline())


def test_a_killed_run_is_marked_interrupted_and_live_ones_are_left_running(tmp_path: Path) -> None:
    db = tmp_path / "news.db"
    killed, killed_run = _run_in_child(db, "killed")
    live, live_run = _run_in_child(db, "live")
    try:
        killed.send_signal(signal.SIGKILL)
        killed.wait(30)
        with open_store(db) as store, open_store(db) as other:
            assert store.runs()[killed_run - 1].status == "running"  # nobody could mark it when it was killed
            ours = other.begin_run(["ours"])  # this very process, through another connection
            # a run recorded on another machine (a shared PostgreSQL corpus): nothing here can tell
            store._db.execute(
                "INSERT INTO ingest_runs (started, sources, status, host, pid) "
                "VALUES ('2026-03-17', 'elsewhere', 'running', 'another-host', 1)"
            )
            # this process's pid, recorded by a process that started at another time: the pid was reused
            reused = other.begin_run(["reused"])
            store._db.execute("UPDATE ingest_runs SET process = 'another-boot:1' WHERE id = ?", (reused,))

            new = store.begin_run(["next"])
            status = {r.sources: r.status for r in store.runs()}
            assert status == {
                "killed": "interrupted",
                "live": "running",
                "ours": "running",
                "elsewhere": "running",
                "reused": "interrupted",
                "next": "running",
            }
            assert {live_run, ours, new} < {r.id for r in store.runs() if r.status == "running"}
    finally:
        for child in (killed, live):
            child.kill()
            child.wait(30)
            assert child.stdout is not None
            child.stdout.close()


def test_an_article_is_claimed_by_one_live_run_at_a_time(store: Store) -> None:
    first = store.begin_run(["first"])
    ids = [
        store.add_article(
            first,
            Document(f"dump.jsonl:{n}", Article(id=str(n), text=text)),
            content_hash=str(n),
            minhash=None,
            origin=None,
        )
        for n, text in enumerate((BRIDGE, FERRY), start=1)
    ]
    second = store.begin_run(["second"])
    assert store.claim_pending(second) == []  # the first run stored them and still runs
    assert store.claim_pending(first) == ids
    store.finish_run(first, "failed")  # it ended before analysing them
    assert store.claim_pending(second) == ids  # its claims lapse with it
    assert store.claim_pending(first) == []


class _Recording(LocalAnalyzer):
    """The real in-process analyzer, recording what it analyses; ``before`` runs as it starts."""

    def __init__(self, before: Callable[[], None] = lambda: None) -> None:
        super().__init__(1)
        self.analysed: list[str] = []
        self.before = before

    def map(self, partitions: Iterable[Sequence[Article]]) -> Iterator[list[AnalysisResult]]:
        self.before()
        for partition in partitions:
            self.analysed += [a.id for a in partition]
            yield from super().map([partition])


@pytest.mark.slow
def test_two_ingests_of_one_folder_at_once_analyse_each_article_once(tmp_path: Path) -> None:
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "wire.jsonl").write_text(
        "".join(json.dumps({"text": t}) + "\n" for t in (BRIDGE, FERRY, LIBRARY))
    )
    db = tmp_path / "news.db"
    open_store(db).close()
    analysing, second_done = threading.Event(), threading.Event()

    def hold() -> None:  # the first ingest has stored (and claimed) everything: the second starts now
        analysing.set()
        assert second_done.wait(300)

    first, second = _Recording(before=hold), _Recording()
    summaries: list[IngestSummary] = []
    failures: list[BaseException] = []

    def ingest_first() -> None:
        try:
            with open_store(db) as store:
                summaries.append(ingest([str(folder)], store, analyzer=first))
        except BaseException as exc:  # raised again below, in the test's own thread
            failures.append(exc)
            analysing.set()

    thread = threading.Thread(target=ingest_first)
    thread.start()
    try:
        assert analysing.wait(300)
        with open_store(db) as store:
            late = ingest([str(folder)], store, analyzer=second)
    finally:
        second_done.set()
        thread.join()
    if failures:
        raise failures[0]
    [early] = summaries
    assert (early.new, early.analysed) == (3, 3)
    assert (late.new, late.duplicate, late.analysed) == (0, 3, 0)
    assert len(first.analysed) == 3
    assert second.analysed == []
    with open_store(db) as store:
        assert store.pending_analysis() == []
        assert len(store.memberships()) == 3
        assert [r.status for r in store.runs()] == ["done", "done"]
        assert store.integrity_problems() == []


# --------------------------------------------------------------------------- found by tests/test_fuzz.py


def test_a_front_matter_url_that_does_not_parse_rejects_the_report(tmp_path: Path) -> None:
    # stored as it was, it failed the ingest's URL normalising after every check had passed
    path = tmp_path / "report.txt"
    path.write_text(f"---\npublished: 2026-03-17\nurl: http://[bad\n---\n{BRIDGE}\n", encoding="utf-8")
    assert rejections(items_of([path])) == {
        str(path): "front matter url: 'http://[bad' is not a valid address (Invalid IPv6 URL); "
        "give the address the report was published at"
    }


def test_a_link_whose_idna_name_holds_no_valid_name_is_a_fetch_error(tmp_path: Path) -> None:
    # xn--ls8h is an emoji once decoded: the idna package refuses it deep inside httpx
    path = tmp_path / "feed.xml"
    path.write_bytes(_rss(_item("http://xn--ls8h.example/story", "A one-line teaser.")))
    with Fetcher(Settings(), retries=0) as fetcher:
        assert rejections(items_of([path], fetcher=fetcher)) == {
            f"{path} > http://xn--ls8h.example/story": "is not a valid address (Codepoint U+1F4A9 at position 1 "
            "of '💩' not allowed); check the URL (the feed entry's own text is too short to use instead)"
        }


@pytest.mark.parametrize("charset", ["unicode_escape", "raw_unicode_escape", "utf-7", "undefined", "rot13"])
def test_a_page_declaring_a_codec_that_is_no_charset_is_read_as_utf8(tmp_path: Path, charset: str) -> None:
    # unicode_escape turned "\ud800" into a lone surrogate, and warned (an error here) on "\<"
    path = tmp_path / "page.html"
    body = f"<p>{BRIDGE}</p><p>{FERRY} \\ud800 \\<</p>"
    path.write_bytes(
        f'<!DOCTYPE html><html><head><meta charset="{charset}"></head><body>{body}</body></html>'.encode()
    )
    [doc] = items_of([path])
    assert isinstance(doc, Document)
    assert doc.article.text.endswith("\\ud800 \\<")  # the backslashes as written


@pytest.mark.parametrize("url", ["http:///", "https://", "ftp://files.example/a.txt", "relative/story.html"])
def test_an_address_without_http_or_a_host_is_refused_by_the_fetcher_itself(url: str) -> None:
    # the default transport refuses these, but a transport without that check (a test's) failed
    # deep inside httpx's cookie handling with "ValueError: unknown url type"
    answered: list[str] = []

    def serve(request: httpx.Request) -> httpx.Response:
        answered.append(str(request.url))
        return httpx.Response(200, text=BRIDGE)

    with (
        httpx.Client(transport=httpx.MockTransport(serve)) as client,
        Fetcher(Settings(), client) as fetcher,
        pytest.raises(FetchError) as caught,
    ):
        fetcher.get(url)
    assert (
        caught.value.message == "is not a valid address (not http or https, or no host name); check the URL"
    )
    assert answered == []
