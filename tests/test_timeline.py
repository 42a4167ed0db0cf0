"""Tests for storydiff.corpus.timeline: revisions told apart from conflicts, and the story's timeline.

Reports are built by hand from invented articles, so these tests need no model.
"""

from __future__ import annotations

import pytest

from storydiff.corpus import timeline
from storydiff.corpus.timeline import with_timeline
from storydiff.records import Article, Attribution, Finding, Report, Statement, TimelineEntry

TOLL = "People were killed in the blast."


def article(
    id: str, outlet: str | None = None, published: str | None = None, url: str | None = None
) -> Article:
    """An invented report with one sentence about the death toll."""
    return Article(id, f"Report {id}. {TOLL}", url=url, outlet=outlet, published=published)


def toll(a: Article, value: str, speaker: str | None = None) -> Statement:
    """A death-toll statement of article ``a`` stating ``value``, pointing at its toll sentence."""
    start = a.text.index(TOLL)
    return Statement(a.id, TOLL, start, start + len(TOLL), value, speaker)


def conflict(*statements: Statement, explanation: str = "The reports give different death tolls.") -> Finding:
    return Finding("conflict", "numeric", "blast", "killed", explanation, statements, severity="major")


def story(*sides: tuple[Article, str, str | None]) -> Report:
    """A report of one death-toll conflict, one statement per (article, value, speaker)."""
    articles = tuple(dict.fromkeys(a for a, _, _ in sides))
    return Report(articles=articles, conflicts=(conflict(*(toll(a, v, s) for a, v, s in sides)),))


MON, TUE, WED = "2024-03-04", "2024-03-05", "2024-03-06"

CASES = [
    # the example of the brief: one outlet, Monday 12, Tuesday 19
    ("update", [(article("a1", "Reuters", MON), "12", None), (article("a2", "Reuters", TUE), "19", None)]),
    # outlets compare without case or surrounding space
    ("update", [(article("a1", "Reuters", MON), "12", None), (article("a2", " REUTERS ", TUE), "19", None)]),
    # no outlet: the URL's host stands in, with or without www.
    (
        "update",
        [
            (article("a1", url="https://www.reuters.com/a", published=MON), "12", None),
            (article("a2", url="https://reuters.com/b", published=TUE), "19", None),
        ],
    ),
    # an ISO date-time counts by its day
    (
        "update",
        [
            (article("a1", "Reuters", MON), "12", None),
            (article("a2", "Reuters", "2024-03-05T08:00:00Z"), "19", None),
        ],
    ),
    # two outlets that disagree on different days still disagree
    ("conflict", [(article("a1", "Reuters", MON), "12", None), (article("a2", "AP", TUE), "19", None)]),
    # the same named speaker carried by two outlets revised the figure
    (
        "update",
        [
            (article("a1", "Reuters", MON), "12", "Ivan Petrov"),
            (article("a2", "AP", TUE), "19", "ivan petrov"),
        ],
    ),
    # an honorific does not make another speaker
    (
        "update",
        [(article("a1", "Reuters", MON), "12", "Mr. Petrov"), (article("a2", "AP", TUE), "19", "Petrov")],
    ),
    # two different speakers in two outlets: a conflict
    (
        "conflict",
        [(article("a1", "Reuters", MON), "12", "Petrov"), (article("a2", "AP", TUE), "19", "Ivanova")],
    ),
    # "he" in two reports may be two people
    ("conflict", [(article("a1", "Reuters", MON), "12", "he"), (article("a2", "AP", TUE), "19", "he")]),
    # an undated report cannot supersede a dated one...
    ("conflict", [(article("a1", "Reuters", MON), "12", None), (article("a2", "Reuters"), "19", None)]),
    # ...nor be superseded
    ("conflict", [(article("a1", "Reuters"), "12", None), (article("a2", "Reuters", TUE), "19", None)]),
    # a date that is not ISO is no date
    (
        "conflict",
        [(article("a1", "Reuters", "Monday"), "12", None), (article("a2", "Reuters", TUE), "19", None)],
    ),
    # two reports of one day cannot be ordered
    ("conflict", [(article("a1", "Reuters", MON), "12", None), (article("a2", "Reuters", MON), "19", None)]),
    # Reuters revised, but AP's 15 of the same Tuesday still disagrees with Reuters' 19
    (
        "conflict",
        [
            (article("a1", "Reuters", MON), "12", None),
            (article("a2", "Reuters", TUE), "19", None),
            (article("a3", "AP", TUE), "15", None),
        ],
    ),
    # AP's Monday 12 was never revised by AP: it still stands against Reuters' 19
    (
        "conflict",
        [
            (article("a1", "Reuters", MON), "12", None),
            (article("a2", "Reuters", TUE), "19", None),
            (article("a3", "AP", MON), "12", None),
        ],
    ),
    # both outlets revised to the same figure: nothing left in dispute
    (
        "update",
        [
            (article("a1", "Reuters", MON), "12", None),
            (article("a2", "AP", MON), "12", None),
            (article("a3", "Reuters", TUE), "19", None),
            (article("a4", "AP", WED), "19", None),
        ],
    ),
    # a later report agreeing with the revision from another outlet does not undo it
    (
        "update",
        [
            (article("a1", "Reuters", MON), "12", None),
            (article("a2", "Reuters", TUE), "19", None),
            (article("a3", "AP", WED), "19", None),
        ],
    ),
    # no outlet, no URL, no speaker: nothing ties the two reports together
    ("conflict", [(article("a1", published=MON), "12", None), (article("a2", published=TUE), "19", None)]),
]


@pytest.mark.parametrize(("expected", "sides"), CASES)
def test_revision_or_conflict(expected, sides):
    report = with_timeline(story(*sides))
    if expected == "update":
        assert report.conflicts == ()
        assert len(report.updates) == 1
        assert report.updates[0].category == "update"
        assert report.updates[0].severity is None
    else:
        assert report.updates == ()
        assert len(report.conflicts) == 1
        assert report.conflicts[0].category == "conflict"
        assert report.conflicts[0].severity == "major"


def test_update_explanation_and_statements_in_time_order():
    monday, tuesday = article("a1", "Reuters", MON), article("a2", "Reuters", TUE)
    # the later statement listed first, as compare's article order may have it
    report = with_timeline(
        Report(
            articles=(tuesday, monday),
            conflicts=(conflict(toll(tuesday, "19"), toll(monday, "12")),),
        )
    )
    (update,) = report.updates
    assert update.explanation == "Revised from 12 to 19 by Reuters (2024-03-04 → 2024-03-05)."
    assert [s.value for s in update.statements] == ["12", "19"]
    assert (update.kind, update.subject, update.attribute) == ("numeric", "blast", "killed")


def test_revision_by_a_speaker_names_the_speaker():
    report = with_timeline(
        story(
            (article("a1", "Reuters", MON), "12", "Ivan Petrov"),
            (article("a2", "AP", TUE), "19", "Ivan Petrov"),
        )
    )
    assert report.updates[0].explanation == "Revised from 12 to 19 by Ivan Petrov (2024-03-04 → 2024-03-05)."


def test_each_revision_step_is_explained():
    report = with_timeline(
        story(
            (article("a1", "Reuters", MON), "12", None),
            (article("a2", "Reuters", TUE), "15", None),
            (article("a3", "Reuters", WED), "19", None),
        )
    )
    assert report.updates[0].explanation == (
        "Revised from 12 to 15 by Reuters (2024-03-04 → 2024-03-05); "
        "revised from 15 to 19 by Reuters (2024-03-05 → 2024-03-06)."
    )


def test_a_conflict_that_outlives_a_revision_mentions_it():
    report = with_timeline(
        story(
            (article("a1", "Reuters", MON), "12", None),
            (article("a2", "Reuters", TUE), "19", None),
            (article("a3", "AP", TUE), "15", None),
        )
    )
    (still,) = report.conflicts
    assert still.explanation == (
        "The reports give different death tolls. Revised from 12 to 19 by Reuters "
        "(2024-03-04 → 2024-03-05), but other reports still disagree."
    )
    assert still.severity == "major"
    assert [s.article for s in still.statements] == ["a1", "a2", "a3"]


def test_with_timeline_is_idempotent_and_keeps_the_rest():
    a1, a2, a3 = article("a1", "Reuters", MON), article("a2", "Reuters", TUE), article("a3", "AP", TUE)
    agreement = Finding("agreement", "numeric", "bridge", "closed", "", (toll(a1, "six"), toll(a3, "six")))
    attribution = Attribution("a1", "Petrov", None, None, "said", 0, 4, "x", 5, 6)
    report = Report(
        articles=(a1, a2, a3),
        conflicts=(
            conflict(toll(a1, "12"), toll(a2, "19")),
            conflict(toll(a1, "3"), toll(a2, "5"), toll(a3, "4")),
        ),
        agreements=(agreement,),
        attributions=(attribution,),
        warnings=("w",),
        story="s-1",
    )
    once = with_timeline(report)
    assert len(once.updates) == 1
    assert len(once.conflicts) == 1
    assert with_timeline(once) == once
    assert (once.agreements, once.attributions, once.warnings, once.story) == (
        (agreement,),
        (attribution,),
        ("w",),
        "s-1",
    )


def test_timeline_orders_by_date_undated_last_then_article_then_offset():
    undated = Article("u", "Undated 7 people were killed in the blast.", outlet="Blog")
    monday = Article("m", "Monday: 12 people were killed; 3 were hurt.", outlet="Reuters", published=MON)
    tuesday = Article("t", "Tuesday: 19 people were killed.", outlet="Reuters", published=TUE)
    also_monday = Article("m2", "Also Monday: 12 people died.", outlet="AP", published=MON)

    def at(a: Article, words: str, value: str) -> Statement:
        start = a.text.index(words)
        return Statement(a.id, words, start, start + len(words), value)

    hurt = Finding("unique", "numeric", "blast", "hurt", "", (at(monday, "3 were hurt", "3"),))
    agreed = Finding("agreement", "numeric", "blast", "dead", "", (at(also_monday, "12 people died", "12"),))
    report = Report(
        # the article order of the report, not the ids, breaks ties within a day
        articles=(undated, tuesday, monday, also_monday),
        conflicts=(
            conflict(at(undated, "7 people were killed", "7"), at(monday, "12 people were killed", "12")),
        ),
        agreements=(agreed,),
        unique=(hurt,),
        updates=(
            Finding(
                "update", "numeric", "blast", "killed", "", (at(tuesday, "19 people were killed", "19"),)
            ),
        ),
    )
    entries = with_timeline(report).timeline
    assert [(e.published, e.statement.article, e.statement.value, e.category) for e in entries] == [
        (MON, "m", "12", "conflict"),  # Monday, third article, first offset
        (MON, "m", "3", "unique"),  # Monday, third article, later offset
        (MON, "m2", "12", "agreement"),  # Monday, fourth article
        (TUE, "t", "19", "update"),
        (None, "u", "7", "conflict"),  # undated: last, though its article comes first
    ]
    assert entries[0] == TimelineEntry(
        published=MON,
        category="conflict",
        kind="numeric",
        subject="blast",
        attribute="killed",
        statement=at(monday, "12 people were killed", "12"),
        outlet="Reuters",
    )
    assert entries[-1].outlet == "Blog"


def test_any_report_gets_a_timeline_and_no_updates():
    # one article, no dates, no outlets: two speakers of one report disagree
    text = "Police said 12 died. The mayor said 15 died."
    a = Article("a1", text)
    first = Statement("a1", "Police said 12 died.", 0, 20, "12", "Police")
    second = Statement("a1", "The mayor said 15 died.", 21, 44, "15", "mayor")
    report = with_timeline(Report(articles=(a,), conflicts=(conflict(second, first),)))
    assert report.updates == ()
    assert report.conflicts == (conflict(second, first),)
    assert [e.statement for e in report.timeline] == [first, second]
    assert {e.published for e in report.timeline} == {None}


def test_statements_of_unknown_articles_are_undated_and_last():
    known = article("a1", "Reuters", MON)
    stray = Statement("zz", "elsewhere", 0, 9, "19")
    report = with_timeline(Report(articles=(known,), conflicts=(conflict(stray, toll(known, "12")),)))
    assert report.updates == ()
    assert [(e.statement.article, e.published, e.outlet) for e in report.timeline] == [
        ("a1", MON, "Reuters"),
        ("zz", None, None),
    ]


def test_empty_report():
    assert with_timeline(Report(articles=())) == Report(articles=())


def test_public_api_is_small():
    assert timeline.__all__ == ["with_timeline"]
    assert with_timeline.__doc__
