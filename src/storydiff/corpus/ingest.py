"""Corpus mode: ingest feeds and archives into a database, group them into stories, report on any story.

An ingest runs four stages, each committing as it goes so that a run killed at
any point loses nothing already committed and the next run picks up the rest::

    harvest   harvest.harvest         feeds, OPML, WARC, JSON Lines, folders, URLs -> Document
    store     Store.add_article       one transaction per article; same URL or text -> duplicate;
                                      near-duplicate (MinHash/LSH) -> stored as a copy of its origin
    analyze   Analyzer.map            spaCy parse, claims and clustering features, in partitions,
                                      in this process, in local worker processes or on a Dask cluster;
                                      results written back through the store's one write path
    cluster   StoryClusterer          each new article, in publication order, joins a story or starts
                                      one (a wire copy joins its origin's story)
    report    compare + timeline      every story that changed gets its report made again

:func:`ingest` runs them; :func:`story_report` reads (or makes) one story's
report; :func:`merge_stories` and :func:`split_story` correct the clustering by hand.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import itertools
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, MutableMapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, ProcessPoolExecutor, wait
from contextlib import AbstractContextManager
from dataclasses import dataclass
from multiprocessing import get_context
from time import perf_counter
from typing import Any, Protocol, TypeVar

import numpy as np

from storydiff.analysis.nlp import parse_many
from storydiff.compare import compare_analyses, report_version
from storydiff.compare.context import sentence_vectors
from storydiff.compare.embeddings import Embedder, default_embedder
from storydiff.corpus.dedup import NearDuplicateIndex, content_hash, minhash, minhash_to_bytes, normalize_url
from storydiff.corpus.store import AnalysisResult, Store, StoredArticle
from storydiff.corpus.stories import (
    ClusterSettings,
    StoryClusterer,
    StoryState,
    article_features,
    next_story_id,
    story_state,
)
from storydiff.corpus.timeline import with_timeline
from storydiff.errors import InputError, SettingsError, StorydiffError
from storydiff.inputs.fetch import Fetcher
from storydiff.inputs.harvest import harvest, unexpected_reason
from storydiff.pipeline import analyze_articles
from storydiff.records import Analysis, Article, Document, KnownItem, Origin, Rejection, Report
from storydiff.report.codec import render_json, report_from_dict
from storydiff.settings import Settings

__all__ = [
    "DEEP_MIN_ORIGINS",
    "PARTITION_SIZE",
    "Analyzer",
    "DaskAnalyzer",
    "IngestSummary",
    "LocalAnalyzer",
    "ReportTask",
    "StoryVectors",
    "analyze_partition",
    "build_report",
    "build_story_report",
    "cluster_pending",
    "default_workers",
    "embedding_model",
    "ingest",
    "limit_threads",
    "make_analyzer",
    "merge_stories",
    "partition_size",
    "refresh_reports",
    "report_task",
    "split_story",
    "story_report",
]

T = TypeVar("T")
R = TypeVar("R")

# Articles per analysis task. Large enough that a worker's per-task overhead
# (pickling, one embedding batch) is small against parsing ~30 articles (~6 s
# on one core), small enough that a crash loses little and progress moves.
PARTITION_SIZE = 32
# Several workers share the work by tasks, so a task is also the unit of their
# imbalance: the last one to finish holds the others idle. Each worker is given
# at least this many partitions (smaller ones, down to MIN_PARTITION_SIZE), so
# the wait at the end is a small share of the stage.
TASKS_PER_WORKER = 8
MIN_PARTITION_SIZE = 4
# Partitions handed to each worker at a time: one running, one queued, so a worker
# never waits for the next while memory holds only a few partitions per worker.
IN_FLIGHT_PER_WORKER = 2
# A story report compares at most this many independent reports, the latest
# ones: comparing is quadratic in sentences, and past this a report is a wall.
MAX_REPORT_ORIGINS = 40
# Independent origins (reports that are not reprints of one another) from which a story's
# report is made at ingest: the deep tier. With one origin there is nothing to compare.
DEEP_MIN_ORIGINS = 2

# Called with (stage, done, total, counts) as the ingest advances; total is None when unknown.
Progress = Callable[[str, int, int | None, dict[str, int]], None]


@dataclass(frozen=True, slots=True)
class IngestSummary:
    """What one ingest did: counts, the run id and the stories it touched."""

    run: int
    new: int
    duplicate: int
    rejected: int
    copies: int  # new articles stored as near-duplicates of an earlier one
    analysed: int
    failed: int  # articles whose analysis failed (recorded as rejected)
    stories: tuple[str, ...]  # stories created or changed
    status: str = "done"


# --- analysis back ends ------------------------------------------------------------------


def analyze_partition(
    articles: Sequence[Article], cluster_settings: ClusterSettings | None = None
) -> list[AnalysisResult]:
    """Parse and analyse a partition of stored articles: the analysis task every back end runs.

    Loads the models once per process. One article that fails is returned with
    its error; the others are still analysed.
    """
    docs = list(parse_many(a.text for a in articles))
    errors: dict[str, str] = {}
    analysed = analyze_articles(articles, docs=docs, errors=errors)  # the pipeline's own analysis
    analyses = {a.article.id: a for a in analysed}
    ok = [(a, d) for a, d in zip(articles, docs, strict=True) if a.id not in errors]
    try:
        features = article_features(
            [a for a, _ in ok], default_embedder(), docs=[d for _, d in ok], settings=cluster_settings
        )
    except InputError as exc:
        return [AnalysisResult(int(a.id), error=f"features failed: {exc.message}") for a in articles]
    by_id = {f.id: f for f in features}
    return [
        AnalysisResult(int(a.id), error=errors[a.id])
        if a.id in errors
        else AnalysisResult(int(a.id), analysis=analyses[a.id], features=by_id[a.id])
        for a in articles
    ]


class Analyzer(Protocol):
    """Runs :func:`analyze_partition` over partitions, yielding each result as it completes."""

    workers: int

    def map(self, partitions: Iterable[Sequence[Article]]) -> Iterator[list[AnalysisResult]]:
        """Analyse every partition (read lazily); results come back in completion order."""
        ...

    def run(self, task: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Run any picklable ``task`` over ``items`` on the workers (story reports use it)."""
        ...

    def close(self) -> None:
        """Release the workers."""
        ...


class LocalAnalyzer:
    """Analysis on this machine: in this process (1 worker) or in worker processes (more)."""

    def __init__(self, workers: int = 1, cluster_settings: ClusterSettings | None = None) -> None:
        if workers < 1:
            raise SettingsError(f"--workers must be 1 or more, not {workers}")
        self.workers = workers
        self._settings = cluster_settings
        self._pool: Executor | None = None

    def map(self, partitions: Iterable[Sequence[Article]]) -> Iterator[list[AnalysisResult]]:
        """Analyse every partition, in parallel when there are several workers."""
        return self.run(functools.partial(analyze_partition, cluster_settings=self._settings), partitions)

    def run(self, task: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Run ``task`` on every item (in this process with one worker); results in completion order."""
        pending = iter(items)
        head = list(itertools.islice(pending, 2))
        if self.workers == 1 or len(head) < 2:
            # a single task (a one-article ingest, one changed story) is not worth starting workers for
            yield from map(task, itertools.chain(head, pending))
            return
        pending = itertools.chain(head, pending)
        if self._pool is None:
            # spawn, not fork: torch and tokenizers hold threads that a fork would copy broken
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=get_context("spawn"),
                initializer=limit_threads,
                initargs=(max(1, (os.cpu_count() or 1) // self.workers),),
            )
        pool = self._pool
        running = {
            pool.submit(task, item) for item in itertools.islice(pending, self.workers * IN_FLIGHT_PER_WORKER)
        }
        while running:
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
                for item in itertools.islice(pending, 1):
                    running.add(pool.submit(task, item))

    def close(self) -> None:
        """Stop the worker processes."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None


class DaskAnalyzer:
    """Analysis as a Dask job: each partition a task on a (distributed) cluster.

    ``address`` is a scheduler (``tcp://host:8786``); with ``client`` an already
    connected :class:`distributed.Client` (a local cluster in tests) is used.
    Workers need storydiff installed (the same version) and load the models once each.
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        client: Any = None,
        cluster_settings: ClusterSettings | None = None,
    ) -> None:
        from distributed import Client

        self._own = client is None
        if client is None:
            try:
                client = Client(address, timeout="30s")
            except (OSError, TimeoutError) as exc:
                raise SettingsError(
                    f"cannot reach the Dask scheduler at {address} ({exc}); check the address and that "
                    "`dask scheduler` is running there",
                    stage="analyze",
                ) from None
        self._client = client
        self._settings = cluster_settings
        self.workers = max(1, len(client.scheduler_info().get("workers", {})))

    def map(self, partitions: Iterable[Sequence[Article]]) -> Iterator[list[AnalysisResult]]:
        """Submit partitions (a few per worker at a time) and yield results as the cluster finishes them."""
        return self.run(functools.partial(analyze_partition, cluster_settings=self._settings), partitions)

    def run(self, task: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """Run ``task`` on every item as cluster tasks, a few per worker at a time; completion order."""
        from distributed import as_completed as dask_completed

        pending = iter(items)
        first = [
            self._client.submit(task, item, pure=False)
            for item in itertools.islice(pending, self.workers * IN_FLIGHT_PER_WORKER)
        ]
        completed = dask_completed(first)
        for future in completed:
            yield future.result()
            future.release()
            for item in itertools.islice(pending, 1):
                completed.add(self._client.submit(task, item, pure=False))

    def close(self) -> None:
        """Disconnect (the cluster itself keeps running)."""
        if self._own:
            self._client.close()


def partition_size(articles: int, workers: int) -> int:
    """Articles per analysis task when ``articles`` are shared by ``workers``.

    One worker takes :data:`PARTITION_SIZE`; several take partitions small enough
    that each gets :data:`TASKS_PER_WORKER` of them (never under
    :data:`MIN_PARTITION_SIZE`): 200 articles on 2 workers make 17 tasks (16 of 12, one of 8),
    not 7 of 32 that split 4 to 3.
    """
    if workers <= 1:
        return PARTITION_SIZE
    share = articles // (workers * TASKS_PER_WORKER)
    return min(PARTITION_SIZE, max(MIN_PARTITION_SIZE, share))


def limit_threads(threads: int) -> None:
    """Cap the math libraries' threads in a worker process (its share of the cores).

    onnxruntime, torch and BLAS start one thread per core in every process; N
    workers on N cores would then run N x N threads and lose to one process
    (measured: story reports took 1.7x longer on 2 workers than in 1 process on
    2 cores). The sentence model reads its share from ``$STORYDIFF_THREADS``.
    """
    from storydiff.compare.embeddings import THREADS_ENV

    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS", THREADS_ENV):
        os.environ[name] = str(threads)
    # PyTorch reads OMP_NUM_THREADS when it is imported; one imported already is told directly
    # (importing it here would cost every worker seconds and memory it may never use)
    torch = sys.modules.get("torch")
    if torch is not None:
        torch.set_num_threads(threads)


def default_workers() -> int:
    """Local worker processes by default: one per core."""
    return max(1, os.cpu_count() or 1)


def make_analyzer(
    scheduler: str | None = None, workers: int | None = None, cluster_settings: ClusterSettings | None = None
) -> Analyzer:
    """A Dask analyzer for ``--scheduler``, else local processes (``workers``, default one per core)."""
    if scheduler:
        return DaskAnalyzer(scheduler, cluster_settings=cluster_settings)
    return LocalAnalyzer(workers or default_workers(), cluster_settings)


# --- the ingest --------------------------------------------------------------------------


def ingest(
    specs: Sequence[str],
    store: Store,
    settings: Settings | None = None,
    *,
    analyzer: Analyzer | None = None,
    fetcher: Fetcher | None = None,
    embedder: Embedder | None = None,
    cluster_settings: ClusterSettings | None = None,
    progress: Progress | None = None,
    timings: MutableMapping[str, float] | None = None,
    analysis_lock: AbstractContextManager[Any] | None = None,
) -> IngestSummary:
    """Harvest ``specs`` into ``store``, analyse what is new, cluster it into stories, remake their reports.

    Re-running adds nothing twice. Articles a previous run stored but did not
    analyse or cluster (it was killed) are finished by this one. A bad input is
    recorded as rejected with its reason and the run goes on. ``KeyboardInterrupt``
    marks the run interrupted and is raised again. With ``timings`` (the
    benchmark's hook), the seconds of each stage are added to its entry
    (``harvest``, ``analyze``, ``cluster``, ``report``). ``analysis_lock`` is
    held from the analysis to the end, not while harvesting: the web app's
    lock, so that one slow download does not hold up every other request.
    """
    settings = settings or Settings()
    own_analyzer = analyzer is None
    analyzer = analyzer or LocalAnalyzer(1, cluster_settings)
    run = store.begin_run(specs)
    counts = {"new": 0, "duplicate": 0, "rejected": 0, "copies": 0}
    try:
        clock = _Clock(timings)
        _harvest_into(specs, store, run, settings, fetcher, counts, progress)
        clock.lap("harvest")
        with analysis_lock or contextlib.nullcontext():
            analysed, failed = analyze_pending(store, analyzer, run=run, progress=progress)
            clock.lap("analyze")
            changed = cluster_pending(store, cluster_settings, run=run)
            clock.lap("cluster")
            refresh_reports(store, embedder, analyzer=analyzer, progress=progress)
            clock.lap("report")
    except KeyboardInterrupt:
        store.finish_run(run, "interrupted")
        raise
    except BaseException:
        store.finish_run(run, "failed")
        raise
    finally:
        if own_analyzer:
            analyzer.close()
    store.finish_run(run, "done")
    summary = store.run(run)
    return IngestSummary(
        run=run,
        new=summary.new,
        duplicate=summary.duplicate,
        rejected=summary.rejected,
        copies=counts["copies"],
        analysed=analysed,
        failed=failed,
        stories=tuple(changed),
    )


class _Clock:
    """Adds the seconds since the previous lap to a stage's entry (no-op without a mapping)."""

    def __init__(self, timings: MutableMapping[str, float] | None) -> None:
        self._timings = timings
        self._last = perf_counter()

    def lap(self, stage: str) -> None:
        now = perf_counter()
        if self._timings is not None:
            self._timings[stage] = self._timings.get(stage, 0.0) + now - self._last
        self._last = now


def _harvest_into(
    specs: Sequence[str],
    store: Store,
    run: int,
    settings: Settings,
    fetcher: Fetcher | None,
    counts: dict[str, int],
    progress: Progress | None,
    index: NearDuplicateIndex | None = None,
) -> None:
    """Harvest ``specs`` into ``store`` for ``run``: documents stored, rejections recorded, one at a time.

    ``index`` is the corpus's near-duplicate index, built from the store when
    not given (building it takes a moment: the fuzz tests pass theirs in).
    """
    if index is None:
        index = NearDuplicateIndex.from_stored(store.minhashes())
    items = harvest(
        specs,
        settings,
        fetcher=fetcher,
        feed_cache=store,
        seen_url=lambda url: store.has_url(normalize_url(url)),
    )
    for done, item in enumerate(items, start=1):
        if isinstance(item, Rejection):
            store.reject(run, item.input, item.reason)
            counts["rejected"] += 1
        elif isinstance(item, KnownItem):
            store.count_duplicate(run)
            counts["duplicate"] += 1
        else:
            try:
                _store_document(store, run, item, index, counts)
            except (StorydiffError, Warning):
                raise  # the store failed (a full disk): no fault of this document
            except Exception as exc:
                # a document no check foresaw: recorded like any other unusable input, the run goes on
                store.reject(run, item.source, unexpected_reason(exc))
                counts["rejected"] += 1
        if progress:
            progress("harvest", done, None, counts)


def _store_document(
    store: Store, run: int, document: Document, index: NearDuplicateIndex, counts: dict[str, int]
) -> None:
    article = document.article
    if article.url:
        document = dataclasses.replace(
            document, article=dataclasses.replace(article, url=normalize_url(article.url))
        )
    signature = minhash(article.text)
    origin = index.origin_of(signature)
    stored = store.add_article(
        run,
        document,
        content_hash=content_hash(article.text),
        minhash=minhash_to_bytes(signature) if signature is not None else None,
        origin=origin,
    )
    if stored is None:
        counts["duplicate"] += 1
        return
    counts["new"] += 1
    if origin is not None:
        counts["copies"] += 1
    if signature is not None:
        index.add(stored, signature, origin)


def analyze_pending(
    store: Store, analyzer: Analyzer, *, run: int | None = None, progress: Progress | None = None
) -> tuple[int, int]:
    """Analyse every stored article without an analysis; (analysed, failed).

    Each partition's results are committed as they arrive. A failed article is
    stored with its error (and recorded as rejected in ``run``), so it is not
    tried again on every ingest. With ``run``, only the articles it claims are
    analysed: those another ingest running at the same time claimed (stored, or
    is analysing) are left to it.
    """
    pending = store.claim_pending(run) if run is not None else store.pending_analysis()
    if not pending:
        return 0, 0
    sources: dict[int, str] = {}
    size = partition_size(len(pending), analyzer.workers)

    def partitions() -> Iterator[list[Article]]:
        # read lazily: a feed of 100,000 articles is never in memory at once
        for i in range(0, len(pending), size):
            stored = store.articles(pending[i : i + size])
            sources.update((s.id, s.source) for s in stored)
            yield [s.article for s in stored]

    done = failed = 0
    for results in analyzer.map(partitions()):
        store.save_analyses(results)
        for r in results:
            if r.error is not None:
                failed += 1
                if run is not None:
                    store.reject(run, sources.get(r.article, str(r.article)), r.error)
        done += len(results)
        if progress:
            progress("analyze", done, len(pending), {"failed": failed})
    return done - failed, failed


def cluster_pending(
    store: Store, cluster_settings: ClusterSettings | None = None, *, run: int | None = None
) -> list[str]:
    """Put every analysed, unclustered article into a story, in publication order; the stories changed.

    A near-duplicate joins the story of its origin when that is clustered. With
    ``run``, articles another running ingest claimed are left to it.
    """
    pending = store.unclustered(run)
    if not pending:
        return []
    clusterer = StoryClusterer(cluster_settings, states=store.story_states())
    members = store.memberships()
    origins = {s.id: s.origin for s in store.articles(pending)}
    changed: dict[str, None] = {}
    for features in store.features(pending):
        origin = origins[int(features.id)]
        if origin is not None and origin in members:
            story = clusterer.assign(features, members[origin])
        else:
            story = clusterer.add_features(features)
        members[int(features.id)] = story
        changed[story] = None
    states = {s.id: s for s in clusterer.stories()}
    store.save_stories([states[s] for s in changed])
    return list(changed)


# --- story reports -----------------------------------------------------------------------


def refresh_reports(
    store: Store,
    embedder: Embedder | None = None,
    *,
    analyzer: Analyzer | None = None,
    progress: Progress | None = None,
) -> list[str]:
    """Make again the report of every changed story told by two or more independent origins; their ids.

    The deep tier: a story of one origin (one report and its reprints) has
    nothing to compare, so its report waits until it is asked for
    (:func:`story_report`) or a second origin joins. Each report reads its
    articles' stored sentence embeddings and stores those it had to make, so
    an article is embedded once whatever number of times its story changes.
    With an ``analyzer`` of several workers the reports are made on them (each
    worker loads its own embedder); otherwise here, with ``embedder``.
    """
    stale = store.stale_stories_with(DEEP_MIN_ORIGINS)
    if not stale:
        return []
    model = embedding_model(embedder or default_embedder())
    tasks = (report_task(store, story_id, model) for story_id in stale)
    if analyzer is not None and analyzer.workers > 1:
        made = analyzer.run(build_story_report, tasks)
    else:
        made = (build_story_report(task, embedder) for task in tasks)
    for n, (report, vectors) in enumerate(made, start=1):
        assert report.story is not None
        _save_story_report(store, report, vectors)
        if progress:
            progress("report", n, len(stale), {})
    return stale


@dataclass(frozen=True, slots=True)
class ReportTask:
    """What making a story's report needs, read from the store: it runs anywhere (a worker, a cluster)."""

    story: str
    articles: tuple[Article, ...]  # every member, in publication order
    origins: tuple[Origin, ...]
    analyses: tuple[Analysis, ...]  # one per compared origin
    warnings: tuple[str, ...] = ()
    model: str | None = None  # the embedding model of ``vectors``
    vectors: dict[str, np.ndarray] = dataclasses.field(default_factory=dict)  # stored sentence embeddings


@dataclass(frozen=True, slots=True)
class StoryVectors:
    """Sentence embeddings a story report had to make (article id -> rows), by ``model``: to store."""

    model: str
    made: dict[str, np.ndarray]


def embedding_model(embedder: Embedder) -> str:
    """The name stored sentence embeddings are keyed by: the embedder's ``model_id``, else its class."""
    named = getattr(embedder, "model_id", None)
    return str(named) if named else f"{type(embedder).__module__}.{type(embedder).__qualname__}"


def report_task(store: Store, story_id: str, model: str | None = None) -> ReportTask:
    """Read a story's members, group the copies by origin and pick the reports to compare.

    With ``model``, the compared articles' sentence embeddings stored for that model come along.
    """
    members = store.story_articles(story_id)
    groups: dict[int, list[StoredArticle]] = {}
    for m in members:  # publication order: each group's first member is its earliest
        groups.setdefault(m.origin if m.origin is not None else m.id, []).append(m)
    origins = tuple(
        Origin(
            article=g[0].article.id,
            copies=tuple(m.article.id for m in g[1:]),
            outlets=tuple(dict.fromkeys(m.article.outlet for m in g if m.article.outlet)),
        )
        for g in groups.values()
    )
    representatives = [g[0] for g in groups.values()]
    warnings: tuple[str, ...] = ()
    if len(representatives) > MAX_REPORT_ORIGINS:
        warnings = (
            f"compared the {MAX_REPORT_ORIGINS} latest of {len(representatives)} independent reports",
        )
        representatives = representatives[-MAX_REPORT_ORIGINS:]
    ids = [m.id for m in representatives]
    analyses = tuple(store.analyses(ids))
    vectors = {str(k): v for k, v in store.sentence_vectors(model, ids).items()} if model else {}
    return ReportTask(
        story_id, tuple(m.article for m in members), origins, analyses, warnings, model, vectors
    )


def build_story_report(task: ReportTask, embedder: Embedder | None = None) -> tuple[Report, StoryVectors]:
    """Compare a story's independent reports from their stored embeddings; the report and what it embedded.

    Articles without stored embeddings (or stored by another model than this
    embedder) are embedded here, and returned for the store.
    """
    embedder = embedder or default_embedder()
    model = embedding_model(embedder)
    known = task.vectors if task.model == model else {}
    vectors = sentence_vectors(task.analyses, embedder, known)
    made = {k: v for k, v in vectors.items() if k not in known}
    found = (
        compare_analyses(list(task.analyses), embedder, sentence_vectors=vectors) if task.analyses else None
    )
    report = Report(
        articles=task.articles,
        conflicts=found.conflicts if found else (),
        possible=found.possible if found else (),
        agreements=found.agreements if found else (),
        unique=found.unique if found else (),
        attributions=tuple(at for a in task.analyses for at in a.attributions),
        warnings=task.warnings,
        origins=task.origins,
        story=task.story,
    )
    return with_timeline(report), StoryVectors(model, made)


def build_report(task: ReportTask, embedder: Embedder | None = None) -> Report:
    """Compare a story's independent reports and build its report with updates and timeline."""
    return build_story_report(task, embedder)[0]


def _save_story_report(store: Store, report: Report, vectors: StoryVectors) -> None:
    assert report.story is not None
    if vectors.made:
        store.save_sentence_vectors(vectors.model, {int(k): v for k, v in vectors.made.items()})
    store.save_report(report.story, render_json(report), len(report.conflicts), report_version())


def make_story_report(store: Store, story_id: str, embedder: Embedder | None = None) -> Report:
    """Compare a story's independent reports (one per origin) and build its report with timeline.

    Stored sentence embeddings are read; those made here are stored.
    """
    embedder = embedder or default_embedder()
    report, vectors = build_story_report(report_task(store, story_id, embedding_model(embedder)), embedder)
    if vectors.made:
        store.save_sentence_vectors(vectors.model, {int(k): v for k, v in vectors.made.items()})
    return report


def story_report(store: Store, story_id: str, embedder: Embedder | None = None) -> Report:
    """A story's report: the stored one, or made now (and stored) when the story changed since.

    A report stored by another version of the comparison or another scorer
    (:func:`storydiff.compare.report_version`) is made again too.

    A story of one origin gets its report here, on first request (the ingest
    leaves it: see :func:`refresh_reports`).
    """
    version = report_version()
    stored = store.report(story_id, version)
    if stored is not None:
        return report_from_dict(json.loads(stored))
    report = make_story_report(store, story_id, embedder)
    store.save_report(story_id, render_json(report), len(report.conflicts), version)
    return report


# --- corrections by hand -----------------------------------------------------------------


def merge_stories(store: Store, story_ids: Sequence[str]) -> StoryState:
    """Merge stories into the first one given; its report is made again on next use."""
    if len(set(story_ids)) < 2:
        raise SettingsError("give two or more different story ids to merge")
    rows = [store.story(s) for s in story_ids]  # fails on an unknown id before changing anything
    target = rows[0].id
    ids = [a.id for s in story_ids for a in store.story_articles(s)]
    state = story_state(target, store.features(ids))
    store.save_stories([state], removed=[r.id for r in rows[1:]])
    return state


def split_story(store: Store, story_id: str, article_ids: Sequence[int]) -> tuple[StoryState, StoryState]:
    """Move ``article_ids`` out of ``story_id`` into a new story; (the rest, the new story)."""
    store.story(story_id)
    members = [a.id for a in store.story_articles(story_id)]
    moving = list(dict.fromkeys(article_ids))
    outside = [a for a in moving if a not in members]
    if outside:
        raise SettingsError(
            f"article {outside[0]} is not in {story_id}; see its articles with "
            f"`storydiff stories --format json`"
        )
    staying = [a for a in members if a not in moving]
    if not staying or not moving:
        raise SettingsError(f"a split must leave articles on both sides; {story_id} has {len(members)}")
    new_id = next_story_id(s.id for s in store.story_states())
    rest = story_state(story_id, store.features(staying))
    split = story_state(new_id, store.features(moving))
    store.save_stories([rest, split])
    return rest, split
