"""Date findings: two different days given for what may be one act.

Dates are resolved against each report's publication date ("on Friday" becomes
a day); a report without one keeps what the words name (a weekday, a month, a
day and month). Two dates are compared at the coarser granularity of the two,
so "March" agrees with "March 3" and "Tuesday" with "1 June 2021" when that was
a Tuesday. Structure proposes a pair of different dates not too far apart to
be one act; the pair scorer decides whether they date one act.
"""

from __future__ import annotations

import datetime as dt
import itertools

from storydiff.analysis.lexicon import PUBLISHING_VERBS
from storydiff.compare.context import Context
from storydiff.compare.findings import (
    Scored,
    agreement,
    distinct_sentences,
    one_per_voice,
    statement,
    subject_of,
    who,
)
from storydiff.compare.pairs import Pair, may_differ
from storydiff.compare.thresholds import CANDIDATE_MIN_SIM, MAJOR_DATE_DAYS, MAX_DATE_CONFLICT_DAYS
from storydiff.records import Claim, Finding

__all__ = ["candidates", "describe", "describe_agreement"]


def candidates(ctx: Context) -> list[Pair]:
    """Pairs of dated claims that may date one act; ``agree`` when they name the same day."""
    claims = [
        c
        for an in ctx.analyses
        for c in an.claims
        if c.kind == "date" and c.date and c.predicate not in PUBLISHING_VERBS
    ]
    pairs = []
    for a, b in itertools.combinations(claims, 2):
        if not may_differ(a, b) or ctx.sim(a.sentence, b.sentence) < CANDIDATE_MIN_SIM:
            continue
        apart = _apart(a, b)
        if apart is None:
            continue
        if apart[0] == 0 and a.article != b.article:
            pairs.append(Pair("date", a, b, agree=True))
        elif apart[0] and apart[0] <= MAX_DATE_CONFLICT[apart[1]]:
            pairs.append(Pair("date", a, b))
    return pairs


def days_apart(a: Claim, b: Claim) -> int:
    """About how many days apart two date claims are, at the coarser granularity of the two."""
    apart = _apart(a, b)
    return apart[0] * _DAYS[apart[1]] if apart is not None else 0


# How far apart two dates of one act may be and still be one act given two dates: further
# apart, they are two occurrences ("a smaller blaze broke out in August 2023").
MAX_DATE_CONFLICT = {"weekday": 3, "day": MAX_DATE_CONFLICT_DAYS, "month": 11, "year": 3}
_DAYS = {"weekday": 1, "day": 1, "month": 30, "year": 365}


def _apart(a: Claim, b: Claim) -> tuple[int, str] | None:
    """How far apart two dates are, in the unit of the coarser of the two (weekdays, days,
    months or years), or None when they cannot be compared."""
    assert a.date is not None
    assert b.date is not None
    x, y = a.date.iso, b.date.iso
    if x.startswith("-W-") or y.startswith("-W-"):
        wx, wy = _weekday(x), _weekday(y)
        if wx is None or wy is None:
            return None
        gap = abs(wx - wy)
        return min(gap, 7 - gap), "weekday"
    grains = {a.date.granularity, b.date.granularity}
    yearless = x.startswith("--") or y.startswith("--")
    if "year" in grains:
        if yearless:
            return None
        return abs(int(x[:4]) - int(y[:4])), "year"
    if "month" in grains or len(x) == 4 or len(y) == 4:
        mx, my = _month(x), _month(y)
        if yearless:
            return abs(mx[1] - my[1]), "month"
        return abs((mx[0] * 12 + mx[1]) - (my[0] * 12 + my[1])), "month"
    if yearless:
        dx, dy = _to_date("--" + x[-5:]), _to_date("--" + y[-5:])
    else:
        dx, dy = _to_date(x), _to_date(y)
    return abs((dx - dy).days), "day"


def _weekday(iso: str) -> int | None:
    if iso.startswith("-W-"):
        return int(iso[3:])
    if iso.startswith("--"):
        return None  # a yearless day has no weekday
    return dt.date.fromisoformat(iso[:10]).isoweekday()


def _month(iso: str) -> tuple[int, int]:
    """(year, month) of an ISO date or a yearless ``--MM`` / ``--MM-DD`` (year 0)."""
    if iso.startswith("--"):
        return 0, int(iso[2:4])
    return int(iso[:4]), int(iso[5:7])


def _to_date(key: str) -> dt.date:
    if key.startswith("--"):  # a day without a year: compare within one leap year
        key = "2000" + key[1:]
    return dt.date.fromisoformat(key)


def describe(group: list[Scored], ctx: Context) -> Finding:
    """A date conflict: each voice's date and how many days apart."""
    pairs = [(p.left, p.right) for p, _ in group]
    gap = max(days_apart(x, y) for x, y in pairs)
    n, unit = max((_apart(x, y) or (0, "day") for x, y in pairs), key=lambda a: a[0] * _DAYS[a[1]])
    noun = "month" if unit == "month" else "year" if unit == "year" else "day"
    members = distinct_sentences([c for pair in pairs for c in pair])
    sides = "; ".join(
        f"{who(c, ctx)} says {c.value} ({c.date.iso if c.date else ''})" for c in one_per_voice(members)
    )
    return Finding(
        category="conflict",
        kind="date",
        subject=subject_of(members),
        attribute=group[0][0].left.attribute,
        severity="major" if gap > MAJOR_DATE_DAYS else "minor",
        explanation=f"{sides}: {n} {noun}{'s' if n != 1 else ''} apart.",
        statements=tuple(statement(c) for c in members),
    )


def describe_agreement(group: list[Scored], ctx: Context) -> Finding:
    """Several reports dating one act to the same day."""
    return agreement(group, ctx, "date", lambda ms: f"date it {ms[0].date.iso if ms[0].date else ''}")
