"""The corpus benchmark: ingest throughput with 1 and 2 workers, and story clustering through the corpus.

:func:`run_ingest_bench` builds a JSON Lines dump of at least
:data:`MIN_INGEST_ARTICLES` articles from the evaluation data (the story-clustering
sets, topped up with PolNeAR's texts), ingests it into a fresh SQLite corpus
once per worker count, and reports articles per second overall and per stage
(harvest + store, analysis, clustering, reports).

It then scores the stories the corpus made against the gold stories of each
clustering set with the data's own ``score_clusters.py``, beside the in-memory
clusterer fed the same stored features in the same order: the clustering
figures of ``storydiff eval`` must hold when articles arrive one by one through
the corpus. Each set is shuffled with the evaluation's seed (the sets carry no
publication dates), so the order is the one ``storydiff eval`` uses.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter, process_time
from typing import Any

from storydiff.corpus.ingest import (
    PARTITION_SIZE,
    DaskAnalyzer,
    LocalAnalyzer,
    analyze_partition,
    ingest,
    limit_threads,
    partition_size,
)
from storydiff.corpus.store import open_store
from storydiff.corpus.stories import StoryClusterer
from storydiff.errors import SettingsError
from storydiff.evaluation.clusters import ClusterPool, cluster_pools, score_clustering
from storydiff.evaluation.common import CLUSTER_SEED
from storydiff.records import Article

__all__ = [
    "MIN_INGEST_ARTICLES",
    "DaskRun",
    "IngestBenchResult",
    "IngestRun",
    "measure_dask_analysis",
    "render_ingest_bench",
    "run_ingest_bench",
]

# The issue asks for "a corpus of at least 2,000 articles".
MIN_INGEST_ARTICLES = 2000
# Issue 12's targets: 10^6 articles a day on two cores, end to end, and near-linear scaling
# of the analysis stage from one Dask worker to two.
TARGET_ARTICLES_PER_SECOND = 1_000_000 / 86_400
TARGET_DASK_SCALING = 1.8
# Articles the Dask scaling figure analyses per worker count: enough that each of two
# workers gets several tasks (ingest.partition_size) and the last one's wait is a small share.
DASK_ARTICLES = 8 * PARTITION_SIZE
STAGES = ("harvest", "analyze", "cluster", "report")

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class IngestRun:
    """One ingest of the whole dump with ``workers`` analysis processes."""

    workers: int
    articles: int
    seconds: float
    stages: tuple[tuple[str, float], ...]
    stories: int
    reports: int = 0  # stories whose report the ingest made (told by two or more origins)

    @property
    def per_second(self) -> float:
        """Articles per second, end to end."""
        return self.articles / self.seconds if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class DaskRun:
    """The analysis stage on a Dask LocalCluster of ``workers`` one-thread worker processes."""

    workers: int
    articles: int
    seconds: float
    cpu_seconds: float  # the workers' own CPU time during the run, all of them together

    @property
    def per_second(self) -> float:
        """Articles per second (wall)."""
        return self.articles / self.seconds if self.seconds else 0.0

    @property
    def busy(self) -> float:
        """The workers' CPU time over workers x wall time: about 1.0 when none ever waited.

        It counts every thread of a worker process (Dask's own event loop too), so a
        worker that never waits reads a little over 1.0.
        """
        return self.cpu_seconds / (self.workers * self.seconds) if self.seconds else 0.0

    @property
    def cpu_ms_per_article(self) -> float:
        """Worker CPU per article: it rises with the workers when they contend for the machine."""
        return 1000 * self.cpu_seconds / self.articles if self.articles else 0.0


@dataclass(frozen=True, slots=True)
class IngestBenchResult:
    """Ingest runs and the clustering scores through the corpus."""

    corpus: str
    cores: int
    runs: tuple[IngestRun, ...]
    clustering: tuple[tuple[str, int, float, float], ...]  # set, docs, corpus B3 F1, in-memory B3 F1
    dask: tuple[DaskRun, ...] = ()  # the analysis stage on a LocalCluster, per number of workers


def build_dump(
    data: Path, limit: int, *, seed: int = CLUSTER_SEED
) -> tuple[list[Article], dict[str, ClusterPool]]:
    """The benchmark's articles (clustering sets, each shuffled, then PolNeAR) and the sets by name."""
    pools, _ = cluster_pools(data)
    articles: list[Article] = []
    by_name = {}
    for pool in pools:
        members = list(pool.articles)
        if not pool.ordered:
            random.Random(seed).shuffle(members)
        articles += [Article(id=f"{pool.name}/{a.id}", text=a.text, title=a.title) for a in members]
        by_name[pool.name] = pool
        if len(articles) >= limit:
            break
    for path in sorted((data / "polnear").glob("*/text/*.txt")) + sorted((data / "polnear").glob("*/*.txt")):
        if len(articles) >= limit:
            break
        articles.append(Article(id=f"polnear/{path.stem}", text=path.read_text(encoding="utf-8")))
    articles = articles[:limit]  # a short trial run takes the first sets' articles only
    if len(articles) < limit:
        raise SettingsError(
            f"the evaluation data holds {len(articles)} articles; the ingest benchmark needs {limit}. "
            "Point --data at the full evaluation data or lower --limit",
            input=str(data),
            stage="bench",
        )
    return articles, by_name


def _write_dump(articles: Sequence[Article], path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for a in articles:
            record: dict[str, Any] = {"id": a.id, "text": a.text}
            if a.title:
                record["title"] = a.title
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def run_ingest_bench(
    data: Path,
    *,
    limit: int = MIN_INGEST_ARTICLES,
    workers: Sequence[int] = (1, 2),
    dask_workers: Sequence[int] = (1, 2),
    batches: int = 1,
    progress: Progress = lambda _msg: None,
) -> IngestBenchResult:
    """Ingest the dump once per worker count; score the last corpus's stories per clustering set;
    then time the analysis stage alone on a Dask LocalCluster of each of ``dask_workers`` sizes.

    With ``batches`` above 1 the dump arrives in that many equal parts, ingested one after the
    other into the same corpus (a feed: stories grow over several ingests and are reported
    again each time), and the time is that of all of them.
    """
    if batches < 1:
        raise SettingsError(f"--batches must be 1 or more, not {batches}", stage="bench")
    articles, pools = build_dump(data, limit)
    runs = []
    clustering: list[tuple[str, int, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="storydiff-bench-") as tmp:
        work = Path(tmp)
        size = -(-len(articles) // batches)
        dumps = [work / f"dump-{b + 1}.jsonl" for b in range(batches)]
        for b, dump in enumerate(dumps):
            _write_dump(articles[b * size : (b + 1) * size], dump)
        for n in workers:
            progress(f"ingest: {len(articles)} articles with {n} worker(s)")
            db = work / f"corpus-{n}.db"
            timings: dict[str, float] = {}
            analyzer = LocalAnalyzer(n)
            start = perf_counter()
            try:
                with open_store(db) as store:
                    new = sum(ingest([str(d)], store, analyzer=analyzer, timings=timings).new for d in dumps)
                    rows = store.stories()
                    stories, reports = len(rows), sum(r.report_made is not None for r in rows)
            finally:
                analyzer.close()
            seconds = perf_counter() - start
            runs.append(
                IngestRun(
                    n,
                    new,
                    seconds,
                    tuple((s, timings.get(s, 0.0)) for s in STAGES),
                    stories,
                    reports,
                )
            )
            progress(f"ingest: {new / seconds:.2f} articles/s with {n} worker(s)")
        progress("clustering: scoring the corpus's stories per set")
        with open_store(work / f"corpus-{workers[-1]}.db") as store:
            clustering = _score_sets(store, pools, [a.id for a in articles], data, work, size)
    dask = tuple(measure_dask_analysis(articles[:DASK_ARTICLES], n, progress=progress) for n in dask_workers)
    return IngestBenchResult(
        corpus=f"{len(articles)} articles: "
        + ", ".join(f"{n} {name}" for name, n in Counter(a.id.split("/", 1)[0] for a in articles).items())
        + (f", arriving in {batches} ingests" if batches > 1 else ""),
        cores=os.cpu_count() or 1,
        runs=tuple(runs),
        clustering=tuple(clustering),
        dask=dask,
    )


def _dump_index(source: str, size: int) -> int:
    """The dump position of a record the harvester named "dump-B.jsonl:LINE" (batches of ``size``)."""
    name, _, line = source.rpartition(":")
    batch = int(Path(name).stem.rsplit("-", 1)[1])
    return (batch - 1) * size + int(line) - 1


def measure_dask_analysis(
    articles: Sequence[Article], workers: int, *, progress: Progress = lambda _msg: None
) -> DaskRun:
    """The analysis stage of ``articles`` on a real Dask LocalCluster of ``workers`` processes.

    Each worker gets one thread and loads its models before the clock starts, so
    the figure is the stage's throughput, not the start-up. The workers' CPU time
    is read before and after: where a second worker loses shows as idle time
    (``busy`` under 1) or as more CPU per article (contention for the machine).
    """
    from distributed import Client, LocalCluster

    numbered = [Article(id=str(n), text=a.text, title=a.title) for n, a in enumerate(articles, start=1)]
    size = partition_size(len(numbered), workers)
    partitions = [numbered[i : i + size] for i in range(0, len(numbered), size)]
    progress(f"dask: analysis of {len(numbered)} articles on a LocalCluster of {workers} worker(s)")
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        client.run(limit_threads, 1)
        client.run(_warm_up)
        analyzer = DaskAnalyzer(client=client)
        cpu_before = client.run(process_time)
        start = perf_counter()
        done = sum(len(results) for results in analyzer.map(partitions))
        seconds = perf_counter() - start
        cpu_after = client.run(process_time)
    cpu = sum(cpu_after[w] - cpu_before.get(w, 0.0) for w in cpu_after)
    run = DaskRun(workers, done, seconds, cpu)
    progress(f"dask: {run.per_second:.2f} articles/s with {workers} worker(s), busy {run.busy:.0%}")
    return run


def _warm_up() -> None:
    """Load the models in a worker (its first task would otherwise pay for it)."""
    analyze_partition([Article(id="0", text="The river rose two metres on Monday, officials said.")])


def _score_sets(
    store: Any, pools: dict[str, ClusterPool], dump_ids: Sequence[str], data: Path, work: Path, size: int
) -> list[tuple[str, int, float, float]]:
    """B-cubed F1 of the corpus's stories and of the in-memory clusterer on the same features, per set."""
    stored = store.articles()
    ids = {s.id: dump_ids[_dump_index(s.source, size)] for s in stored}
    memberships = store.memberships()
    memory = StoryClusterer()
    for f in store.features([s.id for s in stored]):  # no dates: the ingest clustered them in id order
        memory.add_features(f)
    in_memory = memory.assignments()
    rows = []
    for name, pool in pools.items():
        prefix = f"{name}/"
        members = {i: doc[len(prefix) :] for i, doc in ids.items() if doc.startswith(prefix)}
        gold = {doc: pool.gold[doc] for doc in members.values()}
        corpus_pred = {doc: memberships.get(i, f"unclustered-{i}") for i, doc in members.items()}
        memory_pred = {doc: in_memory.get(str(i), f"unclustered-{i}") for i, doc in members.items()}
        corpus_f1 = score_clustering(data, work, f"{name}-corpus", gold, corpus_pred)["b3"]["F1"]
        memory_f1 = score_clustering(data, work, f"{name}-memory", gold, memory_pred)["b3"]["F1"]
        rows.append((name, len(members), float(corpus_f1), float(memory_f1)))
    return rows


def render_ingest_bench(result: IngestBenchResult, fmt: str = "table") -> str:
    """The figures as a plain table, Markdown or JSON."""
    scaling = _dask_scaling(result)
    if fmt == "json":
        data = {
            "corpus": result.corpus,
            "cores": result.cores,
            "runs": [
                {
                    "workers": r.workers,
                    "articles": r.articles,
                    "seconds": round(r.seconds, 1),
                    "articles_per_second": round(r.per_second, 2),
                    "stages": {s: round(t, 1) for s, t in r.stages},
                    "stories": r.stories,
                    "reports_made": r.reports,
                }
                for r in result.runs
            ],
            "target_articles_per_second": round(TARGET_ARTICLES_PER_SECOND, 1),
            "clustering_b3_f1": [
                {"set": s, "docs": n, "corpus": c, "in_memory": m} for s, n, c, m in result.clustering
            ],
            "dask_analysis": [
                {
                    "workers": d.workers,
                    "articles": d.articles,
                    "seconds": round(d.seconds, 1),
                    "articles_per_second": round(d.per_second, 2),
                    "worker_cpu_seconds": round(d.cpu_seconds, 1),
                    "workers_busy": round(d.busy, 3),
                    "cpu_ms_per_article": round(d.cpu_ms_per_article),
                }
                for d in result.dask
            ],
            "dask_scaling": None if scaling is None else round(scaling, 2),
            "target_dask_scaling": TARGET_DASK_SCALING,
        }
        return json.dumps(data, indent=2) + "\n"
    md = fmt == "markdown"
    lines = [f"Ingest benchmark: {result.corpus}, {result.cores} cores", ""]
    header = [
        "workers",
        "articles",
        "seconds",
        "articles/s",
        *(f"{s} s" for s in STAGES),
        "stories",
        "reports made",
    ]
    lines += _table(
        header,
        [
            [
                str(r.workers),
                str(r.articles),
                f"{r.seconds:.0f}",
                f"{r.per_second:.2f}",
                *(f"{t:.0f}" for _, t in r.stages),
                str(r.stories),
                str(r.reports),
            ]
            for r in result.runs
        ],
        md,
    )
    if len(result.runs) >= 2 and result.runs[0].per_second:
        lines += [
            "",
            f"speed-up {result.runs[0].workers} -> {result.runs[-1].workers} workers: "
            f"{result.runs[-1].per_second / result.runs[0].per_second:.2f}x",
        ]
    if result.runs:
        best = max(r.per_second for r in result.runs)
        lines += [
            f"ingest, best: {best:.2f} articles/s (target >= {TARGET_ARTICLES_PER_SECOND:.1f}: 10^6 a day)"
        ]
    if result.dask:
        lines += [
            "",
            "Analysis stage alone on a Dask LocalCluster (one thread per worker, models loaded):",
            "",
        ]
        lines += _table(
            [
                "workers",
                "articles",
                "seconds",
                "articles/s",
                "worker CPU s",
                "workers busy",
                "CPU ms/article",
            ],
            [
                [
                    str(d.workers),
                    str(d.articles),
                    f"{d.seconds:.1f}",
                    f"{d.per_second:.2f}",
                    f"{d.cpu_seconds:.1f}",
                    f"{d.busy:.0%}",
                    f"{d.cpu_ms_per_article:.0f}",
                ]
                for d in result.dask
            ],
            md,
        )
        if scaling:
            first, last = result.dask[0], result.dask[-1]
            lines += [
                "",
                f"Dask scaling {first.workers} -> {last.workers} workers: {scaling:.2f}x "
                f"(target >= {TARGET_DASK_SCALING}x; unreliable when other work shares the cores)",
            ]
            if first.cpu_ms_per_article and last.busy:
                # scaling = (busy share ratio) x (workers ratio) / (CPU per article ratio)
                dearer = last.cpu_ms_per_article / first.cpu_ms_per_article
                lines += [
                    f"where it goes: CPU per article {dearer - 1:+.0%} on {last.workers} workers against "
                    f"{first.workers} (a rise is contention for the machine); workers busy {last.busy:.0%} "
                    f"of the time against {first.busy:.0%} (a fall is waiting)",
                ]
    lines += ["", "Story clustering through the corpus (B-cubed F1, one article at a time):", ""]
    lines += _table(
        ["set", "docs", "corpus", "in-memory clusterer"],
        [[s, str(n), f"{c:.1f}", f"{m:.1f}"] for s, n, c, m in result.clustering],
        md,
    )
    return "\n".join(lines) + "\n"


def _dask_scaling(result: IngestBenchResult) -> float | None:
    """Throughput of the largest Dask cluster over the smallest's, None with fewer than two sizes."""
    if len(result.dask) < 2:
        return None
    first, last = result.dask[0], result.dask[-1]
    return last.per_second / first.per_second if first.per_second and last.per_second else None


def _table(header: list[str], rows: list[list[str]], markdown: bool) -> list[str]:
    if markdown:
        return [
            "| " + " | ".join(header) + " |",
            "|" + "|".join("---" for _ in header) + "|",
            *("| " + " | ".join(r) + " |" for r in rows),
        ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    fmt_row = "  ".join("{:>%d}" % w for w in widths)  # noqa: UP031 - a width pattern, not a message
    return [fmt_row.format(*header), *(fmt_row.format(*r) for r in rows)]
