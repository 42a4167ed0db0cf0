"""Corpus mode end to end: ingest into a real SQLite file (and a real PostgreSQL server), stories,
wire copies, revisions, reports, hand corrections, crash safety and a real local Dask cluster.

The reports are invented (tests/fixtures/corpus): a flood told by two outlets plus a wire
reprint, and a factory fire whose injury count one outlet revises the next day.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from loopback import serving
from storydiff.cli import cli
from storydiff.corpus.ingest import LocalAnalyzer, ingest, merge_stories, split_story, story_report
from storydiff.corpus.store import Store, open_store
from storydiff.errors import SettingsError, StoreError

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
DUMP = FIXTURES / "feed-dump.jsonl"
REPRINT = FIXTURES / "reprint.jsonl"


def _groups(store: Store) -> dict[str, set[str]]:
    """Story id -> the set of source URLs of its articles."""
    return {row.id: {a.article.url for a in store.story_articles(row.id)} for row in store.stories()}


FLOOD = {"https://courier.example/vell-flood", "https://ledger.example/port-amsel-flood"}
FIRE = {
    "https://ledger.example/halvard-fire",
    "https://ledger.example/halvard-fire-update",
    "https://courier.example/halvard",
}


def test_ingest_groups_stories_rejects_bad_lines_and_adds_nothing_twice(store: Store):
    summary = ingest([str(DUMP)], store)
    assert (summary.new, summary.duplicate, summary.rejected, summary.failed) == (5, 0, 2, 0)
    rejected = {source: reason for _, source, reason in store.rejections(summary.run)}
    assert set(rejected) == {f"{DUMP}:4", f"{DUMP}:5"}
    assert sorted(_groups(store).values(), key=len) == [FLOOD, FIRE]
    assert store.stale_stories() == []  # every changed story got its report
    before = (_groups(store), store.article_count(), store.claim_count())

    again = ingest([str(DUMP)], store)
    assert (again.new, again.duplicate, again.stories) == (0, 5, ())
    assert (_groups(store), store.article_count(), store.claim_count()) == before
    assert [r.status for r in store.runs()] == ["done", "done"]


def test_a_wire_reprint_joins_its_origin_and_counts_once(store: Store):
    ingest([str(DUMP)], store)
    summary = ingest([str(REPRINT)], store)
    assert (summary.new, summary.copies) == (1, 1)
    [flood] = [store.story(sid) for sid, urls in _groups(store).items() if urls & FLOOD]
    assert (flood.articles, flood.outlets, flood.origins) == (3, 3, 2)
    report = story_report(store, flood.id)
    [copied] = [o for o in report.origins if o.copies]
    assert set(copied.outlets) == {"Amsel Courier", "Valley Gazette"}
    # the reprint is not compared against its own origin: no agreement rests on it alone
    reprint_id = next(a.id for a in report.articles if a.outlet == "Valley Gazette")
    assert all(s.article != reprint_id for f in report.agreements for s in f.statements)


def test_story_report_separates_a_revision_from_a_conflict(store: Store):
    ingest([str(DUMP)], store)
    [fire] = [store.story(sid) for sid, urls in _groups(store).items() if urls & FIRE]
    report = story_report(store, fire.id)
    assert report.story == fire.id
    # the owner's injury count, 3 on Monday then 5 on Tuesday in the same outlet: an update
    [update] = [f for f in report.updates if "worker" in f.attribute]
    assert [s.value for s in update.statements] == ["Three", "Five"]
    assert "Morning Ledger" in update.explanation
    assert all("worker" not in f.attribute for f in (*report.conflicts, *report.possible))
    # 60 firefighters in one outlet, 80 in another: two outlets never make an update
    assert all("firefighter" not in f.attribute for f in report.updates)
    dates = [e.published for e in report.timeline]
    assert dates == sorted(dates)


def test_merge_and_split_by_hand(store: Store):
    ingest([str(DUMP)], store)
    flood, fire = sorted(store.stories(), key=lambda r: r.articles)
    state = merge_stories(store, [fire.id, flood.id])
    assert len(state.members) == 5
    assert [r.id for r in store.stories()] == [fire.id]
    assert store.stale_stories() == [fire.id]
    flood_ids = [a.id for a in store.story_articles(fire.id) if a.article.url in FLOOD]
    rest, new = split_story(store, fire.id, flood_ids)
    assert {a.article.url for a in store.story_articles(new.id)} == FLOOD
    assert len(rest.members) == 3
    with pytest.raises(SettingsError, match="is not in"):
        split_story(store, new.id, [999])
    with pytest.raises(StoreError, match="no story 'story-99'"):
        merge_stories(store, [new.id, "story-99"])


def test_several_workers_get_several_tasks_each_and_one_worker_full_partitions():
    from storydiff.corpus.ingest import MIN_PARTITION_SIZE, PARTITION_SIZE, TASKS_PER_WORKER, partition_size

    assert partition_size(200, 1) == PARTITION_SIZE
    for articles in (40, 200, 999, 100_000):
        for workers in (2, 3, 8):
            size = partition_size(articles, workers)
            assert MIN_PARTITION_SIZE <= size <= PARTITION_SIZE
            tasks = -(-articles // size)
            # every worker gets its share of tasks, unless the partitions are as small as allowed
            assert tasks >= workers * TASKS_PER_WORKER or size == MIN_PARTITION_SIZE
    assert partition_size(200, 2) < PARTITION_SIZE
    assert partition_size(3, 2) == MIN_PARTITION_SIZE


def test_local_worker_processes_and_a_real_local_dask_cluster_give_the_same_stories(tmp_path, monkeypatch):
    from distributed import LocalCluster

    # partitions of two articles: five articles make three tasks, more than the workers take at once
    monkeypatch.setattr("storydiff.corpus.ingest.PARTITION_SIZE", 2)
    monkeypatch.setattr("storydiff.corpus.ingest.IN_FLIGHT_PER_WORKER", 1)
    analyzer = LocalAnalyzer(2)
    try:
        with open_store(tmp_path / "local.db") as local:
            summary = ingest([str(DUMP)], local, analyzer=analyzer)
            assert summary.analysed == 5
            assert sorted(_groups(local).values(), key=len) == [FLOOD, FIRE]
    finally:
        analyzer.close()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster:
        # as a user runs it: the scheduler's address on the command line
        db = tmp_path / "dask.db"
        result = CliRunner().invoke(
            cli,
            ["ingest", str(DUMP), "--db", str(db), "--scheduler", cluster.scheduler_address, "--no-progress"],
        )
        assert result.exit_code == 0, result.output
        assert "5 new" in result.stderr
    with open_store(db) as s:
        assert sorted(_groups(s).values(), key=len) == [FLOOD, FIRE]
        assert s.integrity_problems() == []
        assert s.analysis_errors() == []


def test_killed_ingest_loses_nothing_and_the_next_run_finishes(tmp_path):
    db_path = tmp_path / "news.db"
    # many copies of the dump under other names, so the run is still going when it is killed
    folder = tmp_path / "inbox"
    folder.mkdir()
    for n in range(6):
        shutil.copy(DUMP, folder / f"part-{n}.jsonl")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "storydiff.cli",
            "ingest",
            str(folder),
            "--db",
            str(db_path),
            "--workers",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if db_path.exists():
                with open_store(db_path) as s:
                    if s.article_count() >= 3:
                        break
            time.sleep(0.2)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(30)
    with open_store(db_path) as s:
        assert s.integrity_problems() == []
        assert s.runs()[0].status == "running"  # killed, never marked done
        summary = ingest([str(folder)], s)
        assert summary.status == "done"
        assert s.pending_analysis() == []
        assert s.unclustered() == []
        assert s.article_count() == 5  # the same five reports, stored once
        assert sorted(_groups(s).values(), key=len) == [FLOOD, FIRE]
        assert s.integrity_problems() == []


# --- the command line ---------------------------------------------------------------------------


def test_cli_ingest_stories_report(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "news.db")
    # with the progress bars on (stderr), as on a terminal
    result = runner.invoke(cli, ["ingest", str(DUMP), "--db", db, "--workers", "1", "--progress"])
    assert result.exit_code == 0, result.output
    assert "5 new" in result.stderr
    assert "2 rejected" in result.stderr
    assert f"rejected: {DUMP}:4:" in result.stderr

    listed = runner.invoke(cli, ["stories", "--db", db, "--format", "json"])
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.stdout)
    assert data["schema"] == "storydiff.corpus.stories/1"
    fire = next(s for s in data["stories"] if s["articles"] == 3)
    assert {i["url"] for i in fire["items"]} == FIRE
    assert all({"id", "path", "url", "outlet", "published"} <= set(i) for i in fire["items"])

    table = runner.invoke(cli, ["stories", "--db", db])
    assert table.exit_code == 0
    assert fire["id"] in table.stdout
    assert "Halvard" in table.stdout

    html = runner.invoke(cli, ["report", fire["id"], "--db", db, "--format", "html"])
    assert html.exit_code == 0, html.output
    assert html.stdout.lstrip().lower().startswith("<!doctype html>")
    assert "Halvard" in html.stdout
    as_json = json.loads(runner.invoke(cli, ["report", fire["id"], "--db", db, "--format", "json"]).stdout)
    assert as_json["story"] == fire["id"]
    assert as_json["timeline"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # a story that does not exist
        (["report", "story-42"], "Error: .*there is no story 'story-42' in this corpus; list the stories"),
        # merging one story with itself
        (["stories", "merge", "story-1", "story-1"], "Error: give two or more different story ids"),
        # a watch interval that is not a duration
        (
            ["watch", "feeds.opml", "--every", "soon"],
            "Error: --every 'soon' is not a duration; write it like",
        ),
    ],
)
def test_cli_errors_are_one_line(tmp_path, args, message):
    db = str(tmp_path / "news.db")
    result = CliRunner().invoke(cli, [*args, "--db", db])
    assert result.exit_code == 1
    import re

    assert re.match(message, result.stderr), result.stderr
    assert result.stderr.count("\n") == 1


def test_cli_stories_on_an_empty_corpus_says_how_to_fill_it(tmp_path):
    result = CliRunner().invoke(cli, ["stories", "--db", str(tmp_path / "news.db")])
    assert result.exit_code == 0
    assert "storydiff ingest" in result.stdout


# --- feeds over HTTP on loopback -----------------------------------------------------------------


class _Site:
    """A news site on 127.0.0.1: an RSS feed with an ETag and one HTML page per item; logs requests."""

    def __init__(self) -> None:
        from http.server import BaseHTTPRequestHandler

        self.pages: dict[str, bytes] = {}
        self.items: list[tuple[str, str, str]] = []  # (path, title, RFC 822 date)
        self.log: list[tuple[str, str | None]] = []  # (path, If-None-Match)
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.log.append((self.path, self.headers.get("If-None-Match")))
                if self.path == "/rss.xml":
                    body, etag = site.feed()
                    if self.headers.get("If-None-Match") == etag:
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.end_headers()
                        return
                    self._send(200, body, "application/rss+xml", etag)
                elif self.path in site.pages:
                    self._send(200, site.pages[self.path], "text/html; charset=utf-8")
                else:
                    self._send(404, b"not found", "text/plain")

            def _send(self, status: int, body: bytes, mime: str, etag: str | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", mime)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.handler = Handler
        self.base = ""  # set while it is served

    def add(self, path: str, title: str, date: str, paragraphs: list[str]) -> None:
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        self.pages[path] = (
            f"<!doctype html><html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"{body}</article></body></html>"
        ).encode()
        self.items.append((path, title, date))

    def feed(self) -> tuple[bytes, str]:
        entries = "".join(
            f"<item><title>{t}</title><link>{self.base}{p}</link><pubDate>{d}</pubDate></item>"
            for p, t, d in self.items
        )
        body = (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Herald</title>'
            f"<link>{self.base}/</link>{entries}</channel></rss>"
        ).encode()
        return body, f'"v{len(self.items)}"'


@pytest.fixture
def site():
    s = _Site()
    with serving(s.handler) as base:
        s.base = base
        yield s


def _paragraphs(line_number: int) -> list[str]:
    record = json.loads(DUMP.read_text(encoding="utf-8").splitlines()[line_number - 1])
    return record["text"].split("\n")


def test_cli_feeds_from_opml_then_watch_uses_conditional_requests(tmp_path, site):
    site.add(
        "/flood.html",
        "Thousands evacuated as Vell floods Port Amsel",
        "Tue, 05 Mar 2024 08:00:00 GMT",
        _paragraphs(1),
    )
    site.add("/fire.html", "Fire at Halvard paint factory", "Mon, 04 Mar 2024 09:00:00 GMT", _paragraphs(3))
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<?xml version="1.0"?><opml version="2.0"><head><title>news</title></head><body>'
        f'<outline text="Harbour Herald" type="rss" xmlUrl="{site.base}/rss.xml"/></body></opml>',
        encoding="utf-8",
    )
    db = str(tmp_path / "news.db")
    runner = CliRunner()
    first = runner.invoke(cli, ["ingest", str(opml), "--db", db, "--workers", "1", "--no-progress"])
    assert first.exit_code == 0, first.output
    assert "2 new" in first.stderr
    with open_store(db) as s:
        urls = {a.article.url for a in s.articles()}
        assert urls == {f"{site.base}/flood.html", f"{site.base}/fire.html"}
        assert len(s.stories()) == 2
        fire = next(a for a in s.articles() if a.article.url.endswith("/fire.html"))
        assert fire.article.published == "2024-03-04"
        assert s.raw(fire.id)[0].startswith(b"<!doctype html>")
    site.log.clear()

    # two polls, nothing new: one conditional feed request each, answered 304, no page fetched
    watched = runner.invoke(
        cli,
        [
            "watch",
            str(opml),
            "--db",
            db,
            "--every",
            "0.1s",
            "--times",
            "2",
            "--workers",
            "1",
            "--no-progress",
        ],
    )
    assert watched.exit_code == 0, watched.output
    assert site.log == [("/rss.xml", '"v2"'), ("/rss.xml", '"v2"')]
    assert watched.stderr.count("0 new") == 2

    # a new item: only its page is fetched; the story it belongs to grows
    site.add(
        "/fire-2.html", "Halvard fire: five workers hurt", "Tue, 05 Mar 2024 10:00:00 GMT", _paragraphs(7)
    )
    site.log.clear()
    again = runner.invoke(cli, ["ingest", str(opml), "--db", db, "--workers", "1", "--no-progress"])
    assert again.exit_code == 0, again.output
    assert [p for p, _ in site.log] == ["/rss.xml", "/fire-2.html"]
    with open_store(db) as s:
        sizes = sorted(row.articles for row in s.stories())
        assert sizes == [1, 2]
        assert s.integrity_problems() == []


def test_local_workers_start_only_when_there_is_more_than_one_task():
    analyzer = LocalAnalyzer(2)
    try:
        # one task runs here: no worker process is started for it
        assert list(analyzer.run(abs, [-3])) == [3]
        assert analyzer._pool is None
        # several run on the workers, results in completion order
        assert sorted(analyzer.run(abs, [-1, -2, -3, -4, -5])) == [1, 2, 3, 4, 5]
        assert analyzer._pool is not None
    finally:
        analyzer.close()
