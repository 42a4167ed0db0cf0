"""A :class:`~storydiff.records.Report` laid out for HTML: what the report template reads.

Findings with their evidence, the reports' texts with every piece of evidence
highlighted, who said what and the timeline, as frozen records. The template
``templates/_report.html`` reads them, both on the web page and in the
standalone file :func:`storydiff.report.html.render_html` writes. Nothing here
is HTML except :attr:`TextView.html`, the output of :func:`highlight_text`,
which escapes every character of article text.

Highlights and links share one naming: a statement's words are
``<mark id="<article>-<start>-<end>">`` (:func:`statement_anchor`), a finding
is ``<category>-<n>`` counted from 1 in its section, and the flag before each
highlight links to the findings that cite it.
"""

from __future__ import annotations

import dataclasses
import html
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from storydiff.records import Article, Finding, Report, Statement
from storydiff.report.safety import visible
from storydiff.report.text import (
    CATEGORIES,
    CATEGORY_ICONS,
    CATEGORY_LABELS,
    category_label,
    finding_topic,
    findings_of,
    one_line,
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
    "article_anchor",
    "collect_spans",
    "highlight_text",
    "report_view",
    "statement_anchor",
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
    """A conflict, possible difference, update, agreement or unique fact, numbered in its section
    (``conflict-1``)."""

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


def _title(article: Article) -> str:
    return article.title or article.url or article.path or f"report {article.id}"


def report_view(report: Report) -> ReportView:
    """Lay out ``report`` for a page: story reports show one text per independent origin."""
    articles = {a.id: a for a in report.articles}
    spans = collect_spans(report)
    copy_of = {c: o.article for o in report.origins for c in o.copies}
    shown = [a for a in report.articles if a.id not in copy_of]
    # only a shown text's highlights can be linked to: a copy's evidence is quoted without a link
    linked = {sp.anchor for a in shown for sp in spans.get(a.id, [])}

    def evidence(s: Statement) -> EvidenceView:
        a = articles.get(s.article)
        anchor = statement_anchor(s)
        return EvidenceView(
            article=s.article,
            outlet=a.outlet if a else None,
            published=a.published if a else None,
            value=s.value,
            speaker=s.speaker,
            text=one_line(s.text),
            start=s.start,
            end=s.end,
            anchor=anchor if anchor in linked else None,
            body=article_anchor(s.article) + "-text",
        )

    def findings(category: str, found: Sequence[Finding]) -> tuple[FindingView, ...]:
        return tuple(
            FindingView(
                id=f"{category}-{n}",  # the numbering of collect_spans: the marks' flags link here
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
            html=Markup(highlight_text(a.text, spans.get(a.id, []))),  # escaped by highlight_text
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
                content=one_line(at.content),
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
                label=category_label(t.category),
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


# ------------------------------------------------------------------ highlights


def statement_anchor(statement: Statement) -> str:
    """Return the HTML id of a statement's highlighted words: ``<article>-<start>-<end>``.

    Characters of the article id other than letters, digits, ``_`` and ``-`` become
    ``_`` so the id is safe in a URL fragment.
    """
    return f"{re.sub(r'[^A-Za-z0-9_-]', '_', statement.article)}-{statement.start}-{statement.end}"


def article_anchor(article_id: str) -> str:
    """Return the HTML id of an article's text: ``article-<id>``, made safe as :func:`statement_anchor`."""
    return "article-" + re.sub(r"[^A-Za-z0-9_-]", "_", article_id)


class _Span:
    """One highlighted stretch of an article's text and the findings that cite it."""

    __slots__ = ("anchor", "categories", "end", "refs", "start")

    def __init__(self, anchor: str, start: int, end: int) -> None:
        self.anchor = anchor
        self.start = start
        self.end = end
        self.categories: list[str] = []
        self.refs: list[tuple[str, str, str]] = []  # (finding id, category, topic)


def collect_spans(report: Report) -> dict[str, list[_Span]]:
    """Group every statement's offsets by article; a span cited twice gets one anchor."""
    texts = {a.id: a.text for a in report.articles}
    spans: dict[str, dict[tuple[int, int], _Span]] = {a.id: {} for a in report.articles}
    for category in CATEGORIES:
        for n, finding in enumerate(findings_of(report, category), 1):
            for s in finding.statements:
                text = texts.get(s.article)
                # Offsets outside the text cannot be highlighted; the finding still
                # shows the quote, without a link.
                if text is None or not 0 <= s.start < s.end <= len(text):
                    continue
                key = (s.start, s.end)
                span = spans[s.article].setdefault(key, _Span(statement_anchor(s), s.start, s.end))
                if category not in span.categories:
                    span.categories.append(category)
                ref = (f"{category}-{n}", category, finding_topic(finding))
                if ref not in span.refs:
                    span.refs.append(ref)
    return {
        article: sorted(found.values(), key=lambda sp: (sp.start, -sp.end))
        for article, found in spans.items()
    }


def _esc(text: str) -> str:
    return html.escape(visible(text))


def highlight_text(text: str, spans: list[_Span]) -> str:
    """Return ``text`` escaped, with each span wrapped in ``<mark>``; overlapping spans split into pieces."""
    e = _esc
    bounds = sorted({0, len(text)} | {sp.start for sp in spans} | {sp.end for sp in spans})
    out: list[str] = []
    for lo, hi in itertools.pairwise(bounds):
        covering = [sp for sp in spans if sp.start <= lo and sp.end >= hi]
        if not covering:
            out.append(e(text[lo:hi]))
            continue
        categories = [c for c in CATEGORIES if any(c in sp.categories for sp in covering)]
        starting = [sp for sp in covering if sp.start == lo]
        # The piece where a span starts carries its id (extra spans starting at
        # the same place get an empty anchor) and a flag linking back to each finding.
        ident = f' id="{e(starting[0].anchor)}"' if starting else ""
        label = ", ".join(CATEGORY_LABELS[c] for c in categories)
        out.append(f'<mark class="{" ".join(categories)}"{ident} title="{e(label)}">')
        for extra in starting[1:]:
            out.append(f'<span id="{e(extra.anchor)}"></span>')
        for sp in starting:
            for ref, category, topic in sp.refs:
                out.append(
                    f'<a class="flag" href="#{e(ref)}" title="{e(CATEGORY_LABELS[category] + ": " + topic)}">'
                    f"{CATEGORY_ICONS[category]}</a>"
                )
        out.append(f"{e(text[lo:hi])}</mark>")
    return "".join(out)
