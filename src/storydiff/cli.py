"""The command-line interface: parses arguments, calls the library, prints.

Data goes to standard output; warnings, errors and progress to standard error.
Every error storydiff expects is printed as one line ``Error: ...`` with exit
code 1; usage mistakes exit with 2.

File names, titles and texts come from outside (web pages, feeds, other
people's files): every message passes through
:func:`storydiff.report.safety.terminal_text` (:func:`_say`), so no escape sequence
or bidirectional override in them reaches the terminal, and the report and
story-list renderers make their own output safe the same way.
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from rich.console import Console

from storydiff import __version__
from storydiff.corpus.catalog import list_stories, render_catalog
from storydiff.errors import SettingsError, StorydiffError
from storydiff.evaluation.bench import (
    BENCH_FORMATS,
    DEFAULT_COLD_RUNS,
    DEFAULT_SIZES_KB,
    MIN_ARTICLES,
    render_bench,
    render_size_bench,
    run_bench,
    run_size_bench,
)
from storydiff.evaluation.common import TASKS, EvalSettings, default_data_dir
from storydiff.evaluation.tasks import evaluate, write_results
from storydiff.records import Report
from storydiff.report.registry import formats, render, renderer
from storydiff.report.safety import terminal_text
from storydiff.report.terminal import print_terminal
from storydiff.settings import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, Settings

if TYPE_CHECKING:
    from storydiff.corpus.ingest import IngestSummary
    from storydiff.corpus.store import Store

# The corpus, the pipeline and the models are imported inside the commands that
# use them, so `storydiff --help`, `serve` and `stories` do not load spaCy.

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = sorted(formats("report"))


def _edge(func: F) -> F:
    """Turn storydiff's own errors into one line on stderr and exit code 1."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except StorydiffError as exc:
            _say(f"Error: {exc}")
            sys.exit(1)
        except KeyboardInterrupt:
            _say("Error: interrupted")
            sys.exit(130)

    return wrapper  # type: ignore[return-value]


def _say(message: str) -> None:
    """Print a message, a warning or progress to standard error, safe for the terminal."""
    click.echo(terminal_text(message), err=True)


def _print_data(text: str, fmt: str) -> None:
    """Print a renderer's output to standard output; JSON is left exact (its renderers escape controls)."""
    click.echo(text if fmt == "json" else terminal_text(text), nl=False)


def _output_options(func: F) -> F:
    func = click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, writable=True),
        help="Write the report to this file.",
    )(func)
    return _format_option(FORMATS, "terminal", "Report format.")(func)


def _format_option(choices: Sequence[str], default: str, help: str) -> Callable[[F], F]:
    """``--format``/``-f`` (the ``fmt`` argument): one of a renderer registry's names."""
    return click.option(
        "--format", "-f", "fmt", type=click.Choice(choices), default=default, show_default=True, help=help
    )


def _limit_options(func: F) -> F:
    """``--max-size`` and ``--timeout``: how much to read and how long to wait for a server."""
    func = click.option(
        "--max-size",
        type=float,
        default=DEFAULT_MAX_BYTES / 1e6,
        show_default=True,
        help="Largest input to read, in MB.",
    )(func)
    return click.option(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True, help="Seconds to wait for a URL."
    )(func)


def _progress_option(func: F) -> F:
    return click.option(
        "--progress/--no-progress", default=None, help="Show progress on stderr (default: when a terminal)."
    )(func)


def _data_option(func: F) -> F:
    """``--data``: the evaluation data folder, shared by ``eval`` and ``bench``."""
    return click.option(
        "--data",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder laid out like shared/eval (data sets and their scorers). [default: ../shared/eval]",
    )(func)


def _gold_option(func: F) -> F:
    """``--gold``: the development gold of compare (events and their tuning/validation split)."""
    return click.option(
        "--gold",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Development gold folder (events, split.json). [default: tests/fixtures/devgold of a checkout]",
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="storydiff")
def cli() -> None:
    """storydiff: compare news reports of one event, claim by claim.

    \b
    Example:
      storydiff demo
      storydiff compare a.txt b.html https://example.org/story.html --format markdown
    """


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@_output_options
@click.option("--published", help="Publication date (YYYY-MM-DD) for inputs that carry none.")
@click.option(
    "--scorer",
    type=click.Path(exists=True, dir_okay=False),
    help="A pair scorer written by `storydiff fit-scorer`. [default: the packaged one]",
)
@_limit_options
@_progress_option
@_edge
def compare(
    inputs: Sequence[str],
    fmt: str,
    output: str | None,
    published: str | None,
    scorer: str | None,
    max_size: float,
    timeout: float,
    progress: bool | None,
) -> None:
    """Compare two or more reports of one event: conflicts, agreements, unique facts.

    INPUTS are text or HTML files, directories of them, http(s) URLs, or - for
    standard input.

    \b
    Example:
      storydiff compare a.txt b.html https://example.org/story.html --format markdown
      storydiff compare reports/ --format json > report.json
    """
    settings = Settings(
        max_bytes=int(max_size * 1e6),
        timeout=timeout,
        published=_parse_published(published) if published else None,
        scorer=scorer,
    )
    _report(list(inputs), settings, fmt, output, progress)


@cli.command()
@_output_options
@_progress_option
@_edge
def demo(fmt: str, output: str | None, progress: bool | None) -> None:
    """Compare the bundled demo: one fictional event told by four invented outlets.

    \b
    Example:
      storydiff demo
      storydiff demo --format html -o demo.html
    """
    from storydiff.pipeline import demo_paths

    _report(demo_paths(), Settings(), fmt, output, progress)


@cli.command(name="fit-scorer")
@_data_option
@_gold_option
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the scorer. [default: the packaged scorer.json]",
)
@_edge
def fit_scorer_cmd(data: Path | None, gold: Path | None, output: Path | None) -> None:
    """Fit the compare pair scorer on the tuning half of the development gold.

    Analyses every tuning event's reports, labels each candidate pair from the
    gold, chooses and calibrates the model on folds of events, and writes the
    scorer (weights, calibration, thresholds). The validation half is never read.

    \b
    Example:
      storydiff fit-scorer --data ../shared/eval
      storydiff eval --task compare        # then the figures of both halves
    """
    from storydiff.compare.scorer import default_scorer_path
    from storydiff.evaluation.common import load_data_scorer
    from storydiff.evaluation.devgold import default_gold_dir
    from storydiff.evaluation.scorerfit import fit_from_gold

    data = data or default_data_dir()
    work = Path("eval-results") / "work"
    scorer = fit_from_gold(
        data,
        gold or default_gold_dir(),
        work,
        load_data_scorer(data, "score_compare.py"),
        say=_say,
    )
    target = output or default_scorer_path()
    target.write_text(scorer.to_json(), encoding="utf-8")
    _say(f"wrote {target}: threshold {scorer.threshold}, floor {scorer.floor}")
    click.echo(terminal_text(scorer.fitted_on))


@cli.command(name="eval")
@_data_option
@_gold_option
@click.option(
    "--task",
    "tasks",
    type=click.Choice(TASKS),
    multiple=True,
    help="Task to run (repeat for several). [default: all]",
)
@click.option("--split", default="dev", show_default=True, help="Data split for PolNeAR and NewsQuant.")
@click.option(
    "--limit", type=click.IntRange(min=1), help="At most this many texts/sentences/articles per set."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("eval-results"),
    show_default=True,
    help="Folder for results.json, results.md and the scorers' input files.",
)
@_format_option(sorted(formats("evaluation")), "table", "What to print on standard output.")
@_edge
def eval_cmd(
    data: Path | None,
    gold: Path | None,
    tasks: tuple[str, ...],
    split: str,
    limit: int | None,
    out: Path,
    fmt: str,
) -> None:
    """Score storydiff on public evaluation data with the data's own scorers.

    Tasks: attribution (PolNeAR), quantities (NewsQuant, quantulum3 side by
    side), clusters (ECB+, NewsWCL50, MEANTIME, NeuS), compare (the development
    gold's tuning and validation halves apart, Belgorod, NewsWCL50 gold, the
    demo). Writes results.json and results.md (with an error analysis per
    task) to --out.

    \b
    Example:
      storydiff eval --data ../shared/eval
      storydiff eval --task attribution --task quantities --limit 20 -f markdown
    """
    settings = EvalSettings(
        data=data or default_data_dir(),
        out=out,
        split=split,
        tasks=tasks or TASKS,
        limit=limit,
    )
    if gold is not None:
        settings = replace(settings, gold=gold)
    result = evaluate(settings, progress=_say)
    for path in write_results(result, out):
        _say(f"wrote {path}")
    _print_data(renderer("evaluation", fmt)(result), fmt)


@cli.command()
@_data_option
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    help=f"Measure the first N articles only (default: all, at least {MIN_ARTICLES}).",
)
@click.option(
    "--cold-runs",
    type=click.IntRange(min=0),
    default=DEFAULT_COLD_RUNS,
    show_default=True,
    help="Cold starts of `storydiff compare` to time (0 skips them).",
)
@_format_option(sorted(BENCH_FORMATS), "table", "Output format.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, writable=True), help="Also write to this file."
)
@click.option(
    "--ingest",
    "corpus",
    is_flag=True,
    help="Measure corpus ingest instead: articles per second with 1 and 2 workers, "
    "and story clustering through the corpus.",
)
@click.option(
    "--batches",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="With --ingest: the dump arrives in this many ingests (stories grow and are reported again).",
)
@click.option(
    "--sizes",
    is_flag=True,
    help="Measure analysis cost by text length instead: seconds and peak memory for a synthetic text of "
    f"{', '.join(f'{kb:,}' for kb in DEFAULT_SIZES_KB)} kB, each in a fresh process.",
)
@click.option(
    "--size",
    "size_kb",
    type=click.IntRange(min=1),
    multiple=True,
    help="With --sizes: measure this text length in kB instead (repeat for several).",
)
@click.option(
    "--search",
    "search_db",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[DB]",
    help="Measure the story search instead: generate --limit stories (default 100,000) in a new SQLite "
    "file or the empty PostgreSQL database DB, and time typical searches against the 100 ms target.",
)
@_edge
def bench(
    data: Path | None,
    limit: int | None,
    cold_runs: int,
    fmt: str,
    output: str | None,
    corpus: bool,
    batches: int,
    sizes: bool,
    size_kb: tuple[int, ...],
    search_db: str | None,
) -> None:
    """Speed figures: cold start, articles per second per stage, and the bare-spaCy floor.

    Cold start is `storydiff compare` on two reports in a fresh process (wall
    time and peak memory); throughput is the analysis of 500+ articles from
    the evaluation data, stage by stage, against bare spaCy parsing of the
    same articles with the same model.

    With --ingest: ingest throughput (articles per second, per stage) of a
    2,000-article dump into a fresh corpus with 1 and 2 workers, then the story
    clustering B-cubed F1 of each evaluation set through the corpus, and the
    analysis stage alone on a Dask LocalCluster of 1 and 2 workers.

    With --sizes: how the analysis of one text (cleanup, parse, claims) grows
    with its length, in seconds and peak memory per size.

    \b
    Example:
      storydiff bench --data ../shared/eval
      storydiff bench --limit 50 --cold-runs 1 -f markdown
      storydiff bench --ingest -f markdown
      storydiff bench --ingest --limit 400 --batches 4
      storydiff bench --sizes -f markdown
      storydiff bench --sizes --size 10 --size 50
      storydiff bench --search -f markdown
      storydiff bench --search postgresql://localhost/empty --limit 10000
    """
    if search_db is not None:
        from storydiff.evaluation.searchbench import DEFAULT_STORIES, render_search_bench, run_search_bench

        found = run_search_bench(limit or DEFAULT_STORIES, db=search_db or None, progress=_say)
        _write_text(render_search_bench(found, fmt), output, fmt)
        return
    if size_kb and not sizes:
        raise SettingsError("--size only goes with --sizes: storydiff bench --sizes --size 50")
    if sizes:
        by_size = run_size_bench(size_kb or DEFAULT_SIZES_KB, progress=_say)
        _write_text(render_size_bench(by_size, fmt), output, fmt)
        return
    if corpus:
        from storydiff.evaluation.corpusbench import (
            MIN_INGEST_ARTICLES,
            render_ingest_bench,
            run_ingest_bench,
        )

        text = render_ingest_bench(
            run_ingest_bench(
                data or default_data_dir(),
                limit=limit or MIN_INGEST_ARTICLES,
                batches=batches,
                progress=_say,
            ),
            fmt,
        )
        _write_text(text, output, fmt)
        return
    result = run_bench(
        data or default_data_dir(),
        limit=limit,
        cold_runs=cold_runs,
        progress=_say,
    )
    _write_text(render_bench(result, fmt), output, fmt)


def _write_text(text: str, output: str | None, fmt: str) -> None:
    """Print ``text`` (in format ``fmt``); with ``output`` also write it to that file."""
    if output:
        Path(output).write_text(text, encoding="utf-8")
        _say(f"wrote {output}")
    _print_data(text, fmt)


# --- corpus mode -------------------------------------------------------------------------

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h|hr)?\s*$", re.IGNORECASE)
_DURATION_SECONDS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hr": 3600}


def parse_duration(value: str) -> float:
    """Seconds from ``30s``, ``10m``, ``1h`` or a bare number of seconds; SettingsError otherwise."""
    match = _DURATION.match(value)
    if not match or float(match.group(1)) <= 0:
        raise SettingsError(f"--every {value!r} is not a duration; write it like 30s, 10m or 1h")
    return float(match.group(1)) * _DURATION_SECONDS[(match.group(2) or "s").lower()]


def _db_option(func: F) -> F:
    return click.option(
        "--db",
        required=True,
        envvar="STORYDIFF_DB",
        help="The corpus: a SQLite file (created when new) or a postgresql:// URL. [env: STORYDIFF_DB]",
    )(func)


def _ingest_options(func: F) -> F:
    func = click.option(
        "--scheduler",
        help="Run the analysis on a Dask cluster at this address (tcp://host:8786).",
    )(func)
    func = click.option(
        "--workers",
        type=click.IntRange(min=1),
        help="Local worker processes for the analysis. [default: one per core]",
    )(func)
    return _progress_option(_limit_options(func))


def _run_ingest(
    inputs: Sequence[str],
    db: str,
    *,
    scheduler: str | None,
    workers: int | None,
    max_size: float,
    timeout: float,
    progress: bool | None,
) -> IngestSummary:
    settings = Settings(max_bytes=int(max_size * 1e6), timeout=timeout)
    err = Console(stderr=True)
    show = err.is_terminal if progress is None else progress
    from storydiff.corpus.ingest import ingest, make_analyzer

    with _open_store(db) as store:
        analyzer = make_analyzer(scheduler, workers)
        try:
            with _ingest_progress(err, show) as advance:
                summary = ingest(inputs, store, settings, analyzer=analyzer, progress=advance)
        finally:
            analyzer.close()
        for _, source, reason in store.rejections(summary.run):
            _say(f"rejected: {source}: {reason}")
    _say(
        f"run {summary.run}: {summary.new} new ({summary.copies} copies of earlier reports), "
        f"{summary.duplicate} duplicate, {summary.rejected} rejected; {summary.analysed} analysed; "
        f"{len(summary.stories)} stories changed",
    )
    return summary


@contextlib.contextmanager
def _ingest_progress(err: Console, show: bool) -> Iterator[Any]:
    if not show:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def advance(stage: str, done: int, total: int | None, counts: dict[str, int]) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            detail = ", ".join(f"{n} {k}" for k, n in counts.items())
            bar.update(
                tasks[stage],
                completed=done,
                total=total,
                # a progress description is rich markup
                description=terminal_text(f"{stage} ({detail})" if detail else stage, markup=True),
            )

        yield advance


@cli.command(name="ingest")
@click.argument("inputs", nargs=-1, required=True)
@_db_option
@_ingest_options
@_edge
def ingest_cmd(**options: Any) -> None:
    """Add feeds, archives, folders and pages to a corpus and group them into stories.

    INPUTS are OPML files, RSS/Atom feeds (files or URLs), WARC archives
    (.warc, .warc.gz), JSON Lines dumps (one article per line with "text" or
    "html"), folders of text/HTML files, single files and URLs. Re-running adds
    nothing twice; bad items are recorded as rejected with their reason.

    \b
    Example:
      storydiff ingest feeds.opml --db news.db
      storydiff ingest archive.warc.gz dump.jsonl reports/ --db news.db
      storydiff ingest big.jsonl --db news.db --scheduler tcp://host:8786
    """
    inputs = options.pop("inputs")
    db = options.pop("db")
    _run_ingest(inputs, db, **options)


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@_db_option
@click.option("--every", default="10m", show_default=True, help="Time between polls (30s, 10m, 1h).")
@click.option(
    "--times", type=click.IntRange(min=1), help="Stop after this many polls. [default: until Ctrl-C]"
)
@_ingest_options
@_edge
def watch(every: str, times: int | None, **options: Any) -> None:
    """Poll feeds and add what is new, again and again, updating the stories.

    Feeds are fetched with conditional requests, so an unchanged feed costs one
    short answer. Stop with Ctrl-C.

    \b
    Example:
      storydiff watch feeds.opml --db news.db --every 10m
    """
    interval = parse_duration(every)
    inputs = options.pop("inputs")
    db = options.pop("db")
    polls = 0
    try:
        while True:
            _run_ingest(inputs, db, **options)
            polls += 1
            if times is not None and polls >= times:
                return
            _say(f"next poll in {every} (Ctrl-C stops)")
            time.sleep(interval)
    except KeyboardInterrupt:
        # the normal way to stop watching: what was committed stays, an unfinished run is marked interrupted
        _say(f"stopped after {polls} polls")


@cli.group(invoke_without_command=True)
@click.option(
    "--db", envvar="STORYDIFF_DB", help="The corpus (SQLite file or postgresql:// URL). [env: STORYDIFF_DB]"
)
@_format_option(sorted(formats("stories")), "table", "Output format.")
@click.pass_context
@_edge
def stories(ctx: click.Context, db: str | None, fmt: str) -> None:
    """List the corpus's stories: articles, outlets, independent origins, conflicts, dates.

    With --format json each story lists its articles (id, path or URL, outlet,
    published). Subcommands merge and split correct the grouping by hand.

    \b
    Example:
      storydiff stories --db news.db
      storydiff stories --db news.db --format json
      storydiff stories merge story-3 story-7 --db news.db
    """
    if ctx.invoked_subcommand is not None:
        return
    if db is None:
        raise SettingsError("give the corpus with --db news.db (or set STORYDIFF_DB)")
    with _open_store(db) as store:
        click.echo(render_catalog(list_stories(store), fmt), nl=False)


@stories.command()
@click.argument("story_ids", nargs=-1, required=True)
@_db_option
@_edge
def merge(story_ids: Sequence[str], db: str) -> None:
    """Merge stories into the first one given.

    \b
    Example:
      storydiff stories merge story-3 story-7 --db news.db
    """
    from storydiff.corpus.ingest import merge_stories

    with _open_store(db) as store:
        state = merge_stories(store, story_ids)
    _say(f"{state.id} now holds {len(state.members)} articles")


@stories.command()
@click.argument("story_id")
@click.argument("article_ids", nargs=-1, required=True, type=int)
@_db_option
@_edge
def split(story_id: str, article_ids: Sequence[int], db: str) -> None:
    """Move articles out of a story into a new story.

    ARTICLE_IDS are the article ids `storydiff stories --format json` lists.

    \b
    Example:
      storydiff stories split story-3 17 18 --db news.db
    """
    from storydiff.corpus.ingest import split_story

    with _open_store(db) as store:
        rest, new = split_story(store, story_id, article_ids)
    _say(f"{new.id} holds {len(new.members)} articles; {rest.id} keeps {len(rest.members)}")


@cli.command(name="report")
@click.argument("story_id")
@_db_option
@_output_options
@_edge
def report_cmd(story_id: str, db: str, fmt: str, output: str | None) -> None:
    """Show one story's report: conflicts, agreements, unique facts, updates and timeline.

    \b
    Example:
      storydiff report story-3 --db news.db
      storydiff report story-3 --db news.db --format html > story.html
    """
    from storydiff.corpus.ingest import story_report

    with _open_store(db) as store:
        report = story_report(store, story_id)
    _emit(report, fmt, output)


@cli.command()
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on."
)
@click.option(
    "--token",
    envvar="STORYDIFF_TOKEN",
    help="Secret required to ingest or fetch URLs; needed unless --host is loopback. [env: STORYDIFF_TOKEN]",
)
@_edge
def serve(db: str, host: str, port: int, token: str | None) -> None:
    """Serve the corpus in a browser: stories, reports side by side, compare, JSON API.

    \b
    Example:
      storydiff serve --db news.db                  # http://127.0.0.1:8000
      STORYDIFF_TOKEN=$(python -c 'import secrets; print(secrets.token_urlsafe())') \\
        storydiff serve --db news.db --host 0.0.0.0
    """
    from storydiff.web import serve as serve_web  # the web stack loads only for this command

    serve_web(db, host=host, port=port, token=token)


def _report(
    inputs: list[str], settings: Settings, fmt: str, output: str | None, progress: bool | None
) -> None:
    err = Console(stderr=True)
    show = err.is_terminal if progress is None else progress
    report = _run_with_progress(inputs, settings, err, show)
    _emit(report, fmt, output)


def _emit(report: Report, fmt: str, output: str | None) -> None:
    for warning in report.warnings:
        _say(f"warning: {warning}")
    if output:
        Path(output).write_text(render(report, fmt), encoding="utf-8")
        _say(f"wrote {output}")
    elif fmt == "terminal" and sys.stdout.isatty():
        print_terminal(report, Console())
    else:
        click.echo(render(report, fmt), nl=False)


def _run_with_progress(inputs: list[str], settings: Settings, err: Console, show: bool) -> Report:
    from storydiff.pipeline import run

    if not show:
        return run(inputs, settings, stdin=sys.stdin)
    from rich.progress import Progress

    with Progress(console=err, transient=True) as bar:
        task = bar.add_task("reading reports", total=None)

        def advance(stage: str, done: int, total: int) -> None:
            bar.update(task, description=terminal_text(stage, markup=True), completed=done, total=total)

        return run(inputs, settings, stdin=sys.stdin, progress=advance)


def _open_store(db: str | Path) -> Store:
    """The corpus store (imported here: it brings the analysis with it)."""
    from storydiff.corpus.store import open_store

    return open_store(db)


def _parse_published(value: str) -> str:
    """``--published`` as an ISO date (see :func:`storydiff.inputs.sources.parse_published`)."""
    from storydiff.inputs.sources import parse_published

    return parse_published(value)


def main() -> None:
    """Entry point of the ``storydiff`` command."""
    cli()


if __name__ == "__main__":  # pragma: no cover
    main()
