"""Dates resolve against the publication date, weekdays to the current week."""

import datetime as dt

import pytest

from storydiff.analysis.dates import extract_dates, resolve_date
from storydiff.analysis.nlp import parse

PUBLISHED = dt.date(2025, 6, 13)  # a Friday

CASES = [
    # a weekday on the day of publication is that very day
    ("Friday", ("2025-06-13", "day")),
    # an earlier weekday is the one just before publication
    ("on Tuesday", ("2025-06-10", "day")),
    # parts of the day do not change the day
    ("early Wednesday", ("2025-06-11", "day")),
    ("Monday night", ("2025-06-09", "day")),
    # "last" with today's weekday means a week ago
    ("last Friday", ("2025-06-06", "day")),
    # day and month, either order, with the year of publication
    ("3 March", ("2025-03-03", "day")),
    ("Mar. 3", ("2025-03-03", "day")),
    # a date without a year goes to the nearest year: December is last December
    ("December 28", ("2024-12-28", "day")),
    # relative days
    ("yesterday", ("2025-06-12", "day")),
    # a month with its year, and a bare year
    ("March 2019", ("2019-03-01", "month")),
    ("1998", ("1998-01-01", "year")),
    # vague spans name no day
    ("last week", None),
    ("for years", None),
    ("recently", None),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_resolve_date(text: str, expected: tuple[str, str] | None) -> None:
    assert resolve_date(text, PUBLISHED) == expected


def test_extract_dates_keeps_offsets() -> None:
    text = "The ferry sank on 4 May, officials said on Thursday."
    found = extract_dates(parse(text), PUBLISHED)
    assert [(d.text, d.iso) for d in found] == [("4 May", "2025-05-04"), ("Thursday", "2025-06-12")]
    for d in found:
        assert text[d.start : d.end] == d.text


def test_without_publication_date_only_what_the_words_say_is_kept() -> None:
    # no date to resolve "Monday" against: it stays a weekday of no known week (ISO 8601 truncated
    # form), comparable only with other weekdays; a month and year resolve in full
    found = extract_dates(parse("The bridge opened on Monday and closed in June 2020."), None)
    assert [(d.text, d.iso) for d in found] == [("Monday", "-W-1"), ("June 2020", "2020-06-01")]


@pytest.mark.parametrize(
    ("mention", "published", "expected"),
    [
        # no leap year within a year of publication: the day cannot be placed (it used to crash)
        ("February 29", dt.date(2026, 3, 18), None),
        # a leap year next door: the nearest one
        ("February 29", dt.date(2024, 6, 1), ("2024-02-29", "day")),
    ],
)
def test_a_leap_day_without_a_year(mention: str, published: dt.date, expected) -> None:
    assert resolve_date(mention, published) == expected
