"""A :class:`~storydiff.records.Report` laid out for the web pages.

Findings with their evidence, the reports' texts with every piece of evidence
highlighted, who said what and the timeline, as frozen records the templates
read. Nothing here is HTML except :attr:`TextView.html`, which is the output of
render.py's own highlighter (every character of article text escaped there),
so a finding's anchor is the same ``<article>-<start>-<end>`` on a page and in
the report ``storydiff report --format html`` writes.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from storydiff.records import Article, Finding, Report, Statement

# render.py keeps its highlighter private; these are the pieces render_html is
# built from, reused unchanged rather than written a second time.
from storydiff.report.render import (
    CATEGORY_ICONS,
    CATEGORY_LABELS,
    article_anchor,
    collect_spans,
    finding_topic,
    highlight_text,
    statement_anchor,
    summarize,
)

__all__ = [
    "ArticleRow",
    "AttributionView",
    "EvidenceView",
    "FindingView",
    "ReportView",
    "TextView",
    "TimelineRow",
    "report_view",
]


@dataclass(frozen=True, slots=True)
class EvidenceView:
    """One statement of a finding: who, what value, the words, and where they are highlighted."""

    article: str
    outlet: str | None
    published: str | None
    value: str | None
    speaker: str | None
    text: str
    start: int
    end: int
    anchor: str | None  # id of the highlighted words; None when the offsets are outside the text
    body: str  # id of the element holding the article's text


@dataclass(frozen=True, slots=True)
class FindingView:
    """A conflict, possible difference, update, agreement or unique fact, numbered as render.py
    numbers it (``conflict-1``)."""

    id: str
    category: str
    label: str  # icon and word: colour is never the only signal
    icon: str
    topic: str
    severity: str | None
    explanation: str
    evidence: tuple[EvidenceView, ...]
    articles: int
    confidence: float | None = None  # the pair scorer's, for conflicts and possible differences

    @property
    def first_anchor(self) -> str:
        """Where the finding's link leads without JavaScript: its first highlighted statement."""
        return next((e.anchor for e in self.evidence if e.anchor), self.id)


@dataclass(frozen=True, slots=True)
class TextView:
    """One report's text, highlighted, with what is known about it."""

    id: str
    anchor: str
    body: str
    title: str
    outlet: str | None
    published: str | None
    author: str | None
    source: str | None
    chars: int
    html: Markup
    copies: tuple[ArticleRow, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleRow:
    """An article in the list of a story's reports."""

    id: str
    anchor: str
    title: str
    outlet: str | None
    published: str | None
    source: str | None
    copy_of: str | None = None


@dataclass(frozen=True, slots=True)
class AttributionView:
    """A row of the who-said-what table."""

    article: str
    anchor: str
    outlet: str | None
    speaker: str | None
    cue: str
    content: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One piece of evidence placed in publication time."""

    published: str | None
    outlet: str | None
    category: str
    label: str
    topic: str
    evidence: EvidenceView


@dataclass(frozen=True, slots=True)
class ReportView:
    """Everything a report page shows."""

    summary: str
    story: str | None
    conflicts: tuple[FindingView, ...]
    possible: tuple[FindingView, ...]
    updates: tuple[FindingView, ...]
    agreements: tuple[FindingView, ...]
    unique: tuple[FindingView, ...]
    texts: tuple[TextView, ...]
    articles: tuple[ArticleRow, ...]
    attributions: tuple[AttributionView, ...]
    timeline: tuple[TimelineRow, ...]
    warnings: tuple[str, ...]
    rejected: tuple[tuple[str, str], ...]


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _title(article: Article) -> str:
    return article.title or article.url or article.path or f"report {article.id}"


def report_view(report: Report) -> ReportView:
    """Lay out ``report`` for a page: story reports show one text per independent origin."""
    articles = {a.id: a for a in report.articles}
    spans = collect_spans(report)
    linked = {sp.anchor for found in spans.values() for sp in found}

    def evidence(s: Statement) -> EvidenceView:
        a = articles.get(s.article)
        anchor = statement_anchor(s)
        return EvidenceView(
            article=s.article,
            outlet=a.outlet if a else None,
            published=a.published if a else None,
            value=s.value,
            speaker=s.speaker,
            text=_one_line(s.text),
            start=s.start,
            end=s.end,
            anchor=anchor if anchor in linked else None,
            body=article_anchor(s.article) + "-text",
        )

    def findings(category: str, found: Sequence[Finding]) -> tuple[FindingView, ...]:
        return tuple(
            FindingView(
                id=f"{category}-{n}",  # the numbering of render.collect_spans: the marks' flags link here
                category=category,
                label=CATEGORY_LABELS[category],
                icon=CATEGORY_ICONS[category],
                topic=finding_topic(f),
                severity=f.severity,
                explanation=f.explanation,
                evidence=tuple(evidence(s) for s in f.statements),
                articles=len(f.articles),
                confidence=f.confidence,
            )
            for n, f in enumerate(found, start=1)
        )

    rows = {a.id: _row(a) for a in report.articles}
    copy_of = {c: o.article for o in report.origins for c in o.copies}
    shown = [a for a in report.articles if a.id not in copy_of]
    texts = tuple(
        TextView(
            id=a.id,
            anchor=article_anchor(a.id),
            body=article_anchor(a.id) + "-text",
            title=_title(a),
            outlet=a.outlet,
            published=a.published,
            author=a.author,
            source=a.url or a.path,
            chars=len(a.text),
            html=Markup(highlight_text(a.text, spans.get(a.id, []))),  # escaped by render.highlight_text
            copies=tuple(rows[c] for o in report.origins if o.article == a.id for c in o.copies if c in rows),
        )
        for a in shown
    )
    return ReportView(
        summary=summarize(report),
        story=report.story,
        conflicts=findings("conflict", report.conflicts),
        possible=findings("possible", report.possible),
        updates=findings("update", report.updates),
        agreements=findings("agreement", report.agreements),
        unique=findings("unique", report.unique),
        texts=texts,
        articles=tuple(dataclasses.replace(rows[a.id], copy_of=copy_of.get(a.id)) for a in report.articles),
        attributions=tuple(
            AttributionView(
                article=at.article,
                anchor=article_anchor(at.article),
                outlet=articles[at.article].outlet if at.article in articles else None,
                speaker=at.speaker,
                cue=at.cue,
                content=_one_line(at.content),
                start=at.content_start,
                end=at.content_end,
            )
            for at in report.attributions
        ),
        timeline=tuple(
            TimelineRow(
                published=t.published,
                outlet=t.outlet,
                category=t.category,
                label=CATEGORY_LABELS.get(t.category, t.category),
                topic=finding_topic(t),
                evidence=evidence(t.statement),
            )
            for t in report.timeline
        ),
        warnings=report.warnings,
        rejected=tuple((r.input, r.reason) for r in report.rejected),
    )


def _row(a: Article) -> ArticleRow:
    return ArticleRow(
        id=a.id,
        anchor=article_anchor(a.id),
        title=_title(a),
        outlet=a.outlet,
        published=a.published,
        source=a.url or a.path,
    )
