"""Fuzzing the way in: JSON Lines, RSS/Atom feeds, WARC archives, HTML pages and plain text.

Each strategy writes one generated input to a file and drives it through the ingest's own harvest
stage (:func:`storydiff.corpus.ingest._harvest_into`: harvest, checks, near-duplicate index, a real
SQLite store). Whatever the input, only two things may come out: a recorded rejection with a
one-line reason, or one of storydiff's own errors (:mod:`storydiff.errors`). A rejection for a
failure nobody foresaw ("could not be read (SomeError: ...)", the harvester's safety net) counts
as a failure too: the net keeps a run going, but each such failure is a bug to fix at its root.

The inputs mix the well-formed with the broken: fields of every JSON type, lone surrogates,
dates that overflow, addresses that do not parse, character references to no character,
declared encodings that cannot decode, inline DTDs, truncated and bit-flipped archives.

In the suite each strategy runs ``FUZZ_EXAMPLES`` inputs (200), derandomized so the suite is
stable; ``make fuzz`` runs 20,000 per strategy (10^5 in all) with fresh random inputs.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storydiff.corpus.dedup import NearDuplicateIndex
from storydiff.corpus.ingest import _harvest_into
from storydiff.corpus.store import Store, open_store
from storydiff.errors import StorydiffError
from storydiff.inputs.fetch import Fetcher
from storydiff.settings import Settings

# Inputs per strategy; `make fuzz` raises it. Derandomized unless FUZZ_RANDOM is set.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not os.environ.get("FUZZ_RANDOM"),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
# The reason the harvester gives an item that failed in a way no check foresaw.
UNFORESEEN = "could not be read ("
# Small limits keep each input quick; the code paths are the same.
SETTINGS = Settings(max_bytes=20_000, timeout=1.0, fetch_deadline=5.0)

# Invented news sentences, so that some inputs pass the checks and reach the store.
SENTENCES = (
    "The Vell river bridge closed on Tuesday after inspectors found cracks in two of its supports.",
    "Engineers said repairs would take at least six weeks and cost about 2 million pounds.",
    "About 300 passengers waited in the ferry terminal at Skarby for four hours on Friday.",
    "Fire crews were called to Marrowby library just after midnight when an alarm sounded.",
    "Nobody was hurt, and the library will stay closed while the building is checked.",
)
# Pieces that broke, or could break, one parser or another.
TRAPS = (
    "\ud800",
    "\udfff",
    "\x00",
    "\x1b[31m",
    "&#x110000;",
    "&#xD800;",
    "&#0;",
    "&#99999999999999999999;",
    "&lt;![ x",
    "<![ x",
    "<![CDATA[",
    "]]>",
    "&bogus;",
    "&amp;",
    "<",
    ">",
    "<!--",
    "<script>alert(1)</script>",
    "\u202e",
    "\ufeff",
    "\r\n",
    "\r",
)
DATES = (
    "2026-03-17",
    "2026-03-17T09:30:00Z",
    "2026-02-30",
    "9999-12-31T23:59:59+23:59",
    "0001-01-01",
    "Tue, 17 Mar 2026 09:00:00 GMT",
    "Tue, 17 Mar 2026 99999999999999999999999:00 GMT",
    "Tue, 17 Mar 99999999999 10:00 GMT",
    "Tue, 17 Mar 2026 10:00 +9999999999999999999999",
    "1 Jan 0 00:00 GMT",
    "yesterday",
)
URLS = (
    "https://courier.example/bridge",
    "http://[bad",
    "http://[::1",
    "http://example.org:99999/story",
    "http://example.org:port/",
    "http://\ud800.example/",
    "https://courier.example/\ud800",
    "ftp://files.example/a.txt",
    "//no-scheme.example/a",
    "relative/path.html",
    "javascript:alert(1)",
    "http://a b.example/",
    "http://xn--ls8h.example/",
    "",
)
ENCODINGS = ("utf-8", "utf-16", "utf-32", "latin-1", "cp1252")
DECLARED = (
    "utf-8",
    "utf-16",
    "iso-8859-1",
    "undefined",
    "unicode_escape",
    "utf-7",
    "x-no-such",
    "cp037",
    "rot13",
)

# Text of every kind: lone surrogates and controls included.
wild_text = st.text(st.characters(exclude_categories=()), max_size=60)
trap_text = st.lists(
    st.one_of(st.sampled_from(TRAPS), st.sampled_from(SENTENCES), wild_text), max_size=8
).map(" ".join)
prose = st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=5).map(" ".join)
text_like = st.one_of(prose, trap_text, wild_text)
date_like = st.one_of(
    st.sampled_from(DATES),
    wild_text,
    st.builds(
        "{}, {} {} {} {}:{}:{} {}".format,
        st.sampled_from(["Tue", "Xyz", ""]),
        st.integers(-(10**25), 10**25),
        st.sampled_from(["Mar", "Foo", ""]),
        st.integers(-(10**25), 10**25),
        st.integers(-(10**25), 10**25),
        st.integers(0, 99),
        st.integers(0, 99),
        st.sampled_from(["GMT", "+0100", "-9999", "+99999999999999999999", "XYZ"]),
    ),
    st.builds(
        "{:04d}-{:02d}-{:02d}T{}".format,
        st.integers(0, 9999),
        st.integers(0, 99),
        st.integers(0, 99),
        st.sampled_from(["00:00:00Z", "25:61:61", "12:00:00+99:00", "99999999999999999999:00"]),
    ),
)
url_like = st.one_of(
    st.sampled_from(URLS),
    wild_text,
    st.builds("http://{}/{}".format, wild_text, wild_text),
    st.builds(
        "https://{}:{}/".format, st.sampled_from(["example.org", "[::1]", "[bad"]), st.integers(-5, 10**7)
    ),
)
json_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    text_like,
)
json_value = st.recursive(
    json_scalar,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(wild_text, inner, max_size=3)),
    max_leaves=6,
)


def _field(strategy: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """A record's field: mostly of the expected kind, sometimes any JSON value at all."""
    return st.one_of(strategy, strategy, json_value)


record = st.fixed_dictionaries(
    {},
    optional={
        "text": _field(text_like),
        "html": _field(st.builds("<html><body><p>{}</p></body></html>".format, text_like)),
        "url": _field(url_like),
        "published": _field(date_like),
        "date": _field(date_like),
        "title": _field(text_like),
        "outlet": _field(text_like),
        "source": _field(text_like),
        "author": _field(text_like),
        "id": _field(st.one_of(wild_text, st.integers(-(10**30), 10**30))),
    },
)
jsonl_line = st.one_of(
    record.map(lambda r: json.dumps(r).encode()),
    record.map(lambda r: json.dumps(r, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    json_value.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=80),
    st.integers(1, 3000).map(lambda n: b"[" * n + b"]" * n),  # nesting
    st.integers(4300, 6000).map(lambda n: b'{"id": ' + b"7" * n + b', "text": "x"}'),  # huge number
    st.just(b"\n\n\n"),
)


@st.composite
def jsonl_files(draw: st.DrawFn) -> tuple[str, bytes]:
    data = b"\n".join(draw(st.lists(jsonl_line, max_size=6)))
    name = "dump.jsonl"
    if draw(st.booleans()):
        data = gzip.compress(data)
        name = "dump.jsonl.gz"
    return name, _mutated(draw, data)


@st.composite
def feeds(draw: st.DrawFn) -> tuple[str, bytes]:
    declared = draw(st.sampled_from(DECLARED))
    prolog = draw(
        st.sampled_from(
            [
                f'<?xml version="1.0" encoding="{declared}"?>',
                "",
                '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "&#38;#60;">]>',
                '<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "x.dtd">',
                "<!-- a feed -->",
            ]
        )
    )

    def piece() -> str:
        return draw(st.one_of(text_like, st.sampled_from(TRAPS)))

    atom = draw(st.booleans())
    entries = []
    for _ in range(draw(st.integers(0, 3))):
        link, published, body = draw(url_like), draw(date_like), piece()
        if atom:
            entries.append(
                f"<entry><title>{piece()}</title><link href='{link}'/><updated>{published}</updated>"
                f"<summary type='html'>{body}</summary><author><name>{piece()}</name></author></entry>"
            )
        else:
            cdata = draw(st.booleans())
            description = f"<![CDATA[{body}]]>" if cdata else body
            entries.append(
                f"<item><title>{piece()}</title><link>{link}</link><pubDate>{published}</pubDate>"
                f"<author>{piece()}</author><description>{description}</description></item>"
            )
    if atom:
        document = f"{prolog}<feed xmlns='http://www.w3.org/2005/Atom'><title>{piece()}</title>{''.join(entries)}</feed>"
    else:
        document = (
            f"{prolog}<rss version='2.0'><channel><title>{piece()}</title>{''.join(entries)}</channel></rss>"
        )
    encoding = draw(st.sampled_from(ENCODINGS))
    data = document.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")
    return draw(st.sampled_from(["feed.xml", "feed.rss", "feed"])), _mutated(draw, data)


@st.composite
def archives(draw: st.DrawFn) -> tuple[str, bytes]:
    compress = draw(st.booleans())
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for n in range(draw(st.integers(0, 3))):
        body = draw(
            st.one_of(
                html_documents(),
                text_like.map(lambda t: t.encode("utf-8", "surrogatepass")),
                st.binary(max_size=200),
            )
        )
        content_type = draw(
            st.sampled_from(
                [
                    "text/html",
                    "text/html; charset=undefined",
                    "text/plain; charset=utf-16",
                    "text/plain",
                    "image/png",
                    "",
                    'text/html; charset="x"',
                ]
            )
        )
        status = draw(st.sampled_from(["200 OK", "404 Not Found", "200", "abc", "999999999999999999999 X"]))
        uri = draw(url_like).encode("utf-8", "replace").decode("utf-8")  # warcio writes UTF-8 headers
        try:
            headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    uri,
                    "response",
                    payload=io.BytesIO(body),
                    length=len(body),
                    http_headers=headers,
                    warc_headers_dict={
                        "WARC-Date": draw(date_like).encode("utf-8", "replace").decode("utf-8"),
                        # a fixed id: a random one changes the compressed size, and hypothesis replays
                        "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>",
                    },
                )
            )
        except (ValueError, TypeError, UnicodeError):
            continue  # the writer refuses it: no archive holds it
    return ("crawl.warc.gz" if compress else "crawl.warc"), _mutated(draw, buffer.getvalue())


@st.composite
def html_documents(draw: st.DrawFn) -> bytes:
    parts = draw(
        st.lists(
            st.one_of(
                st.sampled_from(SENTENCES).map("<p>{}</p>".format),
                text_like,
                st.sampled_from(TRAPS),
                st.sampled_from(
                    ["<div>", "</div>", "<p>", "<br>", "<table><tr><td>", "<article>", "</article>"]
                ),
                date_like.map('<meta property="article:published_time" content="{}">'.format),
                st.sampled_from(DECLARED).map('<meta charset="{}">'.format),
                text_like.map('<meta property="og:site_name" content="{}">'.format),
                url_like.map('<link rel="canonical" href="{}">'.format),
            ),
            max_size=12,
        )
    )
    page = f"<!DOCTYPE html><html><head>{''.join(parts[:3])}</head><body>{''.join(parts[3:])}</body></html>"
    encoding = draw(st.sampled_from(ENCODINGS))
    return page.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")


@st.composite
def pages(draw: st.DrawFn) -> tuple[str, bytes]:
    return draw(st.sampled_from(["page.html", "page.htm", "page"])), _mutated(draw, draw(html_documents()))


@st.composite
def texts(draw: st.DrawFn) -> tuple[str, bytes]:
    body = draw(text_like)
    if draw(st.booleans()):  # front matter, with the fields it may carry
        body = (
            f"---\ntitle: {draw(text_like)}\npublished: {draw(date_like)}\nurl: {draw(url_like)}\n---\n{body}"
        )
    encoding = draw(st.sampled_from(ENCODINGS))
    data = body.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")
    return draw(st.sampled_from(["report.txt", "report.md", "report"])), _mutated(draw, data)


def _mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` as written, or cut short, or with a few bytes changed: what a bad disk or download leaves."""
    how = draw(st.sampled_from(["as is", "as is", "cut", "flipped"]))
    if not data or how == "as is":
        return data
    if how == "cut":
        return data[: draw(st.integers(0, len(data) - 1))]
    changed = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        changed[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(changed)


# --------------------------------------------------------------------------- the harness


class _Harness:
    """One SQLite corpus and one ingest run for a strategy's inputs; a fetcher serving a canned answer."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.store: Store = open_store(folder / "news.db")
        self.run = self.store.begin_run(["fuzz"])
        self.index = NearDuplicateIndex.from_stored([])  # once: building one takes 0.15 s
        self.count = 0
        self.rejected = 0  # the id of the last rejection checked

    def ingest(
        self, name: str, data: bytes, answer: tuple[int, str, bytes] = (404, "text/html", b"")
    ) -> None:
        """Write ``data`` as ``name`` and harvest it into the store as an ingest does."""
        self.count += 1
        path = self.folder / f"{self.count}-{name}"
        path.write_bytes(data)
        status, content_type, body = answer

        def serve(request: httpx.Request) -> httpx.Response:
            return httpx.Response(status, headers={"content-type": content_type}, content=body)

        counts = {"new": 0, "duplicate": 0, "rejected": 0, "copies": 0}
        with (
            httpx.Client(transport=httpx.MockTransport(serve)) as client,
            Fetcher(SETTINGS, client, retries=0) as fetcher,
        ):
            try:
                _harvest_into([str(path)], self.store, self.run, SETTINGS, fetcher, counts, None, self.index)
            except StorydiffError as err:  # one of storydiff's own errors, in one line
                failure: StorydiffError | None = err
            else:
                failure = None
        assert failure is None or "\n" not in str(failure), failure
        # the rejections this input added (Store.rejections reads them all: quadratic over a long run)
        rows = self.store._db.execute(
            "SELECT id, input, reason FROM rejections WHERE id > ?", (self.rejected,)
        )
        for row_id, source, reason in rows:
            self.rejected = max(self.rejected, int(row_id))
            assert reason, source
            assert "\n" not in reason, (source, reason)
            assert not reason.startswith(UNFORESEEN), (source, reason)
        path.unlink()

    def close(self) -> None:
        assert self.store.integrity_problems() == []
        self.store.close()


@pytest.fixture(scope="module")
def harness() -> Iterator[_Harness]:
    with tempfile.TemporaryDirectory(prefix="storydiff-fuzz-") as folder:
        made = _Harness(Path(folder))
        yield made
        made.close()


answers = st.tuples(
    st.sampled_from([200, 200, 404, 500, 301]),
    st.sampled_from(["text/html", "text/plain", "application/octet-stream", "image/png", ""]),
    st.one_of(html_documents(), st.binary(max_size=100)),
)


@FUZZ
@given(jsonl_files())
def test_json_lines(harness: _Harness, file: tuple[str, bytes]) -> None:
    harness.ingest(*file)


@FUZZ
@given(feeds(), answers)
def test_rss_and_atom_feeds(
    harness: _Harness, file: tuple[str, bytes], answer: tuple[int, str, bytes]
) -> None:
    harness.ingest(*file, answer=answer)


@FUZZ
@given(archives())
def test_warc_archives(harness: _Harness, file: tuple[str, bytes]) -> None:
    harness.ingest(*file)


@FUZZ
@given(pages())
def test_html_pages(harness: _Harness, file: tuple[str, bytes]) -> None:
    harness.ingest(*file)


@FUZZ
@given(texts())
def test_plain_text(harness: _Harness, file: tuple[str, bytes]) -> None:
    harness.ingest(*file)
