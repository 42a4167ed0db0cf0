"""The story search benchmark: a generated corpus of many stories, typical searches timed in the database.

:func:`generate_corpus` writes ``N`` synthetic stories (two or three articles
each: invented titles, outlets, short texts and dates) through the store's own
write path (:meth:`Store.add_article`, :meth:`Store.save_stories`), so the
search index is the one an ingest builds. The words are invented syllable
strings drawn with Zipf's law, as real words are: a few occur in every story,
most in a handful; the searches pick words by how many stories they are in.

:func:`run_search_bench` then times what the story page asks the corpus for a
search (the count of matching stories and one page of them), each search
repeated, and reports the median and 95th percentile beside the target of
:data:`SEARCH_TARGET_MS`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
import random
import statistics
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

import numpy as np

from storydiff.corpus.catalog import page_of_stories
from storydiff.corpus.search import COUNTED_EXACTLY, StorySearch
from storydiff.corpus.store import NewArticle, Store, open_store
from storydiff.corpus.stories import ArticleFeatures, story_state
from storydiff.errors import SettingsError
from storydiff.records import Article, Document

__all__ = [
    "DEFAULT_STORIES",
    "SEARCH_FORMATS",
    "SEARCH_TARGET_MS",
    "SearchBenchResult",
    "SearchTiming",
    "generate_corpus",
    "render_search_bench",
    "run_search_bench",
]

# The target: a search of 10^5 stories answers in under 100 ms.
SEARCH_TARGET_MS = 100.0
DEFAULT_STORIES = 100_000
# Each search is timed this many times (after one untimed run that warms the caches).
REPEATS = 15
# The story page's default page size (web.settings.DEFAULT_PAGE_SIZE): the rows a search returns.
PAGE = 50
# Invented vocabulary: this many words, drawn with Zipf's law (exponent 1, as in English text).
VOCABULARY = 30_000
OUTLETS = 300
TITLE_WORDS = (6, 11)
TEXT_WORDS = (40, 70)
# Stories are written to the store this many at a time (one transaction each).
BATCH = 500
SEED = 12

Progress = Callable[[str], None]

_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou")]


@dataclass(frozen=True, slots=True)
class SearchTiming:
    """One search: what was asked, how many stories matched, its times in milliseconds."""

    name: str
    query: str
    matched: int
    times_ms: tuple[float, ...]

    @property
    def median_ms(self) -> float:
        """The median time."""
        return statistics.median(self.times_ms)

    @property
    def p95_ms(self) -> float:
        """The 95th percentile (nearest rank)."""
        ordered = sorted(self.times_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass(frozen=True, slots=True)
class SearchBenchResult:
    """The generated corpus and the timed searches."""

    backend: str
    stories: int
    articles: int
    build_seconds: float
    timings: tuple[SearchTiming, ...]

    @property
    def all_within_target(self) -> bool:
        """Whether every search's 95th percentile is under the target."""
        return all(t.p95_ms < SEARCH_TARGET_MS for t in self.timings)

    def to_dict(self) -> dict[str, object]:
        """The figures as plain data (the JSON output)."""
        return {
            "backend": self.backend,
            "stories": self.stories,
            "articles": self.articles,
            "build_seconds": round(self.build_seconds, 1),
            "target_ms": SEARCH_TARGET_MS,
            "searches": [
                {
                    "name": t.name,
                    "query": t.query,
                    "matched": t.matched,
                    "median_ms": round(t.median_ms, 2),
                    "p95_ms": round(t.p95_ms, 2),
                }
                for t in self.timings
            ],
        }


class _Words:
    """The invented vocabulary, most frequent first, and Zipf draws from it."""

    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        found: dict[str, None] = {}
        while len(found) < VOCABULARY:
            found.setdefault("".join(rng.choices(_SYLLABLES, k=rng.choice((2, 2, 3, 3, 4)))))
        self.words = list(found)
        weights = 1 / np.arange(1, VOCABULARY + 1)
        self._cumulative = np.cumsum(weights) / weights.sum()
        self._draws = np.random.default_rng(seed)
        self._pool: list[str] = []
        self._next = 0

    def draw(self, k: int) -> list[str]:
        """``k`` words drawn by frequency (drawn ahead in large numpy batches: the draw is the slow part)."""
        if self._next + k > len(self._pool):
            picks = np.searchsorted(self._cumulative, self._draws.random(max(k, 1_000_000)))
            self._pool = [self.words[i] for i in np.minimum(picks, VOCABULARY - 1)]
            self._next = 0
        self._next += k
        return self._pool[self._next - k : self._next]


def generate_corpus(store: Store, stories: int, *, progress: Progress | None = None) -> int:
    """Write ``stories`` synthetic stories of two or three articles into ``store``; the number of articles.

    Deterministic (seeded); dates spread over two years, each story's articles
    within a few days, outlets drawn from :data:`OUTLETS` invented names. The
    articles of :data:`BATCH` stories go in through one bulk insert
    (:meth:`Store.add_articles`), the stories through :meth:`Store.save_stories`.
    """
    rng = random.Random(SEED)
    vocabulary = _Words(SEED)
    outlets = [
        " ".join(w.capitalize() for w in rng.sample(vocabulary.words[200:], 2)) for _ in range(OUTLETS)
    ]
    start = dt.date(2024, 1, 1)
    run = store.begin_run(["generated stories for the search benchmark"])
    articles = 0
    for first in range(1, stories + 1, BATCH):
        numbers = range(first, min(first + BATCH, stories + 1))
        batch: list[NewArticle] = []
        dates: list[dt.date] = []
        sizes: list[int] = []
        for n in numbers:
            day = start + dt.timedelta(days=rng.randrange(730))
            sizes.append(rng.choice((2, 2, 3)))
            for member in range(sizes[-1]):
                dates.append(day + dt.timedelta(days=rng.randrange(4)))
                text = " ".join(vocabulary.draw(rng.randint(*TEXT_WORDS))).capitalize() + "."
                article = Article(
                    id="new",
                    text=text,
                    title=" ".join(vocabulary.draw(rng.randint(*TITLE_WORDS))).capitalize(),
                    outlet=rng.choice(outlets),
                    published=dates[-1].isoformat(),
                )
                digest = hashlib.sha256(f"{n}:{member}:{text}".encode()).hexdigest()
                batch.append(NewArticle(Document(source=f"generated:{n}", article=article), digest))
        ids = store.add_articles(run, batch)
        states = []
        at = 0
        for n, size in zip(numbers, sizes, strict=True):
            members = [
                ArticleFeatures(id=str(ids[k]), vector=(1.0, 0.0), entities=(), published=dates[k])
                for k in range(at, at + size)
            ]
            states.append(story_state(f"story-{n}", members))
            at += size
        store.save_stories(states)
        articles += sum(sizes)
        if progress and (numbers[-1] % (BATCH * 20) == 0 or numbers[-1] == stories):
            progress(f"{numbers[-1]:,} of {stories:,} stories written")
    store.finish_run(run, "done")
    return articles


def _searches(store: Store) -> list[tuple[str, StorySearch, int]]:
    """The typical searches: (name, search, offset), words picked by how many stories they are in."""
    vocabulary = _Words(SEED)  # the same words, in the same order of frequency
    w = vocabulary.words
    outlet = store.outlets()[0]
    return [
        ("list, first page", StorySearch(), 0),
        ("most common word", StorySearch.of(w[0]), 0),
        ("common word", StorySearch.of(w[30]), 0),
        ("common word, page 5", StorySearch.of(w[30]), 4 * PAGE),
        ("rare word", StorySearch.of(w[20_000]), 0),
        ("two words", StorySearch.of(f"{w[100]} {w[300]}"), 0),
        ("three words", StorySearch.of(f"{w[10]} {w[200]} {w[1000]}"), 0),
        ("phrase", StorySearch.of(f'"{w[0]} {w[1]}"'), 0),
        ("word start (3 letters)", StorySearch.of(w[30][:3]), 0),
        ("no hit", StorySearch.of("zzqxv"), 0),
        ("word + outlet", StorySearch.of(w[30], outlet=outlet), 0),
        ("word + month", StorySearch.of(w[30], date_from="2024-06-01", date_to="2024-06-30"), 0),
    ]


def _describe(search: StorySearch, offset: int) -> str:
    parts = [" ".join(" ".join(t) if len(t) == 1 else '"' + " ".join(t) + '"' for t in search.terms)]
    if search.outlet:
        parts.append(f"outlet={search.outlet}")
    if search.date_from or search.date_to:
        parts.append(f"{search.date_from}..{search.date_to}")
    if offset:
        parts.append(f"offset={offset}")
    return " ".join(p for p in parts if p) or "(no query)"


def time_searches(store: Store, *, repeats: int = REPEATS) -> tuple[SearchTiming, ...]:
    """Time each typical search as the web app's story list asks the store for it (:func:`page_of_stories`):
    the corpus's count, the matches' (exact up to :data:`COUNTED_EXACTLY` or the page's end; the
    figure shown is exact), one page, and the outlets to filter by."""
    timings = []
    for name, search, offset in _searches(store):
        matched = store.count_stories(search)
        number = offset // PAGE + 1
        page_of_stories(store, search, number, page_size=PAGE)  # warm the caches
        times = []
        for _ in range(repeats):
            began = perf_counter()
            page_of_stories(store, search, number, page_size=PAGE)
            times.append((perf_counter() - began) * 1000)
        timings.append(SearchTiming(name, _describe(search, offset), matched, tuple(times)))
    return tuple(timings)


def run_search_bench(
    stories: int = DEFAULT_STORIES,
    *,
    db: str | None = None,
    repeats: int = REPEATS,
    progress: Progress | None = None,
) -> SearchBenchResult:
    """Generate ``stories`` stories in a new corpus and time the typical searches on it.

    ``db`` is where to build it: a new SQLite file or the URL of an empty
    PostgreSQL database (kept afterwards); without it, a SQLite file in a
    temporary folder, removed afterwards.
    """
    with contextlib.ExitStack() as stack:
        if db is None:
            db = str(
                Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="storydiff-search-"))) / "s.db"
            )
        store = stack.enter_context(open_store(db))
        if store.count_stories():
            raise SettingsError(
                "already holds stories; give a new file or an empty database for the search benchmark",
                input=store.label,
            )
        if progress:
            progress(f"writing {stories:,} generated stories into {store.label} ({store.backend})")
        began = perf_counter()
        articles = generate_corpus(store, stories, progress=progress)
        build = perf_counter() - began
        if store.backend == "postgresql":
            # what autovacuum does some time after a bulk load: the planner's statistics, and the
            # full-text index's pending list merged (SQLite's plans here use neither)
            store.analyze()
        if progress:
            progress(f"wrote them in {build:.0f} s; timing the searches")
        timings = time_searches(store, repeats=repeats)
        return SearchBenchResult(store.backend, stories, articles, build, timings)


def render_search_bench(result: SearchBenchResult, fmt: str = "table") -> str:
    """The figures as a plain table, Markdown or JSON."""
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2) + "\n"
    if fmt not in SEARCH_FORMATS:
        raise SettingsError(f"unknown bench format {fmt!r}; use one of {', '.join(SEARCH_FORMATS)}")
    header = (
        "search",
        "query",
        "stories found",
        "median ms",
        "p95 ms",
        f"target < {SEARCH_TARGET_MS:.0f} ms",
    )
    rows = [
        (
            t.name,
            t.query,
            f"{t.matched:,}",
            f"{t.median_ms:.1f}",
            f"{t.p95_ms:.1f}",
            "yes" if t.p95_ms < SEARCH_TARGET_MS else "NO",
        )
        for t in result.timings
    ]
    title = (
        f"Story search on {result.stories:,} generated stories ({result.articles:,} articles, "
        f"{result.backend}; written in {result.build_seconds:.0f} s): what the story list asks: the "
        f"counts (exact up to {COUNTED_EXACTLY:,}), a page of {PAGE} and the outlets"
    )
    if fmt == "markdown":
        lines = [f"**{title}**", "", "| " + " | ".join(header) + " |", "|---|---|" + "---:|" * 4]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines) + "\n"
    widths = [max(len(c) for c in column) for column in zip(header, *rows, strict=True)]
    lines = [title, ""]
    for row in (header, *rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines) + "\n"


SEARCH_FORMATS: Sequence[str] = ("json", "markdown", "table")
