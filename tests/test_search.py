"""The story search in the database (corpus/search.py, Store.search_stories) on a real SQLite file and a
real PostgreSQL server, and through the web app on a real server.

The stories are written through the store's own write path (no models needed): a
small invented corpus whose titles, outlets, texts and dates exercise words,
phrases, case, non-ASCII letters, numbers, outlets and dates.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import httpx
import pytest

from pgserver import fresh_database
from storydiff.corpus import store as store_module
from storydiff.corpus.catalog import ListedStory, list_stories, page_of_stories
from storydiff.corpus.ingest import merge_stories, split_story
from storydiff.corpus.search import (
    MAX_WORD_CHARS,
    SEARCH_CHARS,
    StorySearch,
    fts5_query,
    query_terms,
    story_document,
    tsquery,
    words,
)
from storydiff.corpus.store import MIGRATIONS, AnalysisResult, Migration, NewArticle, Store, open_store
from storydiff.corpus.stories import ArticleFeatures, story_state
from storydiff.errors import StoreError
from storydiff.records import Article, Document
from storydiff.web import WebSettings
from storydiff.web.service import MAX_SEARCH_TERMS
from test_web import error_of, live_server

# Each story: its articles as (title, outlet, published, text).
STORIES = {
    "story-1": [
        (
            "Thousands evacuated as Vell floods Port Amsel",
            "Amsel Courier",
            "2024-03-06",
            "The river Vell burst its banks on Tuesday. Mayor Ilse Brandt ordered the evacuation.",
        ),
        (
            "Port Amsel under water",
            "Northline Wire",
            "2024-03-05",
            "Flooding forced 3,000 people from their homes, Brandt said.",
        ),
    ],
    "story-2": [
        (
            "Fire at Halvard paint factory",
            "AMSEL COURIER",
            "2024-03-04T09:30:00+00:00",
            "Tomas Reuter, the owner, said two workers were hurt.",
        ),
        (
            "Factory blaze injures workers",
            "Daily Meridian",
            "2024-03-04",
            "Firefighters fought the blaze at the Halvard plant for six hours.",
        ),
    ],
    "story-3": [
        (
            "Straße nach Köln gesperrt",
            None,
            None,
            "Die Polizei sperrte die Straße wegen eines Unfalls. Café-Besitzer klagen.",
        ),
    ],
    "story-4": [
        (
            "Ruritania votes in snap election",
            "Kestrelford Courier",
            "2024-02-28",
            "Turnout was 61 per cent; the New Ruritania party won 40 seats.",
        ),
        (
            "New Ruritania claims victory",
            "Daily Meridian",
            "2024-02-29",
            "Party leader Anna Vell said the result was clear.",
        ),
        (
            "Election result contested",
            "Harrow Valley Radio",
            "2024-03-02",
            "The opposition asked for a recount in York county.",
        ),
    ],
    "story-5": [
        (
            "U.S. aid reaches flood zone",
            "Northline Wire",
            "2024-03-07",
            "Aid workers near the Vell delta handed out water. NEAR the river, OR so they said.",
        ),
    ],
}
# a story is titled by its first published article
TITLE = {
    story: min(articles, key=lambda a: (a[2] is None, a[2] or ""))[0] for story, articles in STORIES.items()
}
_HASHES = iter(range(10**6))


def add_stories(store: Store, stories: dict[str, list[tuple[str, str | None, str | None, str]]]) -> None:
    """Write ``stories`` through the write path: the articles in bulk, then the stories in one save."""
    run = store.begin_run(["test stories"])
    items = [
        NewArticle(
            Document(
                source=f"{story}:{n}",
                article=Article(id="new", text=text, title=title, outlet=outlet, published=published),
            ),
            content_hash=f"hash-{next(_HASHES)}",
        )
        for story, articles in stories.items()
        for n, (title, outlet, published, text) in enumerate(articles)
    ]
    ids = iter(store.add_articles(run, items))
    states = []
    for story, articles in stories.items():
        members = [
            ArticleFeatures(
                id=str(next(ids)),
                vector=(1.0, 0.0),
                entities=(),
                published=dt.date.fromisoformat(published[:10]) if published else None,
            )
            for _, _, published, _ in articles
        ]
        states.append(story_state(story, members))
    store.save_stories(states)
    store.finish_run(run, "done")


def substring_search(stories: list[ListedStory], search: StorySearch, q: str) -> list[str]:
    """The story search as storydiff did it in Python before it moved to the database (the reference).

    Every term a substring (ignoring case) of the story's titles and texts; an
    outlet equal ignoring case; an article published in the date range.
    """
    terms = [" ".join(t) for t in query_terms(q)]
    found = []
    for story in stories:
        articles = [s.article for s in story.articles]
        haystack = "\n".join([story.row.title or "", *(f"{a.title or ''}\n{a.text}" for a in articles)])
        if not all(term in haystack.casefold() for term in terms):
            continue
        if search.outlet and not any(
            (a.outlet or "").casefold() == search.outlet.casefold() for a in articles
        ):
            continue
        days = [a.published[:10] for a in articles if a.published]
        if (search.date_from or search.date_to) and not any(
            (search.date_from is None or d >= search.date_from)
            and (search.date_to is None or d <= search.date_to)
            for d in days
        ):
            continue
        found.append(story.row.id)
    return found


@pytest.fixture
def corpus(store: Store) -> Store:
    add_stories(store, STORIES)
    return store


# --------------------------------------------------------------------------- words and queries


@pytest.mark.parametrize(
    ("q", "terms"),
    [
        # words, case-folded, in order, once each
        ("Vell FLOODS vell", (("vell",), ("floods",))),
        # a quoted phrase is one term of several words
        ('"Port Amsel" fire', (("port", "amsel"), ("fire",))),
        # an unbalanced quote opens a phrase to the end
        ('fire "port amsel', (("fire",), ("port", "amsel"))),
        # punctuation is no word, and no query syntax; inside a run of characters it makes a phrase
        ('-vell* NEAR(a, b) "" * ^x', (("vell",), ("near", "a"), ("b",), ("x",))),
        # inside a word it separates words: U.S. is the phrase "u s"
        ("U.S. e-mail", (("u", "s"), ("e", "mail"))),
        # letters beyond ASCII are letters; ß case-folds to ss
        ("Straße Köln 日本", (("strasse",), ("köln",), ("日本",))),
        # an underscore separates words, as SQLite's tokenizer does: one run, a phrase
        ("snake_case", (("snake", "case"),)),
        # nothing but punctuation
        ('*** - "" \'', ()),
    ],
)
def test_query_terms(q: str, terms: tuple[tuple[str, ...], ...]) -> None:
    assert query_terms(q) == terms


def test_queries_for_each_back_end_quote_every_word() -> None:
    terms = query_terms('near "new york" AND')
    assert fts5_query(terms) == '"near"* AND "new york"* AND "and"*'
    assert tsquery(terms) == "('near':*) & ('new' <-> 'york':*) & ('and':*)"


def test_a_story_document_holds_titles_and_outlets_first_and_is_cut_between_words() -> None:
    long_text = "word " * (SEARCH_CHARS // 4)
    body = story_document(["A Title", "A Title"], ["The Outlet"], ["first text", long_text, "never read"])
    assert body.startswith("a title the outlet first text word word")  # a repeated title once
    assert len(body) <= SEARCH_CHARS
    assert body.endswith(" word")
    assert "never" not in body


def test_overlong_words_are_not_indexed_and_never_match() -> None:
    assert words("ok " + "x" * (MAX_WORD_CHARS + 1)) == ["ok"]
    assert StorySearch.of("ok " + "x" * (MAX_WORD_CHARS + 1)).unmatchable
    assert not StorySearch.of("ok " + "x" * MAX_WORD_CHARS).unmatchable


# --------------------------------------------------------------------------- the store, both back ends


@pytest.mark.parametrize(
    ("q", "filters"),
    [
        # a name in titles and texts of three stories
        ("vell", {}),
        # case does not matter; every word must occur
        ("VELL floods", {}),
        # a word of an article's text only
        ("brandt", {}),
        # the start of a word: floods, flooding, flood
        ("flood", {}),
        ("evacu", {}),
        # a phrase, and the same words in the other order
        ('"port amsel"', {}),
        ('"amsel port"', {}),
        # two words from two articles of one story
        ("halvard reuter", {}),
        # two words of two different stories: none
        ("reuter brandt", {}),
        # letters beyond ASCII, and ß against ss
        ("straße", {}),
        ("KÖLN", {}),
        # a number
        ("61", {}),
        # outlet, ignoring case: two spellings of one outlet
        ("", {"outlet": "amsel courier"}),
        ("", {"outlet": "Daily Meridian"}),
        ("", {"outlet": "No Such Outlet"}),
        # dates: from, to (a full timestamp counts by its day), one day, a range
        ("", {"date_from": "2024-03-06"}),
        ("", {"date_to": "2024-03-04"}),
        ("", {"date_from": "2024-03-04", "date_to": "2024-03-04"}),
        ("", {"date_from": "2024-02-29", "date_to": "2024-03-03"}),
        # words with an outlet and with dates
        ("vell", {"outlet": "daily meridian"}),
        ("vell", {"date_from": "2024-03-06"}),
        # nothing asked: every story
        ("", {}),
    ],
)
def test_search_finds_what_the_python_search_found(corpus: Store, q: str, filters: dict[str, str]) -> None:
    search = StorySearch.of(q, **filters)
    expected = substring_search(list_stories(corpus), search, q)
    assert [r.id for r in corpus.search_stories(search)] == expected
    assert corpus.count_stories(search) == len(expected)


def test_the_listing_order_is_the_old_one(corpus: Store) -> None:
    # stories saved together: the most recently published first, undated last
    assert [r.id for r in corpus.stories()] == ["story-5", "story-1", "story-2", "story-4", "story-3"]


def test_outlets_are_found_by_name_too(corpus: Store) -> None:
    assert [r.id for r in corpus.search_stories(StorySearch.of("kestrelford"))] == ["story-4"]


def test_pages(corpus: Store) -> None:
    everything = [r.id for r in corpus.search_stories()]
    pages = [[r.id for r in corpus.search_stories(limit=2, offset=n)] for n in (0, 2, 4, 6)]
    assert pages == [everything[0:2], everything[2:4], everything[4:], []]
    vell = StorySearch.of("vell")
    assert [r.id for r in corpus.search_stories(vell, offset=1)] == [
        r.id for r in corpus.search_stories(vell)
    ][1:]
    assert corpus.count_stories() == len(everything) == 5


@pytest.mark.parametrize(
    ("q", "filters", "counted_whole"),
    [
        ("", {}, False),  # every story
        ("vell", {}, False),  # words alone
        ('"amsel courier"', {}, False),  # a phrase
        ("the", {"outlet": "amsel courier"}, True),  # an outlet: off the indexes, whole
        ("", {"date_from": "2024-03-05"}, True),  # dates too
    ],
)
def test_a_count_stops_past_at_most_only_where_that_reads_less(
    corpus: Store, q: str, filters: dict[str, str], counted_whole: bool
) -> None:
    search = StorySearch.of(q, **filters)
    exact = corpus.count_stories(search)
    assert exact == len(corpus.search_stories(search)) >= 2
    assert corpus.count_stories(search, at_most=exact) == exact  # room for every one
    assert corpus.count_stories(search, at_most=exact + 5) == exact
    # one short: "more than exact - 1", or the exact count where it is counted whole
    assert corpus.count_stories(search, at_most=exact - 1) == exact
    assert corpus.count_stories(search, at_most=0) == (exact if counted_whole else 1)
    assert corpus.count_stories(StorySearch.of("zzqxv"), at_most=0) == 0


def test_a_page_of_stories_says_how_many_match_or_more_than(corpus: Store) -> None:
    vell = StorySearch.of("vell")  # three stories, story-5, story-1, story-4
    first = page_of_stories(corpus, vell, 1, page_size=2, counted_exactly=1)
    assert (first.total, first.matched, first.more, first.page, first.pages) == (5, 2, True, 1, 1)
    assert [r.id for r in first.stories] == ["story-5", "story-1"]
    assert first.outlets == tuple(corpus.outlets())
    # counted to the asked page's end: all three
    second = page_of_stories(corpus, vell, 2, page_size=2, counted_exactly=1)
    assert (second.matched, second.more, second.page, second.pages) == (3, False, 2, 2)
    assert [r.id for r in second.stories] == ["story-4"]
    # a page past the end shows the last one
    beyond = page_of_stories(corpus, vell, 9, page_size=2)
    assert (beyond.matched, beyond.more, beyond.page) == (3, False, 2)
    assert beyond.stories == second.stories
    # no search: every story, the corpus's count
    everything = page_of_stories(corpus, StorySearch(), 1, page_size=2, counted_exactly=1)
    assert (everything.total, everything.matched, everything.more, everything.pages) == (5, 5, False, 3)
    nothing = page_of_stories(corpus, StorySearch.of("***"), 1, page_size=2)
    assert (nothing.matched, nothing.more, nothing.pages, nothing.stories) == (0, False, 1, ())


@pytest.mark.parametrize(
    ("q", "stories"),
    [
        # a lone quote, an empty phrase: no word, no story
        ('"', []),
        ('""', []),
        # an unbalanced quote: the phrase runs to the end
        ('"port amsel', ["story-1"]),
        # FTS5's prefix star, NOT, NEAR, OR, AND, column filter and initial-token marks are punctuation
        # or words
        ("flood*", ["story-5", "story-1"]),
        ("*", []),
        ("-halvard", ["story-2"]),
        ("NEAR (vell river)", ["story-5"]),
        # ... and joined to a word, the phrase "near vell", which no story has
        ("NEAR(vell river)", []),
        ("vell OR halvard", []),
        ("body:fire", []),
        ("^fire", ["story-2"]),
        ("fire AND", []),
        ("((", []),
        # PostgreSQL's tsquery operators
        ("fire & !halvard", ["story-2"]),
        ("fire:*", ["story-2"]),
        ("fire | flood", []),
        ("fire <-> halvard", ["story-2"]),
        # SQL in a query is words
        ("'; DROP TABLE stories; --", []),
        ("fire' OR '1'='1", []),
        # backslashes, a NUL, an emoji, a lone surrogate
        ("\\fire\\", ["story-2"]),
        ("fire\x00", ["story-2"]),
        ("🔥 fire", ["story-2"]),
        ("fire \udc80", ["story-2"]),
        # a word longer than any indexed word
        ("fire " + "x" * 3000, []),
    ],
)
def test_hostile_queries_give_results_or_none(corpus: Store, q: str, stories: list[str]) -> None:
    assert [r.id for r in corpus.search_stories(StorySearch.of(q))] == stories
    assert corpus.count_stories(StorySearch.of(q)) == len(stories)
    assert corpus.count_stories() == len(STORIES)  # nothing was dropped


def test_the_index_follows_every_change(corpus: Store) -> None:
    fire = StorySearch.of("halvard")
    # a story that grows: its new article's words find it, and it is listed first
    add_stories(corpus, {"story-6": [("Unrelated", "X", "2024-01-01", "Nothing here.")]})
    [grown] = corpus.story_articles("story-6")
    late = NewArticle(
        Document(source="late", article=Article(id="new", text="Zanzibar ferry sinks.", title="Ferry")),
        "late",
    )
    run = corpus.begin_run(["late"])
    [new_id] = corpus.add_articles(run, [late])
    corpus.finish_run(run, "done")
    members = [
        ArticleFeatures(id=str(i), vector=(1.0, 0.0), entities=(), published=None) for i in (grown.id, new_id)
    ]
    corpus.save_stories([story_state("story-6", members)])
    assert [r.id for r in corpus.search_stories(StorySearch.of("zanzibar"))] == ["story-6"]
    assert corpus.stories()[0].id == "story-6"
    # two stories merged: the one removed is no longer found, the other is by both its old words
    two = corpus.story_articles("story-2") + corpus.story_articles("story-6")
    merged = [ArticleFeatures(id=str(a.id), vector=(1.0, 0.0), entities=(), published=None) for a in two]
    corpus.save_stories([story_state("story-2", merged)], removed=["story-6"])
    assert [r.id for r in corpus.search_stories(StorySearch.of("zanzibar halvard"))] == ["story-2"]
    assert [r.id for r in corpus.search_stories(fire)] == ["story-2"]
    assert corpus.count_stories() == len(STORIES)


def test_a_new_outlet_is_found_at_once_whoever_wrote_it(tmp_path: Path) -> None:
    # the outlets' spellings are kept between searches: a write through this store, or through
    # another connection to the same file, must make them be read again
    db = tmp_path / "outlets.db"
    store, other = open_store(db), open_store(db)
    try:
        add_stories(store, {"story-a": [("Bridge shut", "Harbour Post", "2024-03-01", "The bridge shut.")]})
        assert [r.id for r in store.search_stories(StorySearch.of("", outlet="harbour post"))] == ["story-a"]
        assert store.count_stories(StorySearch.of("", outlet="Valley Times")) == 0
        add_stories(store, {"story-b": [("Ferry late", "Valley Times", "2024-03-02", "The ferry ran late.")]})
        assert store.count_stories(StorySearch.of("", outlet="valley times")) == 1
        add_stories(other, {"story-c": [("Road shut", "ÉCHO Daily", "2024-03-03", "The road shut.")]})
        assert [r.id for r in store.search_stories(StorySearch.of("", outlet="écho daily"))] == ["story-c"]
    finally:
        store.close()
        other.close()


def test_a_store_with_stories_is_indexed_when_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with open_store(path) as s:
        add_stories(s, STORIES)
    # the database as the version before the search index left it (and the later migrations)
    db = sqlite3.connect(path)
    for statement in (
        "DROP TABLE story_days",
        "ALTER TABLE stories DROP COLUMN report_version",
        "DROP TABLE sentence_vectors",
        "DROP TABLE story_search_fts",
        "DROP TABLE story_search",
        "DROP INDEX stories_updated",
        "DROP INDEX articles_outlet",
        f"DELETE FROM schema_migrations WHERE version >= {_SEARCH_MIGRATION}",
    ):
        db.execute(statement)
    db.commit()
    db.close()
    with open_store(path) as s:
        assert s.schema_version() == len(MIGRATIONS)
        assert [r.id for r in s.search_stories(StorySearch.of("vell"))] == ["story-5", "story-1", "story-4"]
        assert [r.id for r in s.stories()] == ["story-5", "story-1", "story-2", "story-4", "story-3"]
        assert s.integrity_problems() == []


def test_a_postgresql_store_with_stories_is_indexed_when_migrated(postgres_url: str) -> None:
    import psycopg

    url = fresh_database(postgres_url)
    with open_store(url) as s:
        add_stories(s, STORIES)
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("DROP TABLE story_days")
        db.execute("ALTER TABLE stories DROP COLUMN report_version")
        db.execute("DROP TABLE sentence_vectors")
        db.execute("DROP TABLE story_search")
        db.execute("DROP INDEX stories_updated")
        db.execute("DROP INDEX articles_outlet_id")  # articles_outlet before migration 7
        db.execute("DELETE FROM schema_migrations WHERE version >= %s", (_SEARCH_MIGRATION,))
    with open_store(url) as s:
        assert [r.id for r in s.search_stories(StorySearch.of("vell"))] == ["story-5", "story-1", "story-4"]
        assert s.integrity_problems() == []


# The number of the migration that added the search (the first with its own SQL per back end).
_SEARCH_MIGRATION = 1 + next(i for i, m in enumerate(MIGRATIONS) if not isinstance(m, str))


# --------------------------------------------------------------------------- dates: the day index

# Stories dated around May 2024: each article as (title, outlet, published, text).
DATED = {
    # the first day of May, a full timestamp at midnight
    "story-1": [("Dam opens", "Vale Post", "2024-05-01T00:00:00+00:00", "The dam opened.")],
    # the last day of May, a minute to midnight in its own time zone, beside an undated article
    "story-2": [
        ("Bridge shut", "Vale Post", "2024-05-31T23:59:00+02:00", "The bridge shut."),
        ("Bridge still shut", "Hill News", None, "The bridge is still shut."),
    ],
    # the day before May and the day after: outside
    "story-3": [("Storm warning", "Vale Post", "2024-04-30T23:59:59+00:00", "A storm came.")],
    "story-4": [("Heat wave", "Hill News", "2024-06-01", "The heat came.")],
    # an article before May and one after, none in it: outside, though its dates span the month
    "story-5": [
        ("Strike begins", "Vale Post", "2024-04-29", "The strike began."),
        ("Strike ends", "Hill News", "2024-06-02", "The strike ended."),
    ],
    # articles before, in and after May
    "story-6": [
        ("Election called", "Vale Post", "2024-04-20", "An election was called."),
        ("Election held", "Hill News", "2024-05-15T08:00:00Z", "The election was held."),
        ("Election result", "Vale Post", "2024-07-01", "The result came."),
    ],
    # no date at all: none, and an empty one
    "story-7": [
        ("Rumour", "Vale Post", None, "A rumour spread."),
        ("Rumour again", "Hill News", "", "The rumour spread again."),
    ],
}


@pytest.mark.parametrize(
    ("q", "date_from", "date_to", "expected"),
    [
        # May: its first and last day count whole, whatever the time; an article in it is enough
        ("", "2024-05-01", "2024-05-31", {"story-1", "story-2", "story-6"}),
        # from a day on, up to a day
        ("", "2024-05-01", None, {"story-1", "story-2", "story-4", "story-5", "story-6"}),
        ("", None, "2024-05-31", {"story-1", "story-2", "story-3", "story-5", "story-6"}),
        # one day
        ("", "2024-05-31", "2024-05-31", {"story-2"}),
        ("", "2024-04-30", "2024-04-30", {"story-3"}),
        ("", "2024-05-02", "2024-05-14", set()),
        # every dated story, never an undated one
        ("", None, "9999-12-31", {f"story-{n}" for n in range(1, 7)}),
        ("", "0001-01-01", None, {f"story-{n}" for n in range(1, 7)}),
        # with words
        ("bridge", "2024-05-01", "2024-05-31", {"story-2"}),
        ("strike", "2024-05-01", "2024-05-31", set()),
        ("election", "2024-05-15", "2024-05-15", {"story-6"}),
        ("rumour", "0001-01-01", "9999-12-31", set()),
    ],
)
@pytest.mark.parametrize("plan", ["chosen", "keys of the range", "each story's days"])
def test_a_date_search_finds_exactly_the_stories_with_an_article_in_the_range(
    store: Store,
    monkeypatch: pytest.MonkeyPatch,
    plan: str,
    q: str,
    date_from: str | None,
    date_to: str | None,
    expected: set[str],
) -> None:
    add_stories(store, DATED)
    if plan != "chosen":  # both plans of SQLite, whatever share of the days the range holds
        monkeypatch.setattr(Store, "_wide_range", lambda *_: plan == "each story's days")
    search = StorySearch.of(q, date_from=date_from, date_to=date_to)
    found = [r.id for r in store.search_stories(search)]
    assert set(found) == expected
    assert found == substring_search(list_stories(store), search, q)  # and in the listing order
    assert store.count_stories(search) == len(expected)
    assert [r.id for r in store.search_stories(search, limit=1, offset=1)] == found[1:2]


def test_a_wide_date_range_is_read_story_by_story_and_a_narrow_one_by_its_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "_NARROW_RANGE", 2)
    with open_store(tmp_path / "wide.db") as s:
        add_stories(s, DATED)  # nine day rows: a range of more than two (and a quarter of them) is wide
        wide = s._story_query(StorySearch.of("election", date_from="2024-05-01", date_to="2024-05-31"))
        narrow = s._story_query(StorySearch.of("election", date_from="2024-05-31", date_to="2024-05-31"))
        assert wide is not None
        assert narrow is not None
        assert "EXISTS (SELECT 1 FROM story_days d WHERE d.search_id = f.rowid" in wide.where
        assert "+f.rowid IN (SELECT d.search_id FROM story_days d" in narrow.where
        # a new story of many days: the count of the index is taken again
        add_stories(s, {"story-8": [("Flood", None, f"2024-08-{n:02}", "A flood.") for n in range(1, 29)]})
        after = s._story_query(StorySearch.of("election", date_from="2024-05-01", date_to="2024-05-31"))
        assert after is not None
        assert "+f.rowid IN" in after.where


def test_a_date_is_a_day_in_any_iso_form_and_anything_else_is_refused(store: Store) -> None:
    add_stories(store, DATED)
    assert {r.id for r in store.search_stories(StorySearch.of("", date_from="20240601"))} == {
        "story-4",
        "story-5",
        "story-6",
    }
    for bad in ({"date_from": "June"}, {"date_to": "2024-06-31"}, {"date_from": "2024-06-01T10:00"}):
        with pytest.raises(StoreError, match="is not a date; give it as YYYY-MM-DD"):
            store.count_stories(StorySearch.of("", **bad))


def _save_features(store: Store) -> None:
    """Store clustering features for every clustered article, as the analysis would (for merge and split)."""
    articles = store.articles(sorted(store.memberships()))
    store.save_analyses(
        [
            AnalysisResult(
                a.id,
                features=ArticleFeatures(
                    id=str(a.id),
                    vector=(1.0, 0.0),
                    entities=(),
                    published=dt.date.fromisoformat(a.article.published[:10])
                    if a.article.published
                    else None,
                ),
            )
            for a in articles
        ]
    )


def _in(store: Store, date_from: str, date_to: str) -> list[str]:
    search = StorySearch.of("", date_from=date_from, date_to=date_to)
    found = [r.id for r in store.search_stories(search)]
    assert store.count_stories(search) == len(found)
    assert store.integrity_problems() == []
    return sorted(found)


def test_the_day_index_follows_new_articles_merges_and_splits(store: Store) -> None:
    add_stories(
        store,
        {
            "story-1": [("Dam opens", "Vale Post", "2024-01-10", "The dam opened.")],
            "story-2": [("Bridge shut", "Hill News", "2024-02-20T12:00:00Z", "The bridge shut.")],
        },
    )
    # an article joins story-1: it is found in March too
    run = store.begin_run(["late"])
    late = Article(id="new", text="The dam holds.", title="Dam holds", published="2024-03-15")
    [late_id] = store.add_articles(run, [NewArticle(Document(source="late", article=late), "late")])
    store.finish_run(run, "done")
    [dam] = store.story_articles("story-1")
    store.save_stories(
        [
            story_state(
                "story-1",
                [
                    ArticleFeatures(str(dam.id), (1.0, 0.0), (), dt.date(2024, 1, 10)),
                    ArticleFeatures(str(late_id), (1.0, 0.0), (), dt.date(2024, 3, 15)),
                ],
            )
        ]
    )
    assert _in(store, "2024-03-01", "2024-03-31") == ["story-1"]
    assert _in(store, "2024-02-01", "2024-02-29") == ["story-2"]
    # story-2 merged into story-1: February finds story-1, story-2 is gone
    _save_features(store)
    merge_stories(store, ["story-1", "story-2"])
    assert _in(store, "2024-02-01", "2024-02-29") == ["story-1"]
    assert _in(store, "2024-01-01", "2024-12-31") == ["story-1"]
    # the February and March articles split off into a new story: January keeps story-1 alone
    bridge = next(a.id for a in store.story_articles("story-1") if a.article.published.startswith("2024-02"))
    _, split = split_story(store, "story-1", [bridge, late_id])
    assert _in(store, "2024-01-01", "2024-01-31") == ["story-1"]
    assert _in(store, "2024-02-01", "2024-03-31") == [split.id]
    assert _in(store, "2024-01-10", "2024-02-20") == sorted(["story-1", split.id])
    # one whole day index, the same as one made from scratch
    assert store.count_stories(StorySearch.of("", date_from="2024-01-01")) == 2


def test_the_integrity_check_finds_a_day_index_gone_wrong(tmp_path: Path) -> None:
    path = tmp_path / "days.db"
    with open_store(path) as s:
        add_stories(s, DATED)
        assert s.integrity_problems() == []
    db = sqlite3.connect(path)
    db.execute("DELETE FROM story_days WHERE day = '2024-05-31'")
    db.execute("INSERT INTO story_days (day, search_id) SELECT '2024-05-30', MIN(id) FROM story_search")
    db.execute("INSERT INTO story_days (day, search_id) SELECT '2024-05-01', MAX(id) + 1 FROM story_search")
    db.commit()
    db.close()
    with open_store(path) as s:
        assert s.integrity_problems() == [
            "1 days of stories' articles missing from the day index",
            "2 days in the day index that no article of the story was published on",
        ]


# The number of the migration that added the day index.
_DAYS_MIGRATION = 1 + next(
    i for i, m in enumerate(MIGRATIONS) if isinstance(m, Migration) and "story_days" in m.sqlite
)
# The number of the migration that sets PostgreSQL's statistics target of the story documents.
_STATISTICS_MIGRATION = 1 + next(
    i for i, m in enumerate(MIGRATIONS) if isinstance(m, Migration) and "STATISTICS" in m.postgresql
)
_MAY = StorySearch.of("", date_from="2024-05-01", date_to="2024-05-31")


def _assert_migrated_day_index(s: Store) -> None:
    """The stories of ``DATED``, after the migration that adds the day index, found by date as before."""
    assert s.schema_version() == len(MIGRATIONS)
    assert [r.id for r in s.search_stories(_MAY)] == substring_search(list_stories(s), _MAY, "")
    assert {r.id for r in s.search_stories(_MAY)} == {"story-1", "story-2", "story-6"}
    assert s.count_stories(StorySearch.of("", date_to="9999-12-31")) == 6
    assert s.integrity_problems() == []


def test_a_store_with_stories_gets_its_day_index_when_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with open_store(path) as s:
        add_stories(s, DATED)
    # the database as the version before the day index left it
    db = sqlite3.connect(path)
    db.execute("DROP TABLE story_days")
    db.execute("DELETE FROM schema_migrations WHERE version >= ?", (_DAYS_MIGRATION,))
    db.commit()
    db.close()
    with open_store(path) as s:
        _assert_migrated_day_index(s)


def test_a_postgresql_store_with_stories_gets_its_day_index_when_migrated(postgres_url: str) -> None:
    import psycopg

    url = fresh_database(postgres_url)
    with open_store(url) as s:
        add_stories(s, DATED)
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("DROP TABLE story_days")
        db.execute("DELETE FROM schema_migrations WHERE version >= %s", (_DAYS_MIGRATION,))
    with open_store(url) as s:
        _assert_migrated_day_index(s)


# --------------------------------------------------------------------------- the web app


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("search") / "news.db"
    with open_store(path) as s:
        add_stories(s, STORIES)
    with live_server(WebSettings(db=str(path), page_size=2)) as url:
        yield url


def _titles(base: str, **params: str) -> list[str]:
    response = httpx.get(base + "/api/stories", params=params)
    assert response.status_code == 200, response.text
    return [s["title"] for s in response.json()["stories"]]


def test_the_api_searches_and_pages(base: str) -> None:
    assert _titles(base, q="vell") == [TITLE["story-5"], TITLE["story-1"], TITLE["story-4"]]
    assert _titles(base, q="vell", limit="1", offset="1") == [TITLE["story-1"]]
    assert _titles(base, q="vell", outlet="DAILY MERIDIAN") == [TITLE["story-4"]]
    assert _titles(base, q="flood", **{"from": "2024-03-07"}) == [TITLE["story-5"]]
    [story] = httpx.get(base + "/api/stories", params={"q": "reuter"}).json()["stories"]
    assert [item["outlet"] for item in story["items"]] == ["Daily Meridian", "AMSEL COURIER"]


@pytest.mark.parametrize(
    "q",
    ['"', '"port amsel', "NEAR(", "-", "*", "fire & !x", "'; DROP TABLE stories; --", "\\", "x" * 3000, "🔥"],
)
def test_hostile_searches_through_the_server_are_never_an_error(base: str, q: str) -> None:
    assert httpx.get(base + "/api/stories", params={"q": q}).status_code == 200
    page = httpx.get(base + "/", params={"q": q})
    assert page.status_code == 200
    assert "Stories" in page.text


def test_the_story_page_searches_in_pages(base: str) -> None:
    first = httpx.get(base + "/", params={"q": "vell"}).text
    assert "3 stories match the search" in first
    assert "5 stories in this corpus" in first
    assert "Page 1 of 2" in first
    assert 'rel="next" href="/?q=vell&amp;page=2"' in first
    second = httpx.get(base + "/", params={"q": "vell", "page": "2"}).text
    assert TITLE["story-4"] in second
    assert TITLE["story-5"] not in second
    # the outlet list: one name per outlet, ignoring case
    assert first.count(">Amsel Courier</option>") + first.count(">AMSEL COURIER</option>") == 1


def test_past_its_exact_count_the_story_page_says_more_than(tmp_path: Path) -> None:
    path = tmp_path / "news.db"
    with open_store(path) as s:
        add_stories(s, STORIES)
    # counted exactly up to 1 story, or to the asked page's end: three match "vell"
    with live_server(WebSettings(db=str(path), page_size=2, counted_exactly=1)) as url:
        first = httpx.get(url + "/", params={"q": "vell"}).text
        assert "More than 2 stories match the search" in first
        assert "Page 1 of more than 1" in first
        assert 'rel="next" href="/?q=vell&amp;page=2"' in first
        second = httpx.get(url + "/", params={"q": "vell", "page": "2"}).text
        assert "3 stories match the search" in second  # counted to page 2's end: all of them
        assert "Page 2 of 2" in second
        assert 'rel="next"' not in second
        assert TITLE["story-4"] in second
        # without words every story is counted, as the corpus's total
        assert "5 stories in this corpus" in httpx.get(url + "/").text


def test_too_many_search_words_are_refused_with_the_fix(base: str) -> None:
    q = " ".join(f"w{n}" for n in range(MAX_SEARCH_TERMS + 1))
    response = httpx.get(base + "/api/stories", params={"q": q})
    assert response.status_code == 422
    assert error_of(response)["message"] == (
        f"q: the search has {MAX_SEARCH_TERMS + 1} words and phrases; use at most {MAX_SEARCH_TERMS}, "
        "the most telling ones"
    )
    page = httpx.get(base + "/", params={"q": q})
    assert page.status_code == 422
    assert f"use at most {MAX_SEARCH_TERMS}" in page.text


# --------------------------------------------------------------------------- the benchmark


def test_the_search_benchmark_runs_from_the_cli() -> None:
    import json

    from click.testing import CliRunner

    from storydiff.cli import cli

    result = CliRunner().invoke(cli, ["bench", "--search", "--limit", "60", "-f", "json"])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert (figures["backend"], figures["stories"], figures["target_ms"]) == ("sqlite", 60, 100.0)
    assert 120 <= figures["articles"] <= 180  # two or three a story
    searches = {s["name"]: s for s in figures["searches"]}
    assert searches["list, first page"]["matched"] == 60
    assert searches["most common word"]["matched"] > searches["rare word"]["matched"]
    assert searches["no hit"]["matched"] == 0
    assert all(s["p95_ms"] >= s["median_ms"] > 0 for s in figures["searches"])


def test_postgresql_search_plans_learn_many_words_and_an_old_store_is_migrated(
    postgres_url: str,
) -> None:
    import psycopg

    from storydiff.evaluation.searchbench import generate_corpus

    target = "SELECT attstattarget FROM pg_attribute WHERE attrelid = 'story_search'::regclass AND attname = 'body'"
    url = fresh_database(postgres_url)
    with open_store(url) as s:
        generate_corpus(s, 400)
        s.analyze()
        assert int(s._db.execute(target)[0][0]) == store_module._WORD_STATISTICS
        words_known = "SELECT array_length(most_common_elems, 1) FROM pg_stats WHERE tablename = 'story_search' AND attname = 'body'"
        # more than the default statistics keep (ten times a target of 100)
        assert int(s._db.execute(words_known)[0][0]) > 1000
        assert s.outlets()
    # a store as the version before left it: the default target, an index of outlets alone;
    # migrated when opened
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("ALTER TABLE story_search ALTER COLUMN body SET STATISTICS -1")
        db.execute("DROP INDEX articles_outlet_id")
        db.execute("CREATE INDEX articles_outlet ON articles(outlet)")
        db.execute("DELETE FROM schema_migrations WHERE version >= %s", (_STATISTICS_MIGRATION,))
    with open_store(url) as s:
        assert s.schema_version() == len(MIGRATIONS)
        assert int(s._db.execute(target)[0][0]) == store_module._WORD_STATISTICS
        indexes = {
            str(r[0]) for r in s._db.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'articles'")
        }
        assert "articles_outlet_id" in indexes
        assert "articles_outlet" not in indexes
        outlet = s.outlets()[0]
        assert s.count_stories(StorySearch.of("", outlet=outlet.upper())) >= 1


def test_the_planner_statistics_are_gathered_on_both_back_ends(tmp_path: Path, postgres_url: str) -> None:
    for target in (tmp_path / "s.db", fresh_database(postgres_url)):
        with open_store(target) as s:
            add_stories(s, DATED)
            s.analyze()
            if s.backend == "sqlite":
                tables = {str(r[0]) for r in s._db.execute("SELECT tbl FROM sqlite_stat1")}
            else:
                rows = s._db.execute("SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL")
                tables = {str(r[0]) for r in rows}
            assert {"story_days", "story_members", "articles"} <= tables
            assert [r.id for r in s.search_stories(_MAY)] == substring_search(list_stories(s), _MAY, "")
