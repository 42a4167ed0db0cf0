"""Turn a :class:`~storydiff.records.Report` into something to read or to keep.

Every output format goes through one registry, :data:`RENDERERS` (format name ->
``render_<format>(report) -> str``); :func:`render` looks a format up in it.

- ``json``: the stable, versioned contract (``storydiff.report/2``, documented
  in ``docs/json-contract.md``). :func:`report_to_dict` and
  :func:`report_from_dict` convert between a Report and that contract, exactly.
- ``markdown``: headings per section, one line per piece of evidence with its
  article id and character offsets, and a who-said-what table.
- ``html``: one self-contained page (inline CSS under a strict
  Content-Security-Policy, no script, nothing fetched) with the findings and the
  articles' texts side by side, every piece of evidence highlighted and linked.
- ``terminal``: the readable report :func:`print_terminal` prints with rich,
  here as plain text (no ANSI codes) for pipes and tests.

Article text and metadata come from untrusted web pages: the HTML escapes all of
it, the terminal view never lets it be read as rich markup, and the Markdown
backslash-escapes the characters that would turn it into markup or links.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import html
import io
import itertools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.markup import escape as escape_markup
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from storydiff.errors import StorydiffError
from storydiff.records import (
    Article,
    Attribution,
    Finding,
    Origin,
    Rejection,
    Report,
    Statement,
    TimelineEntry,
)
from storydiff.report.codec import iso_day

__all__ = [
    "CATEGORY_ICONS",
    "CATEGORY_LABELS",
    "RENDERERS",
    "SCHEMA",
    "Renderer",
    "article_anchor",
    "collect_spans",
    "finding_topic",
    "highlight_text",
    "print_terminal",
    "render",
    "render_html",
    "render_json",
    "render_markdown",
    "render_terminal",
    "report_from_dict",
    "report_to_dict",
    "statement_anchor",
    "summarize",
    "terminal_text",
    "without_raw_controls",
]

# The JSON contract's name and major version. Additive changes (a new key) keep
# the number; renaming, removing or changing the meaning of a key bumps it. "/2":
# conflicts are only the pair scorer's confident ones, the others are "possible",
# and findings carry a "confidence".
SCHEMA = "storydiff.report/2"
# Reports of the previous major version read as ones with no possible differences and no confidence.
OLD_SCHEMA = "storydiff.report/1"
READABLE_SCHEMAS = (SCHEMA, OLD_SCHEMA)
SCHEMA_FAMILY = "storydiff.report/"

# Terminal view only: a busy story yields hundreds of unique facts, which would
# push the conflicts (what a reader came for) off the screen. Five per article is
# what fits beside the findings of a four-article comparison on a laptop
# screen; Markdown, HTML and JSON always carry the full lists.
TERMINAL_UNIQUE_PER_ARTICLE = 5
# Terminal view only, for the same reason: the who-said-what table is capped.
TERMINAL_ATTRIBUTIONS = 15
# Terminal view only, for the same reason: a story followed for days puts every
# statement of every finding on its timeline, hundreds of lines.
TERMINAL_TIMELINE = 20
# Width of the terminal view rendered to a string, fixed so that piped output
# and tests do not depend on the size of whatever terminal ran them.
PLAIN_WIDTH = 100

Renderer = Callable[[Report], str]

_CATEGORIES = ("conflict", "agreement", "unique", "update")
_SECTIONS = {
    "conflict": "conflicts",
    "possible": "possible",
    "agreement": "agreements",
    "unique": "unique",
    "update": "updates",
}
# Text labels next to every colour, so colour is never the only signal.
CATEGORY_LABELS = {
    "conflict": "⚠ conflict",
    "possible": "? possible difference",
    "agreement": "✓ agreed",
    "unique": "+ only here",
    "update": "↻ updated",
}
CATEGORY_ICONS = {"conflict": "⚠", "possible": "?", "agreement": "✓", "unique": "+", "update": "↻"}
_UNATTRIBUTED = "unattributed"


# --------------------------------------------------------------------------- JSON


def report_to_dict(report: Report) -> dict[str, Any]:
    """Return ``report`` as the ``storydiff.report/2`` JSON contract (plain dicts and lists).

    Derived keys (an article's ``chars``, a finding's ``articles`` and ``count``)
    are written for consumers' convenience and ignored by :func:`report_from_dict`.
    A story report's keys (``story``, ``origins``, ``updates``, ``timeline``) are
    written only when set, so a plain comparison's JSON has none of them.
    Raises :class:`ValueError` if a finding sits in the wrong section (its
    ``category`` would otherwise be lost without a trace).
    """
    for category in (*_CATEGORIES, "possible"):
        for finding in _findings(report, category):
            if finding.category != category:
                raise ValueError(
                    f"finding {finding.subject!r}/{finding.attribute!r} has category "
                    f"{finding.category!r} but is listed under {_SECTIONS[category]!r}"
                )
    data = {
        "schema": SCHEMA,
        "story": report.story,
        "articles": [_article_to_dict(a) for a in report.articles],
        "origins": [_origin_to_dict(o) for o in report.origins],
        "conflicts": [_finding_to_dict(f) for f in report.conflicts],
        "possible": [_finding_to_dict(f) for f in report.possible],
        "updates": [_finding_to_dict(f) for f in report.updates],
        "agreements": [_finding_to_dict(f) for f in report.agreements],
        "unique": [_finding_to_dict(f) for f in report.unique],
        "timeline": [_timeline_entry_to_dict(t) for t in report.timeline],
        "attributions": [_attribution_to_dict(a) for a in report.attributions],
        "rejected": [{"input": r.input, "reason": r.reason} for r in report.rejected],
        "warnings": list(report.warnings),
    }
    unset = {
        "story": report.story is None,
        "origins": not report.origins,
        "updates": not report.updates,
        "timeline": not report.timeline,
    }
    return {key: value for key, value in data.items() if not unset.get(key, False)}


def _article_to_dict(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "path": article.path,
        "url": article.url,
        "title": article.title,
        "outlet": article.outlet,
        "published": _iso_day(article.published),
        "author": article.author,
        "language": article.language,
        "chars": len(article.text),
        "text": article.text,
    }


def _statement_to_dict(statement: Statement) -> dict[str, Any]:
    return {
        "article": statement.article,
        "text": statement.text,
        "start": statement.start,
        "end": statement.end,
        "value": statement.value,
        "speaker": statement.speaker,
    }


def _finding_to_dict(finding: Finding) -> dict[str, Any]:
    articles = finding.articles
    return {
        "kind": finding.kind,
        "subject": finding.subject,
        "attribute": finding.attribute,
        "severity": finding.severity,
        "confidence": finding.confidence,
        "explanation": finding.explanation,
        "statements": [_statement_to_dict(s) for s in finding.statements],
        "articles": list(articles),
        "count": len(articles),
    }


def _timeline_entry_to_dict(entry: TimelineEntry) -> dict[str, Any]:
    return {
        "published": _iso_day(entry.published),
        "category": entry.category,
        "kind": entry.kind,
        "subject": entry.subject,
        "attribute": entry.attribute,
        "outlet": entry.outlet,
        "statement": _statement_to_dict(entry.statement),
    }


def _origin_to_dict(origin: Origin) -> dict[str, Any]:
    return {"article": origin.article, "copies": list(origin.copies), "outlets": list(origin.outlets)}


def _iso_day(published: str | None) -> str | None:
    """A publication date as the contract writes it, ``YYYY-MM-DD`` with four year digits."""
    return iso_day(published) if published else published


def _attribution_to_dict(attribution: Attribution) -> dict[str, Any]:
    return {
        "article": attribution.article,
        "speaker": attribution.speaker,
        "speaker_start": attribution.speaker_start,
        "speaker_end": attribution.speaker_end,
        "cue": attribution.cue,
        "cue_start": attribution.cue_start,
        "cue_end": attribution.cue_end,
        "content": attribution.content,
        "content_start": attribution.content_start,
        "content_end": attribution.content_end,
    }


class _Reader:
    """Typed access to one JSON object, with error messages that name the key's path."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise _malformed(where, "an object", data)
        self.data = data
        self.where = where

    def _get(self, key: str) -> object:
        if key not in self.data:
            raise StorydiffError(
                f"not a valid {SCHEMA} report: {self.where} has no key {key!r}; "
                "write reports with storydiff's JSON output (--format json) or follow docs/json-contract.md",
                stage="load",
            )
        return self.data[key]

    def text(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise _malformed(f"{self.where}.{key}", "a string", value)
        return value

    def opt_text(self, key: str) -> str | None:
        value = self._get(key)
        if value is not None and not isinstance(value, str):
            raise _malformed(f"{self.where}.{key}", "a string or null", value)
        return value

    def number(self, key: str) -> int:
        value = self._get(key)
        # bool is an int in Python but never an offset.
        if not isinstance(value, int) or isinstance(value, bool):
            raise _malformed(f"{self.where}.{key}", "an integer", value)
        return value

    def opt_number(self, key: str) -> int | None:
        value = self._get(key)
        if value is None:
            return None
        return self.number(key)

    def opt_probability(self, key: str) -> float | None:
        """A probability, null when the finding is not scored (absent in ``/1`` reports)."""
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
            raise _malformed(f"{self.where}.{key}", "a number from 0 to 1 or null", value)
        return float(value)

    def array(self, key: str) -> list[object]:
        value = self._get(key)
        if not isinstance(value, list):
            raise _malformed(f"{self.where}.{key}", "a list", value)
        return value

    def items(self, key: str, *, optional: bool = False) -> Iterable[_Reader]:
        """The objects of list ``key``; none when ``optional`` and the key is absent."""
        if optional and key not in self.data:
            return
        for i, item in enumerate(self.array(key)):
            yield _Reader(item, f"{self.where}.{key}[{i}]")

    def item(self, key: str) -> _Reader:
        return _Reader(self._get(key), f"{self.where}.{key}")


def _malformed(where: str, expected: str, found: object) -> StorydiffError:
    return StorydiffError(
        f"not a valid {SCHEMA} report: {where} should be {expected}, found {json.dumps(found)[:60]}",
        stage="load",
    )


def report_from_dict(data: Mapping[str, Any]) -> Report:
    """Rebuild the :class:`Report` that :func:`report_to_dict` turned into ``data``.

    ``report_from_dict(report_to_dict(r)) == r`` for every report whose findings
    sit in the section matching their category. Unknown keys are ignored (later
    ``/2`` versions may add some); a ``/1`` report reads with no possible
    differences and no confidences; a story report's keys (``story``, ``origins``,
    ``updates``, ``timeline``) may be missing, as in reports written before them.
    Any other missing key, a wrong type or another schema version raises
    :class:`~storydiff.errors.StorydiffError` naming the key.
    """
    root = _Reader(data, "report")
    schema = root.data.get("schema")
    if schema not in READABLE_SCHEMAS:
        if isinstance(schema, str) and schema.startswith(SCHEMA_FAMILY):
            raise StorydiffError(
                f"report schema {schema!r} is not supported: this storydiff reads {SCHEMA!r}; "
                "use the storydiff version that wrote the report, or re-run the comparison",
                stage="load",
            )
        raise StorydiffError(
            f'not a storydiff report: expected "schema": "{SCHEMA}", found {json.dumps(schema)[:60]}',
            stage="load",
        )
    return Report(
        articles=tuple(_article_from(r) for r in root.items("articles")),
        conflicts=tuple(_finding_from(r, "conflict") for r in root.items("conflicts")),
        possible=tuple(
            _finding_from(r, "possible") for r in root.items("possible", optional=schema == OLD_SCHEMA)
        ),
        agreements=tuple(_finding_from(r, "agreement") for r in root.items("agreements")),
        unique=tuple(_finding_from(r, "unique") for r in root.items("unique")),
        attributions=tuple(_attribution_from(r) for r in root.items("attributions")),
        rejected=tuple(
            Rejection(input=r.text("input"), reason=r.text("reason")) for r in root.items("rejected")
        ),
        warnings=tuple(_strings(root, "warnings")),
        updates=tuple(_finding_from(r, "update") for r in root.items("updates", optional=True)),
        timeline=tuple(_timeline_entry_from(r) for r in root.items("timeline", optional=True)),
        origins=tuple(
            Origin(
                article=r.text("article"),
                copies=tuple(_strings(r, "copies")),
                outlets=tuple(_strings(r, "outlets")),
            )
            for r in root.items("origins", optional=True)
        ),
        story=root.opt_text("story") if "story" in root.data else None,
    )


def _strings(reader: _Reader, key: str) -> list[str]:
    values = reader.array(key)
    for i, value in enumerate(values):
        if not isinstance(value, str):
            raise _malformed(f"{reader.where}.{key}[{i}]", "a string", value)
    return [str(v) for v in values]


def _article_from(r: _Reader) -> Article:
    return Article(
        id=r.text("id"),
        text=r.text("text"),
        path=r.opt_text("path"),
        url=r.opt_text("url"),
        title=r.opt_text("title"),
        outlet=r.opt_text("outlet"),
        published=r.opt_text("published"),
        author=r.opt_text("author"),
        language=r.opt_text("language"),
    )


def _statement_from(s: _Reader) -> Statement:
    return Statement(
        article=s.text("article"),
        text=s.text("text"),
        start=s.number("start"),
        end=s.number("end"),
        value=s.opt_text("value"),
        speaker=s.opt_text("speaker"),
    )


def _finding_from(r: _Reader, category: str) -> Finding:
    return Finding(
        category=category,
        kind=r.text("kind"),
        subject=r.text("subject"),
        attribute=r.text("attribute"),
        explanation=r.text("explanation"),
        statements=tuple(_statement_from(s) for s in r.items("statements")),
        severity=r.opt_text("severity"),
        confidence=r.opt_probability("confidence"),
    )


def _timeline_entry_from(r: _Reader) -> TimelineEntry:
    return TimelineEntry(
        published=r.opt_text("published"),
        category=r.text("category"),
        kind=r.text("kind"),
        subject=r.text("subject"),
        attribute=r.text("attribute"),
        statement=_statement_from(r.item("statement")),
        outlet=r.opt_text("outlet"),
    )


def _attribution_from(r: _Reader) -> Attribution:
    return Attribution(
        article=r.text("article"),
        speaker=r.opt_text("speaker"),
        speaker_start=r.opt_number("speaker_start"),
        speaker_end=r.opt_number("speaker_end"),
        cue=r.text("cue"),
        cue_start=r.number("cue_start"),
        cue_end=r.number("cue_end"),
        content=r.text("content"),
        content_start=r.number("content_start"),
        content_end=r.number("content_end"),
    )


def render_json(report: Report) -> str:
    """Render ``report`` as the JSON contract: indented by 2, non-ASCII text as is, trailing newline.

    Control characters and bidirectional overrides are written as ``\\uXXXX``
    escapes, so the output is safe to print to a terminal and loads back exactly.
    """
    return without_raw_controls(json.dumps(report_to_dict(report), indent=2, ensure_ascii=False)) + "\n"


def without_raw_controls(json_text: str) -> str:
    """JSON text with DEL, C1 controls and bidi overrides written as ``\\uXXXX`` escapes.

    ``json.dumps`` escapes C0 controls but not those; escaping them too keeps
    the JSON exact and safe to print to a terminal. They can only occur inside
    strings, where a ``\\u`` escape means the same.
    """
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


# ---------------------------------------------------------------- shared helpers


def _findings(report: Report, category: str) -> tuple[Finding, ...]:
    if category == "conflict":
        return report.conflicts
    if category == "possible":
        return report.possible
    if category == "agreement":
        return report.agreements
    if category == "update":
        return report.updates
    return report.unique


def _plural(n: int, singular: str, plural: str | None = None) -> str:
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
        _plural(len(report.articles), "article"),
        _plural(len(report.conflicts), "conflict") + (f" ({detail})" if detail else ""),
    ]
    if report.possible:
        parts.append(_plural(len(report.possible), "possible difference"))
    if report.updates:
        parts.append(_plural(len(report.updates), "update"))
    parts += [
        _plural(len(report.agreements), "agreement"),
        _plural(len(report.unique), "unique fact"),
        _plural(len(report.attributions), "attribution"),
    ]
    if report.rejected:
        parts.append(_plural(len(report.rejected), "rejected input"))
    if report.warnings:
        parts.append(_plural(len(report.warnings), "warning"))
    return " · ".join(parts)


def finding_topic(finding: Finding | TimelineEntry) -> str:
    return " · ".join(p for p in (finding.subject, finding.attribute) if p) or finding.kind


def _label(category: str) -> str:
    """The icon and word shown for a category; a category from elsewhere shows as itself."""
    return CATEGORY_LABELS.get(category, category)


def _is_story(report: Report) -> bool:
    """Whether ``report`` carries any of a story report's fields (plain comparisons carry none)."""
    return bool(report.story is not None or report.updates or report.timeline or report.origins)


def _origins_headline(report: Report) -> str:
    """E.g. ``2 independent origins among 5 reports``: reprints of one story count once."""
    return (
        f"{_plural(len(report.origins), 'independent origin')} among "
        f"{_plural(len(report.articles), 'report')}"
    )


def _values(finding: Finding) -> list[tuple[str, list[str]]]:
    """Each distinct stated value with the ids of the articles stating it, in order."""
    by_value: dict[str, list[str]] = {}
    for s in finding.statements:
        if s.value is not None:
            ids = by_value.setdefault(s.value, [])
            if s.article not in ids:
                ids.append(s.article)
    return list(by_value.items())


# Characters that must not reach a terminal from a web page: C0 controls other
# than tab and newline (ESC starts the sequences that recolour, retitle or clear a
# terminal), DEL, C1 controls (U+009B is a one-character CSI on some terminals)
# and the bidirectional overrides that make displayed text differ from its
# characters. Display formats show each as U+FFFD, one character for one, so
# offsets stay valid; JSON keeps them exactly, escaped.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# For the terminal also the invisible direction marks (U+061C, U+200E, U+200F) and
# the line and paragraph separators (U+2028, U+2029), which terminals may break lines at.
_TERMINAL_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _visible(text: str) -> str:
    return _UNSAFE.sub("\ufffd", text)


def terminal_text(text: str, *, markup: bool = False) -> str:
    """``text`` made safe to print to a terminal: every terminal printer passes text through here.

    Control characters (C0 but tab and newline, DEL, C1) and bidirectional
    marks and overrides become U+FFFD, one character for one: ESC can no
    longer start a sequence that retitles, clears or recolours the terminal,
    and U+202E can no longer show words in another order than they are
    written. With ``markup=True`` rich markup is escaped too, for a string
    that rich will read as markup (a ``str`` given to ``Console.print``, a
    progress description): a title holding ``[/bold]`` then prints as written.
    """
    safe = _TERMINAL_UNSAFE.sub("\ufffd", text)
    return escape_markup(safe) if markup else safe


def _esc(text: str) -> str:
    return html.escape(_visible(text))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _unique_groups(report: Report) -> list[tuple[str, list[Finding]]]:
    """Unique facts grouped by the article they come from, in the report's article order."""
    groups: dict[str, list[Finding]] = {a.id: [] for a in report.articles}
    for finding in report.unique:
        owner = finding.articles[0] if finding.statements else "?"
        groups.setdefault(owner, []).append(finding)
    return [(owner, found) for owner, found in groups.items() if found]


def _outlets(report: Report) -> dict[str, str]:
    return {a.id: a.outlet for a in report.articles if a.outlet}


def _source(article: Article) -> str:
    return article.url or article.path or ""


def statement_anchor(statement: Statement) -> str:
    """Return the HTML id of a statement's highlighted words: ``<article>-<start>-<end>``.

    Characters of the article id other than letters, digits, ``_`` and ``-`` become
    ``_`` so the id is safe in a URL fragment.
    """
    return f"{re.sub(r'[^A-Za-z0-9_-]', '_', statement.article)}-{statement.start}-{statement.end}"


# ---------------------------------------------------------------------- terminal

_VALUE_STYLE = {
    "conflict": "bold reverse red",
    "agreement": "bold reverse green",
    "unique": "bold reverse blue",
    "update": "bold reverse magenta",
}


def print_terminal(report: Report, console: Console) -> None:
    """Print the readable report to ``console`` with rich: header, summary, findings, who said what.

    Conflicts are red (✗ major, ⚠ minor), agreements green ✓, unique facts blue +,
    each with its explanation and its evidence as ``[article] “sentence” — speaker``
    with the value highlighted. A story report adds its origins, its updates
    (magenta ↻) and its timeline. Unique facts, attributions and the timeline are
    capped (see :data:`TERMINAL_UNIQUE_PER_ARTICLE`); the other formats carry everything.
    """
    report = _displayable(report)
    console.print(_term_header(report))
    console.print(Text(summarize(report), style="bold"))
    if report.origins:
        _term_origins(report, console)
    _term_conflicts(report, console)
    if report.possible:
        _term_possible(report, console)
    if report.updates:
        _term_updates(report, console)
    _term_agreements(report, console)
    _term_unique(report, console)
    if report.timeline:
        _term_timeline(report, console)
    _term_attributions(report, console)
    if report.rejected:
        console.print(Rule(Text("Rejected inputs"), style="red"))
        for rejection in report.rejected:
            console.print(Text.assemble(("✗ ", "red"), (rejection.input, "bold"), f": {rejection.reason}"))
    if report.warnings:
        console.print(Rule(Text("Warnings"), style="yellow"))
        for warning in report.warnings:
            console.print(Text.assemble(("! ", "bold yellow"), warning))


def _displayable(record: Any) -> Any:
    """Return ``record`` with every string passed through :func:`terminal_text`."""
    if isinstance(record, str):
        return terminal_text(record)
    if isinstance(record, tuple):
        return tuple(_displayable(item) for item in record)
    if dataclasses.is_dataclass(record) and not isinstance(record, type):
        changes = {f.name: _displayable(getattr(record, f.name)) for f in dataclasses.fields(record)}
        return dataclasses.replace(record, **changes)
    return record


def _term_header(report: Report) -> Panel:
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False)
    for column in ("id", "outlet", "published", "lang", "title / source"):
        # The title takes the spare width; the short columns stay as narrow as their content.
        ratio = 1 if column == "title / source" else None
        table.add_column(column, overflow="fold", no_wrap=column in ("id", "published", "lang"), ratio=ratio)
    for a in report.articles:
        # Cells are Text, never str: a str cell would be parsed as rich markup.
        table.add_row(
            Text(a.id, style="bold"),
            Text(a.outlet or "—"),
            Text(a.published or "—"),
            Text(a.language or "—"),
            Text(a.title or _source(a) or "—"),
        )
    story = f"story {report.story} · " if report.story is not None else ""
    title = Text(f"storydiff · {story}{_plural(len(report.articles), 'article')}", style="bold")
    return Panel(table, title=title, title_align="left", box=box.ROUNDED)


def _term_statement(statement: Statement, category: str) -> Text:
    quote = _one_line(statement.text)
    line = Text()
    line.append(f"[{statement.article}] ", style="bold")
    line.append("“")
    found = None
    if statement.value:
        found = re.search(re.escape(statement.value), quote, re.IGNORECASE)
    if found:
        line.append(quote[: found.start()])
        line.append(quote[found.start() : found.end()], style=_VALUE_STYLE.get(category, "bold reverse"))
        line.append(quote[found.end() :])
    else:
        line.append(quote)
    line.append("”")
    if statement.value and not found:
        line.append(" (value: ")
        line.append(statement.value, style=_VALUE_STYLE.get(category, "bold reverse"))
        line.append(")")
    line.append(" — ")
    line.append(statement.speaker or _UNATTRIBUTED, style="italic" if statement.speaker else "dim italic")
    return line


def _term_finding(finding: Finding, category: str, heading: Text, indent: int) -> RenderableType:
    parts: list[RenderableType] = [heading]
    body: list[RenderableType] = []
    if finding.explanation:
        body.append(Text(finding.explanation, style="dim"))
    body.extend(_term_statement(s, category) for s in finding.statements)
    parts.append(Padding(Group(*body), (0, 0, 0, indent)))
    return Group(*parts)


def _values_text(finding: Finding, category: str, sep: str) -> Text:
    text = Text()
    for i, (value, ids) in enumerate(_values(finding)):
        if i:
            text.append(sep)
        text.append(value, style=_VALUE_STYLE[category])
        text.append(f" ({', '.join(ids)})")
    return text


def _term_conflicts(report: Report, console: Console) -> None:
    console.print(Rule(Text(f"Conflicts ({len(report.conflicts)})"), style="red"))
    if not report.conflicts:
        console.print(Text("No conflicts found.", style="dim"))
    for finding in report.conflicts:
        major = finding.severity == "major"
        heading = Text()
        heading.append("✗ " if major else "⚠ ", style="bold red")
        heading.append(
            (finding.severity or "conflict").upper() if major else (finding.severity or "conflict"),
            style="bold red" if major else "red",
        )
        heading.append(_confidence(finding), style="red")
        heading.append("  ")
        heading.append(finding_topic(finding), style="bold")
        values = _values_text(finding, "conflict", " vs ")
        if values:
            heading.append(": ")
            heading.append_text(values)
        console.print(_term_finding(finding, "conflict", heading, 4))


def _term_possible(report: Report, console: Console) -> None:
    """Possible differences, collapsed: one line each, their evidence in the other formats."""
    console.print(
        Rule(
            Text(f"Possible differences ({len(report.possible)}), not confident enough to call conflicts"),
            style="yellow",
        )
    )
    for finding in report.possible:
        line = Text()
        line.append("? ", style="bold yellow")
        line.append(finding_topic(finding), style="bold")
        values = _values_text(finding, "conflict", " vs ")
        if values:
            line.append(": ")
            line.append_text(values)
        line.append(_confidence(finding), style="dim")
        console.print(line)
    console.print(Text("Evidence of each: --format markdown, html or json.", style="dim"))


def _confidence(finding: Finding) -> str:
    """`` · confidence 0.93`` for a scored finding, empty otherwise."""
    return f" · confidence {finding.confidence:.2f}" if finding.confidence is not None else ""


def _term_updates(report: Report, console: Console) -> None:
    console.print(Rule(Text(f"Updates ({len(report.updates)})"), style="magenta"))
    for finding in report.updates:
        heading = Text()
        heading.append(_label("update"), style="bold magenta")
        heading.append("  ")
        heading.append(finding_topic(finding), style="bold")
        values = _values_text(finding, "update", " → ")
        if values:
            heading.append(": ")
            heading.append_text(values)
        console.print(_term_finding(finding, "update", heading, 4))


def _term_origins(report: Report, console: Console) -> None:
    console.print(Rule(Text(f"Origins ({len(report.origins)})")))
    console.print(Text(_origins_headline(report), style="bold"))
    for origin in report.origins:
        line = Text("  ● ")
        line.append(origin.article, style="bold")
        if origin.outlets:
            line.append(f" carried by {', '.join(origin.outlets)}")
        line.append(
            f" (copies: {', '.join(origin.copies)})" if origin.copies else " (no copies)", style="dim"
        )
        console.print(line)


def _term_timeline(report: Report, console: Console) -> None:
    console.print(Rule(Text(f"Timeline ({len(report.timeline)})")))
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False)
    table.add_column("published", no_wrap=True)
    table.add_column("outlet", overflow="fold")
    table.add_column("finding", overflow="fold")
    table.add_column("evidence", overflow="fold", ratio=1)
    for entry in report.timeline[:TERMINAL_TIMELINE]:
        finding = Text(_label(entry.category), style="bold")
        finding.append(f": {finding_topic(entry)}")
        table.add_row(
            Text(entry.published or "undated", style="" if entry.published else "dim"),
            Text(entry.outlet or "—"),
            finding,
            _term_statement(entry.statement, entry.category),
        )
    console.print(table)
    hidden = len(report.timeline) - TERMINAL_TIMELINE
    if hidden > 0:
        console.print(
            Text(f"... and {hidden} more (full list: --format markdown, html or json)", style="dim")
        )


def _term_agreements(report: Report, console: Console) -> None:
    console.print(Rule(Text(f"Agreements ({len(report.agreements)})"), style="green"))
    if not report.agreements:
        console.print(Text("No agreements found.", style="dim"))
    for finding in report.agreements:
        heading = Text()
        heading.append("✓ ", style="bold green")
        heading.append(finding_topic(finding), style="bold")
        values = _values_text(finding, "agreement", ", ")
        if values:
            heading.append(": ")
            heading.append_text(values)
        heading.append(f"  [{_plural(len(finding.articles), 'article')}]", style="green")
        console.print(_term_finding(finding, "agreement", heading, 4))


def _term_unique(report: Report, console: Console) -> None:
    console.print(Rule(Text(f"Only in one report ({len(report.unique)})"), style="blue"))
    if not report.unique:
        console.print(Text("No unique facts found.", style="dim"))
    outlets = _outlets(report)
    for owner, found in _unique_groups(report):
        label = f"+ only in {owner}" + (f" ({outlets[owner]})" if owner in outlets else "")
        console.print(Text(f"{label}: {_plural(len(found), 'fact')}", style="bold blue"))
        for finding in found[:TERMINAL_UNIQUE_PER_ARTICLE]:
            heading = Text("  + ", style="bold blue")
            heading.append(finding_topic(finding), style="bold")
            values = _values_text(finding, "unique", ", ")
            if values:
                heading.append(": ")
                heading.append_text(values)
            console.print(_term_finding(finding, "unique", heading, 6))
        hidden = len(found) - TERMINAL_UNIQUE_PER_ARTICLE
        if hidden > 0:
            console.print(
                Text(
                    f"  ... and {hidden} more from {owner} (full list: --format markdown, html or json)",
                    style="dim",
                )
            )


def _term_attributions(report: Report, console: Console) -> None:
    console.print(Rule(Text(f"Who said what ({len(report.attributions)})")))
    if not report.attributions:
        console.print(Text("No attributed statements found.", style="dim"))
        return
    table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False)
    table.add_column("article", no_wrap=True)
    table.add_column("speaker", overflow="fold")
    table.add_column("cue", no_wrap=True)
    table.add_column("said", overflow="fold", ratio=1)
    for a in report.attributions[:TERMINAL_ATTRIBUTIONS]:
        table.add_row(
            Text(a.article, style="bold"),
            Text(a.speaker or _UNATTRIBUTED, style="italic" if a.speaker else "dim italic"),
            Text(a.cue),
            Text(f"“{_one_line(a.content)}”"),
        )
    console.print(table)
    hidden = len(report.attributions) - TERMINAL_ATTRIBUTIONS
    if hidden > 0:
        more = f"... and {hidden} more (full list: --format markdown, html or json)"
        console.print(Text(more, style="dim"))


def render_terminal(report: Report) -> str:
    """Return what :func:`print_terminal` shows, as plain text (no ANSI codes), :data:`PLAIN_WIDTH` wide."""
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=PLAIN_WIDTH,
        color_system=None,
        force_terminal=False,
        force_jupyter=False,
        force_interactive=False,
        no_color=True,
        markup=False,
        emoji=False,
        highlight=False,
        legacy_windows=False,
    )
    print_terminal(report, console)
    # rich pads padded blocks and tables to the full width; in a file that is noise.
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


# ---------------------------------------------------------------------- Markdown

# Characters that would turn article text into Markdown markup, a link or raw
# HTML; a backslash makes CommonMark show each of them as it is.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&!])")


def _md(text: str | None, empty: str = "—") -> str:
    if not text:
        return empty
    return _MD_SPECIAL.sub(r"\\\1", _one_line(_visible(text)))


def _md_statement(s: Statement) -> str:
    value = f" · value **{_md(s.value)}**" if s.value else ""
    speaker = _md(s.speaker, _UNATTRIBUTED)
    return f"**{_md(s.article)}** · chars {s.start}–{s.end}{value} · {speaker}: “{_md(s.text)}”"


def _md_values(finding: Finding, sep: str) -> str:
    return sep.join(f"**{_md(v)}** ({', '.join(_md(i) for i in ids)})" for v, ids in _values(finding))


def _md_evidence(finding: Finding) -> list[str]:
    """A finding's explanation paragraph and its statements as a list, each block followed by a blank line."""
    out = [_md(finding.explanation), ""] if finding.explanation else []
    return out + [f"- {_md_statement(s)}" for s in finding.statements] + [""]


def _md_possible(report: Report) -> list[str]:
    """Possible differences in a collapsed block (GitHub and most viewers fold <details>)."""
    out = [
        "<details>",
        f"<summary>Possible differences ({len(report.possible)}): not confident enough to call conflicts"
        "</summary>",
        "",
    ]
    for n, f in enumerate(report.possible, 1):
        out += [f"### ? Possible difference {n}: {_md(finding_topic(f))}", ""]
        if _values(f):
            out += [f"Values: {_md_values(f, ' vs ')}{_confidence(f)}", ""]
        out += _md_evidence(f)
    return [*out, "</details>", ""]


def _md_updates(report: Report) -> list[str]:
    out = [f"## Updates ({len(report.updates)})", ""]
    for n, f in enumerate(report.updates, 1):
        out += [f"### {CATEGORY_ICONS['update']} Update {n}: {_md(finding_topic(f))}", ""]
        if _values(f):
            out += [f"Revised: {_md_values(f, ' → ')}", ""]
        out += _md_evidence(f)
    return out


def _md_origins(report: Report) -> list[str]:
    out = [f"## Origins ({len(report.origins)})", "", _origins_headline(report) + ":", ""]
    for o in report.origins:
        carried = f" carried by {', '.join(_md(x) for x in o.outlets)}" if o.outlets else ""
        copies = f"copies: {', '.join(_md(c) for c in o.copies)}" if o.copies else "no copies"
        out.append(f"- **{_md(o.article)}**{carried} ({copies})")
    return [*out, ""]


def _md_timeline(report: Report) -> list[str]:
    out = [
        f"## Timeline ({len(report.timeline)})",
        "",
        "| published | outlet | finding | evidence |",
        "| --- | --- | --- | --- |",
    ]
    for t in report.timeline:
        finding = f"{_md(_label(t.category))}: {_md(finding_topic(t))}"
        out.append(
            f"| {_md(t.published, 'undated')} | {_md(t.outlet)} | {finding} | {_md_statement(t.statement)} |"
        )
    return [*out, ""]


def render_markdown(report: Report) -> str:
    """Render ``report`` as Markdown: sections for conflicts, agreements, unique facts and who said what.

    A story report adds its story id, origins, updates and timeline.
    """
    out: list[str] = ["# storydiff report", "", summarize(report), ""]
    if report.story is not None:
        out += [f"Story: **{_md(report.story)}**", ""]
    out += ["## Articles", ""]
    out += [
        "| id | title | outlet | published | language | author | source | chars |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for a in report.articles:
        cells = [a.id, a.title, a.outlet, a.published, a.language, a.author, _source(a)]
        out.append("| " + " | ".join(_md(c) for c in cells) + f" | {len(a.text)} |")
    out.append("")
    if report.origins:
        out += _md_origins(report)

    out += [f"## Conflicts ({len(report.conflicts)})", ""]
    if not report.conflicts:
        out += ["No conflicts found.", ""]
    for n, f in enumerate(report.conflicts, 1):
        mark = "✗" if f.severity == "major" else "⚠"
        severity = f" ({_md(f.severity)})" if f.severity else ""
        out += [f"### {mark} Conflict {n}{severity}: {_md(finding_topic(f))}", ""]
        if _values(f):
            out += [f"Values: {_md_values(f, ' vs ')}{_confidence(f)}", ""]
        out += _md_evidence(f)
    if report.possible:
        out += _md_possible(report)
    if report.updates:
        out += _md_updates(report)

    out += [f"## Agreements ({len(report.agreements)})", ""]
    if not report.agreements:
        out += ["No agreements found.", ""]
    for n, f in enumerate(report.agreements, 1):
        out += [f"### ✓ Agreement {n}: {_md(finding_topic(f))}", ""]
        agreed = f"Agreed: {_md_values(f, ', ')} · " if _values(f) else ""
        out += [f"{agreed}{_plural(len(f.articles), 'article')}", ""]
        out += _md_evidence(f)

    out += [f"## Only in one report ({len(report.unique)})", ""]
    if not report.unique:
        out += ["No unique facts found.", ""]
    outlets = _outlets(report)
    for owner, found in _unique_groups(report):
        outlet = f" ({_md(outlets[owner])})" if owner in outlets else ""
        out += [f"### + Only in {_md(owner)}{outlet}", ""]
        for f in found:
            value = f": {_md_values(f, ', ')}" if _values(f) else ""
            explanation = f" — {_md(f.explanation)}" if f.explanation else ""
            out.append(f"- **{_md(finding_topic(f))}**{value}{explanation}")
            out += [f"  - {_md_statement(s)}" for s in f.statements]
        out.append("")
    if report.timeline:
        out += _md_timeline(report)

    out += [f"## Who said what ({len(report.attributions)})", ""]
    if not report.attributions:
        out += ["No attributed statements found.", ""]
    else:
        out += ["| article | speaker | cue | said | chars |", "| --- | --- | --- | --- | --- |"]
        for at in report.attributions:
            out.append(
                f"| {_md(at.article)} | {_md(at.speaker, _UNATTRIBUTED)} | {_md(at.cue)} "
                f"| “{_md(at.content)}” | {at.content_start}–{at.content_end} |"
            )
        out.append("")

    if report.rejected:
        out += ["## Rejected inputs", ""]
        out += [f"- {_md(r.input)}: {_md(r.reason)}" for r in report.rejected] + [""]
    if report.warnings:
        out += ["## Warnings", ""]
        out += [f"- {_md(w)}" for w in report.warnings] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


# -------------------------------------------------------------------------- HTML

# Light background, dark text: every colour pair below meets WCAG AA (4.5:1) for
# body text; white badge text on the three accent colours is above 6:1.
_CSS = """\
:root{--fg:#1b1b1b;--muted:#4a4a4a;--bg:#fff;--line:#c8c8c8;--head:#f3f3f3;
--conflict:#a4001d;--agreement:#146c2e;--unique:#1d4ed8}
*{box-sizing:border-box}
body{margin:0 auto;max-width:96rem;padding:1rem 1.5rem 3rem;color:var(--fg);background:var(--bg);
font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
h1,h2,h3{line-height:1.25}
h2{border-bottom:2px solid var(--line);padding-bottom:.2rem;margin-top:2rem}
nav a{margin-right:1rem}
a{color:#0b4fa8}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:var(--head)}
.summary{font-weight:600}
.muted,.offsets{color:var(--muted);font-size:.9em}
.finding{border:1px solid var(--line);border-left:.45rem solid var(--line);border-radius:.3rem;
padding:.4rem 1rem .6rem;margin:.8rem 0}
.finding.conflict{border-left-color:var(--conflict)}
.finding.agreement{border-left-color:var(--agreement)}
.finding.unique{border-left-color:var(--unique)}
.finding.possible{border-left-style:dashed;border-left-color:var(--conflict)}
.badge.possible{background:var(--muted)}
summary h2{display:inline}
.finding h3{margin:.4rem 0;font-size:1.05rem}
.badge{display:inline-block;padding:0 .45rem;border-radius:.25rem;color:#fff;font-weight:700;font-size:.9em}
.badge.conflict{background:var(--conflict)}
.badge.agreement{background:var(--agreement)}
.badge.unique{background:var(--unique)}
.severity{display:inline-block;padding:0 .4rem;border:2px solid currentColor;border-radius:.25rem;
font-size:.8em;font-weight:700;text-transform:uppercase;color:var(--conflict)}
.severity.minor{border-style:dashed;color:var(--muted)}
.value{font-weight:700}
.texts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,24rem),1fr));gap:1rem}
.article-text{border:1px solid var(--line);border-radius:.3rem;padding:.6rem .9rem}
.article-text h3{margin:.2rem 0}
.body{white-space:pre-wrap;overflow-wrap:anywhere}
mark{color:inherit;padding:0 .1em;border-radius:.15em}
mark.unique{background:#dde9ff;border-bottom:2px dashed var(--unique)}
mark.agreement{background:#d5f2dc;border-bottom:2px dotted var(--agreement)}
mark.conflict{background:#ffdede;border-bottom:2px solid var(--conflict)}
mark:target,.finding:target{outline:3px solid #b45309;outline-offset:2px}
a.flag{text-decoration:none;font-weight:700;color:var(--fg);font-size:.85em;padding-right:.15em}
"""
# Added to the page of a story report only, so a plain comparison's page (and the
# hash in its Content-Security-Policy) stays as it was. White on the update colour
# is above 9:1; its highlight is underlined with a double line, a fourth style
# beside the solid, dotted and dashed ones.
_STORY_CSS = """\
:root{--update:#6b21a8}
.finding.update{border-left-color:var(--update)}
.badge.update{background:var(--update)}
mark.update{background:#f0e4fb;border-bottom:3px double var(--update)}
.timeline td:first-child{white-space:nowrap}
"""


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
    for category in _CATEGORIES:
        for n, finding in enumerate(_findings(report, category), 1):
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
        categories = [c for c in _CATEGORIES if any(c in sp.categories for sp in covering)]
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


def _html_with_value(text: str, value: str | None) -> str:
    """Escape ``text``, with the first occurrence of ``value`` in it (any case) in bold."""
    found = re.search(re.escape(value), text, re.IGNORECASE) if value else None
    if not found:
        return _esc(text)
    return f"{_esc(text[: found.start()])}<strong>{_esc(found.group())}</strong>{_esc(text[found.end() :])}"


def _html_statement_cells(s: Statement, linked: set[str], outlets: dict[str, str]) -> str:
    """The article, value, speaker and evidence cells of one statement; the quote links to its highlight."""
    e = _esc
    anchor = statement_anchor(s)
    quote = f"“{_html_with_value(_one_line(s.text), s.value)}”"
    if anchor in linked:
        quote = f'<a href="#{e(anchor)}">{quote}</a>'
    outlet = f' <span class="muted">{e(outlets[s.article])}</span>' if s.article in outlets else ""
    value = f'<span class="value">{e(s.value)}</span>' if s.value else '<span class="muted">—</span>'
    speaker = e(s.speaker) if s.speaker else f'<span class="muted">{_UNATTRIBUTED}</span>'
    return (
        f"<td><strong>{e(s.article)}</strong>{outlet}</td><td>{value}</td><td>{speaker}</td>"
        f'<td>{quote} <span class="offsets">chars {s.start}–{s.end}</span></td>'
    )


_HTML_STATEMENT_HEAD = "<th>article</th><th>value</th><th>speaker</th><th>evidence</th>"


def _html_statement_rows(finding: Finding, linked: set[str], outlets: dict[str, str]) -> str:
    rows = [f"<tr>{_html_statement_cells(s, linked, outlets)}</tr>" for s in finding.statements]
    return (
        f'<table class="sides"><thead><tr>{_HTML_STATEMENT_HEAD}'
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _html_badge(category: str) -> str:
    return f'<span class="badge {_esc(category)}">{_esc(_label(category))}</span>'


def _html_finding(finding: Finding, category: str, n: int, linked: set[str], outlets: dict[str, str]) -> str:
    e = _esc
    severity = ""
    if category in {"conflict", "possible"} and finding.severity:
        severity = f' <span class="severity {e(finding.severity)}">{e(finding.severity)}</span>'
    if finding.confidence is not None:
        severity += f' <span class="muted">confidence {finding.confidence:.2f}</span>'
    count = f' <span class="muted">{_plural(len(finding.articles), "article")}</span>'
    explanation = f"<p>{e(finding.explanation)}</p>" if finding.explanation else ""
    return (
        f'<section class="finding {category}" id="{category}-{n}">'
        f"<h3>{_html_badge(category)}{severity} "
        f"{e(finding_topic(finding))}{count}</h3>"
        f"{explanation}{_html_statement_rows(finding, linked, outlets)}</section>"
    )


def render_html(report: Report) -> str:
    """Render ``report`` as one self-contained HTML page.

    Inline CSS allowed by a hash in a strict Content-Security-Policy, no script
    and no external resource. Every piece of article text and metadata is
    escaped. The articles' texts sit side by side (stacked on narrow screens),
    each statement highlighted with ``<mark class="conflict|agreement|unique|update"
    id="<article>-<start>-<end>">``, linked from its finding and back. A story
    report adds its origins, its updates and its timeline.
    """
    e = _esc
    spans = collect_spans(report)
    linked = {sp.anchor for found in spans.values() for sp in found}
    outlets = _outlets(report)
    css = _CSS + (_STORY_CSS if _is_story(report) else "")
    style_hash = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    csp = (
        f"default-src 'none'; style-src 'sha256-{style_hash}'; img-src 'none'; script-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    title = f"storydiff report: {_plural(len(report.articles), 'article')}"
    story = (
        [f'<p class="story">Story: <strong>{e(report.story)}</strong></p>']
        if report.story is not None
        else []
    )
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        # Built from constants and a base64 hash only: nothing in it needs escaping.
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
        '<meta name="referrer" content="no-referrer">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>storydiff report</h1>",
        *story,
        f'<p class="summary">{e(summarize(report))}</p>',
        _html_nav(report),
        "</header>",
        "<main>",
        '<section id="articles"><h2>Articles</h2>',
        "<table><thead><tr><th>id</th><th>title</th><th>outlet</th><th>published</th><th>language</th>"
        "<th>author</th><th>source</th><th>chars</th></tr></thead><tbody>",
    ]
    for a in report.articles:
        # The source is shown as text, never as a link: a URL from a web page
        # could be a javascript: URL, and the page must not point anywhere.
        cells = [a.title, a.outlet, a.published, a.language, a.author, _source(a)]
        out.append(
            f'<tr><td><a href="#{e(article_anchor(a.id))}"><strong>{e(a.id)}</strong></a></td>'
            + "".join(f"<td>{e(c) if c else '—'}</td>" for c in cells)
            + f"<td>{len(a.text)}</td></tr>"
        )
    out.append("</tbody></table></section>")
    if report.origins:
        out.append(_html_origins(report))

    for category in _HTML_ORDER:
        section_id, heading, none = _HTML_HEADINGS[category]
        findings = _findings(report, category)
        if category in {"update", "possible"} and not findings:
            continue  # no empty section for what most reports do not have
        if category == "possible":
            # collapsed: a reader opens it when the confident conflicts are not enough
            out.append(
                f'<section id="{section_id}"><details><summary><h2>{heading} ({len(findings)})</h2> '
                '<span class="muted">not confident enough to call conflicts</span></summary>'
            )
            out += [_html_finding(f, category, n, linked, outlets) for n, f in enumerate(findings, 1)]
            out.append("</details></section>")
            continue
        out.append(f'<section id="{section_id}"><h2>{heading} ({len(findings)})</h2>')
        if not findings:
            out.append(f'<p class="muted">{none}</p>')
        out += [_html_finding(f, category, n, linked, outlets) for n, f in enumerate(findings, 1)]
        out.append("</section>")
    if report.timeline:
        out.append(_html_timeline(report, linked))

    out.append(f'<section id="who-said-what"><h2>Who said what ({len(report.attributions)})</h2>')
    if not report.attributions:
        out.append('<p class="muted">No attributed statements found.</p>')
    else:
        out.append(
            "<table><thead><tr><th>article</th><th>speaker</th><th>cue</th><th>said</th><th>chars</th>"
            "</tr></thead><tbody>"
        )
        for at in report.attributions:
            speaker = e(at.speaker) if at.speaker else f'<span class="muted">{_UNATTRIBUTED}</span>'
            out.append(
                f'<tr><td><a href="#{e(article_anchor(at.article))}">{e(at.article)}</a></td>'
                f"<td>{speaker}</td><td>{e(at.cue)}</td><td>“{e(_one_line(at.content))}”</td>"
                f'<td class="offsets">{at.content_start}–{at.content_end}</td></tr>'
            )
        out.append("</tbody></table>")
    out.append("</section>")

    if report.rejected:
        out.append('<section id="rejected"><h2>✗ Rejected inputs</h2><ul>')
        out += [f"<li><strong>{e(r.input)}</strong>: {e(r.reason)}</li>" for r in report.rejected]
        out.append("</ul></section>")
    if report.warnings:
        out.append('<section id="warnings"><h2>! Warnings</h2><ul>')
        out += [f"<li>{e(w)}</li>" for w in report.warnings]
        out.append("</ul></section>")

    out.append('<section id="texts"><h2>Texts</h2>')
    updated = ' <mark class="update">↻ updated</mark>' if report.updates else ""
    out.append(
        '<p class="muted">Highlights: <mark class="conflict">⚠ conflict</mark> '
        f'<mark class="agreement">✓ agreed</mark> <mark class="unique">+ only here</mark>{updated}; '
        "the mark before each highlight links to its finding.</p>"
    )
    out.append('<div class="texts">')
    for a in report.articles:
        meta = " · ".join(e(x) for x in (a.outlet, a.published, a.language) if x)
        out.append(
            f'<article class="article-text" id="{e(article_anchor(a.id))}">'
            f"<h3>{e(a.id)}: {e(a.title or _source(a) or 'untitled')}</h3>"
            f'<p class="muted">{meta}</p>'
            f'<div class="body">{highlight_text(a.text, spans.get(a.id, []))}</div></article>'
        )
    out += ["</div>", "</section>", "</main>", "</body>", "</html>", ""]
    return "\n".join(out)


# Findings sections of the page, in reading order: revisions right after the
# conflicts they were told apart from.
_HTML_ORDER = ("conflict", "possible", "update", "agreement", "unique")
_HTML_HEADINGS = {
    "conflict": ("conflicts", "⚠ Conflicts", "No conflicts found."),
    "possible": ("possible", "? Possible differences", ""),
    "update": ("updates", "↻ Updates", "No updates found."),
    "agreement": ("agreements", "✓ Agreements", "No agreements found."),
    "unique": ("unique", "+ Only in one report", "No unique facts found."),
}


def _html_nav(report: Report) -> str:
    links = [("conflicts", "⚠ Conflicts")]
    if report.possible:
        links.append(("possible", "? Possible differences"))
    if report.updates:
        links.append(("updates", "↻ Updates"))
    links += [("agreements", "✓ Agreements"), ("unique", "+ Only in one report")]
    if report.timeline:
        links.append(("timeline", "Timeline"))
    if report.origins:
        links.append(("origins", "Origins"))
    links += [("who-said-what", "Who said what"), ("texts", "Texts")]
    return "<nav>" + "".join(f'<a href="#{ref}">{text}</a>' for ref, text in links) + "</nav>"


def _html_origins(report: Report) -> str:
    e = _esc
    items = []
    for o in report.origins:
        carried = f" carried by {e(', '.join(o.outlets))}" if o.outlets else ""
        copies = (
            "copies: " + ", ".join(f'<a href="#{e(article_anchor(c))}">{e(c)}</a>' for c in o.copies)
            if o.copies
            else "no copies"
        )
        items.append(
            f'<li><a href="#{e(article_anchor(o.article))}"><strong>{e(o.article)}</strong></a>'
            f'{carried} <span class="muted">({copies})</span></li>'
        )
    return (
        f'<section id="origins"><h2>Origins ({len(report.origins)})</h2>'
        f"<p>{e(_origins_headline(report))}:</p><ul>" + "".join(items) + "</ul></section>"
    )


def _html_timeline(report: Report, linked: set[str]) -> str:
    e = _esc
    undated = '<span class="muted">undated</span>'
    rows = [
        f"<tr><td>{e(t.published) if t.published else undated}</td>"
        f"<td>{e(t.outlet) if t.outlet else '—'}</td><td>{_html_badge(t.category)} {e(finding_topic(t))}</td>"
        # the outlet has its own column here: no repeat of it beside the article id
        f"{_html_statement_cells(t.statement, linked, {})}</tr>"
        for t in report.timeline
    ]
    return (
        f'<section id="timeline"><h2>Timeline ({len(report.timeline)})</h2>'
        '<table class="timeline"><thead><tr><th>published</th><th>outlet</th><th>finding</th>'
        f"{_HTML_STATEMENT_HEAD}</tr></thead><tbody>" + "".join(rows) + "</tbody></table></section>"
    )


def article_anchor(article_id: str) -> str:
    return "article-" + re.sub(r"[^A-Za-z0-9_-]", "_", article_id)


# ---------------------------------------------------------------------- registry

RENDERERS: dict[str, Renderer] = {
    "json": render_json,
    "markdown": render_markdown,
    "html": render_html,
    "terminal": render_terminal,
}


def render(report: Report, fmt: str) -> str:
    """Render ``report`` in format ``fmt`` (a key of :data:`RENDERERS`)."""
    try:
        renderer = RENDERERS[fmt]
    except KeyError:
        raise StorydiffError(
            f"unknown output format {fmt!r}; choose one of: {', '.join(RENDERERS)}", stage="render"
        ) from None
    return renderer(report)
