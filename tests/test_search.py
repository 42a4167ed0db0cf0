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
from storydiff.corpus.catalog import ListedStory, list_stories
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
from storydiff.corpus.store import MIGRATIONS, NewArticle, Store, open_store
from storydiff.corpus.stories import ArticleFeatures, story_state
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
        db.execute("ALTER TABLE stories DROP COLUMN report_version")
        db.execute("DROP TABLE sentence_vectors")
        db.execute("DROP TABLE story_search")
        db.execute("DROP INDEX stories_updated")
        db.execute("DROP INDEX articles_outlet")
        db.execute("DELETE FROM schema_migrations WHERE version >= %s", (_SEARCH_MIGRATION,))
    with open_store(url) as s:
        assert [r.id for r in s.search_stories(StorySearch.of("vell"))] == ["story-5", "story-1", "story-4"]
        assert s.integrity_problems() == []


# The number of the migration that added the search (the first with its own SQL per back end).
_SEARCH_MIGRATION = 1 + next(i for i, m in enumerate(MIGRATIONS) if not isinstance(m, str))


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
