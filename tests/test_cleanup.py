"""Cleanup blanks page furniture without moving any character."""

import pytest

from storydiff.analysis.cleanup import clean_text, junk_spans
from storydiff.analysis.nlp import content_sentences, parse

CASES = [
    # a "more from" navigation line between paragraphs
    ("The dam held overnight.\nMore from Local News\nWater levels fell by noon.", "More from Local News"),
    # a related-stories block title
    ("Crews cleared the road.\nRelated Stories\n", "Related Stories"),
    # an update notice at the end of a developing story
    ("Two ferries collided.\nThis story is being updated", "This story is being updated"),
    # a credit glued to the end of a caption line
    ("Smoke rises over the harbour on Sunday.Reuters\nThe port stayed shut.", "Reuters"),
    # a credit with an agency suffix glued to a caption
    ("Rescuers search the rubble in Velmar.Getty Images\n", "Getty Images"),
    # an inline photo credit in parentheses
    (
        "Crowds gathered in the square (Photo by Ana Lind/Stringer) as the vote closed.",
        "(Photo by Ana Lind/Stringer)",
    ),
]


@pytest.mark.parametrize(("text", "junk"), CASES)
def test_furniture_is_blanked_in_place(text: str, junk: str) -> None:
    cleaned = clean_text(text)
    assert len(cleaned) == len(text)
    assert junk not in cleaned
    start = text.index(junk)
    assert cleaned[start : start + len(junk)].strip() == ""
    # everything outside the junk is untouched
    assert cleaned[:start] == text[:start]


KEEP = [
    # a headline without a full stop is reporting, not furniture
    "Storm floods coastal towns as river bursts its banks",
    # a sentence that merely mentions sharing
    "Share prices fell 4% after the announcement.",
    # an ordinary sentence ending in a capitalised word after a space
    "The ship docked in Rotterdam. Officials met it.",
    # an abbreviation followed by a capital is no credit
    "He moved to the U.S. Navy base.",
]


@pytest.mark.parametrize("text", KEEP)
def test_reporting_is_kept(text: str) -> None:
    assert junk_spans(text) == []
    assert clean_text(text) == text


def test_line_breaks_start_sentences() -> None:
    # a headline, a caption with a glued credit and a body sentence become three sentences
    text = "Bridge closes after crack found\nTraffic backs up on the ring road on Monday.AP\nEngineers will inspect it."
    sentences = [s.text.strip() for s in content_sentences(parse(text))]
    assert sentences == [
        "Bridge closes after crack found",
        "Traffic backs up on the ring road on Monday.",
        "Engineers will inspect it.",
    ]
