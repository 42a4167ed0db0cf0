"""Harvesting for the corpus: OPML, feeds, WARC, JSON Lines and folders, against a loopback server.

The reports in ``fixtures/harvest/stories`` are invented; feeds, pages,
archives and dumps are built from them here. The server is the one of
``test_fetch.py``.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storydiff.errors import SettingsError
from storydiff.inputs.fetch import Fetcher
from storydiff.inputs.harvest import FeedCache, HarvestItem, MemoryFeedCache, harvest
from storydiff.records import Article, Document, KnownItem, Rejection
from storydiff.settings import Settings
from test_fetch import Loopback, Sleeps, loopback, refused_url, sleeps  # noqa: F401  (fixtures)

STORIES = Path(__file__).resolve().parent / "fixtures" / "harvest" / "stories"
RSS_DATE = "Thu, 07 Mar 2024 21:15:00 -0500"  # late evening in New York: already the 8th in UTC


def story(name: str) -> tuple[str, list[str]]:
    """The headline and paragraphs of an invented report."""
    headline, _, body = (STORIES / f"{name}.txt").read_text(encoding="utf-8").partition("\n\n")
    return headline.strip(), [line for line in body.splitlines() if line.strip()]


def story_text(name: str) -> str:
    """The report as a plain-text file holds it: headline, blank line, paragraphs."""
    return (STORIES / f"{name}.txt").read_text(encoding="utf-8")


def body_text(name: str) -> str:
    """The paragraphs only, one a line: what trafilatura extracts from a page without a headline."""
    return "\n".join(story(name)[1])


def page(name: str, *, meta: bool = False) -> bytes:
    """An HTML page of a report: bare (no title, date, author or site name) or with full metadata."""
    headline, paragraphs = story(name)
    head = ""
    if meta:
        head = (
            f"<title>{escape(headline)} | Ashcombe Gazette</title>"
            f'<meta property="og:title" content={quoteattr(headline)}>'
            '<meta property="og:site_name" content="Ashcombe Gazette">'
            '<meta name="author" content="Priya Nandakumar">'
            '<meta property="article:published_time" content="2024-03-05T08:30:00Z">'
        )
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">{head}</head>'
        f"<body><nav><a href='/'>Home</a></nav><article>{body}</article></body></html>"
    ).encode()


def rss(title: str, items: Iterable[dict[str, str]]) -> bytes:
    """An RSS 2.0 feed; each item's keys are its elements (``content`` becomes content:encoded)."""
    parts = []
    for item in items:
        fields = []
        for key, value in item.items():
            if key == "content":
                fields.append(f"<content:encoded><![CDATA[{value}]]></content:encoded>")
            else:
                fields.append(f"<{key}>{escape(value)}</{key}>")
        parts.append(f"<item>{''.join(fields)}</item>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{escape(title)}</title><link>https://example.invalid/</link>"
        f"{''.join(parts)}</channel></rss>"
    ).encode()


def atom(title: str, entries: Iterable[dict[str, str]]) -> bytes:
    """An Atom feed; each entry has ``title``, ``link``, ``updated`` and ``author``."""
    parts = [
        f"<entry><title>{escape(e['title'])}</title><link href={quoteattr(e['link'])}/>"
        f"<id>{escape(e['link'])}</id><updated>{e['updated']}</updated>"
        f"<author><name>{escape(e['author'])}</name></author></entry>"
        for e in entries
    ]
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test:feed</id><updated>2024-03-10T18:00:00Z</updated>"
        f"{''.join(parts)}</feed>"
    ).encode()


def opml(*outlines: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><opml version="2.0"><head><title>My news</title></head>'
        f"<body>{''.join(outlines)}</body></opml>"
    ).encode()


def outline(url: str) -> str:
    return f'<outline type="rss" text="a feed" xmlUrl={quoteattr(url)}/>'


def collect(
    specs: Iterable[str | Path],
    settings: Settings | None = None,
    *,
    fetcher: Fetcher | None = None,
    feed_cache: FeedCache | None = None,
    seen_url: set[str] | None = None,
) -> list[HarvestItem]:
    return list(
        harvest(
            [str(spec) for spec in specs],
            settings or Settings(),
            fetcher=fetcher,
            feed_cache=feed_cache,
            seen_url=seen_url.__contains__ if seen_url is not None else None,
        )
    )


def documents(items: Iterable[HarvestItem]) -> list[Document]:
    return [item for item in items if isinstance(item, Document)]


def rejections(items: Iterable[HarvestItem]) -> list[tuple[str, str]]:
    return [(item.input, item.reason) for item in items if isinstance(item, Rejection)]


@pytest.fixture
def fetcher(sleeps: Sleeps) -> Iterator[Fetcher]:  # noqa: F811  (the fixture imported above)
    """A fetcher that records its retry waits instead of sleeping."""
    with Fetcher(Settings(), sleep=sleeps) as made:
        yield made


# --------------------------------------------------------------------------- OPML and feeds


def test_opml_to_feeds_to_pages(loopback: Loopback, fetcher: Fetcher, tmp_path: Path) -> None:  # noqa: F811
    ferry, library, orchard = (loopback.url(f"/news/{n}.html") for n in ("ferry", "library", "orchard"))
    loopback.serve("/news/ferry.html", body=page("ferry"))  # nothing but text: the entry fills the gaps
    loopback.serve("/news/library.html", body=page("library", meta=True))  # the page's metadata wins
    loopback.serve("/news/orchard.html", body=page("orchard"))
    echo = loopback.serve(
        "/feeds/echo.xml",
        content_type="application/rss+xml",
        body=rss(
            "Wenlow Echo",
            [
                {
                    "title": story("ferry")[0],
                    "link": ferry,
                    "pubDate": RSS_DATE,
                    "author": "desk@wenlow-echo.example (Jo Bright)",
                },
                {"title": "Library shut", "link": library, "pubDate": RSS_DATE},
            ],
        ),
    )
    courier = loopback.serve(
        "/feeds/courier.atom",
        content_type="application/atom+xml",
        body=atom(
            "Marrowby Courier",
            [
                {
                    "title": story("orchard")[0],
                    "link": orchard,
                    "updated": "2024-03-10T18:00:00+01:00",
                    "author": "Ines Dale",
                }
            ],
        ),
    )
    feeds = tmp_path / "feeds.opml"
    feeds.write_bytes(
        opml(
            f'<outline text="Local">{outline(echo)}<outline text="no feed, a folder"/></outline>',
            outline(courier),
            outline(echo),  # listed twice (two categories): harvested once
        )
    )
    items = collect([feeds], fetcher=fetcher)
    assert rejections(items) == []
    docs = documents(items)
    assert [d.source for d in docs] == [
        f"{feeds} > {echo} > {ferry}",
        f"{feeds} > {echo} > {library}",
        f"{feeds} > {courier} > {orchard}",
    ]
    assert [d.article for d in docs] == [
        Article(
            id="127-0-0-1-news-ferry",
            text=body_text("ferry"),
            url=ferry,
            title="Wenlow ferry suspended after engine fire",  # the entry's
            outlet="Wenlow Echo",  # the feed's title, not the bare host trafilatura offers
            published="2024-03-07",  # the day as the feed wrote it, not the UTC day
            author="Jo Bright",  # the name from "address (name)"
            language="en",
        ),
        Article(
            id="127-0-0-1-news-library",
            text=body_text("library"),
            url=library,
            title="Ashcombe library closes after roof leak",  # the page's, not "Library shut"
            outlet="Ashcombe Gazette",
            published="2024-03-05",
            author="Priya Nandakumar",
            language="en",
        ),
        Article(
            id="127-0-0-1-news-orchard",
            text=body_text("orchard"),
            url=orchard,
            title="Record crowd at Marrowby orchard festival",
            outlet="Marrowby Courier",
            published="2024-03-10",
            author="Ines Dale",
            language="en",
        ),
    ]
    assert docs[0].raw == page("ferry")
    assert docs[0].content_type == "text/html"
    assert loopback.hits["/feeds/echo.xml"] == 1
    assert "application/rss+xml" in loopback.headers_of("/feeds/echo.xml")[0]["accept"]


def feed_of(loopback: Loopback, *names: str, etag: str | None = None) -> str:  # noqa: F811
    """Serve a bare page per report and an RSS feed of them; return the feed's URL."""
    items = []
    for name in names:
        url = loopback.serve(f"/news/{name}.html", body=page(name))
        items.append({"title": story(name)[0], "link": url, "pubDate": RSS_DATE})
    return loopback.serve(
        "/feed.xml", body=rss("Wenlow Echo", items), content_type="application/rss+xml", etag=etag
    )


@pytest.mark.parametrize("through_opml", [False, True], ids=["feed-url", "opml"])
def test_an_unchanged_feed_yields_nothing_new(
    loopback: Loopback,  # noqa: F811
    fetcher: Fetcher,
    tmp_path: Path,
    through_opml: bool,
) -> None:
    feed = feed_of(loopback, "ferry", "tram", etag='"feed-v1"')
    spec, prefix = feed, feed
    if through_opml:  # the feed listed in an OPML file rather than given itself
        spec = str(tmp_path / "feeds.opml")
        Path(spec).write_bytes(opml(outline(feed)))
        prefix = f"{spec} > {feed}"
    cache = MemoryFeedCache()
    first = collect([spec], fetcher=fetcher, feed_cache=cache)
    assert [d.source for d in documents(first)] == [
        f"{prefix} > {loopback.url('/news/ferry.html')}",
        f"{prefix} > {loopback.url('/news/tram.html')}",
    ]
    assert cache.get(feed) == ('"feed-v1"', None)
    assert collect([spec], fetcher=fetcher, feed_cache=cache) == []  # 304: no error, nothing new
    first_request, second_request = loopback.headers_of("/feed.xml")
    assert "if-none-match" not in first_request
    assert second_request["if-none-match"] == '"feed-v1"'
    assert loopback.hits["/news/ferry.html"] == 1


def test_a_feed_cut_short_is_not_remembered(loopback: Loopback, fetcher: Fetcher) -> None:  # noqa: F811
    # The validators are stored once every entry was yielded, so a crash mid-feed refetches it all.
    feed = feed_of(loopback, "ferry", "tram", etag='"feed-v1"')
    cache = MemoryFeedCache()
    items = harvest([feed], Settings(), fetcher=fetcher, feed_cache=cache)
    assert isinstance(next(items), Document)
    items.close()  # type: ignore[attr-defined]
    assert cache.get(feed) is None
    assert loopback.hits["/news/tram.html"] == 0  # lazy: nothing past what was asked for


def test_known_urls_are_not_fetched(loopback: Loopback, fetcher: Fetcher) -> None:  # noqa: F811
    feed = feed_of(loopback, "ferry", "tram")
    ferry = loopback.url("/news/ferry.html")
    items = collect([feed], fetcher=fetcher, seen_url={ferry})
    assert items[0] == KnownItem(f"{feed} > {ferry}", ferry)
    assert [d.article.url for d in documents(items)] == [loopback.url("/news/tram.html")]
    assert loopback.hits["/news/ferry.html"] == 0


def test_a_story_in_two_feeds_is_fetched_once(loopback: Loopback, fetcher: Fetcher) -> None:  # noqa: F811
    feed = feed_of(loopback, "ferry")
    ferry = loopback.url("/news/ferry.html")
    same = loopback.serve("/other.xml", body=rss("Other", [{"title": "Ferry", "link": ferry}]))
    items = collect([feed, same], fetcher=fetcher)
    assert len(documents(items)) == 1
    assert items[1] == KnownItem(f"{same} > {ferry}", ferry)
    assert loopback.hits["/news/ferry.html"] == 1


FULL_ENTRY = "".join(f"<p>{escape(p)}</p>" for p in story("bridge")[1])


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        # the entry carries the full report: it stands in for the missing page
        ({"content": FULL_ENTRY}, body_text("bridge")),
        # a one-sentence teaser is not enough to compare
        (
            {"description": "<p>The Dunmore footbridge has reopened.</p>"},
            "HTTP 404 Not Found (the feed entry's own text is too short to use instead)",
        ),
        # nothing at all
        ({}, "HTTP 404 Not Found (the feed entry has no text of its own to use instead)"),
    ],
)
def test_a_missing_page_falls_back_to_the_entry(
    loopback: Loopback,  # noqa: F811
    fetcher: Fetcher,
    entry: dict[str, str],
    expected: str,
) -> None:
    gone = loopback.url("/news/gone.html")  # no route: 404
    feed = loopback.serve(
        "/feed.xml",
        body=rss(
            "Dunmore Parish News", [{"title": story("bridge")[0], "link": gone, "pubDate": RSS_DATE, **entry}]
        ),
    )
    [item] = collect([feed], fetcher=fetcher)
    if isinstance(item, Rejection):
        assert item == Rejection(f"{feed} > {gone}", expected)
        return
    assert isinstance(item, Document)
    assert item.source == f"{feed} > {gone}"
    assert item.raw == FULL_ENTRY.encode()
    assert item.content_type == "text/html"
    assert item.article == Article(
        id="127-0-0-1-news-gone",
        text=expected,
        url=gone,
        title=story("bridge")[0],
        outlet="Dunmore Parish News",
        published="2024-03-07",
        language="en",
    )


def test_failing_feeds_are_rejected_and_the_others_go_on(
    loopback: Loopback,  # noqa: F811
    fetcher: Fetcher,
    sleeps: Sleeps,  # noqa: F811
    tmp_path: Path,
) -> None:
    missing = loopback.url("/feeds/moved.xml")
    homepage = loopback.serve("/", body=page("tram"))
    broken = loopback.serve(
        "/feeds/broken.xml",
        body=b"<?xml version='1.0'?><rss><channel><item><title>Cut",
        content_type="text/xml",
    )
    busy = loopback.serve("/feeds/busy.xml", fail=99)
    good = feed_of(loopback, "ferry")
    feeds = tmp_path / "feeds.opml"
    feeds.write_bytes(opml(*(outline(url) for url in (missing, homepage, broken, busy, good))))
    items = collect([feeds], fetcher=fetcher)
    assert rejections(items) == [
        (f"{feeds} > {missing}", "HTTP 404 Not Found; check the feed's address or drop it from the list"),
        (
            f"{feeds} > {homepage}",
            "is not an RSS or Atom feed (the server sent text/html); give the feed's own address, not the site's page",
        ),
        (
            f"{feeds} > {broken}",
            "is not a readable RSS or Atom feed (<unknown>:1:68: no element found); check that the address is the feed itself",
        ),
        (f"{feeds} > {busy}", "HTTP 503 Service Unavailable; the server is busy or failing, try again later"),
    ]
    assert [d.article.url for d in documents(items)] == [loopback.url("/news/ferry.html")]
    assert sleeps == [0.5, 1.0]  # the busy feed was retried, then given up


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        # not XML at all
        (
            b"feeds: a, b",
            "is not a readable OPML list (syntax error: line 1, column 0); export the subscription list again",
        ),
        # XML, but another kind
        (
            b"<subscriptions/>",
            "is not a readable OPML list (its root element is <subscriptions>, not <opml>); export the subscription list again",
        ),
        # an OPML list with folders only
        (
            opml('<outline text="empty folder"/>'),
            "the OPML list names no feeds (no outline has an xmlUrl); export the subscription list again",
        ),
    ],
)
def test_unreadable_opml(tmp_path: Path, document: bytes, reason: str) -> None:
    path = tmp_path / "feeds.opml"
    path.write_bytes(document)
    assert collect([path]) == [Rejection(str(path), reason)]


def test_feed_and_opml_files_found_by_their_content(tmp_path: Path, refused_url: str) -> None:  # noqa: F811
    # No suffix tells: the root element does. The entry's page cannot be fetched, so its own text is used.
    entry = {"title": story("bridge")[0], "link": refused_url, "content": FULL_ENTRY}
    saved = tmp_path / "saved-feed.xml"
    saved.write_bytes(rss("Dunmore Parish News", [entry]))
    listing = tmp_path / "subscriptions.xml"
    listing.write_bytes(opml(outline("saved-feed.xml")))  # a feed file beside the list
    with Fetcher(Settings(), retries=0) as fetcher:
        items = collect([listing], fetcher=fetcher)
    [doc] = documents(items)
    assert doc.source == f"{listing} > {saved} > {refused_url}"
    assert doc.article.text == body_text("bridge")


# --------------------------------------------------------------------------- URL specs


def test_url_specs_are_told_apart_by_content(loopback: Loopback, fetcher: Fetcher) -> None:  # noqa: F811
    feed = feed_of(loopback, "ferry")
    listing = loopback.serve(
        "/my.opml", body=opml(outline("/feed.xml")), content_type="text/x-opml"
    )  # relative
    tram = loopback.serve("/news/tram.html", body=page("tram"))
    items = collect([tram, feed, listing], fetcher=fetcher)
    ferry = loopback.url("/news/ferry.html")
    assert [(type(i).__name__, i.source) for i in items] == [
        ("Document", tram),
        ("Document", f"{feed} > {ferry}"),
        ("KnownItem", f"{listing} > {feed} > {ferry}"),  # harvested a moment ago in this run
    ]
    assert items[0] == Document(tram, documents(items)[0].article, raw=page("tram"), content_type="text/html")


def test_a_url_spec_the_corpus_holds_is_not_fetched(loopback: Loopback, fetcher: Fetcher) -> None:  # noqa: F811
    tram = loopback.serve("/news/tram.html", body=page("tram"))
    assert collect([tram], fetcher=fetcher, seen_url={tram}) == [KnownItem(tram, tram)]
    assert loopback.hits["/news/tram.html"] == 0


def test_a_harvest_without_a_fetcher_makes_its_own(loopback: Loopback) -> None:  # noqa: F811
    tram = loopback.serve("/news/tram.html", body=page("tram"))
    missing = loopback.url("/nowhere.html")
    items = collect([tram, missing])
    assert len(documents(items)) == 1
    assert rejections(items) == [(missing, "HTTP 404 Not Found")]


# --------------------------------------------------------------------------- WARC


def http_response(
    writer: WARCWriter, url: str, body: bytes, content_type: str, status: str = "200 OK"
) -> None:
    headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),  # a known length: warcio then buffers nothing in temporary files
        http_headers=headers,
        warc_headers_dict={"WARC-Date": "2024-03-09T06:45:00Z"},
    )
    writer.write_record(record)


def write_archive(path: Path, *, compress: bool) -> None:
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "storydiff tests"}))
        request = StatusAndHeaders(
            "GET /news/ferry.html HTTP/1.1", [("Host", "wenlow-echo.example")], is_http_request=True
        )
        writer.write_record(
            writer.create_warc_record(
                "https://wenlow-echo.example/news/ferry.html",
                "request",
                payload=io.BytesIO(b""),
                length=0,
                http_headers=request,
            )
        )
        http_response(
            writer, "https://wenlow-echo.example/news/ferry.html", page("ferry"), "text/html; charset=utf-8"
        )
        http_response(writer, "https://wenlow-echo.example/logo.png", b"\x89PNG\r\n\x1a\n\0\0", "image/png")
        http_response(writer, "https://wenlow-echo.example/site.css", b"body { color: black }", "text/css")
        http_response(
            writer, "https://wenlow-echo.example/old.html", page("tram"), "text/html", status="404 Not Found"
        )
        writer.write_record(
            writer.create_warc_record(
                "https://wenlow-echo.example/news/ferry.html",
                "metadata",
                payload=io.BytesIO(b"outlink: https://wenlow-echo.example/\n"),
                length=len(b"outlink: https://wenlow-echo.example/\n"),
                warc_content_type="application/warc-fields",
            )
        )
        http_response(
            writer, "https://www.fenbridge-post.example/tram", story_text("tram").encode(), "text/plain"
        )


@pytest.mark.parametrize("name", ["archive.warc.gz", "archive.warc"])
def test_warc_responses_become_documents(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    write_archive(path, compress=name.endswith(".gz"))
    items = collect([path])
    assert rejections(items) == []
    ferry, tram = documents(items)
    assert ferry.source == f"{path} > https://wenlow-echo.example/news/ferry.html"
    assert ferry.article == Article(
        id="wenlow-echo-example-news-ferry",
        text=body_text("ferry"),
        url="https://wenlow-echo.example/news/ferry.html",
        outlet="wenlow-echo.example",
        published="2024-03-09",  # from WARC-Date: the page has none
        language="en",
    )
    assert (ferry.raw, ferry.content_type) == (page("ferry"), "text/html")
    assert tram.source == f"{path} > https://www.fenbridge-post.example/tram"
    assert tram.article.text == story_text("tram")
    assert tram.article.title == "Tram line to Fenbridge opens two months late"
    assert tram.article.outlet == "fenbridge-post.example"
    assert tram.content_type == "text/plain"


def archive_of(names: list[str], *, compress: bool) -> tuple[bytes, list[int]]:
    """A WARC of one response per report, and the offset where each record ends."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    ends = []
    for name in names:
        http_response(writer, f"https://wenlow-echo.example/{name}", page(name), "text/html")
        ends.append(buffer.tell())
    return buffer.getvalue(), ends


CUT_SHORT = "the file ends in the middle of a record"
CUT_HEADERS = "a record's headers are cut short or malformed"


@pytest.mark.parametrize(
    ("name", "cut", "kept", "problem"),
    [
        # a gzip member cut in half: the third record is lost
        ("cut.warc.gz", lambda data, ends: (ends[1] + ends[2]) // 2, 2, CUT_SHORT),
        # a gzip member without its trailer: the third page was whole, the damage is still told
        ("trailer.warc.gz", lambda data, ends: ends[2] - 4, 3, CUT_SHORT),
        # an uncompressed archive cut in the third record's body
        ("cut.warc", lambda data, ends: ends[2] - 200, 2, CUT_SHORT),
        # ... in the third record's WARC headers, where warcio alone would stop without a word
        ("cut-headers.warc", lambda data, ends: ends[1] + 30, 2, CUT_HEADERS),
        # ... right after "Content-Length: "
        (
            "cut-length.warc",
            lambda data, ends: data.index(b"Content-Length: ", ends[1]) + len(b"Content-Length: "),
            2,
            CUT_HEADERS,
        ),
    ],
)
def test_a_damaged_archive_keeps_what_came_before(
    tmp_path: Path, name: str, cut: Callable[[bytes, list[int]], int], kept: int, problem: str
) -> None:
    names = ["ferry", "library", "orchard"]
    data, ends = archive_of(names, compress=name.endswith(".gz"))
    path = tmp_path / name
    path.write_bytes(data[: cut(data, ends)])
    items = collect([path])
    assert [d.article.url for d in documents(items)] == [
        f"https://wenlow-echo.example/{n}" for n in names[:kept]
    ]
    assert items[-1] == Rejection(
        str(path),
        f"the archive is damaged after record {kept} ({problem}); "
        "the pages before it were kept, re-download the archive for the rest",
    )


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        # a text file with the wrong name
        (
            b"Not an archive at all.\n",
            "is not a WARC archive (it does not start with a WARC/1.x record); give a .warc or .warc.gz file",
        ),
        # nothing in it
        (b"", "the archive is empty; give a WARC archive with the pages in it"),
        # gzip magic, then garbage
        (
            b"\x1f\x8b\x08\x00garbage",
            "is not a readable WARC archive (the file ends in the middle of a record); give a .warc or .warc.gz file",
        ),
    ],
)
def test_not_an_archive(tmp_path: Path, data: bytes, reason: str) -> None:
    path = tmp_path / "archive.warc.gz"
    path.write_bytes(data)
    assert collect([path]) == [Rejection(str(path), reason)]


def test_archived_pages_get_the_single_input_checks(tmp_path: Path) -> None:
    path = tmp_path / "big.warc"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=False)
        http_response(
            writer,
            "https://wenlow-echo.example/huge",
            b"<html><body>" + b"<p>Ferry.</p>" * 400 + b"</body></html>",
            "text/html",
        )
        http_response(writer, "https://wenlow-echo.example/blank", b"  \n", "text/plain")
        http_response(writer, "https://wenlow-echo.example/ferry", page("ferry"), "text/html")
    items = collect([path], Settings(max_bytes=3_000))
    assert rejections(items) == [
        (
            f"{path} > https://wenlow-echo.example/huge",
            "is larger than the 3.0 kB limit; raise it with --max-size",
        ),
        (
            f"{path} > https://wenlow-echo.example/blank",
            "the archived page is empty; the crawler saved no body for it",
        ),
    ]
    assert [d.article.id for d in documents(items)] == ["wenlow-echo-example-ferry"]


# --------------------------------------------------------------------------- JSON Lines

FERRY_RECORD = {
    "id": "wire-1",
    "text": story_text("ferry"),
    "url": "https://wenlow-echo.example/news/ferry",
    "title": "Fire halts Wenlow ferry",
    "source": "Wenlow Echo",
    "date": "2024-03-07T21:15:00-05:00",
    "author": "Jo Bright",
}
FRENCH = (
    "Le bac entre Port Wenlow et l'île de Skerry a été suspendu jeudi après un petit incendie dans la salle "
    "des machines, selon l'exploitant. Aucun des quarante-six passagers n'a été blessé."
)

# One line each, numbered from 1; None where the line becomes a Document.
JSONL_LINES: list[tuple[str, str | None]] = [
    # 1: every field, the outlet under its alias "source" and the date under "date"
    (json.dumps(FERRY_RECORD), None),
    # 2: a line cut short
    (
        '{"id": "wire-2", "text": "The ferry',
        "is not valid JSON (Unterminated string starting at: column 26); write one JSON object per line",
    ),
    # 3: metadata but no text
    (
        json.dumps({"id": "wire-3", "title": "Ferry"}),
        'has no text; give the report in a "text" or "html" field',
    ),
    # 4: a blank line is skipped without a word
    ("", None),
    # 5: HTML instead of text; no id, so the id comes from the URL
    (json.dumps({"html": page("library").decode(), "url": "https://ashcombe.example/library"}), None),
    # 6: JSON, but not an object
    ('["wire-6", "text"]', 'is not a JSON object; write one object per line, with a "text" or "html" field'),
    # 7: the text is a number
    (json.dumps({"text": 42}), '"text" is a number, not a string; give it as a JSON string'),
    # 8: a date in words
    (
        json.dumps({"text": story_text("tram"), "published": "7 March"}),
        "published: '7 March' is not a date; write it as YYYY-MM-DD, e.g. 2024-03-05",
    ),
    # 9: not English
    (json.dumps({"text": FRENCH}), "language looks like French (fr), storydiff analyses English only"),
    # 10: only spaces for text
    (json.dumps({"text": "   "}), 'has no text; give the report in a "text" or "html" field'),
    # 11: neither id nor URL: the id is the file's and the line's; an RFC 822 date is read too
    (
        json.dumps({"text": story_text("orchard"), "publisher": "Marrowby Courier", "published": RSS_DATE}),
        None,
    ),
]


def test_jsonl_records(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text("\n".join(line for line, _ in JSONL_LINES) + "\n", encoding="utf-8")
    items = collect([path])
    assert rejections(items) == [
        (f"{path}:{number}", reason)
        for number, (line, reason) in enumerate(JSONL_LINES, start=1)
        if reason is not None
    ]
    ferry, library, orchard = documents(items)
    assert ferry == Document(
        f"{path}:1",
        Article(
            id="wire-1",
            text=story_text("ferry"),
            path=str(path),
            url="https://wenlow-echo.example/news/ferry",
            title="Fire halts Wenlow ferry",  # the record's title wins over the text's headline
            outlet="Wenlow Echo",
            published="2024-03-07",
            author="Jo Bright",
            language="en",
        ),
        raw=None,
        content_type="text/plain",
    )
    assert library.source == f"{path}:5"
    assert library.article.id == "ashcombe-example-library"
    assert library.article.text == body_text("library")
    assert (library.raw, library.content_type) == (page("library"), "text/html")
    assert orchard.source == f"{path}:11"
    assert orchard.article.id == "dump-11"
    assert (orchard.article.outlet, orchard.article.published) == ("Marrowby Courier", "2024-03-07")


def test_jsonl_lines_over_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "dump.ndjson"
    lines = [
        {"id": "a", "text": story_text("ferry")},
        {"id": "b", "text": story_text("tram") * 20},
        {"id": "c", "text": story_text("orchard")},
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    items = collect([path], Settings(max_bytes=2_000))
    assert rejections(items) == [(f"{path}:2", "is larger than the 2.0 kB limit; raise it with --max-size")]
    assert [d.article.id for d in documents(items)] == ["a", "c"]


def test_gzipped_jsonl_and_a_cut_one(tmp_path: Path) -> None:
    data = gzip.compress(
        "".join(json.dumps({"text": story_text(n)}) + "\n" for n in ("ferry", "tram", "orchard")).encode()
    )
    whole, cut = tmp_path / "wire.jsonl.gz", tmp_path / "cut.jsonl.gz"
    whole.write_bytes(data)
    cut.write_bytes(data[: len(data) - 20])
    assert [d.article.id for d in documents(collect([whole]))] == ["wire-1", "wire-2", "wire-3"]
    items = collect([cut])
    assert [d.source for d in documents(items)] == [f"{cut}:1", f"{cut}:2"]
    assert items[-1] == Rejection(
        str(cut),
        "the file is damaged after line 2 (Compressed file ended before the end-of-stream marker was reached); "
        "the lines before it were kept, re-download or re-compress the file",
    )


# --------------------------------------------------------------------------- folders, files, missing paths


def test_a_directory_is_walked_recursively(tmp_path: Path) -> None:
    desk = tmp_path / "desk"
    files = {
        "ferry.txt": story_text("ferry").encode(),
        "zeta/library.md": story_text("library").encode(),
        "march/tram.html": page("tram"),
        "march/wire.jsonl": (json.dumps({"text": story_text("orchard")}) + "\n").encode(),
        ".drafts/secret.txt": story_text("bridge").encode(),  # hidden folder: skipped
        ".notes.txt": story_text("bridge").encode(),  # hidden file: skipped
        "photo.png": b"\x89PNG\r\n\x1a\n",  # not a report: ignored
        "notes.json": b"{}",  # not a kind harvested from folders
    }
    for name, data in files.items():
        (desk / name).parent.mkdir(parents=True, exist_ok=True)
        (desk / name).write_bytes(data)
    (desk / "empty").mkdir()
    items = collect([desk])
    assert rejections(items) == []
    assert [(d.source, d.article.id, d.content_type) for d in documents(items)] == [
        (f"{desk}/ferry.txt", "ferry", "text/plain"),
        (f"{desk}/march/tram.html", "march/tram", "text/html"),
        (f"{desk}/march/wire.jsonl:1", "march/wire-1", "text/plain"),
        (f"{desk}/zeta/library.md", "zeta/library", "text/plain"),
    ]
    ferry = documents(items)[0]
    assert ferry.raw == story_text("ferry").encode()
    assert ferry.article.path == f"{desk}/ferry.txt"


def test_single_files_and_unique_ids(tmp_path: Path) -> None:
    first = tmp_path / "a" / "ferry.txt"
    second = tmp_path / "b" / "ferry.html"
    first.parent.mkdir()
    second.parent.mkdir()
    first.write_text(story_text("ferry"), encoding="utf-8")
    second.write_bytes(page("ferry"))
    again = list(harvest([str(first), str(second)], Settings()))
    assert [d.article.id for d in documents(again)] == ["ferry", "ferry-2"]  # the same on every run
    assert [d.article.id for d in documents(collect([first, second]))] == ["ferry", "ferry-2"]


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        # a typo
        ("{tmp}/nope.jsonl", "no such file or directory; check the path"),
        # a web address without its scheme
        (
            "wenlow-echo.example/feed.xml",
            "no such file or directory; for a web page, start the address with https://",
        ),
        # standard input has no place in a batch harvest
        ("-", "standard input is not harvested; save it to a file and give the file"),
        # nothing
        ("", "an empty name; give a file, a directory, a feed or a URL"),
    ],
)
def test_unusable_specs_are_rejected_and_the_rest_goes_on(tmp_path: Path, spec: str, reason: str) -> None:
    good = tmp_path / "ferry.txt"
    good.write_text(story_text("ferry"), encoding="utf-8")
    spec = spec.format(tmp=tmp_path)
    items = collect([spec, good])
    assert items[0] == Rejection(spec, reason)
    assert [d.article.id for d in documents(items)] == ["ferry"]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        # the single-input checks of sources, with their reasons
        ("empty.txt", b"  \n", "the file is empty; give the text of a news report"),
        (
            "photo.txt",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
            "looks like a binary file (not text or HTML); give a plain-text or HTML copy of the report",
        ),
        (
            "big.txt",
            b"The ferry was suspended. " * 100,
            "is 2.5 kB, over the 2.0 kB limit; raise it with --max-size",
        ),
        # XML that is neither a feed nor a list
        (
            "sitemap.xml",
            b'<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url></urlset>',
            "is XML but neither an RSS/Atom feed nor an OPML list; give a feed or a report",
        ),
    ],
)
def test_unusable_files(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    assert collect([path], Settings(max_bytes=2_000)) == [Rejection(str(path), reason)]


def test_an_empty_directory(tmp_path: Path) -> None:
    items = collect([tmp_path])
    [(spec, reason)] = rejections(items)
    assert spec == str(tmp_path)
    assert reason.startswith("the directory holds no files to harvest (.htm, .html, .jsonl, ")
    assert reason.endswith("); give the files themselves")


def test_a_bad_published_setting_fails_at_once() -> None:
    with pytest.raises(SettingsError, match=r"^'soon' is not a date; write it as YYYY-MM-DD"):
        harvest(["anything"], Settings(published="soon"))
