"""Tests for storydiff.analysis.attribution: who said what, and who "he" and "Quell" are."""

from __future__ import annotations

import pytest

from storydiff.analysis.attribution import canonical_speaker, extract_attributions, speaker_for
from storydiff.analysis.nlp import parse
from storydiff.records import Attribution


def _only(text: str) -> Attribution:
    found = extract_attributions(parse(text), "a1")
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "speaker", "source", "cue", "content"),
    [
        # "C, X said" with a descriptor before the name and a channel after the cue
        (
            "Three barges sank near the dam, river authority chief Marta Quell said on Friday.",
            "Marta Quell",
            "river authority chief Marta Quell",
            "said",
            "Three barges sank near the dam",
        ),
        # "C, said X" with an unnamed source: the surface text is the speaker
        (
            "The warehouse was empty, said a fire brigade spokesman.",
            "a fire brigade spokesman",
            "a fire brigade spokesman",
            "said",
            "The warehouse was empty",
        ),
        # "X said that C": the title is dropped from the name, "that" stays in the content
        (
            "Inspector Tomas Reyl said that the levee had cracked.",
            "Tomas Reyl",
            "Inspector Tomas Reyl",
            "said",
            "that the levee had cracked",
        ),
        # "According to X, C": the article goes from the organisation's name
        (
            "According to the Harbor Authority, the ferry left at noon.",
            "Harbor Authority",
            "the Harbor Authority",
            "According to",
            "the ferry left at noon",
        ),
        # "C, according to X" with an unnamed source
        (
            "The ferry left at noon, according to port officials.",
            "port officials",
            "port officials",
            "according to",
            "The ferry left at noon",
        ),
        # "X told reporters C": the addressee is not content
        (
            "Coach Dana Pirro told reporters the stadium would stay closed.",
            "Dana Pirro",
            "Coach Dana Pirro",
            "told",
            "the stadium would stay closed",
        ),
        # a quotation of two sentences closed by "X said"
        (
            "“The roof held. Nobody was inside,” the mayor said.",
            "the mayor",
            "the mayor",
            "said",
            "The roof held. Nobody was inside",
        ),
        # a descriptor and a relative clause around the name: the name alone is the speaker
        (
            "The bakery chain Dough & Co., which runs forty shops, said flour prices rose.",
            "Dough & Co.",
            "The bakery chain Dough & Co., which runs forty shops",
            "said",
            "flour prices rose",
        ),
        # "X said: “C”": the quotation after a colon
        (
            "Senator Ruth Okafor said: “We will not wait.”",
            "Ruth Okafor",
            "Senator Ruth Okafor",
            "said",
            "We will not wait",
        ),
        # a cue interjected in the middle of the reported clause
        (
            "The bridge, engineers said, needs new cables.",
            "engineers",
            "engineers",
            "said",
            "The bridge, engineers said, needs new cables",
        ),
        # a denial whose object is the content
        (
            "The council denied the allegation.",
            "The council",
            "The council",
            "denied",
            "the allegation",
        ),
        # a relative pronoun is the source span of its clause (PolNeAR's convention)
        (
            "The strike was led by Marta Quell, who said the dock workers would not return.",
            "Marta Quell",
            "who",
            "said",
            "the dock workers would not return",
        ),
        # a dateline before the dash is not part of the speaker
        (
            "HARBORVILLE, Ore. (AP) — Port director Ana Reyl said the cranes were idle.",
            "Ana Reyl",
            "Port director Ana Reyl",
            "said",
            "the cranes were idle",
        ),
        # "As X reported, C": the main clause is the content
        (
            "As the Harbor Gazette reported, the ferry never left the dock.",
            "Harbor Gazette",
            "the Harbor Gazette",
            "reported",
            "the ferry never left the dock",
        ),
        # a quote tag with an apposition, which the parse hangs on the name
        (
            "“We cannot argue with it!” Quell, the head of the dock union, tweeted on Friday.",
            "Quell",
            "Quell, the head of the dock union",
            "tweeted",
            "We cannot argue with it",
        ),
        # a stance verb whose object is what the speaker took up
        (
            "Mayor Lena Ortiz discussed the flood barriers.",
            "Lena Ortiz",
            "Mayor Lena Ortiz",
            "discussed",
            "the flood barriers",
        ),
        # an interview transcript line: "NAME: words"
        (
            "WALLACE: Where were you on Monday?",
            "WALLACE",
            "WALLACE",
            ":",
            "Where were you on Monday",
        ),
    ],
)
def test_single_attribution(text: str, speaker: str, source: str, cue: str, content: str) -> None:
    found = _only(text)
    assert found.speaker == speaker
    assert found.speaker_start is not None
    assert text[found.speaker_start : found.speaker_end] == source
    assert found.cue == cue
    assert text[found.cue_start : found.cue_end] == cue
    assert found.content == content
    assert text[found.content_start : found.content_end] == content
    assert found.article == "a1"


def test_passive_report_without_agent_has_no_speaker() -> None:
    # "it was reported" names nobody: the speaker and its offsets are None
    found = _only("It was reported that the mine had flooded.")
    assert (found.speaker, found.speaker_start, found.speaker_end) == (None, None, None)
    assert (found.cue, found.content) == ("reported", "that the mine had flooded")


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        # "seem" reports an impression nobody is named for; the whole clause is the content
        ("The ferry seemed to drift toward the pier.", "seemed"),
        # a passive "expected" without an agent likewise
        ("The ferry is expected to sail on Monday.", "is expected"),
    ],
)
def test_hedge_has_no_speaker_and_the_whole_clause(text: str, cue: str) -> None:
    found = _only(text)
    assert (found.speaker, found.speaker_start) == (None, None)
    assert found.cue == cue
    assert found.content == text.rstrip(".")


def test_quotation_split_by_the_cue_is_one_content() -> None:
    # both halves of an interrupted quotation belong to the one cue
    found = _only("“We have enough fuel,” he said, “for three days.”")
    assert found.content == "We have enough fuel,” he said, “for three days"


def test_participle_borrows_the_subject() -> None:
    # "..., saying C": the union is the speaker of both the rejection and the reason
    found = extract_attributions(parse("The union rejected the offer, saying wages were too low."), "a1")
    assert [(a.speaker, a.cue, a.content) for a in found] == [
        ("The union", "rejected", "the offer"),
        ("The union", "saying", "wages were too low"),
    ]


def test_first_person_cue_inside_a_quotation_is_not_a_new_speaker() -> None:
    # "I think" inside Okafor's quotation is Okafor speaking, not a speaker "I"
    text = "“I think the dam will hold,” Ruth Okafor said."
    found = extract_attributions(parse(text), "a1")
    assert [(a.speaker, a.cue) for a in found] == [("Ruth Okafor", "said")]


@pytest.mark.parametrize(
    ("text", "speakers"),
    [
        # a bare surname later maps to the full name seen earlier
        (
            "Two workers were hurt, governor Marta Quell said. Nobody died, Quell added.",
            ["Marta Quell", "Marta Quell"],
        ),
        # "Ms. Quell" meets "Marta Quell" too
        (
            "Marta Quell said the road was shut. Ms. Quell said it would reopen.",
            ["Marta Quell", "Marta Quell"],
        ),
        # "she" takes the person who spoke in the sentence before
        (
            "Mayor Lena Ortiz told reporters the bridge would reopen. She added that repairs were cheap.",
            ["Lena Ortiz", "Lena Ortiz"],
        ),
        # "it" takes the organisation that spoke just before
        (
            "Harbor Freight said no one was hurt. It said the fire was out.",
            ["Harbor Freight", "Harbor Freight"],
        ),
        # "the company" takes the organisation named earlier
        (
            "Harbor Freight announced that it will close stores. The company said sales fell.",
            ["Harbor Freight", "Harbor Freight"],
        ),
        # a described body is its own speaker, not the organisation quoted before it,
        # and "the department" later refers back to it by its noun
        (
            "The Brackwater Nurses' Union said 800 nurses walked out. According to the county health "
            "department, 350 nurses stayed home. The department said its offer was final.",
            ["Brackwater Nurses' Union", "county health department", "county health department"],
        ),
        # two speakers in one article keep separate names
        (
            "Two workers were injured, governor Marta Quell said. Harbor Freight said no one was hurt.",
            ["Marta Quell", "Harbor Freight"],
        ),
    ],
)
def test_speakers_resolve_across_sentences(text: str, speakers: list[str]) -> None:
    found = extract_attributions(parse(text), "a1")
    assert [a.speaker for a in found] == speakers


@pytest.mark.parametrize(
    ("name", "known", "expected"),
    [
        # a surname takes the full name
        ("Quell", ["Marta Quell"], "Marta Quell"),
        # an honorific is dropped before matching
        ("Mr. Reyl", ["Tomas Reyl"], "Tomas Reyl"),
        # the latest matching full name wins
        ("Reyl", ["Tomas Reyl", "Ana Reyl"], "Ana Reyl"),
        # an unknown name stays as it is
        ("Pirro", ["Marta Quell"], "Pirro"),
        # a word matching only a first name is not a surname match
        ("Marta", ["Marta Quell"], "Marta"),
    ],
)
def test_canonical_speaker(name: str, known: list[str], expected: str) -> None:
    assert canonical_speaker(name, known) == expected


def test_speaker_for_picks_the_innermost_content() -> None:
    # a claim inside a nested report belongs to the inner speaker
    text = "Officials said Marta Quell told them that the dam held."
    found = extract_attributions(parse(text), "a1")
    start = text.index("the dam held")
    hit = speaker_for(start, start + len("the dam held"), found)
    assert hit is not None
    assert hit.speaker == "Marta Quell"
    assert speaker_for(0, 9, found) is None
