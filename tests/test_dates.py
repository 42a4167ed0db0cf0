"""Dates resolve against the publication date, weekdays to the current week; dateparser only when needed."""

import datetime as dt
import subprocess
import sys

import pytest

from storydiff.analysis.dates import DATEPARSER_SETTINGS, _parse, _read_fast, extract_dates, resolve_date
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
    # dates written all in figures name their day, not just their year
    ("2019-03-04", ("2019-03-04", "day")),
    ("on 2019-11-30", ("2019-11-30", "day")),
    ("03/04/2019", ("2019-03-04", "day")),
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


# Read by the fast path or left to dateparser; whichever, the answer is dateparser's. Forms of
# every kind: names and abbreviations with and without a dot, in any case, ordinals right and
# wrong, days that do not exist, two-digit years, weekdays, numeric forms, odd spacing.
FAST_OR_DECLINED = [
    "March 5, 2012", "5 March 2012", "Mar. 5", "Sept 5th", "March 2012", "2012", "2012-03-05",
    "03/05/2012", "the 5th of March", "5th of March, 2012", "Sept. 21st 2009", "SEPT 21", "sep 21",
    "dec. 31, 1999", "31 Dec 1999", "MAY 1", "may 2019", "mAy", "July", "Jul.", "1st of June",
    "June 1st", "June 2nd 2014", "June 3rd", "June 22nd", "June 23th", "Jun. 11th, 2015", "Nov 05",
    "February 30", "February 29", "Feb 29, 2011", "29 February 2012", "April 31", "June 0",
    "March 32", "12 March 12", "March 12, 99", "March 99", "Janu 5", "Thurs. March 5",
    "Monday, March 5, 2012", "Friday, March 5, 2012", "Monday, March", "Tuesday 9 December 2008",
    "wednesday, the 5th of march", "13/05/2012", "5/13/2012", "2012-3-5", "2012-02-30", "2007-08",
    "1980s", "0737", "March\xa05", "March 5,\n2012", "March 5 , 2012", "5 March,2012",
    "the 5th  of  March", "14 / 09 / 2013", "mid-March", "March 5-7", "March, 2012", "October 1066",
]  # fmt: skip
# The forms the fast path must read itself, or a cold start pays for dateparser after all.
COMMON_FORMS = [
    "March 5, 2012", "5 March 2012", "Mar. 5", "Sept 5th", "March 2012", "2012", "2012-03-05",
    "03/05/2012", "the 5th of March", "5th   March", "Monday, March 5, 2012", "Dec 25", "dec. 25",
    "25th December 2011", "March, 2012", "March", "Sep 1st, 2001",
]  # fmt: skip
# Days to read against: what a text leaves out is filled in from the day, leap days included.
TODAYS = [dt.date(2024, 2, 29), dt.date(2023, 1, 31), dt.date(2100, 6, 30), dt.date(2026, 12, 31)]


def _dateparser(text: str, today: dt.date | None = None) -> dt.date | None:
    import dateparser

    settings: dict = dict(DATEPARSER_SETTINGS)
    if today is not None:
        settings["RELATIVE_BASE"] = dt.datetime(today.year, today.month, today.day, 12)
    result = dateparser.parse(text, languages=["en"], settings=settings)
    return result.date() if result else None


@pytest.mark.parametrize("text", FAST_OR_DECLINED)
def test_the_fast_path_reads_as_dateparser_or_declines(text: str) -> None:
    fast = _read_fast(text, dt.date.today())
    assert fast is None or fast == _dateparser(text)
    assert _parse(text) == _dateparser(text)


@pytest.mark.parametrize("text", COMMON_FORMS)
def test_the_common_forms_need_no_dateparser(text: str) -> None:
    fast = _read_fast(text, dt.date.today())
    assert fast is not None
    assert fast == _dateparser(text)


@pytest.mark.parametrize("today", TODAYS)
@pytest.mark.parametrize("text", ["February 29", "Feb. 29th", "March", "2012", "5 June", "June 2012"])
def test_what_the_text_leaves_out_comes_from_today(text: str, today: dt.date) -> None:
    # dateparser's own "today" set to another day: its year and month, and a leap year for 29 February
    assert _read_fast(text, today) == _dateparser(text, today)


def test_importing_the_module_leaves_dateparser_out() -> None:
    probe = "import sys, storydiff.analysis.dates; print('dateparser' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
