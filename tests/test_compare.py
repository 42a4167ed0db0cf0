"""Comparison on small reports written for each rule: what conflicts and what does not."""

from __future__ import annotations

import pytest

from storydiff.pipeline import compare_articles
from storydiff.records import Article, Report


def _compare(*texts: str, published: str = "2025-06-13") -> Report:
    articles = [
        Article(id=f"r{i + 1}", text=t, path=f"r{i + 1}.txt", published=published)
        for i, t in enumerate(texts)
    ]
    return compare_articles(articles)


def _kinds(report: Report) -> list[str]:
    return [f.kind for f in report.conflicts]


CONFLICTS = [
    # a death toll that differs between two outlets
    ("numeric", "Seven people were killed when the tower collapsed in Marlow on Thursday.",
     "Twelve people were killed when the tower collapsed in Marlow on Thursday."),
    # distances in different units that cannot be the same
    ("numeric", "The quake struck 40 kilometres from the city of Drenna, officials said.",
     "The quake struck about 80 miles from the city of Drenna, officials said."),
    # money in the same currency
    ("numeric", "The new stadium will cost $300 million, the council said.",
     "The council said the new stadium will cost $750 million."),
    # an event affirmed by one report and denied by another
    ("polarity", "The mayor signed the emergency order on Friday.",
     "The mayor did not sign the emergency order on Friday."),
    # two different places for the same act (sharing only the word "Airport")
    ("place", "The jet landed at Kessel Airport on Sunday after an engine failure.",
     "The jet landed at Tarrow Airport on Sunday after an engine failure."),
    # two different days for the same act
    ("date", "The ferry Aster sank on 3 June off the coast of Brisa.",
     "The ferry Aster sank on 7 June off the coast of Brisa."),
    # membership in a group affirmed ("defendants that include X") and denied ("does not name X as")
    ("polarity", "The suit names a list of defendants that includes Governor Ada Quell and the firm Tarnex.",
     "The suit does not name Quell as a defendant, but it does name the firm Tarnex."),
    # one person given two offices of the same body
    ("title", "The payments were approved by former union treasurer Joss Verity.",
     "The payments were signed off by former union secretary Joss Verity."),
    # a count of occasions against an ordinal of the same event noun
    ("numeric", "Mr. Halden and Ms. Ostrova have met five times since the spring.",
     "Their talks on Monday were the second Halden-Ostrova summit since the spring."),
    # one agent against another for the release of the same documents (a copy of them, in passive)
    ("actor", "The Port Authority released copies of the Gale inspection reports on Tuesday.",
     "The Gale inspection reports were released by city council auditors on Tuesday."),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "first", "second"), CONFLICTS)
def test_conflict_is_found(kind: str, first: str, second: str) -> None:
    report = _compare(first, second)
    assert kind in _kinds(report)
    finding = next(f for f in report.conflicts if f.kind == kind)
    assert {s.article for s in finding.statements} == {"r1", "r2"}
    assert finding.severity in {"major", "minor"}
    assert finding.explanation


COMPATIBLE = [
    # hedged counts that overlap
    ("About 200 firefighters fought the blaze in Corrin overnight.",
     "More than 190 firefighters fought the blaze in Corrin overnight."),
    # the same distance in two units
    ("The village lies 16 kilometres from the dam at Ostby.",
     "The village lies about ten miles from the dam at Ostby."),
    # a range that contains the other figure
    ("Between 40 and 60 homes were flooded in Leck.",
     "Some 50 homes were flooded in Leck."),
    # two different measures in one story are not compared
    ("Four people were injured in the crash on the A9.",
     "Forty people were evacuated from nearby houses after the crash on the A9."),
    # a count of meetings between other people
    ("Mr. Halden and Ms. Ostrova have met five times since the spring.",
     "The talks will be the second Brask-Umer summit since the war."),
]  # fmt: skip


@pytest.mark.parametrize(("first", "second"), COMPATIBLE)
def test_compatible_values_are_not_flagged(first: str, second: str) -> None:
    assert [f for f in _compare(first, second).conflicts if f.kind == "numeric"] == []


def test_same_figure_is_an_agreement() -> None:
    report = _compare(
        "Three climbers were rescued from Mount Verra on Sunday.",
        "Rescuers brought three climbers down from Mount Verra on Sunday.",
    )
    assert report.conflicts == ()
    assert any(set(f.articles) == {"r1", "r2"} for f in report.agreements)


def test_two_speakers_in_one_report_disagree() -> None:
    text = (
        "Governor Lena Morrow said three guards were injured in the riot at Hale prison.\n"
        "The prison operator, Castra Services, said no one was injured in the riot."
    )
    report = _compare(text)
    numeric = [f for f in report.conflicts if f.kind == "numeric"]
    assert len(numeric) == 1
    speakers = {s.speaker for s in numeric[0].statements}
    assert len(speakers) == 2
    assert None not in speakers
    assert numeric[0].severity == "major"


def test_unique_fact_is_reported_for_its_report() -> None:
    report = _compare(
        "The Harlow bridge was closed on Monday after engineers found a crack in a pier.",
        "Engineers found a crack in a pier of the Harlow bridge, which closed on Monday.\n"
        "The city's transport chief resigned later the same evening over the bridge budget.",
    )
    unique_texts = [s.text for f in report.unique for s in f.statements]
    assert any("resigned" in t for t in unique_texts)
    assert all(f.articles == ("r2",) for f in report.unique)


def test_every_statement_points_at_its_words() -> None:
    report = _compare(*(c[1] + "\n" + c[2] for c in CONFLICTS[:2]), CONFLICTS[0][2])
    texts = {a.id: a.text for a in report.articles}
    for finding in (*report.conflicts, *report.agreements, *report.unique):
        for s in finding.statements:
            assert texts[s.article][s.start : s.end] == s.text


NOT_CONFLICTS = [
    # a son is not his father: naming "Lars Quell Jr." says nothing about "Quell"
    ("The suit names Lars Quell Jr. as a defendant.", "The suit does not name Quell as a defendant."),
    # a back-reference ("the country") is not a second actor
    ("Norland will suspend its missile tests, state media reported.",
     "The country will suspend its missile tests, its leader announced."),
    # one office in two words of news copy
    ("The payments were approved by former union chairman Joss Verity.",
     "The payments were signed off by former union chair Joss Verity."),
    # a sentence that names both parties sets them apart, it does not swap them
    ("Mr. Orrin has been charged, while Mr. Dace pleaded guilty to fraud.", "Orrin pleaded guilty to fraud."),
]  # fmt: skip


@pytest.mark.parametrize(("first", "second"), NOT_CONFLICTS)
def test_differently_worded_facts_are_not_flagged(first: str, second: str) -> None:
    assert _kinds(_compare(first, second)) == []


def test_quoted_figure_against_the_reports_own_figure() -> None:
    # the speaker tag follows the last line of the quotation: the earlier line is still the minister's
    text = (
        '"This bridge was worth every cent.\n'
        "We spent $40 million on it.\n"
        'It will serve the valley for a century," minister Petra Skov said.\n'
        "In the end the ministry spent $28 million on the bridge, most of it from a regional fund."
    )
    numeric = [f for f in _compare(text).conflicts if f.kind == "numeric"]
    assert len(numeric) == 1
    assert {s.speaker for s in numeric[0].statements} == {"Petra Skov", None}


def test_one_name_swapped_in_a_reprinted_quote() -> None:
    quote = (
        '"We will now ask for the {} Marlow files held by the council and the port emails," the mayor wrote.'
    )
    report = _compare(quote.format("Anna"), quote.format("Hilda"))
    wording = [f for f in report.conflicts if f.kind == "wording"]
    assert len(wording) == 1
    assert {s.value for s in wording[0].statements} == {"Anna", "Hilda"}
