"""What the web app does with the library: read the corpus, search stories, compare, ingest a URL.

The JSON API (:mod:`.api`) and the pages (:mod:`.views`) both call these, so a
page and its JSON twin never disagree. They raise storydiff's own errors
(:mod:`storydiff.errors`), which :func:`status_of` maps to HTTP statuses, and
an HTTP 404 for a story or article the corpus does not hold.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Literal

from starlette.exceptions import HTTPException

from storydiff.corpus.search import StorySearch, query_terms
from storydiff.corpus.store import Store, StoredArticle, StoryRow, open_store
from storydiff.errors import (
    InputError,
    InputTooLarge,
    NoArticlesError,
    SettingsError,
    StoreError,
    StorydiffError,
)
from storydiff.inputs.sizes import format_size
from storydiff.records import Article, Rejection, Report
from storydiff.web.settings import WebSettings

if TYPE_CHECKING:
    from storydiff.corpus.ingest import IngestSummary

# The corpus ingest and the pipeline (spaCy, the models), the guarded fetching (httpx) and the
# input readers are imported by the calls that use them: the app starts, and lists stories,
# without loading them (issue 12).

__all__ = [
    "ANALYSIS_LOCK",
    "MAX_SEARCH_TERMS",
    "IngestResult",
    "ResultCache",
    "StoryQuery",
    "Submitted",
    "article_or_404",
    "check_submitted",
    "compare_submitted",
    "corpus",
    "ingest_url",
    "load_submitted",
    "status_of",
    "story_or_404",
    "story_query",
]

# One analysis at a time: spaCy and torch each use every core already, so two
# requests at once would only both be slower (and the models are loaded once).
ANALYSIS_LOCK = threading.Lock()
# At least this many inputs make a comparison.
MIN_INPUTS = 2
# Article ids are 64-bit database keys from 1 (SQLite INTEGER, PostgreSQL BIGINT): a number
# outside them names no article, and the database drivers raise OverflowError on it.
MIN_ARTICLE_ID = 1
MAX_ARTICLE_ID = 2**63 - 1

# Words and phrases of one search: each is one more condition on every story; a query of
# thousands (a pasted article) is refused with a message rather than searched slowly.
MAX_SEARCH_TERMS = 64
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_.-]+")


def status_of(exc: StorydiffError) -> int:
    """The HTTP status of one of storydiff's own errors: 413 too large, 422 unusable input, else 500."""
    if isinstance(exc, InputTooLarge):
        return 413
    if isinstance(exc, InputError | NoArticlesError | SettingsError):
        return 422
    return 500


# --------------------------------------------------------------------------- reading the corpus


@contextlib.contextmanager
def corpus(web: WebSettings) -> Iterator[Store]:
    """The corpus, opened for one request and closed after it.

    A SQLite connection belongs to the thread that opened it, and requests run
    on a pool of threads: each request opens its own (a few milliseconds).
    """
    store = open_store(web.db)
    try:
        yield store
    finally:
        store.close()


def story_or_404(store: Store, story_id: str, *, hint: str) -> tuple[StoryRow, Report]:
    """A story's row and report (made now if the story changed since); HTTP 404 naming ``hint`` if none."""
    try:
        row = store.story(story_id)
    except StoreError:
        raise HTTPException(404, f"there is no story {story_id!r} in this corpus; {hint}") from None
    from storydiff.compare import report_version
    from storydiff.corpus.ingest import story_report

    if row.report_made is not None and row.report_version == report_version():
        return row, story_report(store, story_id)  # the stored report
    with ANALYSIS_LOCK:  # changed since (merged, split): made now, with the models
        return row, story_report(store, story_id)


def article_or_404(store: Store, article_id: int) -> StoredArticle:
    """One stored article; HTTP 404 when the corpus has none by that id (or none could have it)."""
    try:
        if not MIN_ARTICLE_ID <= article_id <= MAX_ARTICLE_ID:
            raise StoreError(f"no article {article_id}")  # the database could not even be asked
        [stored] = store.articles([article_id])
    except StoreError:
        raise HTTPException(
            404, f"there is no article {article_id} in this corpus; GET /api/stories lists every article's id"
        ) from None
    return stored


class ResultCache:
    """The latest comparisons, kept so that their page can offer them as files; the oldest go first.

    Keys are random and unguessable: a result is reachable only from the page
    that showed it.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, Report] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, report: Report) -> str:
        """Keep ``report``; its key."""
        key = secrets.token_urlsafe(16)
        with self._lock:
            self._items[key] = report
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return key

    def get(self, key: str) -> Report | None:
        """The report kept under ``key``; None once it has made room for newer ones."""
        with self._lock:
            return self._items.get(key)


# --------------------------------------------------------------------------- searching stories


@dataclass(frozen=True, slots=True)
class StoryQuery:
    """A search of the story list as a user gave it: words or "quoted phrases", a date range, an outlet."""

    q: str = ""
    date_from: str | None = None
    date_to: str | None = None
    outlet: str | None = None

    @property
    def search(self) -> StorySearch:
        """What the corpus is asked (:meth:`Store.search_stories`)."""
        return StorySearch.of(self.q, date_from=self.date_from, date_to=self.date_to, outlet=self.outlet)

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return bool(self.q or self.date_from or self.date_to or self.outlet)


def story_query(
    q: str | None = None, date_from: str | None = None, date_to: str | None = None, outlet: str | None = None
) -> StoryQuery:
    """A checked :class:`StoryQuery` from request parameters (blank ones are unset).

    Raises :class:`SettingsError` for a date that is not ``YYYY-MM-DD``, a
    range that ends before it starts, or more than :data:`MAX_SEARCH_TERMS`
    words and phrases.
    """
    from storydiff.inputs.sources import iso_date

    dates = []
    for name, value in (("from", date_from), ("to", date_to)):
        value = (value or "").strip()
        try:
            dates.append(iso_date(value) if value else None)
        except ValueError as exc:
            raise SettingsError(f"{name}: {exc}") from None
    first, last = dates
    if first and last and last < first:
        raise SettingsError(f"from {first} is after to {last}; swap the dates")
    q = (q or "").strip()
    terms = len(query_terms(q))
    if terms > MAX_SEARCH_TERMS:
        raise SettingsError(
            f"q: the search has {terms} words and phrases; use at most {MAX_SEARCH_TERMS}, "
            "the most telling ones"
        )
    return StoryQuery(q=q, date_from=first, date_to=last, outlet=(outlet or "").strip() or None)


# --------------------------------------------------------------------------- comparing


@dataclass(frozen=True, slots=True)
class Submitted:
    """One input of a comparison as a user gave it: pasted text, an uploaded file or a URL.

    ``label`` names it in messages ("text 2", "file notes.txt", the URL).
    ``content`` is the text, the file's bytes, or the URL itself.
    """

    kind: Literal["text", "file", "url"]
    label: str
    content: str | bytes
    name: str | None = None  # the uploaded file's name
    full_size: int | None = None  # an upload's size when only its start (past the limit) was read

    @property
    def size(self) -> int:
        """Bytes of the text or file (UTF-8); 0 for a URL, whose size is checked as it downloads."""
        if self.kind == "url":
            return 0
        if self.full_size is not None:
            return self.full_size
        content = self.content
        return len(content) if isinstance(content, bytes) else len(content.encode("utf-8", "surrogatepass"))


def check_submitted(inputs: Sequence[Submitted], web: WebSettings) -> None:
    """Refuse too many inputs, too large ones, too few or a refused URL, before any work is done."""
    if len(inputs) > web.max_texts:
        raise InputTooLarge(
            f"{len(inputs)} texts, files and addresses were given; compare at most {web.max_texts} at a time"
        )
    for item in inputs:
        if item.size > web.max_text_bytes:
            raise InputTooLarge(
                f"is {format_size(item.size)}, over the limit of {format_size(web.max_text_bytes)} per text; "
                "shorten it, or compare it on the command line (storydiff compare --max-size)",
                input=item.label,
            )
    if len(inputs) < MIN_INPUTS:
        raise NoArticlesError(
            f"{len(inputs)} report given; paste or upload at least {MIN_INPUTS} reports, or give their URLs"
        )
    for item in inputs:
        if item.kind == "url":
            from storydiff.web.safefetch import check_url

            # every address is checked before the first is fetched: a refused one costs no download
            check_url(str(item.content), web.policy)


def load_submitted(inputs: Sequence[Submitted], web: WebSettings) -> list[Article]:
    """Read every input into an Article (URLs through the SSRF guard); the first bad one fails the request.

    A web user sees the reason at once and can fix that one input, so nothing
    is silently left out. Raises :class:`InputError` with ``input`` set to the
    input's label.
    """
    from storydiff.inputs.sources import HTML_SUFFIXES, article_from_bytes, article_from_fetch, unique_id

    check_submitted(inputs, web)
    settings = web.fetch_settings()
    articles: list[Article] = []
    used: set[str] = set()
    for n, item in enumerate(inputs, start=1):
        try:
            if item.kind == "url":
                from storydiff.web.safefetch import safe_fetch

                assert isinstance(item.content, str)
                article = article_from_fetch(safe_fetch(item.content, settings, web.policy), settings)
            else:
                name = item.name or f"text-{n}"
                html = True if PurePath(name).suffix.lower() in HTML_SUFFIXES else None
                article = article_from_bytes(
                    item.content,
                    settings,
                    article_id=_article_id(item, n),
                    path=item.name,
                    url=None,
                    html=html,
                )
        except InputError as err:
            err.input = item.label
            raise
        article_id = unique_id(article.id, used)
        used.add(article_id)
        articles.append(article if article_id == article.id else _with_id(article, article_id))
    return articles


def _article_id(item: Submitted, n: int) -> str:
    """A file by its name, a text by its label ("text 2" -> ``text-2``), else by its place."""
    name = PurePath(item.name).stem if item.kind == "file" and item.name else item.label
    return _UNSAFE_ID.sub("-", name).strip("-.") or f"text-{n}"


def _with_id(article: Article, article_id: str) -> Article:
    return dataclasses.replace(article, id=article_id)


def compare_submitted(inputs: Sequence[Submitted], web: WebSettings) -> Report:
    """Read the inputs and compare them, without touching the corpus: the compare page and API."""
    from storydiff.pipeline import compare_articles

    articles = load_submitted(inputs, web)
    with ANALYSIS_LOCK:
        return compare_articles(articles)


# --------------------------------------------------------------------------- ingesting


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What ``POST /api/ingest`` did: the run's summary and the inputs it rejected, with reasons."""

    summary: IngestSummary
    rejected: tuple[Rejection, ...]


def ingest_url(url: str, store: Store, web: WebSettings) -> IngestResult:
    """Ingest one http(s) URL (a page, a feed or an OPML list) into the corpus, every fetch guarded.

    The URL is checked before a run is recorded, so a refused address is an
    error, not a rejected input; what the page or feed leads to is fetched
    through the same guard and, when refused, recorded as rejected like any
    other unusable item. The analysis lock is taken only once the downloads
    are done: a slow site must not hold up every comparison and story page.
    """
    from storydiff.corpus.ingest import ingest
    from storydiff.inputs.fetch import Fetcher
    from storydiff.web.safefetch import check_url, make_safe_client

    check_url(url, web.policy)
    settings = web.fetch_settings()
    with make_safe_client(settings, web.policy) as client, Fetcher(settings, client) as fetcher:
        summary = ingest([url], store, settings, fetcher=fetcher, analysis_lock=ANALYSIS_LOCK)
    rejected = tuple(Rejection(source, reason) for _, source, reason in store.rejections(summary.run))
    return IngestResult(summary, rejected)
