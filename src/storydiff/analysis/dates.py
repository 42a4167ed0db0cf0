"""Dates in text, resolved against the article's publication date.

spaCy finds the DATE expressions; each is resolved to a calendar day, except
weekdays, which news writing uses for the current week:
"Friday" in a report published on Friday 1 April is 1 April, and "Tuesday" is
the Tuesday just before. Vague expressions ("last week", "recently", "for
years") carry no comparable day and are skipped.

The common absolute forms ("March 5, 2012", "the 5th of March", "2012-03-05")
are read here, as dateparser reads them; anything else goes to dateparser,
imported only then: importing it and its first parse cost more than a second of
every cold start (issue 12).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache

from spacy.tokens import Doc, Span

from storydiff.analysis.nlp import doc_index
from storydiff.records import DateMention

__all__ = ["extract_dates", "resolve_date"]

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
)  # fmt: skip
# Words that narrow a day without changing it ("early Tuesday", "Monday night").
DAY_PARTS = re.compile(
    r"\b(?:early|late|on|this|last|past|the|of|in|at|night|morning|evening|afternoon|overnight|"
    r"midday|noon|midnight|dawn|around|about|by|until|since|from|before|after)\b",
    re.IGNORECASE,
)
# Expressions that name a span of time, not a day: never compared as dates.
VAGUE = re.compile(
    r"\b(?:week|weeks|weekend|recent|recently|years?|decades?|months?|days|hours|minutes|season|"
    r"ago|past|ongoing|century|era|times?|annual|daily|weekly|monthly|quarter)\b",
    re.IGNORECASE,
)
# Dates written all in figures name their month and day: 2012-03-05, 3/5/2012.
NUMERIC_DAY = re.compile(r"\b(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})\b")
# A leap year, so that "29 February" resolves when the year is unknown.
_NO_YEAR_BASE = dt.date(2000, 7, 1)
RELATIVE_DAYS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
# A date without a year is put in the year that brings it closest to the
# publication date: news reports mostly speak of the last or coming months.
_YEAR_SHIFT = (-1, 0, 1)


def _day_of(mention: str, published: dt.date) -> tuple[dt.date, str] | None:
    words = re.findall(r"[a-z]+|\d+", mention.lower())
    if not words:
        return None
    for word, shift in RELATIVE_DAYS.items():
        if word in words:
            return published + dt.timedelta(days=shift), "day"
    numeric_day = NUMERIC_DAY.search(mention) is not None
    has_month = numeric_day or any(w in MONTHS for w in words)
    has_day_number = numeric_day or any(w.isdigit() and 1 <= int(w) <= 31 and len(w) <= 2 for w in words)
    has_year = any(w.isdigit() and len(w) == 4 for w in words)
    weekday = next((w for w in words if w in WEEKDAYS), None)
    if weekday and not has_month:
        if VAGUE.search(mention) and "last" not in words:
            return None
        back = (published.weekday() - WEEKDAYS.index(weekday)) % 7
        if "last" in words and back == 0:
            back = 7
        return published - dt.timedelta(days=back), "day"
    if VAGUE.search(mention) and not has_month:
        return None
    if not (has_month or has_year):
        return None
    core = DAY_PARTS.sub(" ", mention).strip(" ,.")
    parsed = _parse(core)
    if parsed is None:
        return None
    granularity = "day" if has_day_number and has_month else "month" if has_month else "year"
    if not has_year:
        candidates = []
        for shift in _YEAR_SHIFT:
            try:
                candidates.append(parsed.replace(year=published.year + shift))
            except ValueError:  # 29 February in a common year
                continue
        if not candidates:
            return None  # "February 29" with no leap year within a year of publication
        parsed = min(candidates, key=lambda d: abs((d - published).days))
    if granularity == "year":
        parsed = dt.date(parsed.year, 1, 1)
    elif granularity == "month":
        parsed = parsed.replace(day=1)
    return parsed, granularity


# The month each name and abbreviation stands for ("sept" too, as news writes it).
MONTH_NUMBERS = {name: 1 + [m[:3] for m in MONTHS[:12]].index(name[:3]) for name in MONTHS}
# The parts of the forms the fast path reads, in text whose spaces are single ASCII ones; longest
# names first, so that "march" is not read as "mar".
_MONTH = r"(?P<month>" + "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>[0-9]{4})"  # four digits: dateparser reads two as 19xx or 20xx by its own rules
_COMMA = r"(?: ?, ?| )"
_COMMA_YEAR = rf"(?:{_COMMA}{_YEAR})?"
# dateparser passes over a weekday named with a day of the month, right or wrong; with a month
# alone it moves to that weekday, so the forms without a day take none.
_WEEKDAY = rf"(?:(?:{'|'.join(WEEKDAYS)}){_COMMA})?"
# The absolute forms of English news writing, each read in full or not at all; dateparser reads
# the numeric ones month first, as in American writing.
FAST_FORMS = tuple(
    re.compile(form, re.IGNORECASE | re.ASCII)
    for form in (
        rf"{_WEEKDAY}{_MONTH} {_DAY}{_COMMA_YEAR}",  # March 5, 2012 / Mar. 5 / Sept 5th
        rf"{_WEEKDAY}(?:the )?{_DAY} (?:of )?{_MONTH}{_COMMA_YEAR}",  # 5 March 2012 / the 5th of March
        rf"{_MONTH}{_COMMA_YEAR}",  # March 2012 / March
        _YEAR,
        rf"{_YEAR}-(?P<month>[0-9]{{2}})-(?P<day>[0-9]{{2}})",  # 2012-03-05
        rf"(?P<month>[0-9]{{1,2}}) ?/ ?(?P<day>[0-9]{{1,2}}) ?/ ?{_YEAR}",  # 03/05/2012
    )
)
# dateparser's settings: a month without a day is its first day.
DATEPARSER_SETTINGS = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}


@lru_cache(maxsize=4096)
def _parse(text: str) -> dt.date | None:
    """The day ``text`` names, read by :func:`_read_fast` or else by dateparser."""
    found = _read_fast(text, dt.date.today())
    if found is not None:
        return found
    import dateparser  # only here: importing it costs a second of every cold start

    result = dateparser.parse(text, languages=["en"], settings=DATEPARSER_SETTINGS)
    return result.date() if result else None


def _read_fast(text: str, today: dt.date) -> dt.date | None:
    """The day one of :data:`FAST_FORMS` names, as dateparser would give it; None to leave it to dateparser.

    What the text leaves out comes from ``today`` as in dateparser: the year and
    month are today's, the day is the first. A day that does not exist
    ("February 30") is left to dateparser too, which says so in its own way.
    """
    text = " ".join(text.split())  # dateparser reads any run of white space as one space
    for form in FAST_FORMS:
        match = form.fullmatch(text)
        if match is not None:
            break
    else:
        return None
    parts = match.groupdict()
    month = parts.get("month")
    if month is None:
        number = today.month
    elif month.isdigit():
        number = int(month)
    else:
        number = MONTH_NUMBERS[month.lower()]
    day = int(parts["day"]) if parts.get("day") else 1
    year = int(parts["year"]) if parts.get("year") else today.year
    if parts.get("year") is None and (number, day) == (2, 29):
        year = _nearest_leap_year(year)
    try:
        return dt.date(year, number, day)
    except ValueError:
        return None


def _nearest_leap_year(year: int) -> int:
    """The leap year dateparser puts "29 February" in without a year: the closest, the earlier on a tie."""
    if calendar.isleap(year):
        return year
    after = next(y for y in range(year + 1, year + 9) if calendar.isleap(y))
    before = next(y for y in range(year - 1, year - 9, -1) if calendar.isleap(y))
    return after if after - year < year - before else before


def resolve_date(mention: str, published: dt.date) -> tuple[str, str] | None:
    """Resolve a date expression to (ISO day, granularity), or None when it names no day.

    >>> resolve_date("Feb. 24", dt.date(2022, 4, 1))
    ('2022-02-24', 'day')
    """
    found = _day_of(mention, published)
    if found is None:
        return None
    day, granularity = found
    return day.isoformat(), granularity


def _truncated(text: str, iso: str, granularity: str) -> tuple[str, str] | None:
    """What a date names without a year to put it in: ``--MM-DD``, ``--MM`` or ``-W-D``."""
    words = set(re.findall(r"[a-z]+", text.lower()))
    if words & set(RELATIVE_DAYS):
        return None  # counted from a day this report does not give
    weekday = next((w for w in WEEKDAYS if w in words), None)
    if weekday is not None and not words & set(MONTHS):
        return f"-W-{WEEKDAYS.index(weekday) + 1}", "weekday"
    if granularity == "day":
        return "--" + iso[5:], "day"
    if granularity == "month":
        return "--" + iso[5:7], "month"
    return None


def extract_dates(doc_or_span: Doc | Span, published: dt.date | None) -> list[DateMention]:
    """Find the DATE entities of a parsed text and resolve them against ``published``.

    Without a publication date, expressions that name their own year resolve
    fully, and the others keep what they name, in ISO 8601's truncated forms: a
    day and month ``--MM-DD``, a month ``--MM`` (granularity "month"), a weekday
    ``-W-D`` (1 Monday to 7 Sunday; granularity "weekday"). Relative days
    ("yesterday") name nothing without a date to count from and are skipped.
    """
    mentions: list[DateMention] = []
    if isinstance(doc_or_span, Span):
        # Span.ents walks the Doc's entities from the first one: per sentence, that grew with the article
        doc = doc_or_span.doc
        ents = doc_index(doc).ents_in(doc, doc_or_span.start, doc_or_span.end)
    else:
        ents = list(doc_or_span.ents)
    for ent in ents:
        if ent.label_ != "DATE":
            continue
        found = resolve_date(ent.text, published or _NO_YEAR_BASE)
        if found is None:
            continue
        iso, granularity = found
        if published is None and not re.search(r"\d{4}", ent.text):
            truncated = _truncated(ent.text, iso, granularity)
            if truncated is None:
                continue
            iso, granularity = truncated
        mentions.append(DateMention(ent.text, ent.start_char, ent.end_char, iso, granularity, ent.root.i))
    return mentions
