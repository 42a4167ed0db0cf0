"""The report as Markdown: headings per section, one line per piece of evidence, a who-said-what table.

Every piece of evidence names its article and character offsets. Article text
is backslash-escaped wherever it would turn into markup, a link or raw HTML.
"""

from __future__ import annotations

import re

from storydiff.records import Finding, Report, Statement
from storydiff.report.safety import visible
from storydiff.report.text import (
    CATEGORY_ICONS,
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

__all__ = ["render_markdown"]


# Characters that would turn article text into Markdown markup, a link or raw
# HTML; a backslash makes CommonMark show each of them as it is.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&!])")


def _md(text: str | None, empty: str = "—") -> str:
    if not text:
        return empty
    return _MD_SPECIAL.sub(r"\\\1", one_line(visible(text)))


def _md_statement(s: Statement) -> str:
    value = f" · value **{_md(s.value)}**" if s.value else ""
    speaker = _md(s.speaker, UNATTRIBUTED)
    return f"**{_md(s.article)}** · chars {s.start}–{s.end}{value} · {speaker}: “{_md(s.text)}”"


def _mdvalues(finding: Finding, sep: str) -> str:
    return sep.join(f"**{_md(v)}** ({', '.join(_md(i) for i in ids)})" for v, ids in stated_values(finding))


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
        if stated_values(f):
            out += [f"Values: {_mdvalues(f, ' vs ')}{confidence_note(f)}", ""]
        out += _md_evidence(f)
    return [*out, "</details>", ""]


def _md_updates(report: Report) -> list[str]:
    out = [f"## Updates ({len(report.updates)})", ""]
    for n, f in enumerate(report.updates, 1):
        out += [f"### {CATEGORY_ICONS['update']} Update {n}: {_md(finding_topic(f))}", ""]
        if stated_values(f):
            out += [f"Revised: {_mdvalues(f, ' → ')}", ""]
        out += _md_evidence(f)
    return out


def _md_origins(report: Report) -> list[str]:
    out = [f"## Origins ({len(report.origins)})", "", origins_headline(report) + ":", ""]
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
        finding = f"{_md(category_label(t.category))}: {_md(finding_topic(t))}"
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
        cells = [a.id, a.title, a.outlet, a.published, a.language, a.author, source(a)]
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
        if stated_values(f):
            out += [f"Values: {_mdvalues(f, ' vs ')}{confidence_note(f)}", ""]
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
        agreed = f"Agreed: {_mdvalues(f, ', ')} · " if stated_values(f) else ""
        out += [f"{agreed}{plural(len(f.articles), 'article')}", ""]
        out += _md_evidence(f)

    out += [f"## Only in one report ({len(report.unique)})", ""]
    if not report.unique:
        out += ["No unique facts found.", ""]
    outlets = outlet_names(report)
    for owner, found in unique_groups(report):
        outlet = f" ({_md(outlets[owner])})" if owner in outlets else ""
        out += [f"### + Only in {_md(owner)}{outlet}", ""]
        for f in found:
            value = f": {_mdvalues(f, ', ')}" if stated_values(f) else ""
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
                f"| {_md(at.article)} | {_md(at.speaker, UNATTRIBUTED)} | {_md(at.cue)} "
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
