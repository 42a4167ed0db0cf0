"""Harvesting articles for the corpus from feeds, feed lists, web archives, dumps and folders.

:func:`harvest` turns what the user typed into a stream of items, one at a
time, so the caller can commit each as it comes (a crash loses nothing
already yielded):

* :class:`~storydiff.records.Document` - an article with the bytes it was read from;
* :class:`~storydiff.records.KnownItem` - a link the corpus already holds (not fetched);
* :class:`~storydiff.records.Rejection` - an input or item that could not be used, and why.

What a spec is decides how it is read (the suffix first; the first bytes when
the suffix does not tell):

=================  ===========================================================
OPML list          ``.opml`` or XML rooted in ``<opml>``: every ``outline``
                   with an ``xmlUrl`` is a feed, harvested in turn
RSS/Atom feed      XML rooted in ``<rss>``, ``<feed>`` or ``<rdf:RDF>``: each
                   entry's page is fetched and extracted; the entry fills the
                   metadata the page lacks, and stands in for a page that
                   cannot be fetched when it holds a paragraph of text
WARC archive       ``.warc``/``.warc.gz``: each ``response`` record with HTTP
                   200 and an HTML or plain-text body is one article
JSON Lines         ``.jsonl``/``.ndjson`` (``.gz`` too): one object per line
                   with ``text`` or ``html``
directory          walked recursively (sorted, hidden entries skipped) for
                   the report files of :mod:`storydiff.inputs.sources` and the kinds
                   above
file or URL        one article, read as :mod:`storydiff.inputs.sources` reads it; a
                   URL that turns out to be a feed or OPML list is read as one
=================  ===========================================================

Every item goes through the checks of a single input (size limit, binary,
empty, language) with the same reasons. Feeds are fetched conditionally
through a :class:`FeedCache`, so an unchanged feed costs one ``304`` answer.

One bad item never ends a run: whatever goes wrong while one record, entry or
page is turned into an article, even a failure nobody foresaw (a parser's
bug), becomes a :class:`~storydiff.records.Rejection` of that item, and the
items after it are read. Only the caller's own failures (the corpus database
behind ``seen_url`` and the feed cache) and errors that are not about an input
(a language model that cannot load) end the run.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import gzip
import html
import io
import json
import logging
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree
from xml.sax import SAXException

import feedparser
from warcio.archiveiterator import WARCIterator
from warcio.exceptions import ArchiveLoadFailed

from storydiff.errors import InputError, StorydiffError, UnsupportedLanguage
from storydiff.inputs.fetch import Fetcher, FetchResult, format_size, too_large_message
from storydiff.inputs.sources import (
    DIRECTORY_SUFFIXES,
    HTML_CONTENT_TYPES,
    HTML_SUFFIXES,
    Metadata,
    article_from_bytes,
    article_from_fetch,
    check_unicode,
    html_by_type,
    iso_date,
    looks_like_html,
    not_found_message,
    parse_published,
    read_file,
    rfc822_date,
    strip_www,
    unique_id,
    url_id,
    url_problem,
)
from storydiff.records import Document, KnownItem, Rejection
from storydiff.settings import Settings

__all__ = ["FeedCache", "HarvestItem", "MemoryFeedCache", "harvest", "unexpected_reason"]

logger = logging.getLogger(__name__)

HarvestItem = Document | KnownItem | Rejection

# A feed entry's own text stands in for a page that cannot be fetched only when
# it is at least a paragraph: news paragraphs run 200-400 characters, while the
# teasers most feeds carry are one sentence of 80-180 characters, too little to
# compare. Counted on the text without markup.
FALLBACK_MIN_CHARS = 200

# What feed requests ask for: the feed formats first, generic XML next, and
# anything at all last (many servers send feeds as text/xml or text/plain).
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"
)

# The body types of WARC response records harvested as articles. Other text/*
# types in a crawl are stylesheets and scripts, not reports, and are skipped.
WARC_PAGE_TYPES = HTML_CONTENT_TYPES | {"text/plain"}
# Bytes read at a time while skipping the rest of an archive record or an
# over-long line: large enough to be quick, small enough to never matter.
SKIP_CHUNK_BYTES = 65_536
# How much of a file or body is looked at to tell what it is: the XML prolog,
# a doctype and comments fit well within it in any real feed or list.
SNIFF_BYTES = 4096
# The reason for a WARC record whose headers stop half-way (a truncated file) or make no sense.
CUT_HEADERS = "a record's headers are cut short or malformed"
# The longest exception message quoted in the reason for an unforeseen failure: enough to
# recognise it in a bug report, short enough to keep the reason one readable line.
UNEXPECTED_DETAIL_CHARS = 160

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
WARC_SUFFIXES = (".warc", ".warc.gz")
OPML_SUFFIXES = (".opml",)
# JSON Lines fields, by what they become; the first present wins.
JSONL_OUTLET_FIELDS = ("outlet", "source", "publisher")
JSONL_DATE_FIELDS = ("published", "date")

_GZIP_MAGIC = b"\x1f\x8b"
_URL_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
# The first element of an XML document, past the declaration, comments and doctype.
_ROOT_TAG = re.compile(
    rb"^\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<([A-Za-z_][\w:.-]*)", re.DOTALL | re.IGNORECASE
)
# A DOCTYPE with an internal subset ("[ <!ENTITY ...> ]"): after the declaration and comments,
# the only place one can sit. Its entities are never expanded (billion laughs, quadratic blowup).
_INLINE_DTD = re.compile(
    rb"""^\s*(?:<\?.*?\?>\s*|<!--.*?-->\s*)*<!DOCTYPE(?:\s+(?:"[^"]*"|'[^']*'|[^\s"'>\[]+))*\s*\[""",
    re.DOTALL | re.IGNORECASE,
)
INLINE_DTD_REASON = (
    "is XML with an inline DTD (<!DOCTYPE ... [ ... ]>), whose entities storydiff never expands; "
    "remove the DTD from the file, or give the feed as its publisher serves it"
)
# Byte-order marks and the first bytes of "<" in the UTF-16/32 encodings, to read a head as UTF-8.
_WIDE_STARTS = (  # (first bytes, encoding, whether they are a BOM to drop); UTF-32 before UTF-16
    (codecs.BOM_UTF32_LE, "utf-32-le", True),
    (codecs.BOM_UTF32_BE, "utf-32-be", True),
    (codecs.BOM_UTF16_LE, "utf-16-le", True),
    (codecs.BOM_UTF16_BE, "utf-16-be", True),
    (b"<\x00\x00\x00", "utf-32-le", False),
    (b"\x00\x00\x00<", "utf-32-be", False),
    (b"<\x00", "utf-16-le", False),
    (b"\x00<", "utf-16-be", False),
)
_CHARSET = re.compile(r"""charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
# "editor@example.com (Jo Bright)": the RSS 2.0 form of an author, an address with a name.
_EMAIL_WITH_NAME = re.compile(r"^\S+@\S+\s+\((.+)\)$")
_BARE_EMAIL = re.compile(r"^\S+@\S+$")
_TAG = re.compile(r"<[^>]*>?")

Kind = Literal["opml", "feed", "warc", "jsonl", "page", "xml", "dtd"]


class FeedCache(Protocol):
    """Where the validators of fetched feeds are kept between runs (the corpus database implements it).

    ``get`` returns the ``(etag, last_modified)`` stored for a feed URL, or
    None for a feed never fetched; ``put`` stores them after the feed's
    entries were all harvested.
    """

    def get(self, feed_url: str) -> tuple[str | None, str | None] | None:
        """The ``(etag, last_modified)`` of the last harvest of ``feed_url``, or None."""
        ...

    def put(self, feed_url: str, etag: str | None, last_modified: str | None) -> None:
        """Remember the validators of a feed whose entries were all harvested."""
        ...


class MemoryFeedCache:
    """A :class:`FeedCache` in a dict, for tests and one-off runs (forgotten when the process ends)."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple[str | None, str | None]] = {}

    def get(self, feed_url: str) -> tuple[str | None, str | None] | None:
        """The ``(etag, last_modified)`` stored for ``feed_url``, or None."""
        return self._entries.get(feed_url)

    def put(self, feed_url: str, etag: str | None, last_modified: str | None) -> None:
        """Store the validators of ``feed_url``, replacing what was there."""
        self._entries[feed_url] = (etag, last_modified)


def harvest(
    specs: Sequence[str],
    settings: Settings,
    *,
    fetcher: Fetcher | None = None,
    feed_cache: FeedCache | None = None,
    seen_url: Callable[[str], bool] | None = None,
) -> Iterator[HarvestItem]:
    """Read every spec into Documents, KnownItems and Rejections, yielded one at a time.

    ``specs`` are paths (files or directories) and http(s) URLs; see the module
    docstring for what each kind yields. Nothing raises for one bad input: a
    missing path, an unreachable feed, a damaged archive or a bad line becomes
    a :class:`Rejection` naming it (``dump.jsonl:17``, ``feeds.opml > URL``)
    and the rest goes on. Article ids are unique within the run and stable
    across runs of the same specs.

    URLs are fetched with ``fetcher`` (one is made from ``settings`` and closed
    when none is given). Feed URLs are fetched conditionally with the
    validators in ``feed_cache``; a feed answered ``304 Not Modified`` yields
    nothing. ``seen_url(url)`` says whether the corpus already holds an
    article URL: such feed entries (and URL specs) yield a :class:`KnownItem`
    and are not fetched.

    Raises :class:`~storydiff.errors.SettingsError` at once (not at the first
    item) when ``settings.published`` is not a date.
    """
    if settings.published is not None:
        parse_published(settings.published)
    return _Harvester(settings, fetcher, feed_cache, seen_url).run(specs)


# --------------------------------------------------------------------------- the harvester


class _Harvester:
    """The state of one harvest run: the ids given out, the links fetched, the fetcher if it made one."""

    def __init__(
        self,
        settings: Settings,
        fetcher: Fetcher | None,
        feed_cache: FeedCache | None,
        seen_url: Callable[[str], bool] | None,
    ) -> None:
        self.settings = settings
        self.feed_cache = feed_cache
        self.seen_url = seen_url
        self._fetcher = fetcher
        self._own_fetcher = False
        self._used_ids: set[str] = set()
        # Links harvested in this run: a story listed by two feeds is fetched once (a failed one again).
        self._harvested_links: set[str] = set()

    def run(self, specs: Sequence[str]) -> Iterator[HarvestItem]:
        try:
            for spec in specs:
                for item in _guarded(spec, self._spec(spec)):
                    yield self._finished(item)
        except _OutsideFailure as failure:
            raise failure.error from None
        finally:
            if self._own_fetcher and self._fetcher is not None:
                self._fetcher.close()

    def _finished(self, item: HarvestItem) -> HarvestItem:
        """A document checked for what no store takes, with an id unique in the run."""
        if not isinstance(item, Document):
            return item
        problem = _unstorable_field(item)
        if problem is not None:
            return Rejection(item.source, problem)
        article_id = unique_id(item.article.id, self._used_ids)
        self._used_ids.add(article_id)
        if article_id == item.article.id:
            return item
        return dataclasses.replace(item, article=dataclasses.replace(item.article, id=article_id))

    def _fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str | None = None,
    ) -> FetchResult:
        if self._fetcher is None:
            self._fetcher = Fetcher(self.settings)
            self._own_fetcher = True
        return self._fetcher.get(url, etag=etag, last_modified=last_modified, accept=accept)

    def _is_known(self, url: str) -> bool:
        if url in self._harvested_links or self.seen_url is None:
            return url in self._harvested_links
        try:
            return self.seen_url(url)
        except Exception as exc:
            raise _OutsideFailure(exc) from exc

    def _cached_validators(self, url: str) -> tuple[str | None, str | None]:
        """The cached ``(etag, last_modified)`` of ``url``; ``(None, None)`` for a URL never fetched."""
        if self.feed_cache is None:
            return None, None
        try:
            cached = self.feed_cache.get(url)
        except Exception as exc:
            raise _OutsideFailure(exc) from exc
        return cached or (None, None)

    # ----------------------------------------------------------------- specs

    def _spec(self, spec: str) -> Iterator[HarvestItem]:
        if not spec.strip():
            yield Rejection(spec, "an empty name; give a file, a directory, a feed or a URL")
        elif spec == "-":
            yield Rejection(spec, "standard input is not harvested; save it to a file and give the file")
        elif _URL_SCHEME.match(spec):
            yield from self._url(spec)
        else:
            path = Path(spec)
            if not path.exists():
                yield Rejection(spec, not_found_message(spec))
            elif path.is_dir():
                yield from self._directory(spec, path)
            else:
                yield from self._file(spec, path, article_id=_strip_suffixes(path.name))

    def _directory(self, label: str, root: Path) -> Iterator[HarvestItem]:
        files = _directory_files(root)
        if not files:
            suffixes = ", ".join(
                sorted({*DIRECTORY_SUFFIXES, *JSONL_SUFFIXES, *WARC_SUFFIXES, *OPML_SUFFIXES})
            )
            yield Rejection(
                label, f"the directory holds no files to harvest ({suffixes}); give the files themselves"
            )
            return
        for path in files:
            relative = path.relative_to(root)
            article_id = _strip_suffixes(relative.as_posix())
            yield from self._file(str(Path(label) / relative), path, article_id=article_id)

    def _file(self, label: str, path: Path, *, article_id: str) -> Iterator[HarvestItem]:
        # a file name that is not UTF-8 comes with lone surrogates, which no database stores
        label = label.encode("utf-8", "backslashreplace").decode("utf-8")
        if not path.is_file():
            # a named pipe would block the run for ever on its first read; a device could be endless
            yield Rejection(
                label,
                "is not a regular file (a named pipe, device or socket); save its data to a file, give that",
            )
            return
        kind = _kind_by_name(path.name) or _sniff_file(path)
        if kind == "opml":
            yield from self._opml_file(label, path)
        elif kind == "feed":
            yield from self._feed_file(label, path)
        elif kind == "warc":
            yield from self._warc(label, path)
        elif kind == "jsonl":
            yield from self._jsonl(label, path, id_base=article_id)
        elif kind == "xml":
            yield Rejection(
                label, "is XML but neither an RSS/Atom feed nor an OPML list; give a feed or a report"
            )
        elif kind == "dtd":
            yield Rejection(label, INLINE_DTD_REASON)
        else:
            yield self._page_file(label, path, article_id=article_id)

    def _page_file(self, label: str, path: Path, *, article_id: str) -> HarvestItem:
        try:
            data = read_file(path, self.settings)
            html = path.suffix.lower() in HTML_SUFFIXES or looks_like_html(data)
            article = article_from_bytes(
                data, self.settings, article_id=article_id, path=label, url=None, html=html
            )
        except Exception as exc:
            return _rejection(label, exc)
        return Document(label, article, raw=data, content_type="text/html" if html else "text/plain")

    def _url(self, url: str) -> Iterator[HarvestItem]:
        """A URL spec: a page, a feed or an OPML list, told apart by what comes back."""
        if self._is_known(url):
            yield KnownItem(url, url)
            return
        # Only a URL harvested as a feed before has validators: pages are fetched whole.
        etag, modified = self._cached_validators(url)
        try:
            result = self._fetch(url, etag=etag, last_modified=modified)
        except Exception as exc:
            yield _rejection(url, exc)
            return
        if result.not_modified:
            logger.info("%s has not changed since the last harvest", url)
            return
        kind = _sniff(result.content)
        if kind == "dtd":
            yield Rejection(url, INLINE_DTD_REASON)
        elif kind == "opml":
            yield from self._opml(url, result.content, base_url=result.url, base_dir=None)
        elif kind == "feed":
            yield from self._feed(url, result.content, base_url=result.url)
            self._remember_feed(url, result)
        else:
            try:
                article = article_from_fetch(result, self.settings)
            except Exception as exc:
                yield _rejection(url, exc)
                return
            self._harvested_links.add(url)
            yield Document(url, article, raw=result.content, content_type=result.mime or None)

    # ----------------------------------------------------------------- OPML and feeds

    def _opml_file(self, label: str, path: Path) -> Iterator[HarvestItem]:
        try:
            data = read_file(path, self.settings)
        except InputError as err:
            yield Rejection(label, err.message)
            return
        yield from self._opml(label, data, base_url=None, base_dir=path.parent)

    def _opml(
        self, label: str, data: bytes, *, base_url: str | None, base_dir: Path | None
    ) -> Iterator[HarvestItem]:
        if _has_inline_dtd(data):  # ElementTree would expand its entities
            yield Rejection(label, INLINE_DTD_REASON)
            return
        try:
            feeds = _opml_feeds(data, base_url=base_url, base_dir=base_dir)
        except ValueError as exc:
            yield Rejection(label, f"is not a readable OPML list ({exc}); export the subscription list again")
            return
        if not feeds:
            yield Rejection(
                label,
                "the OPML list names no feeds (no outline has an xmlUrl); export the subscription list again",
            )
            return
        for feed in feeds:
            feed_label = f"{label} > {feed}"
            if _URL_SCHEME.match(feed):
                yield from _guarded(feed_label, self._feed_url(feed_label, feed))
            elif Path(feed).is_file():
                yield from _guarded(feed_label, self._feed_file(feed_label, Path(feed)))
            else:
                yield Rejection(
                    feed_label, "the feed is neither a web address nor a file; correct it in the list"
                )

    def _feed_url(self, label: str, url: str) -> Iterator[HarvestItem]:
        etag, modified = self._cached_validators(url)
        try:
            result = self._fetch(url, etag=etag, last_modified=modified, accept=FEED_ACCEPT)
        except Exception as exc:
            rejection = _rejection(label, exc)
            yield Rejection(
                label, _with_fix(rejection.reason, "check the feed's address or drop it from the list")
            )
            return
        if result.not_modified:
            logger.info("feed %s has not changed since the last harvest", url)
            return
        kind = _sniff(result.content)
        if kind == "dtd":
            yield Rejection(label, INLINE_DTD_REASON)
            return
        if kind != "feed":
            sent = f" (the server sent {result.mime})" if result.mime else ""
            yield Rejection(
                label,
                f"is not an RSS or Atom feed{sent}; give the feed's own address, not the site's page",
            )
            return
        yield from self._feed(label, result.content, base_url=result.url)
        self._remember_feed(url, result)

    def _remember_feed(self, url: str, result: FetchResult) -> None:
        # Stored only once every entry was yielded: a run cut short fetches the feed in full next time.
        if self.feed_cache is not None:
            try:
                self.feed_cache.put(url, result.etag, result.last_modified)
            except Exception as exc:
                raise _OutsideFailure(exc) from exc

    def _feed_file(self, label: str, path: Path) -> Iterator[HarvestItem]:
        try:
            data = read_file(path, self.settings)
        except InputError as err:
            yield Rejection(label, err.message)
            return
        yield from self._feed(label, data, base_url=None)

    def _feed(self, label: str, data: bytes, *, base_url: str | None) -> Iterator[HarvestItem]:
        if _has_inline_dtd(data):  # a .rss or .atom file, named as a feed but never sniffed
            yield Rejection(label, INLINE_DTD_REASON)
            return
        try:
            parsed = _parse_feed(data, base_url)
        except ValueError as exc:
            yield Rejection(label, f"is not a readable RSS or Atom feed ({exc}); check the feed's encoding")
            return
        problem = parsed.get("bozo_exception") if parsed.get("bozo") else None
        linked = [entry for entry in parsed.entries if _clean(entry.get("link"))]
        if not parsed.get("version") or (isinstance(problem, SAXException) and not linked):
            detail = f" ({_first_line(problem)})" if problem else ""
            yield Rejection(
                label,
                f"is not a readable RSS or Atom feed{detail}; check that the address is the feed itself",
            )
            return
        if isinstance(problem, SAXException):
            # feedparser's lenient parser read past the error; what it read is used.
            logger.warning(
                "%s is malformed (%s); its entries were read leniently", label, _first_line(problem)
            )
        feed_title = _clean(parsed.feed.get("title"))
        for entry in parsed.entries:
            link = _clean(entry.get("link"))
            if link is None:
                logger.info("skipped an entry without a link in %s: %r", label, entry.get("title"))
                continue
            source = f"{label} > {link}"
            problem = url_problem(link)
            if problem is not None:
                yield Rejection(source, f"the entry's link {problem}; correct the <link> in the feed")
                continue
            if self._is_known(link):
                yield KnownItem(source, link)
                continue
            try:
                item = self._entry(source, link, entry, feed_title)
            except Exception as exc:
                item = _rejection(source, exc)
            if isinstance(item, Document):
                self._harvested_links.add(link)
            yield item

    def _entry(self, source: str, link: str, entry: Any, feed_title: str | None) -> HarvestItem:
        """The page an entry links to; the entry's own text when the page gives no article."""
        metadata = Metadata(
            title=_clean(entry.get("title")),
            outlet=feed_title or strip_www(urlsplit(link).hostname or "") or None,
            published=_entry_date(entry),
            author=_entry_author(entry),
        )
        try:
            result = self._fetch(link)
            article = article_from_fetch(result, self.settings, metadata=metadata)
        except UnsupportedLanguage as err:
            return Rejection(source, err.message)  # the entry is in the same language
        except InputError as err:
            page_reason = err.message
        else:
            return Document(source, article, raw=result.content, content_type=result.mime or None)
        fallback = _entry_text(entry)
        if fallback is None:
            return Rejection(source, f"{page_reason} (the feed entry has no text of its own to use instead)")
        text, raw, content_type = fallback
        if len(text) < FALLBACK_MIN_CHARS:
            return Rejection(source, f"{page_reason} (the feed entry's own text is too short to use instead)")
        logger.info("%s: %s; using the feed entry's text", source, page_reason)
        try:
            article = article_from_bytes(
                text,
                self.settings,
                article_id=url_id(link),
                path=None,
                url=link,
                html=False,
                metadata=metadata,
            )
        except InputError as err:
            return Rejection(source, err.message)
        return Document(source, article, raw=raw.encode("utf-8"), content_type=content_type)

    # ----------------------------------------------------------------- WARC

    def _warc(self, label: str, path: Path) -> Iterator[HarvestItem]:
        try:
            handle = path.open("rb")
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            yield Rejection(label, f"could not read the file: {reason}; check its permissions")
            return
        with handle, contextlib.closing(_ArchiveStream(handle, self._expansion_cap(path))) as stream:
            try:
                start = stream.peek(len(b"WARC/"))
            except _DamagedArchive as exc:
                yield Rejection(
                    label, f"is not a readable WARC archive ({exc}); give a .warc or .warc.gz file"
                )
                return
            if not start:
                yield Rejection(label, "the archive is empty; give a WARC archive with the pages in it")
                return
            if start != b"WARC/":
                yield Rejection(
                    label,
                    "is not a WARC archive (it does not start with a WARC/1.x record); "
                    "give a .warc or .warc.gz file",
                )
                return
            records = _ArchiveRecords(stream, self.settings.max_bytes)
            try:
                for page in records:
                    try:
                        item = self._warc_page(label, page)
                    except Exception as exc:
                        item = _rejection(f"{label} > {page.url}", exc)
                    yield item
            except _ExpandedArchive:
                yield Rejection(
                    label,
                    f"{self._expansion_reason(path, 'web archive')} after record {records.count}; "
                    "the pages before it were kept, check where the file came from",
                )
            except _DamagedArchive as exc:
                where = f"after record {records.count}" if records.count else "at its first record"
                yield Rejection(
                    label,
                    f"the archive is damaged {where} ({exc}); the pages before it were kept, "
                    "re-download the archive for the rest",
                )

    def _warc_page(self, label: str, page: _WarcPage) -> HarvestItem:
        source = f"{label} > {page.url}"
        limit = self.settings.max_bytes
        if len(page.content) > limit:
            return Rejection(source, too_large_message(limit))
        if not page.content.strip():
            return Rejection(source, "the archived page is empty; the crawler saved no body for it")
        problem = url_problem(page.url)
        if problem is not None:
            return Rejection(source, f"the record's WARC-Target-URI {problem}; the crawler wrote it wrong")
        metadata = Metadata(outlet=strip_www(urlsplit(page.url).hostname or "") or None, published=page.date)
        try:
            article = article_from_bytes(
                page.content,
                self.settings,
                article_id=url_id(page.url),
                path=None,
                url=page.url,
                html=html_by_type(page.mime, page.content),
                charset=page.charset,
                metadata=metadata,
            )
        except InputError as err:
            return Rejection(source, err.message)
        return Document(source, article, raw=page.content, content_type=page.mime)

    # ----------------------------------------------------------------- JSON Lines

    def _jsonl(self, label: str, path: Path, *, id_base: str) -> Iterator[HarvestItem]:
        try:
            handle = _open_dump(path)
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            yield Rejection(label, f"could not read the file: {reason}; check its permissions")
            return
        compressed = isinstance(handle, gzip.GzipFile)
        lines = _DumpLines(
            handle, self.settings.max_bytes, cap=self._expansion_cap(path) if compressed else None
        )
        with handle:
            try:
                for lineno, line in lines:
                    if line is None:
                        yield Rejection(f"{label}:{lineno}", too_large_message(self.settings.max_bytes))
                    elif line.strip():
                        source = f"{label}:{lineno}"
                        try:
                            item = self._jsonl_record(
                                source, line, label=label, id_base=f"{id_base}-{lineno}"
                            )
                        except Exception as exc:
                            item = _rejection(source, exc)
                        yield item
            except _Expanded:
                yield Rejection(
                    label,
                    f"{self._expansion_reason(path, 'news dump')} after line {lines.lineno}; the lines "
                    "before it were kept, check where the file came from or unpack it and give the .jsonl",
                )
            except (OSError, EOFError, zlib.error) as exc:
                where = f"after line {lines.lineno}" if lines.lineno else "at its start"
                yield Rejection(
                    label,
                    f"the file is damaged {where} ({exc}); the lines before it were kept, "
                    "re-download or re-compress the file",
                )

    def _expansion_reason(self, path: Path, kind: str) -> str:
        size = path.stat().st_size
        return (
            f"unpacks to more than {format_size(self._expansion_cap(path))} from {format_size(size)} "
            f"(over {self.settings.max_expansion:g} times its size: no {kind} compresses that well)"
        )

    def _expansion_cap(self, path: Path) -> int:
        """The most bytes the gzip file at ``path`` may unpack to (see ``Settings.max_expansion``)."""
        return max(self.settings.max_bytes, int(self.settings.max_expansion * path.stat().st_size))

    def _jsonl_record(self, source: str, line: bytes, *, label: str, id_base: str) -> HarvestItem:
        try:
            record = json.loads(line.rstrip(b"\r\n"))
        except UnicodeDecodeError:
            return Rejection(source, "is not UTF-8 text; save the file as UTF-8")
        except json.JSONDecodeError as exc:
            return Rejection(
                source, f"is not valid JSON ({exc.msg}: column {exc.colno}); write one JSON object per line"
            )
        except RecursionError:
            return Rejection(
                source, "nests arrays or objects too deeply to read; write one flat object per line"
            )
        except ValueError as exc:  # a number of more than 4,300 digits
            return Rejection(
                source, f"is not usable JSON ({_first_line(exc)}); write one JSON object per line"
            )
        if not isinstance(record, dict):
            return Rejection(
                source, 'is not a JSON object; write one object per line, with a "text" or "html" field'
            )
        try:
            fields = _JsonlFields.of(record)
        except ValueError as exc:
            return Rejection(source, str(exc))
        if fields.text is None and fields.html is None:
            return Rejection(source, 'has no text; give the report in a "text" or "html" field')
        metadata = Metadata(
            title=fields.title, outlet=fields.outlet, published=fields.published, author=fields.author
        )
        body = fields.text if fields.text is not None else fields.html
        assert body is not None
        article_id = fields.id or (url_id(fields.url) if fields.url else id_base)
        try:
            article = article_from_bytes(
                body,
                self.settings,
                article_id=article_id,
                path=label,
                url=fields.url,
                html=fields.text is None,
                metadata=metadata,
            )
        except InputError as err:
            return Rejection(source, err.message)
        # The record's own fields are what its producer stated: they win over what was read from the text.
        article = dataclasses.replace(
            article,
            title=fields.title or article.title,
            outlet=fields.outlet or article.outlet,
            published=fields.published or article.published,
            author=fields.author or article.author,
        )
        if fields.html is None:
            return Document(source, article, raw=None, content_type="text/plain")
        return Document(source, article, raw=fields.html.encode("utf-8"), content_type="text/html")


# --------------------------------------------------------------------------- failures of one item


class _OutsideFailure(Exception):
    """A failure of the caller's own callbacks (``seen_url``, the feed cache): not any item's fault.

    The guards let it through, and :meth:`_Harvester.run` raises the original
    error, so a database that fails ends the run instead of rejecting every item.
    """

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _rejection(source: str, exc: Exception) -> Rejection:
    """The Rejection of one item that raised ``exc``; raises again what is not about the item.

    An :class:`InputError` gives its own reason. Any other exception, one a
    parser was never expected to raise, is recorded with its type and message
    (the traceback goes to the debug log) so the run goes on and the user can
    report it. storydiff's other errors (a language model that cannot load) and
    the caller's failures are no fault of the item and end the run; so does a
    warning turned into an error (``-W error``, as the tests run).
    """
    if isinstance(exc, InputError):
        return Rejection(source, exc.message)
    if isinstance(exc, _OutsideFailure | StorydiffError | Warning):
        raise exc  # a Warning is raised only where warnings are errors: the test suite
    logger.debug("unexpected failure reading %s", source, exc_info=exc)
    return Rejection(source, unexpected_reason(exc))


def unexpected_reason(exc: BaseException) -> str:
    """The one-line reason recorded for an item that failed in a way storydiff did not foresee."""
    detail = _first_line(exc).encode("utf-8", "backslashreplace").decode("utf-8")
    if len(detail) > UNEXPECTED_DETAIL_CHARS:
        detail = detail[: UNEXPECTED_DETAIL_CHARS - 1] + "…"
    return (
        f"could not be read ({type(exc).__name__}: {detail}); the other items were read, "
        "please report this input to storydiff's developers"
    )


def _guarded(label: str, items: Iterator[HarvestItem]) -> Iterator[HarvestItem]:
    """``items``, and a Rejection of ``label`` if reading them fails unexpectedly part-way.

    The items before the failure are kept; the reason says reading stopped there.
    """
    count = 0
    try:
        for item in items:
            count += 1
            yield item
    except Exception as exc:
        rejection = _rejection(label, exc)
        where = f"after {count} items" if count else "before its first item"
        yield Rejection(label, f"reading stopped {where}: {rejection.reason}")


def _unstorable_field(document: Document) -> str | None:
    """Why a document cannot be stored as it is (a lone surrogate or a NUL in a field), or None.

    Text from a parser's odd corner (a character reference to U+D800 in a
    feed's title) can carry either; no database stores the first, PostgreSQL
    not the second.
    """
    article = document.article
    fields = {
        "text": article.text,
        "title": article.title,
        "outlet": article.outlet,
        "author": article.author,
        "url": article.url,
        "published": article.published,
    }
    for name, value in fields.items():
        if value is None:
            continue
        if "\x00" in value:
            return f"the {name} holds a NUL character, which is not text; fix the source"
        try:
            check_unicode(value, f"the {name}")
        except InputError as err:
            return err.message
    problem = url_problem(article.url) if article.url is not None else None
    return f"the url {problem}; give the address the report was published at" if problem else None


# --------------------------------------------------------------------------- telling kinds apart


def _kind_by_name(name: str) -> Kind | None:
    lowered = name.lower()
    if lowered.endswith(OPML_SUFFIXES):
        return "opml"
    if lowered.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if lowered.endswith(WARC_SUFFIXES):
        return "warc"
    if Path(lowered).suffix in DIRECTORY_SUFFIXES:
        return "page"
    return None


def _sniff_file(path: Path) -> Kind:
    """What a file with an unhelpful name holds, by its first bytes.

    An unreadable file is taken for a page: reading it then says what is wrong.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
        if head.startswith(_GZIP_MAGIC):
            with gzip.open(path, "rb") as unzipped:
                inner = unzipped.read(SNIFF_BYTES)
            if inner.startswith(b"WARC/"):
                return "warc"
            return "jsonl" if inner.lstrip().startswith(b"{") else "page"
    except (OSError, EOFError, zlib.error):
        return "page"
    if head.startswith(b"WARC/"):
        return "warc"
    return _sniff(head)


def _sniff(data: bytes) -> Kind:
    """A feed, an OPML list, other XML, XML with an inline DTD or a page, from the prolog of ``data``."""
    head = _xml_head(data)
    if _INLINE_DTD.match(head):
        return "dtd"
    match = _ROOT_TAG.match(head)
    if match is None:
        return "page"
    root = match.group(1).decode("ascii", "replace").lower()
    local = root.rsplit(":", 1)[-1]
    if local == "opml":
        return "opml"
    if local in ("rss", "feed", "rdf"):
        return "feed"
    if local == "html" or not head.lstrip().startswith(b"<?xml"):
        return "page"  # an HTML page, or text that happens to open with a tag
    return "xml"


def _xml_head(data: bytes) -> bytes:
    """The first bytes of ``data`` as UTF-8 (from UTF-16 or UTF-32 when they are), without a BOM."""
    head = data[:SNIFF_BYTES]
    for start, encoding, bom in _WIDE_STARTS:
        if head.startswith(start):
            return head[len(start) if bom else 0 :].decode(encoding, "ignore").encode("utf-8")
    return head.removeprefix(codecs.BOM_UTF8)


def _has_inline_dtd(data: bytes) -> bool:
    """Whether an XML document declares an internal DTD subset (entities storydiff will not expand)."""
    return _INLINE_DTD.match(_xml_head(data)) is not None


def _directory_files(root: Path) -> list[Path]:
    """Files to harvest under ``root``: sorted by relative path, hidden files and folders skipped."""
    found: list[Path] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in names:
            if not name.startswith(".") and _kind_by_name(name) is not None:
                found.append(Path(folder) / name)
    return sorted(found, key=lambda path: path.relative_to(root).parts)


def _strip_suffixes(relative: str) -> str:
    """``march/bridge.txt`` -> ``march/bridge``; ``dumps/wire.jsonl.gz`` -> ``dumps/wire``."""
    lowered = relative.lower()
    for suffix in (*JSONL_SUFFIXES, *WARC_SUFFIXES):
        if lowered.endswith(suffix):
            return relative[: -len(suffix)]
    return relative[: -len(Path(relative).suffix)] if Path(relative).suffix else relative


def _with_fix(reason: str, fix: str) -> str:
    """``reason`` with ``fix`` after it, unless the reason already says how to fix it (after a ``;``)."""
    return reason if ";" in reason else f"{reason}; {fix}"


def _clean(value: object) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    return text or None


# --------------------------------------------------------------------------- OPML and feed entries


def _opml_feeds(data: bytes, *, base_url: str | None, base_dir: Path | None) -> list[str]:
    """The feed addresses of an OPML list, in order, each once; ValueError when it is not OPML."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise ValueError(str(exc)) from None
    if root.tag.lower() != "opml":
        raise ValueError(f"its root element is <{root.tag}>, not <opml>")
    feeds: dict[str, None] = {}
    for outline in root.iter("outline"):
        value = next((v.strip() for k, v in outline.attrib.items() if k.lower() == "xmlurl"), "")
        if not value:
            continue
        if _URL_SCHEME.match(value):
            feeds[value] = None
        elif base_url is not None:
            feeds[urljoin(base_url, value)] = None
        elif base_dir is not None:
            feeds[str(base_dir / value)] = None  # a feed saved beside the list
    return list(feeds)


# Character references feedparser turns into characters with chr(): one past U+10FFFF, a
# surrogate or NUL makes chr() or the UTF-8 encoding after it fail, losing the whole feed.
_BAD_CHARREF = re.compile(rb"&#(?:[xX]0*([0-9a-fA-F]{1,16})|0*([0-9]{1,20}));")
_REPLACEMENT_CHARREF = b"&#xFFFD;"


def _parse_feed(data: bytes, base_url: str | None) -> Any:
    """feedparser's reading of a feed; ValueError when it cannot be read at all.

    References to characters that do not exist are replaced by U+FFFD first.
    """
    headers = {"content-location": base_url} if base_url else {}
    try:
        return feedparser.parse(_BAD_CHARREF.sub(_charref_or_replacement, data), response_headers=headers)
    except (UnicodeError, LookupError) as exc:
        raise ValueError(f"its declared encoding cannot decode it: {_first_line(exc)}") from None
    except Exception as exc:
        raise ValueError(f"{type(exc).__name__}: {_first_line(exc)}") from None


def _charref_or_replacement(match: re.Match[bytes]) -> bytes:
    hex_digits, decimal = match.groups()
    code = int(hex_digits, 16) if hex_digits else int(decimal)
    if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return _REPLACEMENT_CHARREF
    return match.group()


def _entry_date(entry: Any) -> str | None:
    """The day an entry was published, as the feed wrote it (its own time zone, not UTC)."""
    for key in ("published", "updated", "created"):
        # dict.get: feedparser's own get() maps "updated" to "published" with a DeprecationWarning
        value = _clean(dict.get(entry, key))
        if value is None:
            continue
        try:
            return rfc822_date(value)  # RSS: RFC 822 dates
        except ValueError:
            pass
        try:
            return iso_date(value)  # Atom: RFC 3339 timestamps
        except ValueError:
            pass
        parsed = dict.get(entry, f"{key}_parsed")  # feedparser's reading of other forms, in UTC
        if parsed is not None and 1 <= parsed.tm_year <= 9999:
            return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}"
    return None


def _entry_author(entry: Any) -> str | None:
    author = _clean(entry.get("author"))
    if author is None:
        return None
    match = _EMAIL_WITH_NAME.match(author)
    if match:
        return match.group(1).strip()
    return None if _BARE_EMAIL.match(author) else author


def _entry_text(entry: Any) -> tuple[str, str, str] | None:
    """An entry's longest own text (full content or summary): plain text, the raw value, its type."""
    candidates = [*entry.get("content", []), entry.get("summary_detail")]
    values = [c for c in candidates if c and _clean(c.get("value"))]
    if not values:
        return None
    best = max(values, key=lambda c: len(c["value"]))
    raw: str = best["value"]
    content_type = (best.get("type") or "text/html").lower()
    text = _fragment_text(raw) if content_type in HTML_CONTENT_TYPES else raw.strip()
    return text, raw, content_type


class _TextOfFragment(HTMLParser):
    """The text of an HTML fragment, a line per block element (paragraph, heading, list item)."""

    BLOCKS = frozenset({"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"})
    SKIPPED = frozenset({"script", "style"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        """A ``<![...`` section; one that is not (``<![ x``, which Python 3.11 asserts on) is text."""
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.handle_data("<![")
            return i + len("<![")


def _fragment_text(fragment: str) -> str:
    parser = _TextOfFragment()
    try:
        parser.feed(fragment)
        parser.close()
    except AssertionError:
        # HTMLParser's last resort on markup it cannot place; the fragment's text with the tags dropped.
        parser.parts = [html.unescape(_TAG.sub("\n", fragment))]
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


# --------------------------------------------------------------------------- WARC


class _DamagedArchive(Exception):
    """An archive cannot be read past this point; the message says what is wrong."""


class _ExpandedArchive(_DamagedArchive):
    """A compressed archive unpacks to more than its cap (``Settings.max_expansion``)."""


@dataclass(frozen=True, slots=True)
class _WarcPage:
    """The body of one harvestable response record (cut at one byte past the size limit)."""

    url: str
    date: str | None
    content: bytes
    mime: str
    charset: str | None


class _ArchiveStream:
    """A WARC file's bytes, un-gzipped when compressed, with every read failure as _DamagedArchive.

    warcio takes a cut gzip member or a cut record for the end of the archive
    and stops without a word; reading the file through Python's gzip module,
    which raises on both, and counting the bytes handed out lets the damage be
    reported instead of pages silently going missing.
    """

    def __init__(self, handle: io.BufferedIOBase, cap: int | None = None) -> None:
        magic = handle.read(len(_GZIP_MAGIC))
        handle.seek(0)
        self._stream: io.BufferedIOBase = (
            gzip.GzipFile(fileobj=handle, mode="rb") if magic == _GZIP_MAGIC else handle
        )
        self._head = b""
        self._damage: _DamagedArchive | None = None
        self.position = 0  # bytes handed out so far
        self.cap = cap if magic == _GZIP_MAGIC else None  # the most bytes it may unpack to
        self._unpacked = 0

    def peek(self, size: int) -> bytes:
        """The first ``size`` bytes, read again by the next :meth:`read`."""
        if len(self._head) < size:
            self._head += self._read(size - len(self._head))
        return self._head[:size]

    def tell(self) -> int:
        """Bytes handed out so far: warcio reckons record offsets with it."""
        return self.position

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes (all that is left for a negative size), the peeked ones first."""
        if not self._head:
            data = self._read(size)
        elif 0 <= size < len(self._head):
            data, self._head = self._head[:size], self._head[size:]
        else:
            data, self._head = self._head, b""
        self.position += len(data)
        return data

    def close(self) -> None:
        """Close the decompressor (the file itself belongs to the caller)."""
        if isinstance(self._stream, gzip.GzipFile):
            self._stream.close()

    def _read(self, size: int) -> bytes:
        """Up to ``size`` bytes: those before a damaged spot first, the error on the read after."""
        if self._damage is not None:
            raise self._damage
        wanted = size if size >= 0 else sys.maxsize
        parts: list[bytes] = []
        got = 0
        while got < wanted:
            try:
                # read1: one step at a time, so what decompressed before the damage is not lost with it.
                chunk = self._stream.read1(min(wanted - got, SKIP_CHUNK_BYTES))
            except EOFError:
                self._damage = _DamagedArchive("the file ends in the middle of a record")
                break
            except (OSError, zlib.error) as exc:
                self._damage = _DamagedArchive(str(exc) or type(exc).__name__)
                break
            if not chunk:
                break
            self._unpacked += len(chunk)
            if self.cap is not None and self._unpacked > self.cap:
                self._damage = _ExpandedArchive("unpacks to more than its cap")
                break
            parts.append(chunk)
            got += len(chunk)
        if not parts and self._damage is not None:
            raise self._damage
        return b"".join(parts)


class _ArchiveRecords:
    """The harvestable pages of a WARC stream; raises _DamagedArchive where the archive stops making sense."""

    def __init__(self, stream: _ArchiveStream, max_bytes: int) -> None:
        self.stream = stream
        self.max_bytes = max_bytes
        self.count = 0  # records read whole, of every type

    def __iter__(self) -> Iterator[_WarcPage]:
        records = WARCIterator(self.stream)  # WARC only: warcio would read garbage as an old ARC file
        while True:
            try:
                record = next(records)
                page = self._page(record)
            except StopIteration:
                break
            except _DamagedArchive:
                raise
            except ArchiveLoadFailed as exc:
                raise _DamagedArchive(_first_line(exc)) from None
            except Exception:
                # warcio trips over a header cut in half with assorted built-in errors
                # (AttributeError on a missing value, ValueError on a bad number).
                raise _DamagedArchive(CUT_HEADERS) from None
            self.count += 1
            if page is not None:
                yield page
        # warcio stops at bytes it cannot parse as if the archive ended there.
        if self.stream.position > records.offset:
            raise _DamagedArchive("the file ends in the middle of a record")

    def _page(self, record: Any) -> _WarcPage | None:
        if not (record.rec_headers.get_header("Content-Length") or "").strip().isdigit():
            # Headers cut off by the end of a truncated file look the same; for a cut
            # gzip member reading on raises, and says so more plainly.
            while self.stream.read(SKIP_CHUNK_BYTES):
                pass
            raise _DamagedArchive(CUT_HEADERS)
        page = None
        http = record.http_headers
        if record.rec_type == "response" and http is not None and http.get_statuscode() == "200":
            content_type = http.get_header("Content-Type") or ""
            mime = content_type.split(";")[0].strip().lower()
            if mime in WARC_PAGE_TYPES:
                match = _CHARSET.search(content_type)
                date = record.rec_headers.get_header("WARC-Date")
                page = _WarcPage(
                    url=record.rec_headers.get_header("WARC-Target-URI") or "",
                    date=date,
                    content=record.content_stream().read(self.max_bytes + 1),
                    mime=mime,
                    charset=match.group(1) if match else None,
                )
        while record.raw_stream.read(SKIP_CHUNK_BYTES):
            pass
        if getattr(record.raw_stream, "limit", 0) > 0:
            raise _DamagedArchive("the file ends in the middle of a record")
        return page


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.split("\n", 1)[0].strip() or type(exc).__name__


# --------------------------------------------------------------------------- JSON Lines


def _open_dump(path: Path) -> io.BufferedIOBase:
    """A JSON Lines file opened for reading bytes, un-gzipped on the fly when its first bytes are gzip."""
    with path.open("rb") as probe:
        magic = probe.read(len(_GZIP_MAGIC))
    return gzip.open(path, "rb") if magic == _GZIP_MAGIC else path.open("rb")


class _Expanded(Exception):
    """A compressed file unpacks to more than its cap (``Settings.max_expansion``)."""


class _DumpLines:
    """The non-blank lines of a JSON Lines file as ``(number, line)``, numbered from 1.

    A line over ``limit`` bytes comes as ``(number, None)`` and is skipped, never
    held in memory whole. Runs of blank lines cost next to nothing (a block of
    whitespace is counted, not split). Past ``cap`` bytes read (unpacked)
    :class:`_Expanded` is raised. ``lineno`` is the number of the last line read
    whole, for messages about damage after it.
    """

    def __init__(self, handle: io.BufferedIOBase, limit: int, *, cap: int | None) -> None:
        self.handle = handle
        self.limit = limit
        self.cap = cap
        self.lineno = 0
        self.read = 0

    def __iter__(self) -> Iterator[tuple[int, bytes | None]]:
        pending = bytearray()  # the start of a line not ended yet
        overlong = False  # the pending line passed the limit: its bytes are dropped
        while True:
            block = self._block()
            if not block:
                break
            if not pending and not overlong and block.isspace():
                self.lineno += block.count(b"\n")
                continue
            *ended, rest = block.split(b"\n")
            for piece in ended:
                self.lineno += 1
                if overlong or len(pending) + len(piece.rstrip(b"\r")) > self.limit:
                    yield self.lineno, None
                elif pending:
                    line = bytes(pending) + piece
                    if line.strip():
                        yield self.lineno, line
                elif piece.strip():
                    yield self.lineno, piece
                pending.clear()
                overlong = False
            if not overlong:
                pending += rest
                if len(pending) > self.limit + 1:  # +1: a "\r" before the "\n" still to come
                    overlong = True
                    pending.clear()
        if pending or overlong:
            self.lineno += 1
            if overlong or len(pending.rstrip(b"\r")) > self.limit:
                yield self.lineno, None
            elif pending.strip():
                yield self.lineno, bytes(pending)

    def _block(self) -> bytes:
        # read1: one step of the decompressor, so the lines before a damaged spot are not lost with it
        block = self.handle.read1(SKIP_CHUNK_BYTES)
        self.read += len(block)
        if self.cap is not None and self.read > self.cap:
            raise _Expanded
        return block


@dataclass(frozen=True, slots=True)
class _JsonlFields:
    """The fields of one JSON Lines record that storydiff reads."""

    id: str | None
    text: str | None
    html: str | None
    url: str | None
    title: str | None
    outlet: str | None
    published: str | None
    author: str | None

    @classmethod
    def of(cls, record: dict[str, Any]) -> _JsonlFields:
        """Read the fields; ValueError with the reason a user can act on for a field of the wrong type."""
        raw_id = record.get("id")
        if raw_id is not None and (isinstance(raw_id, bool) or not isinstance(raw_id, str | int)):
            raise ValueError(f'"id" is {_json_type(raw_id)}; give each record a string or a number as its id')
        published = None
        for name in JSONL_DATE_FIELDS:
            value = _string_field(record, name)
            if value is not None:
                published = _record_date(name, value)
                break
        url = _clean(_string_field(record, "url"))
        problem = url_problem(url) if url is not None else None
        if problem is not None:
            raise ValueError(f'"url": {problem}; give the address the report was published at')
        if isinstance(raw_id, str):
            _string_field(record, "id")  # the same checks as any other text field
        return cls(
            id=_clean(str(raw_id)) if raw_id is not None else None,
            text=_string_field(record, "text"),  # as given: offsets will point into it
            html=_string_field(record, "html"),
            url=url,
            title=_clean(_string_field(record, "title")),
            outlet=next((_clean(v) for n in JSONL_OUTLET_FIELDS if (v := _string_field(record, n))), None),
            published=published,
            author=_clean(_string_field(record, "author")),
        )


def _string_field(record: dict[str, Any], name: str) -> str | None:
    """A field's string as given, None when absent or blank; ValueError when it is not a string."""
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f'"{name}" is {_json_type(value)}, not a string; give it as a JSON string')
    try:
        check_unicode(value, f'"{name}"')
    except InputError as err:
        raise ValueError(err.message) from None
    return value if value.strip() else None


def _json_type(value: object) -> str:
    """What a JSON value is, in JSON's words: ``a number``, ``a list``, ``an object``."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "a list" if isinstance(value, list) else "an object"


def _record_date(name: str, value: str) -> str:
    """A record's date as ``YYYY-MM-DD`` from ISO 8601 or RFC 822; ValueError saying the form wanted."""
    try:
        return rfc822_date(value)
    except ValueError:
        pass
    try:
        return iso_date(value)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
