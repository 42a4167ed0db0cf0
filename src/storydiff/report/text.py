"""What every view of a report words the same way: labels, the summary line, topics, values.

Shared by the terminal, Markdown and HTML views (:mod:`.terminal`,
:mod:`.markdown`, :mod:`.view`), so a conflict is called and counted alike in all
of them.
"""

from __future__ import annotations

from storydiff.records import Article, Finding, Report, TimelineEntry

__all__ = [
    "CATEGORIES",
    "CATEGORY_ICONS",
    "CATEGORY_LABELS",
    "UNATTRIBUTED",
    "category_label",
    "confidence_note",
    "finding_topic",
    "findings_of",
    "one_line",
    "origins_headline",
    "outlet_names",
    "plural",
    "source",
    "stated_values",
    "summarize",
    "unique_groups",
]

# The categories whose statements are highlighted in the texts, in the order their labels are listed.
CATEGORIES = ("conflict", "agreement", "unique", "update")
# Text labels next to every colour, so colour is never the only signal.
CATEGORY_LABELS = {
    "conflict": "⚠ conflict",
    "possible": "? possible difference",
    "agreement": "✓ agreed",
    "unique": "+ only here",
    "update": "↻ updated",
}
CATEGORY_ICONS = {"conflict": "⚠", "possible": "?", "agreement": "✓", "unique": "+", "update": "↻"}
UNATTRIBUTED = "unattributed"


def findings_of(report: Report, category: str) -> tuple[Finding, ...]:
    """The findings of ``report`` in ``category`` (``conflict``, ``possible``, ``agreement``, ...)."""
    if category == "conflict":
        return report.conflicts
    if category == "possible":
        return report.possible
    if category == "agreement":
        return report.agreements
    if category == "update":
        return report.updates
    return report.unique


def plural(n: int, singular: str, plural: str | None = None) -> str:
    """``1 article``, ``2 articles``; ``plural`` for an irregular word."""
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def summarize(report: Report) -> str:
    """Return the one-line count summary, e.g. ``3 articles · 1 conflict (1 major) · 2 agreements``."""
    severities: dict[str, int] = {}
    for finding in report.conflicts:
        key = finding.severity or "unrated"
        severities[key] = severities.get(key, 0) + 1
    order = ["major", "minor", *sorted(set(severities) - {"major", "minor"})]
    detail = ", ".join(f"{severities[s]} {s}" for s in order if s in severities)
    parts = [
        plural(len(report.articles), "article"),
        plural(len(report.conflicts), "conflict") + (f" ({detail})" if detail else ""),
    ]
    if report.possible:
        parts.append(plural(len(report.possible), "possible difference"))
    if report.updates:
        parts.append(plural(len(report.updates), "update"))
    parts += [
        plural(len(report.agreements), "agreement"),
        plural(len(report.unique), "unique fact"),
        plural(len(report.attributions), "attribution"),
    ]
    if report.rejected:
        parts.append(plural(len(report.rejected), "rejected input"))
    if report.warnings:
        parts.append(plural(len(report.warnings), "warning"))
    return " · ".join(parts)


def finding_topic(finding: Finding | TimelineEntry) -> str:
    """What a finding is about: ``subject · attribute``, or its kind when it has neither."""
    return " · ".join(p for p in (finding.subject, finding.attribute) if p) or finding.kind


def confidence_note(finding: Finding) -> str:
    """`` · confidence 0.93`` for a scored finding, empty otherwise."""
    return f" · confidence {finding.confidence:.2f}" if finding.confidence is not None else ""


def category_label(category: str) -> str:
    """The icon and word shown for a category; a category from elsewhere shows as itself."""
    return CATEGORY_LABELS.get(category, category)


def origins_headline(report: Report) -> str:
    """E.g. ``2 independent origins among 5 reports``: reprints of one story count once."""
    return (
        f"{plural(len(report.origins), 'independent origin')} among {plural(len(report.articles), 'report')}"
    )


def stated_values(finding: Finding) -> list[tuple[str, list[str]]]:
    """Each distinct stated value with the ids of the articles stating it, in order."""
    by_value: dict[str, list[str]] = {}
    for s in finding.statements:
        if s.value is not None:
            ids = by_value.setdefault(s.value, [])
            if s.article not in ids:
                ids.append(s.article)
    return list(by_value.items())


def one_line(text: str) -> str:
    """``text`` with every run of whitespace, line breaks included, as one space."""
    return " ".join(text.split())


def unique_groups(report: Report) -> list[tuple[str, list[Finding]]]:
    """Unique facts grouped by the article they come from, in the report's article order."""
    groups: dict[str, list[Finding]] = {a.id: [] for a in report.articles}
    for finding in report.unique:
        owner = finding.articles[0] if finding.statements else "?"
        groups.setdefault(owner, []).append(finding)
    return [(owner, found) for owner, found in groups.items() if found]


def outlet_names(report: Report) -> dict[str, str]:
    """The outlet of each article that names one, by article id."""
    return {a.id: a.outlet for a in report.articles if a.outlet}


def source(article: Article) -> str:
    """Where an article came from: its URL, else its path, else empty."""
    return article.url or article.path or ""
