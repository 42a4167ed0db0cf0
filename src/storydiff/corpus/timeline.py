"""The timeline of a story report, and the revisions it separates from conflicts.

A story followed over days collects several reports from one outlet, and the
words of one speaker carried by several outlets. When a figure changes between
them ("12 dead" on Monday, "19 dead" on Tuesday, both from Reuters), the later
report revises the earlier one: that is an **update**, not a contradiction.

The rule, one small function each:

1. A statement is dated by its article's ``published`` day; an article without
   a (valid ISO) date leaves its statements undated (:func:`_day`).
2. Two statements share a **source** when their articles name the same outlet
   (case-insensitively; the URL's host when the outlet is missing) or they
   quote the same speaker (:func:`_same_source`).
3. A statement is **superseded** by a statement of the same source published
   on a strictly later day (:func:`_supersedes`). Undated statements never
   supersede and are never superseded: they cannot be ordered; nor can two
   reports of one day.
4. A conflict is an update when some statement was superseded by one with a
   different value (a *revision step*) and every statement still standing
   states the same value (:func:`_is_update`). When other reports still
   disagree it stays a conflict, its explanation noting the revision.

The **timeline** is every statement of every finding, placed in publication
time: by day (undated last), then the article's position in the report, then
the statement's position in the article.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from storydiff.analysis.lexicon import HONORIFICS, PRONOUN_SPEAKERS
from storydiff.records import Article, Finding, Report, Statement, TimelineEntry

__all__ = ["with_timeline"]

# How a revision step reads in an explanation.
REVISION_TEXT = "revised from {old} to {new} by {who} ({since} → {until})"
# Appended to a conflict whose revision does not settle it.
STILL_DISAGREE = "but other reports still disagree"
# The order findings are read in when the timeline is built; a stable sort keeps
# it among entries of one day, article and offset.
FINDING_SECTIONS = ("conflicts", "possible", "agreements", "unique", "updates")


@dataclass(frozen=True, slots=True)
class _Dated:
    """A statement with what the rule needs of its article."""

    statement: Statement
    day: dt.date | None
    position: int  # the article's index in the report; unknown articles come last
    outlet: str | None  # the outlet as written (or the host), for explanations
    source: tuple[str, str] | None  # ("outlet", "reuters") or ("host", "reuters.com")
    speaker: tuple[str, ...]  # normalised words of the speaker's name; () when none

    @property
    def order(self) -> tuple[bool, dt.date, int, str, int, int]:
        """Publication-time order: day (undated last), article position, offsets."""
        s = self.statement
        return (self.day is None, self.day or dt.date.min, self.position, s.article, s.start, s.end)


@dataclass(frozen=True, slots=True)
class _Step:
    """One revision: ``earlier``'s value replaced by ``later``'s from the same source."""

    earlier: _Dated
    later: _Dated

    def text(self) -> str:
        a, b = self.earlier, self.later
        same_outlet = a.source is not None and a.source == b.source
        who = b.outlet if same_outlet else b.statement.speaker
        return REVISION_TEXT.format(
            old=a.statement.value, new=b.statement.value, who=who, since=a.day, until=b.day
        )


def with_timeline(report: Report) -> Report:
    """Return a copy of ``report`` with revisions moved to ``updates`` and its ``timeline`` built.

    A conflict or possible difference whose disagreement is explained by later reports of the same
    outlet or speaker (see the module docstring for the rule) becomes a finding
    of category ``"update"``: statements in time order, no severity, and an
    explanation such as ``Revised from 12 to 19 by Reuters (2024-03-04 →
    2024-03-05).`` Updates already in the report are kept, before the new ones.
    The timeline holds one :class:`~storydiff.records.TimelineEntry` per
    statement of every finding, in publication order.

    Pure and idempotent; any report works (one article, no dates, no outlets:
    then nothing is an update and the timeline is in article order).
    """
    articles = {a.id: (i, a) for i, a in enumerate(report.articles)}
    updates = list(report.updates)
    kept: dict[str, list[Finding]] = {"conflicts": [], "possible": []}
    for section, findings in kept.items():
        for finding in getattr(report, section):
            dated = [_dated(s, articles) for s in finding.statements]
            steps = _revision_steps(dated)
            if _is_update(dated, steps):
                updates.append(_as_update(finding, dated, steps))
            else:
                findings.append(_with_revision_note(finding, steps))
    revised = replace(
        report,
        conflicts=tuple(kept["conflicts"]),
        possible=tuple(kept["possible"]),
        updates=tuple(updates),
    )
    return replace(revised, timeline=_timeline(revised, articles))


# --------------------------------------------------------------------------- the rule


def _day(published: str | None) -> dt.date | None:
    """The publication day of an ISO date or date-time, ``None`` when missing or unreadable."""
    if not published:
        return None
    try:
        return dt.date.fromisoformat(published.strip()[:10])
    except ValueError:
        return None


def _source(article: Article) -> tuple[str, str] | None:
    """Who published ``article``: its outlet (case-folded), else its URL's host, else unknown."""
    if article.outlet and article.outlet.strip():
        return ("outlet", " ".join(article.outlet.casefold().split()))
    if article.url:
        try:
            host = urlsplit(article.url).hostname
        except ValueError:  # a malformed URL (an unclosed IPv6 bracket) names no host
            host = None
        if host:
            return ("host", host.removeprefix("www."))
    return None


def _speaker_key(speaker: str | None) -> tuple[str, ...]:
    """The words of a speaker's name, case-folded, without punctuation or a leading honorific.

    ``()`` when there is no speaker or only a pronoun: such statements share no speaker.
    """
    words = re.findall(r"\w+", (speaker or "").casefold())
    while words and words[0] in HONORIFICS:
        words = words[1:]
    if len(words) == 1 and words[0] in PRONOUN_SPEAKERS:
        return ()
    return tuple(words)


def _dated(statement: Statement, articles: dict[str, tuple[int, Article]]) -> _Dated:
    found = articles.get(statement.article)
    if found is None:
        return _Dated(statement, None, len(articles), None, None, _speaker_key(statement.speaker))
    position, article = found
    source = _source(article)
    outlet = article.outlet if article.outlet and article.outlet.strip() else (source[1] if source else None)
    return _Dated(
        statement, _day(article.published), position, outlet, source, _speaker_key(statement.speaker)
    )


def _same_source(a: _Dated, b: _Dated) -> bool:
    """Both from one outlet, or both in the words of one named speaker."""
    same_outlet = a.source is not None and a.source == b.source
    same_speaker = bool(a.speaker) and a.speaker == b.speaker
    return same_outlet or same_speaker


def _supersedes(later: _Dated, earlier: _Dated) -> bool:
    """``later`` replaces ``earlier``: the same source, published on a strictly later day."""
    if later.day is None or earlier.day is None:
        return False
    return later.day > earlier.day and _same_source(later, earlier)


def _value_key(statement: Statement) -> str | None:
    return " ".join(statement.value.casefold().split()) if statement.value is not None else None


def _revision_steps(dated: Sequence[_Dated]) -> list[_Step]:
    """Each statement with the next one of its source, where that one states another value."""
    steps: list[_Step] = []
    for earlier in sorted(dated, key=lambda d: d.order):
        later = min((d for d in dated if _supersedes(d, earlier)), key=lambda d: d.order, default=None)
        if later is None or earlier.statement.value is None or later.statement.value is None:
            continue
        if _value_key(earlier.statement) != _value_key(later.statement):
            step = _Step(earlier, later)
            if step.text() not in {s.text() for s in steps}:
                steps.append(step)
    return steps


def _is_update(dated: Sequence[_Dated], steps: Sequence[_Step]) -> bool:
    """Some value was revised, and every statement not superseded states one and the same value."""
    standing = [d for d in dated if not any(_supersedes(other, d) for other in dated)]
    return bool(steps) and len({_value_key(d.statement) for d in standing}) == 1


def _sentence(steps: Iterable[_Step]) -> str:
    text = "; ".join(step.text() for step in steps)
    return text[:1].upper() + text[1:]


def _as_update(finding: Finding, dated: Sequence[_Dated], steps: Sequence[_Step]) -> Finding:
    return replace(
        finding,
        category="update",
        severity=None,
        explanation=_sentence(steps) + ".",
        statements=tuple(d.statement for d in sorted(dated, key=lambda d: d.order)),
    )


def _with_revision_note(finding: Finding, steps: Sequence[_Step]) -> Finding:
    """``finding`` with its revisions mentioned; unchanged when there are none or they are noted."""
    if not steps:
        return finding
    note = f"{_sentence(steps)}, {STILL_DISAGREE}."
    if note in finding.explanation:
        return finding
    return replace(finding, explanation=f"{finding.explanation} {note}".strip())


# ------------------------------------------------------------------------ the timeline


def _timeline(report: Report, articles: dict[str, tuple[int, Article]]) -> tuple[TimelineEntry, ...]:
    placed: list[tuple[_Dated, Finding]] = [
        (_dated(s, articles), finding)
        for section in FINDING_SECTIONS
        for finding in getattr(report, section)
        for s in finding.statements
    ]
    placed.sort(key=lambda pair: pair[0].order)
    entries = []
    for d, finding in placed:
        found = articles.get(d.statement.article)
        article = found[1] if found else None
        entries.append(
            TimelineEntry(
                published=article.published if article else None,
                category=finding.category,
                kind=finding.kind,
                subject=finding.subject,
                attribute=finding.attribute,
                statement=d.statement,
                outlet=article.outlet if article else None,
            )
        )
    return tuple(entries)
