"""The corpus store on a real SQLite file and a real PostgreSQL server: schema, write path, round trips."""

from __future__ import annotations

import itertools
import math
import sqlite3
import threading
import typing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pgserver import fresh_database
from storydiff.corpus.store import MIGRATIONS, AnalysisResult, Store, open_store
from storydiff.corpus.stories import ArticleFeatures, StoryState, story_state
from storydiff.errors import StoreError
from storydiff.records import (
    Analysis,
    Article,
    Attribution,
    Claim,
    ClaimKind,
    DateMention,
    Document,
    Finding,
    Quantity,
    Sentence,
)
from storydiff.report import codec


def _document(n: int, *, url: str | None = None, text: str | None = None, published: str | None = None):
    text = text or f"Report number {n} says the bridge over the river closed after a crack was found."
    article = Article(
        id=f"a{n}", text=text, url=url, title=f"Report {n}", outlet="Daily Example", published=published
    )
    return Document(source=f"input-{n}", article=article, raw=text.encode(), content_type="text/plain")


def _features(article_id: str, vector=(1.0, 0.0), published=None) -> ArticleFeatures:
    return ArticleFeatures(id=article_id, vector=vector, entities=("GPE:ruritania",), published=published)


# --- schema --------------------------------------------------------------------------------


def test_new_database_is_migrated_once(tmp_path):
    path = tmp_path / "news.db"
    with open_store(path) as s:
        assert s.schema_version() == len(MIGRATIONS)
    with open_store(path) as s:  # reopening applies nothing twice
        assert s.schema_version() == len(MIGRATIONS)
        rows = sqlite3.connect(path).execute("SELECT COUNT(*) FROM schema_migrations").fetchone()
        assert rows[0] == len(MIGRATIONS)
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_processes_opening_one_new_database_at_once_migrate_it_once(tmp_path, request, backend):
    # a web server and an ingest started together on a new corpus: the second to migrate waits,
    # then finds the schema done (it used to fail on "table already exists")
    if backend == "sqlite":
        target: object = tmp_path / "news.db"
    else:
        target = fresh_database(request.getfixturevalue("postgres_url"))
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def open_it() -> None:
        barrier.wait()
        try:
            with open_store(target) as s:  # type: ignore[arg-type]
                assert s.schema_version() == len(MIGRATIONS)
        except BaseException as exc:  # reported by the test below, from this thread
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []


def test_opening_an_up_to_date_corpus_only_reads(tmp_path):
    # a web request or a listing opens the corpus while an ingest holds the write lock
    path = tmp_path / "news.db"
    open_store(path).close()
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        with open_store(path) as s:
            assert s.stories() == []
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_newer_schema_is_refused_with_the_fix(tmp_path):
    path = tmp_path / "news.db"
    open_store(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO schema_migrations VALUES (?, 'later')", (len(MIGRATIONS) + 1,))
    db.commit()
    db.close()
    with pytest.raises(StoreError, match=r"written by a newer storydiff .* upgrade storydiff"):
        open_store(path)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        # a text file given where the corpus should be
        (lambda p: (p / "notes.db").write_text("not a database " * 100), "is not a storydiff database"),
        # a folder
        (lambda p: (p / "notes.db").mkdir(), "is a directory"),
    ],
)
def test_unusable_database_paths(tmp_path, make, message):
    make(tmp_path)
    with pytest.raises(StoreError, match=message) as info:
        open_store(tmp_path / "notes.db")
    assert str(tmp_path / "notes.db") in str(info.value)


def test_missing_folder_names_the_fix(tmp_path):
    with pytest.raises(StoreError, match="does not exist; create it"):
        open_store(tmp_path / "nowhere" / "news.db")


def test_unreachable_postgres_is_one_line_without_password():
    with pytest.raises(StoreError) as info:
        open_store("postgresql://reader:secret@127.0.0.1:1/news")
    text = str(info.value)
    assert "secret" not in text
    assert "could not connect to PostgreSQL" in text
    assert "\n" not in text


# --- articles and runs ---------------------------------------------------------------------


def test_articles_are_stored_once_by_url_and_by_text(store: Store):
    run = store.begin_run(["feeds.opml"])
    first = store.add_article(
        run, _document(1, url="https://example.com/a"), content_hash="h1", minhash=None, origin=None
    )
    assert first is not None
    # same URL, other text: a duplicate
    assert (
        store.add_article(
            run, _document(2, url="https://example.com/a"), content_hash="h2", minhash=None, origin=None
        )
        is None
    )
    # same text under another URL: a duplicate
    assert (
        store.add_article(
            run, _document(3, url="https://example.org/b"), content_hash="h1", minhash=None, origin=None
        )
        is None
    )
    copy = store.add_article(run, _document(4), content_hash="h4", minhash=b"\x00" * 16, origin=first)
    store.reject(run, "dump.jsonl:3", "no text")
    store.finish_run(run, "done")
    summary = store.run(run)
    assert (summary.new, summary.duplicate, summary.rejected, summary.status) == (2, 2, 1, "done")
    assert store.rejections(run) == [(run, "dump.jsonl:3", "no text")]
    assert store.has_url("https://example.com/a")
    assert not store.has_url("https://example.com/zzz")
    [a, b] = store.articles([first, copy])
    assert a.article.id == str(first)
    assert a.article.outlet == "Daily Example"
    assert a.source == "input-1"
    assert b.origin == first
    assert store.raw(first) == (_document(1).raw, "text/plain")
    assert store.minhashes() == [(copy, b"\x00" * 16, first)]
    assert store.pending_analysis() == [first, copy]


def test_unknown_article_names_the_fix(store: Store):
    with pytest.raises(StoreError, match="no article 99 in the corpus; list them"):
        store.articles([99])


def test_feed_cache_round_trip(store: Store):
    assert store.get("https://example.com/rss") is None
    store.put("https://example.com/rss", '"v1"', "Mon, 04 Mar 2024 10:00:00 GMT")
    store.put("https://example.com/rss", '"v2"', None)
    assert store.get("https://example.com/rss") == ('"v2"', None)


# --- analyses, stories, reports ------------------------------------------------------------


def _analysis(article_id: str) -> Analysis:
    text = "Two workers were hurt, the governor said on Friday."
    sentence = Sentence(article_id, 0, 0, len(text), text)
    quantity = Quantity(
        "Two workers", 0, 11, 2.0, 2.0, math.inf, None, "count", hedge="more than", noun="worker", token_i=0
    )
    date = DateMention("Friday", 44, 50, "2024-03-01", "weekday", token_i=9)
    claim = Claim(
        id=f"{article_id}:c0",
        article=article_id,
        sentence=sentence,
        kind="quantity",
        subject="worker",
        attribute="hurt",
        value="2",
        start=0,
        end=11,
        speaker="the governor",
        quantity=quantity,
        date=date,
        keys=("worker", "hurt"),
    )
    attribution = Attribution(
        article_id, "the governor", 33, 45, "said", 46, 50, "Two workers were hurt", 0, 21
    )
    return Analysis(Article(article_id, text, published="2024-03-01"), (sentence,), (claim,), (attribution,))


def test_analyses_features_and_claims_round_trip(store: Store):
    run = store.begin_run(["x"])
    ids = [
        store.add_article(run, _document(n), content_hash=f"h{n}", minhash=None, origin=None) for n in (1, 2)
    ]
    assert None not in ids
    first, second = ids
    analysis = _analysis(str(first))
    features = _features(str(first), published=None)
    store.save_analyses(
        [
            AnalysisResult(first, analysis=analysis, features=features),
            AnalysisResult(second, error="analysis failed: ValueError: bad"),
        ]
    )
    assert store.analyses([first, second]) == [analysis]
    assert store.features([first, second]) == [features]
    assert store.analysis_errors() == [(second, "analysis failed: ValueError: bad")]
    assert store.claim_count() == 1
    assert store.pending_analysis() == []
    assert store.unclustered() == [first]
    # saving again replaces, never doubles
    store.save_analyses([AnalysisResult(first, analysis=analysis, features=features)])
    assert store.claim_count() == 1


def test_stories_membership_reports_and_staleness(store: Store):
    run = store.begin_run(["x"])
    ids = [
        store.add_article(
            run, _document(n, published=f"2024-03-0{n}"), content_hash=f"h{n}", minhash=None, origin=None
        )
        for n in (1, 2, 3)
    ]
    store.save_analyses(
        [AnalysisResult(i, analysis=_analysis(str(i)), features=_features(str(i))) for i in ids]
    )
    one = story_state("story-1", [_features(str(i)) for i in ids[:2]])
    two = story_state("story-2", [_features(str(ids[2]))])
    store.save_stories([one, two])
    assert store.memberships() == {ids[0]: "story-1", ids[1]: "story-1", ids[2]: "story-2"}
    assert store.story_of(ids[2]) == "story-2"
    assert store.story_of(424242) is None
    row = store.story("story-1")
    assert (row.articles, row.outlets, row.origins, row.conflicts) == (2, 1, 2, None)
    assert (row.first_published, row.last_published, row.title) == ("2024-03-01", "2024-03-02", "Report 1")
    assert store.stale_stories() == ["story-1", "story-2"]
    store.save_report("story-1", '{"schema": "x"}', 3, version="3:abc")
    assert store.report("story-1") == '{"schema": "x"}'
    assert store.report("story-1", "3:abc") == '{"schema": "x"}'
    # made by another comparison or scorer: stale for this one, to be made again
    assert store.report("story-1", "4:abc") is None
    assert store.story("story-1").report_version == "3:abc"
    assert store.story("story-1").conflicts == 3
    assert store.stale_stories() == ["story-2"]
    assert [s.id for s in store.story_states()] == ["story-1", "story-2"]
    # moving an article marks the receiving story stale again; removing a story drops it
    merged = story_state("story-1", [_features(str(i)) for i in ids])
    store.save_stories([merged], removed=["story-2"])
    assert store.stale_stories() == ["story-1"]
    assert store.report("story-1") is None
    assert [a.id for a in store.story_articles("story-1")] == ids
    assert [s.id for s in store.stories()] == ["story-1"]
    with pytest.raises(StoreError, match=r"there is no story 'story-2'.*storydiff stories"):
        store.story("story-2")


def test_a_failed_write_changes_nothing(store: Store):
    run = store.begin_run(["x"])
    good = store.add_article(run, _document(1), content_hash="h1", minhash=None, origin=None)
    store.save_analyses([AnalysisResult(good, analysis=_analysis(str(good)), features=_features(str(good)))])
    store.save_stories([story_state("story-1", [_features(str(good))])])
    before = (store.memberships(), [s.id for s in store.stories()])
    # the second story names an article that does not exist: the foreign key fails the whole batch
    broken = StoryState("story-9", ("424242",), (1.0, 0.0), (), None, None)
    with pytest.raises(Exception):  # noqa: B017, PT011 - sqlite3 and psycopg raise their own IntegrityError
        store.save_stories([story_state("story-5", [_features(str(good))]), broken])
    assert (store.memberships(), [s.id for s in store.stories()]) == before


# --- JSON round trip of records (hypothesis) -----------------------------------------------

_text = st.text(max_size=30)
_floats = st.floats(allow_nan=False)  # infinities are allowed: open ranges ("more than 50")
_offsets = st.integers(min_value=0, max_value=10_000)
_maybe = st.none() | _text

sentences = st.builds(Sentence, _text, _offsets, _offsets, _offsets, _text)
quantities = st.builds(
    Quantity,
    _text,
    _offsets,
    _offsets,
    _floats,
    _floats,
    _floats,
    _maybe,
    _text,
    hedge=_maybe,
    noun=_maybe,
    token_i=st.integers(-1, 100),
)
dates = st.builds(DateMention, _text, _offsets, _offsets, _text, _text, token_i=st.integers(-1, 100))
claims = st.builds(
    Claim,
    id=_text,
    article=_text,
    sentence=sentences,
    kind=st.sampled_from(typing.get_args(ClaimKind)),
    subject=_text,
    attribute=_text,
    value=_text,
    start=_offsets,
    end=_offsets,
    predicate=_maybe,
    negated=st.booleans(),
    speaker=_maybe,
    quantity=st.none() | quantities,
    date=st.none() | dates,
    keys=st.lists(_text, max_size=3).map(tuple),
)
articles = st.builds(Article, _text, _text, path=_maybe, url=_maybe, published=_maybe)
attributions = st.builds(
    Attribution,
    _text,
    _maybe,
    st.none() | _offsets,
    st.none() | _offsets,
    _text,
    _offsets,
    _offsets,
    _text,
    _offsets,
    _offsets,
)
analyses = st.builds(
    Analysis,
    articles,
    st.lists(sentences, max_size=3).map(tuple),
    st.lists(claims, max_size=3).map(tuple),
    st.lists(attributions, max_size=2).map(tuple),
)
features = st.builds(
    ArticleFeatures,
    _text,
    st.lists(st.floats(-1, 1), max_size=4).map(tuple),
    st.lists(_text, max_size=3).map(tuple),
    st.none() | st.dates(),
    lemmas=st.lists(st.tuples(_text, st.integers(1, 9)), max_size=3).map(tuple),
    years=st.lists(st.integers(1900, 2100), max_size=3).map(tuple),
)


@given(analyses)
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
def test_analysis_json_round_trip(analysis):
    assert codec.loads(Analysis, codec.dumps(analysis)) == analysis


@given(features)
def test_features_json_round_trip(f):
    assert codec.loads(ArticleFeatures, codec.dumps(f)) == f


@pytest.mark.parametrize(
    "data",
    [
        # a field of the wrong type
        '{"id": 1, "vector": [], "entities": [], "published": null}',
        # a field missing that has no default
        '{"vector": [], "entities": [], "published": null}',
        # a date that is not a date
        '{"id": "a", "vector": [], "entities": [], "published": "soon"}',
    ],
)
def test_malformed_stored_records_name_the_fix(data):
    with pytest.raises(StoreError, match=r"does not match this version of storydiff .* re-ingest"):
        codec.loads(ArticleFeatures, data)


def test_chunked_reads_cover_many_ids(tmp_path):
    with open_store(tmp_path / "big.db") as s:
        run = s.begin_run(["x"])
        ids = [
            s.add_article(run, _document(n), content_hash=f"h{n}", minhash=None, origin=None)
            for n in itertools.islice(itertools.count(1), 1200)
        ]
        assert [a.id for a in s.articles(list(reversed(ids)))] == list(reversed(ids))


def test_a_claim_stored_with_a_reference_key_reads_as_its_reference():
    # analyses stored before claims had a typed `reference` kept it as a "ref:" key
    data = codec.to_data(_analysis("a1"))
    (claim,) = data["claims"]
    claim["keys"] = ["hurt", "noun:worker", "ref:border", "worker"]
    claim.pop("reference", None)
    (read,) = codec.from_data(Analysis, data).claims
    assert read.reference == "border"
    assert read.keys == ("hurt", "worker")


@pytest.mark.parametrize("value", ["conflicts", "", 3, None])
def test_a_category_outside_the_contract_names_the_choices(value):
    finding = Finding("agreement", "statement", "", "the bridge closed", "Both say so.", ())
    stored = codec.to_data(finding)
    stored["category"] = value
    with pytest.raises(StoreError, match='one of "conflict", "possible"'):
        codec.from_data(Finding, stored)
