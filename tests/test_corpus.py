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
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner
from pgserver import INSTALL_HINT, start_server

from storydiff.cli import cli
from storydiff.corpus import DaskAnalyzer, LocalAnalyzer, ingest, merge_stories, split_story, story_report
from storydiff.errors import SettingsError, StoreError
from storydiff.store import Store, open_store

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
DUMP = FIXTURES / "feed-dump.jsonl"
REPRINT = FIXTURES / "reprint.jsonl"


@pytest.fixture(scope="module")
def postgres_url():
    started = start_server()
    if started is None:
        pytest.skip(INSTALL_HINT)
    url, stop = started
    yield url
    stop()


def _postgres_store(server: str) -> Store:
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE {name}")
    return open_store(server.rsplit("/", 1)[0] + "/" + name)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    s = open_store(tmp_path / "news.db") if request.param == "sqlite" else _postgres_store(
        request.getfixturevalue("postgres_url")
    )
    yield s
    assert s.integrity_problems() == []
    s.close()


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
    assert all("worker" not in f.attribute for f in report.conflicts)
    # 60 firefighters in one outlet, 80 in another: a real conflict
    assert any("firefighter" in f.attribute for f in report.conflicts)
    dates = [e.published for e in report.timeline]
    assert dates == sorted(dates)


def test_merge_and_split_by_hand(store: Store):
    ingest([str(DUMP)], store)
    flood, fire = sorted(store.stories(), key=lambda r: r.articles)
    state = merge_stories(store, [fire.id, flood.id])
    assert len(state.members) == 5 and [r.id for r in store.stories()] == [fire.id]
    assert store.stale_stories() == [fire.id]
    flood_ids = [a.id for a in store.story_articles(fire.id) if a.article.url in FLOOD]
    rest, new = split_story(store, fire.id, flood_ids)
    assert {a.article.url for a in store.story_articles(new.id)} == FLOOD
    assert len(rest.members) == 3
    with pytest.raises(SettingsError, match="is not in"):
        split_story(store, new.id, [999])
    with pytest.raises(StoreError, match="no story 'story-99'"):
        merge_stories(store, [new.id, "story-99"])


def test_analysis_on_a_real_local_dask_cluster_matches_local(tmp_path):
    from distributed import Client, LocalCluster

    with open_store(tmp_path / "local.db") as local:
        ingest([str(DUMP)], local, analyzer=LocalAnalyzer(1))
        expected = sorted(map(sorted, _groups(local).values()))
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
        open_store(tmp_path / "dask.db") as db,
    ):
        analyzer = DaskAnalyzer(client=client)
        assert analyzer.workers == 2
        summary = ingest([str(DUMP)], db, analyzer=analyzer)
        assert summary.analysed == 5
        assert sorted(map(sorted, _groups(db).values())) == expected
        assert db.integrity_problems() == []


def test_killed_ingest_loses_nothing_and_the_next_run_finishes(tmp_path):
    db_path = tmp_path / "news.db"
    # many copies of the dump under other names, so the run is still going when it is killed
    folder = tmp_path / "inbox"
    folder.mkdir()
    for n in range(6):
        shutil.copy(DUMP, folder / f"part-{n}.jsonl")
    proc = subprocess.Popen(
        [sys.executable, "-m", "storydiff.cli", "ingest", str(folder), "--db", str(db_path), "--workers", "1"],
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
        assert s.pending_analysis() == [] and s.unclustered() == []
        assert s.article_count() == 5  # the same five reports, stored once
        assert sorted(_groups(s).values(), key=len) == [FLOOD, FIRE]
        assert s.integrity_problems() == []


# --- the command line ---------------------------------------------------------------------------


def test_cli_ingest_stories_report(tmp_path):
    runner = CliRunner()
    db = str(tmp_path / "news.db")
    result = runner.invoke(cli, ["ingest", str(DUMP), "--db", db, "--workers", "1", "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "5 new" in result.stderr and "2 rejected" in result.stderr
    assert f"rejected: {DUMP}:4:" in result.stderr

    listed = runner.invoke(cli, ["stories", "--db", db, "--format", "json"])
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.stdout)
    assert data["schema"] == "storydiff.stories/1"
    fire = next(s for s in data["stories"] if s["articles"] == 3)
    assert {i["url"] for i in fire["items"]} == FIRE
    assert all({"id", "path", "url", "outlet", "published"} <= set(i) for i in fire["items"])

    table = runner.invoke(cli, ["stories", "--db", db])
    assert table.exit_code == 0 and fire["id"] in table.stdout and "Halvard" in table.stdout

    html = runner.invoke(cli, ["report", fire["id"], "--db", db, "--format", "html"])
    assert html.exit_code == 0, html.output
    assert html.stdout.lstrip().lower().startswith("<!doctype html>") and "Halvard" in html.stdout
    as_json = json.loads(runner.invoke(cli, ["report", fire["id"], "--db", db, "--format", "json"]).stdout)
    assert as_json["story"] == fire["id"] and as_json["timeline"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # a story that does not exist
        (["report", "story-42"], "Error: .*there is no story 'story-42' in this corpus; list the stories"),
        # merging one story with itself
        (["stories", "merge", "story-1", "story-1"], "Error: give two or more different story ids"),
        # a watch interval that is not a duration
        (["watch", "feeds.opml", "--every", "soon"], "Error: --every 'soon' is not a duration; write it like"),
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
    assert result.exit_code == 0 and "storydiff ingest" in result.stdout
