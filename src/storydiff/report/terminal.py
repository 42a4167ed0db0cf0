"""The readable report for a terminal: :func:`print_terminal` with rich, :func:`render_terminal` as text.

Conflicts first, in red; agreements green, unique facts blue, updates magenta,
each with its evidence. Every string from an article passes through
:func:`~storydiff.report.safety.terminal_text` and every cell is a rich
``Text``, never markup, so a title from a web page can neither move the
cursor nor restyle the report.
"""

from __future__ import annotations

import dataclasses
import io
import re
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from storydiff.records import Finding, Report, Statement
from storydiff.report.safety import terminal_text
from storydiff.report.text import (
    UNATTRIBUTED,
    category_label,
    confidence_note,
    finding_topic,
    one_line,
    origins_headline,
    outlet_names,
    plural,
    source,
    stated_values,
    summarize,
    unique_groups,
)

__all__ = [
    "PLAIN_WIDTH",
    "TERMINAL_ATTRIBUTIONS",
    "TERMINAL_TIMELINE",
    "TERMINAL_UNIQUE_PER_ARTICLE",
    "print_terminal",
    "render_terminal",
]

# A busy story yields hundreds of unique facts, which would push the conflicts
# (what a reader came for) off the screen. Five per article is what fits beside
# the findings of a four-article comparison on a laptop screen; Markdown, HTML
# and JSON always carry the full lists.
TERMINAL_UNIQUE_PER_ARTICLE = 5
# For the same reason the who-said-what table is capped.
TERMINAL_ATTRIBUTIONS = 15
# For the same reason: a story followed for days puts every statement of every
# finding on its timeline, hundreds of lines.
TERMINAL_TIMELINE = 20
# Width of the terminal view rendered to a string, fixed so that piped output
# and tests do not depend on the size of whatever terminal ran them.
PLAIN_WIDTH = 100


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
            Text(a.title or source(a) or "—"),
        )
    story = f"story {report.story} · " if report.story is not None else ""
    title = Text(f"storydiff · {story}{plural(len(report.articles), 'article')}", style="bold")
    return Panel(table, title=title, title_align="left", box=box.ROUNDED)


def _term_statement(statement: Statement, category: str) -> Text:
    quote = one_line(statement.text)
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
    line.append(statement.speaker or UNATTRIBUTED, style="italic" if statement.speaker else "dim italic")
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
    for i, (value, ids) in enumerate(stated_values(finding)):
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
        heading.append(confidence_note(finding), style="red")
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
        line.append(confidence_note(finding), style="dim")
        console.print(line)
    console.print(Text("Evidence of each: --format markdown, html or json.", style="dim"))


def _term_updates(report: Report, console: Console) -> None:
    console.print(Rule(Text(f"Updates ({len(report.updates)})"), style="magenta"))
    for finding in report.updates:
        heading = Text()
        heading.append(category_label("update"), style="bold magenta")
        heading.append("  ")
        heading.append(finding_topic(finding), style="bold")
        values = _values_text(finding, "update", " → ")
        if values:
            heading.append(": ")
            heading.append_text(values)
        console.print(_term_finding(finding, "update", heading, 4))


def _term_origins(report: Report, console: Console) -> None:
    console.print(Rule(Text(f"Origins ({len(report.origins)})")))
    console.print(Text(origins_headline(report), style="bold"))
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
        finding = Text(category_label(entry.category), style="bold")
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
        heading.append(f"  [{plural(len(finding.articles), 'article')}]", style="green")
        console.print(_term_finding(finding, "agreement", heading, 4))


def _term_unique(report: Report, console: Console) -> None:
    console.print(Rule(Text(f"Only in one report ({len(report.unique)})"), style="blue"))
    if not report.unique:
        console.print(Text("No unique facts found.", style="dim"))
    outlets = outlet_names(report)
    for owner, found in unique_groups(report):
        label = f"+ only in {owner}" + (f" ({outlets[owner]})" if owner in outlets else "")
        console.print(Text(f"{label}: {plural(len(found), 'fact')}", style="bold blue"))
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
            Text(a.speaker or UNATTRIBUTED, style="italic" if a.speaker else "dim italic"),
            Text(a.cue),
            Text(f"“{one_line(a.content)}”"),
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
