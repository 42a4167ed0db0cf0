"""The tiered ingest: reports made when a story has two origins, from embeddings stored per article.

Every article is analysed and clustered at ingest; a story's report (the
comparison, and the sentence embeddings it needs) waits for a second
independent origin or for a request. These tests check that a report made that
way, from stored analyses and stored embeddings over several ingests, is the
report the from-scratch path makes of the same articles.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from storydiff.compare import compare_analyses, report_version
from storydiff.compare.embeddings import default_embedder
from storydiff.corpus.ingest import ingest, report_task, story_report
from storydiff.corpus.store import Store
from storydiff.corpus.timeline import with_timeline
from storydiff.pipeline import analyze_articles
from storydiff.records import Report
from storydiff.report.codec import render_json

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures" / "corpus"
DUMP = FIXTURES / "feed-dump.jsonl"
REPRINT = FIXTURES / "reprint.jsonl"


class CountingEmbedder:
    """The real embedder, remembering every text it was asked to embed."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += texts
        return default_embedder().encode(texts)


def from_scratch(store: Store, story_id: str) -> str:
    """The story's report as the untiered path makes it: analyse the compared articles again, compare
    them with every sentence embedded now, build the report (rendered as JSON)."""
    task = report_task(store, story_id)
    fresh = analyze_articles([a.article for a in task.analyses])
    found = compare_analyses(fresh, default_embedder())
    report = Report(
        articles=task.articles,
        conflicts=found.conflicts,
        possible=found.possible,
        agreements=found.agreements,
        unique=found.unique,
        attributions=tuple(at for a in fresh for at in a.attributions),
        warnings=task.warnings,
        origins=task.origins,
        story=story_id,
    )
    return render_json(with_timeline(report))


def lines(tmp_path: Path, name: str, ids: Sequence[str]) -> str:
    """A JSON Lines file of the dump's records with these ids, in this order."""
    records = {json.loads(line)["id"]: line for line in DUMP.read_text().splitlines() if line.startswith("{")}
    path = tmp_path / name
    path.write_text("".join(records[i] + "\n" for i in ids), encoding="utf-8")
    return str(path)


def test_a_story_gets_its_report_when_a_second_origin_joins_and_embeds_each_article_once(
    store: Store, tmp_path: Path
):
    embedder = CountingEmbedder()
    first = ingest([lines(tmp_path, "1.jsonl", ["halvard-fire-1"])], store, embedder=embedder)
    [fire] = first.stories
    # one origin: analysed and clustered, but nothing to compare yet
    assert store.story(fire).origins == 1
    assert store.stale_stories() == [fire]
    assert store.sentence_vector_count() == 0
    assert embedder.texts == []

    ingest([lines(tmp_path, "2.jsonl", ["halvard-fire-3"])], store, embedder=embedder)
    assert store.story(fire).origins == 2
    assert store.stale_stories() == []  # the second origin brought the report
    assert store.sentence_vector_count() == 2
    [first_article] = [a for a in store.story_articles(fire) if a.article.id == "1"]
    [first_analysis] = store.analyses([first_article.id])
    own = {s.text for s in first_analysis.sentences}

    embedder.texts.clear()
    ingest([lines(tmp_path, "3.jsonl", ["halvard-fire-2"])], store, embedder=embedder)
    assert store.stale_stories() == []
    assert store.sentence_vector_count() == 3
    [third] = store.analyses([3])
    # the story changed, yet the earlier articles' sentences were not embedded again
    assert not (own - {s.text for s in third.sentences}) & set(embedder.texts)
    # and the report made from stored pieces is the one made from scratch
    assert render_json(story_report(store, fire)) == from_scratch(store, fire)


def test_tiered_reports_equal_reports_made_from_scratch(store: Store, tmp_path: Path):
    ingest([str(DUMP)], store)
    ingest([str(REPRINT)], store)  # a wire copy joins the flood: its report is made again
    rows = store.stories()
    assert len(rows) == 2
    assert all(r.report_made is not None for r in rows)
    for row in rows:
        assert store.report(row.id) == from_scratch(store, row.id)


def test_a_story_of_one_origin_is_reported_on_request(store: Store, tmp_path: Path):
    ingest([lines(tmp_path, "one.jsonl", ["vell-flood-courier"])], store)
    [row] = store.stories()
    assert row.report_made is None
    made = render_json(story_report(store, row.id))
    assert made == from_scratch(store, row.id)
    assert store.report(row.id) == made  # stored: the next request reads it
    assert store.sentence_vector_count() == 1


def test_a_report_made_by_another_comparison_is_made_again(store: Store) -> None:
    # a corpus upgraded to a new comparison or scorer shows no findings of the old one
    ingest([str(DUMP)], store)
    row = next(r for r in store.stories() if r.report_made is not None)
    fresh = store.report(row.id)
    assert fresh is not None
    assert row.report_version == report_version()
    old = json.loads(fresh)
    old["articles"][0]["title"] = "A title the old comparison showed"
    store.save_report(row.id, json.dumps(old), 99, version="0:old")
    assert store.report(row.id, report_version()) is None
    remade = render_json(story_report(store, row.id))
    assert "A title the old comparison showed" not in remade
    assert remade == fresh  # made again, not the old one
    assert store.story(row.id).report_version == report_version()
    assert store.story(row.id).conflicts != 99
