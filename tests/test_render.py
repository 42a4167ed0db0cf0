"""Tests for storydiff.render: the JSON contract and the Markdown, HTML and terminal views.

Reports are built by hand from invented articles, so these tests need no model.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from storydiff.errors import StorydiffError
from storydiff.records import Article, Attribution, Finding, Rejection, Report, Statement
from storydiff.render import (
    RENDERERS,
    SCHEMA,
    TERMINAL_UNIQUE_PER_ARTICLE,
    print_terminal,
    render,
    report_from_dict,
    report_to_dict,
    statement_anchor,
    summarize,
)

A1 = (
    "Blast hits Kerch bridge\n"
    "At least 12 people were killed, Governor Ivan Petrov said on Monday.\n"
    "The bridge was closed for six hours.\n"
    "Rescuers used two helicopters."
)
A2 = (
    "Bridge explosion kills 15\n"
    "Fifteen people died in the explosion, police said.\n"
    "The bridge was closed for six hours.\n"
    "<script>alert(1)</script> [bold red]not markup[/bold red] & *not emphasis*"
)
HOSTILE_TITLE = "<script>alert(1)</script> kills 15"


def statement(
    article: str, text: str, sentence: str, value: str | None = None, speaker: str | None = None
) -> Statement:
    """A Statement for ``sentence``, found in ``text``, with its true offsets."""
    start = text.index(sentence)
    return Statement(
        article, text[start : start + len(sentence)], start, start + len(sentence), value, speaker
    )


def make_report(unique_count: int = 1) -> Report:
    """Two invented reports of a bridge blast: one conflict, one agreement, unique facts."""
    killed = "At least 12 people were killed, Governor Ivan Petrov said on Monday."
    died = "Fifteen people died in the explosion, police said."
    closed = "The bridge was closed for six hours."
    conflict = Finding(
        "conflict",
        "quantity",
        "explosion",
        "deaths",
        "The reports give different death tolls.",
        (statement("a1", A1, killed, "12", "Ivan Petrov"), statement("a2", A2, died, "Fifteen", "police")),
        severity="major",
    )
    agreement = Finding(
        "agreement",
        "duration",
        "bridge",
        "closure",
        "Both say the bridge was closed for six hours.",
        (statement("a1", A1, closed, "six hours"), statement("a2", A2, closed, "six hours")),
    )
    helicopters = statement("a1", A1, "Rescuers used two helicopters.", "two")
    unique = tuple(
        Finding(
            "unique", "quantity", f"rescuers {i}", "helicopters", "Only a1 mentions them.", (helicopters,)
        )
        for i in range(unique_count)
    )
    speaker_start = A1.index("Governor Ivan Petrov")
    cue_start = A1.index("said")
    content = "At least 12 people were killed"
    attribution = Attribution(
        "a1",
        "Ivan Petrov",
        speaker_start,
        speaker_start + 20,
        "said",
        cue_start,
        cue_start + 4,
        content,
        A1.index(content),
        A1.index(content) + len(content),
    )
    return Report(
        articles=(
            Article(
                "a1",
                A1,
                path="reports/a1.txt",
                title="Blast hits Kerch bridge",
                outlet="Reuters",
                published="2024-05-06",
                language="en",
            ),
            Article(
                "a2",
                A2,
                url="https://example.org/news/2",
                title=HOSTILE_TITLE,
                outlet="Daily *Star*",
                author="J. Doe",
                language="en",
            ),
        ),
        conflicts=(conflict,),
        agreements=(agreement,),
        unique=unique,
        attributions=(attribution,),
        rejected=(Rejection("missing.txt", "the file does not exist"),),
        warnings=("a2: no publication date",),
    )


# ------------------------------------------------------------------ JSON contract


def test_json_top_level_keys_are_exactly_the_contract():
    data = report_to_dict(make_report())
    assert list(data) == [
        "schema",
        "articles",
        "conflicts",
        "agreements",
        "unique",
        "attributions",
        "rejected",
        "warnings",
    ]
    assert data["schema"] == SCHEMA == "storydiff.report/1"


def test_json_record_keys_are_exactly_the_contract():
    data = report_to_dict(make_report())
    assert list(data["articles"][0]) == [
        "id",
        "path",
        "url",
        "title",
        "outlet",
        "published",
        "author",
        "language",
        "chars",
        "text",
    ]
    finding_keys = [
        "kind",
        "subject",
        "attribute",
        "severity",
        "explanation",
        "statements",
        "articles",
        "count",
    ]
    for section in ("conflicts", "agreements", "unique"):
        assert list(data[section][0]) == finding_keys
    assert list(data["conflicts"][0]["statements"][0]) == [
        "article",
        "text",
        "start",
        "end",
        "value",
        "speaker",
    ]
    assert list(data["attributions"][0]) == [
        "article",
        "speaker",
        "speaker_start",
        "speaker_end",
        "cue",
        "cue_start",
        "cue_end",
        "content",
        "content_start",
        "content_end",
    ]
    assert data["rejected"] == [{"input": "missing.txt", "reason": "the file does not exist"}]
    assert data["warnings"] == ["a2: no publication date"]


def test_json_values_and_derived_keys():
    data = report_to_dict(make_report())
    a1, a2 = data["articles"]
    # path or url: both keys are always there, null when absent
    assert (a1["path"], a1["url"]) == ("reports/a1.txt", None)
    assert (a2["path"], a2["url"]) == (None, "https://example.org/news/2")
    assert a1["chars"] == len(A1)
    assert a1["text"] == A1
    conflict = data["conflicts"][0]
    assert conflict["severity"] == "major"
    assert conflict["articles"] == ["a1", "a2"]
    assert conflict["count"] == 2
    assert data["agreements"][0]["severity"] is None
    assert data["unique"][0]["count"] == 1
    for section in ("conflicts", "agreements", "unique"):
        for finding in data[section]:
            for s in finding["statements"]:
                text = next(a["text"] for a in data["articles"] if a["id"] == s["article"])
                assert text[s["start"] : s["end"]] == s["text"]


def test_json_render_is_indented_unicode_with_trailing_newline():
    out = render(make_report(), "json")
    assert out.endswith("}\n")
    assert out.startswith('{\n  "schema": "storydiff.report/1",\n')
    assert "“" not in out  # the fixture has no curly quotes; check ensure_ascii=False on a real one:
    unicode_report = Report(articles=(Article("a1", "Киев — “quote”"),))
    assert "Киев — “quote”" in render(unicode_report, "json")
    assert report_from_dict(json.loads(out)) == make_report()


def test_json_round_trip_is_exact():
    report = make_report(unique_count=3)
    assert report_from_dict(report_to_dict(report)) == report
    assert report_from_dict(json.loads(render(report, "json"))) == report


def test_finding_in_the_wrong_section_is_refused():
    report = make_report()
    wrong = Report(articles=report.articles, agreements=report.conflicts)
    with pytest.raises(ValueError, match="has category 'conflict' but is listed under 'agreements'"):
        report_to_dict(wrong)


def _mutate(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = report_to_dict(make_report())
    change(data)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # a later major version is refused with advice, not misread
        (
            _mutate(lambda d: d.update(schema="storydiff.report/2")),
            "report schema 'storydiff.report/2' is not",
        ),
        # some other JSON document entirely
        ({"foo": 1}, 'not a storydiff report: expected "schema": "storydiff.report/1", found null'),
        # a missing key is named with its path
        (_mutate(lambda d: d["articles"][1].pop("text")), "report.articles[1] has no key 'text'"),
        # a wrong type is named with its path
        (
            _mutate(lambda d: d["conflicts"][0]["statements"][0].update(start="24")),
            'report.conflicts[0].statements[0].start should be an integer, found "24"',
        ),
        # booleans are not offsets even though Python treats them as ints
        (
            _mutate(lambda d: d["attributions"][0].update(cue_start=True)),
            "report.attributions[0].cue_start should be an integer, found true",
        ),
        (_mutate(lambda d: d.update(warnings=[1])), "report.warnings[0] should be a string, found 1"),
    ],
)
def test_report_from_dict_rejects_bad_input_with_a_clear_message(data, message):
    with pytest.raises(StorydiffError, match=re.escape(message)):
        report_from_dict(data)


def test_report_from_dict_ignores_unknown_and_derived_keys():
    # additive changes keep the /1 schema: readers must skip keys they do not know
    data = report_to_dict(make_report())
    data["generator"] = "storydiff 9.9"
    data["articles"][0]["chars"] = 0
    data["conflicts"][0]["count"] = 99
    data["conflicts"][0]["confidence"] = 0.5
    assert report_from_dict(data) == make_report()


_words = st.text(min_size=0, max_size=12)
_opt_words = st.none() | _words


@st.composite
def reports(draw: st.DrawFn) -> Report:
    """Reports with random text (any Unicode) whose statements point at real spans of their articles."""
    articles = draw(
        st.lists(
            st.builds(
                Article,
                id=st.text(min_size=1, max_size=6),
                text=st.text(min_size=1, max_size=80),
                path=_opt_words,
                url=_opt_words,
                title=_opt_words,
                outlet=_opt_words,
                published=_opt_words,
                author=_opt_words,
                language=_opt_words,
            ),
            min_size=1,
            max_size=3,
            unique_by=lambda a: a.id,
        )
    )

    def spans() -> st.SearchStrategy[tuple[Article, int, int]]:
        return st.sampled_from(articles).flatmap(
            lambda a: st.tuples(st.just(a), st.integers(0, len(a.text)), st.integers(0, len(a.text))).map(
                lambda t: (t[0], min(t[1], t[2]), max(t[1], t[2]))
            )
        )

    def statements() -> st.SearchStrategy[Statement]:
        return st.builds(
            lambda span, value, speaker: Statement(
                span[0].id, span[0].text[span[1] : span[2]], span[1], span[2], value, speaker
            ),
            spans(),
            _opt_words,
            _opt_words,
        )

    def findings(category: str) -> st.SearchStrategy[tuple[Finding, ...]]:
        severity = st.sampled_from(["major", "minor"]) if category == "conflict" else st.none()
        finding = st.builds(
            Finding,
            category=st.just(category),
            kind=st.sampled_from(["quantity", "date", "place", "event", "statement"]),
            subject=_words,
            attribute=_words,
            explanation=_words,
            statements=st.lists(statements(), max_size=3).map(tuple),
            severity=severity,
        )
        return st.lists(finding, max_size=3).map(tuple)

    attribution = st.builds(
        lambda speaker, cue, content, speaker_span: Attribution(
            cue[0].id,
            speaker,
            speaker_span[1] if speaker_span else None,
            speaker_span[2] if speaker_span else None,
            cue[0].text[cue[1] : cue[2]],
            cue[1],
            cue[2],
            content[0].text[content[1] : content[2]],
            content[1],
            content[2],
        ),
        _opt_words,
        spans(),
        spans(),
        st.none() | spans(),
    )
    return Report(
        articles=tuple(articles),
        conflicts=draw(findings("conflict")),
        agreements=draw(findings("agreement")),
        unique=draw(findings("unique")),
        attributions=tuple(draw(st.lists(attribution, max_size=3))),
        rejected=tuple(draw(st.lists(st.builds(Rejection, input=_words, reason=_words), max_size=2))),
        warnings=tuple(draw(st.lists(_words, max_size=2))),
    )


@settings(max_examples=150, deadline=None)
@given(reports())
def test_json_round_trip_property(report):
    text = render(report, "json")
    assert report_from_dict(json.loads(text)) == report


@settings(max_examples=60, deadline=None)
@given(reports())
def test_every_format_renders_any_report(report):
    for fmt in RENDERERS:
        assert render(report, fmt).endswith("\n")
    page = render(report, "html")
    assert "<script" not in page.lower()


# ----------------------------------------------------------------------- registry


def test_registry_lists_every_format():
    assert set(RENDERERS) == {"json", "markdown", "html", "terminal"}


def test_unknown_format_names_the_choices():
    with pytest.raises(
        StorydiffError, match="unknown output format 'yaml'; choose one of: json, markdown, html"
    ):
        render(make_report(), "yaml")


def test_summary_line():
    assert summarize(make_report(unique_count=2)) == (
        "2 articles · 1 conflict (1 major) · 1 agreement · 2 unique facts · 1 attribution"
        " · 1 rejected input · 1 warning"
    )
    assert summarize(Report(articles=())) == (
        "0 articles · 0 conflicts · 0 agreements · 0 unique facts · 0 attributions"
    )


# ----------------------------------------------------------------------- Markdown


def test_markdown_sections_and_evidence():
    out = render(make_report(), "markdown")
    assert out.startswith("# storydiff report\n\n2 articles · 1 conflict (1 major)")
    for heading in (
        "## Articles",
        "## Conflicts (1)",
        "## Agreements (1)",
        "## Only in one report (1)",
        "## Who said what (1)",
        "## Rejected inputs",
        "## Warnings",
    ):
        assert f"\n{heading}\n" in out
    assert (
        "### ✗ Conflict 1 (major): explosion · deaths\n\n"
        "Values: **12** (a1) vs **Fifteen** (a2)\n\n"
        "The reports give different death tolls.\n\n"
        "- **a1** · chars 24–92 · value **12** · Ivan Petrov: "
        "“At least 12 people were killed, Governor Ivan Petrov said on Monday.”\n"
        "- **a2** · chars 26–76 · value **Fifteen** · police: "
        "“Fifteen people died in the explosion, police said.”\n"
    ) in out
    assert "### ✓ Agreement 1: bridge · closure\n\nAgreed: **six hours** (a1, a2) · 2 articles\n" in out
    assert (
        "### + Only in a1 (Reuters)\n\n"
        "- **rescuers 0 · helicopters**: **two** (a1) — Only a1 mentions them.\n"
        "  - **a1** · chars 130–160 · value **two** · unattributed: “Rescuers used two helicopters.”\n"
    ) in out
    assert (
        "| article | speaker | cue | said | chars |\n| --- | --- | --- | --- | --- |\n"
        "| a1 | Ivan Petrov | said | “At least 12 people were killed” | 24–54 |\n"
    ) in out
    assert "- missing.txt: the file does not exist\n" in out


def test_markdown_escapes_markup_from_articles():
    out = render(make_report(), "markdown")
    # a title from a web page must not become raw HTML, emphasis or a table cell break
    assert "| a2 | \\<script\\>alert(1)\\</script\\> kills 15 | Daily \\*Star\\* |" in out
    assert not re.search(r"(?<!\\)<", out)  # every < is backslash-escaped


def test_markdown_empty_report_says_none_found():
    out = render(Report(articles=(Article("a1", "Nothing happened."),)), "markdown")
    assert "## Conflicts (0)\n\nNo conflicts found.\n" in out
    assert "## Who said what (0)\n\nNo attributed statements found.\n" in out
    assert "## Warnings" not in out


# ----------------------------------------------------------------------- terminal


def test_terminal_plain_text_snippets():
    out = render(make_report(), "terminal")
    assert "\x1b[" not in out
    lines = out.splitlines()
    assert all(line == line.rstrip() for line in lines)
    assert "╭─ storydiff · 2 articles " in lines[0]
    assert (
        "✗ MAJOR  explosion · deaths: 12 (a1) vs Fifteen (a2)\n"
        "    The reports give different death tolls.\n"
        "    [a1] “At least 12 people were killed, Governor Ivan Petrov said on Monday.” — Ivan Petrov\n"
        "    [a2] “Fifteen people died in the explosion, police said.” — police\n"
    ) in out
    assert (
        "✓ bridge · closure: six hours (a1, a2)  [2 articles]\n"
        "    Both say the bridge was closed for six hours.\n"
        "    [a1] “The bridge was closed for six hours.” — unattributed\n"
    ) in out
    assert "+ only in a1 (Reuters): 1 fact\n  + rescuers 0 · helicopters: two (a1)\n" in out
    assert "2 articles · 1 conflict (1 major) · 1 agreement · 1 unique fact" in out
    assert "✗ missing.txt: the file does not exist\n" in out
    assert "! a2: no publication date\n" in out
    # article metadata in the header, markup in titles printed as is
    assert re.search(r"│ a2 +Daily \*Star\* +— +en +<script>alert\(1\)</script> kills 15", out)


def test_terminal_minor_conflict_and_value_not_in_sentence():
    text = "Officials said the fire began at dawn."
    s = Statement("a1", text, 0, len(text), value="06:00", speaker=None)
    finding = Finding("conflict", "date", "fire", "start", "Times differ.", (s,), severity="minor")
    out = render(Report(articles=(Article("a1", text),), conflicts=(finding,)), "terminal")
    assert "⚠ minor  fire · start: 06:00 (a1)\n" in out
    assert "[a1] “Officials said the fire began at dawn.” (value: 06:00) — unattributed\n" in out


def test_terminal_caps_unique_facts_per_article():
    report = make_report(unique_count=TERMINAL_UNIQUE_PER_ARTICLE + 3)
    out = render(report, "terminal")
    assert f"+ only in a1 (Reuters): {TERMINAL_UNIQUE_PER_ARTICLE + 3} facts\n" in out
    assert "  ... and 3 more from a1 (full list: --format markdown, html or json)\n" in out
    assert f"rescuers {TERMINAL_UNIQUE_PER_ARTICLE} ·" not in out
    # the other formats keep the full list
    assert f"rescuers {TERMINAL_UNIQUE_PER_ARTICLE + 2} · helicopters" in render(report, "markdown")


def test_terminal_wraps_long_sentences_to_the_width():
    text = "word " * 80
    s = Statement("a1", text, 0, len(text), value="word")
    report = Report(
        articles=(Article("a1", text),), unique=(Finding("unique", "statement", "x", "y", "", (s,)),)
    )
    out = render(report, "terminal")
    assert max(len(line) for line in out.splitlines()) <= 100
    assert out.count("word") >= 80


def test_print_terminal_colours_without_reading_article_text_as_markup():
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, color_system="truecolor", width=120)
    print_terminal(make_report(), console)
    out = buffer.getvalue()
    assert "\x1b[" in out
    # the hostile title reaches the screen literally
    assert "<script>alert(1)</script> kills 15" in out


def test_terminal_keeps_rich_markup_in_article_text_literal():
    text = "[bold red]Breaking[/bold red]: [link=https://evil.example]quit[/link]."
    s = Statement("a1", text, 0, len(text), speaker="[i]anon[/i]")
    report = Report(
        articles=(Article("a1", text, title="[b]T[/b]"),),
        unique=(Finding("unique", "statement", "", "", "", (s,)),),
    )
    out = render(report, "terminal")
    assert "“[bold red]Breaking[/bold red]: [link=https://evil.example]quit[/link].” — [i]anon[/i]" in out
    assert "[b]T[/b]" in out


# Terminal escape sequences and bidi overrides from a web page, as article text,
# title and speaker: none may reach a terminal (or a browser) unescaped.
HOSTILE_CONTROLS = "red \x1b[31mRED\x1b[0m csi \x9b2J bell \x07 title \x1b]0;pwned\x07 rlo \u202e end"


def _hostile_report() -> Report:
    s = Statement("a1", HOSTILE_CONTROLS, 0, len(HOSTILE_CONTROLS), "RED", "x\x1b[2Jy")
    return Report(
        articles=(Article("a1", HOSTILE_CONTROLS, title="t\x1b[1m"),),
        conflicts=(Finding("conflict", "statement", "s", "a", "e", (s,), "minor"),),
    )


@pytest.mark.parametrize("fmt", ["json", "markdown", "html", "terminal"])
def test_no_format_lets_control_characters_through(fmt):
    out = render(_hostile_report(), fmt)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out)


def test_control_characters_survive_the_json_round_trip_exactly():
    out = render(_hostile_report(), "json")
    assert "\\u001b[31mRED" in out
    assert "\\u009b2J" in out
    assert "\\u202e" in out
    assert report_from_dict(json.loads(out)) == _hostile_report()


def test_print_terminal_shows_control_characters_as_replacement_marks():
    buffer = io.StringIO()
    print_terminal(_hostile_report(), Console(file=buffer, force_terminal=True, width=200))
    out = buffer.getvalue()
    assert "\x1b[2J" not in out
    assert "\x9b" not in out
    assert "\x1b]0;" not in out
    assert "\ufffd[31mRED\ufffd[0m" in out


def test_html_keeps_offsets_when_replacing_control_characters():
    page = render(_hostile_report(), "html")
    body = re.search(r'<div class="body">(.*?)</div>', page, re.S)
    assert body
    assert html.unescape(re.sub(r"<[^>]+>|⚠", "", body.group(1))) == re.sub(
        "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", "\ufffd", HOSTILE_CONTROLS
    )


# --------------------------------------------------------------------------- HTML


def test_html_escapes_article_text_and_metadata():
    page = render(make_report(), "html")
    assert "<script" not in page.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; kills 15" in page  # title
    assert "&lt;script&gt;alert(1)&lt;/script&gt; [bold red]" in page  # text
    assert "&amp; *not emphasis*" in page


def test_html_has_strict_csp_and_no_external_resources():
    page = render(make_report(), "html")
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', page)
    assert csp
    policy = csp.group(1)
    assert "default-src 'none'" in policy
    assert "script-src 'none'" in policy
    assert "unsafe-inline" not in policy
    assert re.search(r"style-src 'sha256-[A-Za-z0-9+/=]+'", policy)
    # nothing is loaded or linked from elsewhere; the article URL is shown as text only
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?\s*(?:https?:|//|javascript:)""", page, re.I)
    assert "url(" not in page
    assert "@import" not in page
    assert "https://example.org/news/2" in page


def test_html_style_hash_matches_the_inline_css():
    import base64
    import hashlib

    page = render(make_report(), "html")
    css = re.search(r"<style>(.*?)</style>", page, re.S)
    assert css
    digest = base64.b64encode(hashlib.sha256(css.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in page


def test_html_marks_every_statement_with_an_anchor_and_links_both_ways():
    report = make_report()
    page = render(report, "html")
    assert '<mark class="conflict" id="a1-24-92" title="⚠ conflict">' in page
    assert '<mark class="agreement" id="a2-77-113" title="✓ agreed">' in page
    assert '<mark class="unique" id="a1-130-160" title="+ only here">' in page
    for findings in (report.conflicts, report.agreements, report.unique):
        for finding in findings:
            for s in finding.statements:
                anchor = statement_anchor(s)
                assert f'id="{anchor}"' in page
                assert f'href="#{anchor}"' in page
    # each highlight links back to its finding, with an icon (colour is never the only signal)
    assert '<a class="flag" href="#conflict-1" title="⚠ conflict: explosion · deaths">⚠</a>' in page
    assert 'id="conflict-1"' in page
    assert '<span class="severity major">major</span>' in page
    assert '<span class="badge agreement">✓ agreed</span>' in page
    assert '<span class="badge unique">+ only here</span>' in page


def test_html_shows_sections_and_side_by_side_texts():
    page = render(make_report(), "html")
    for section in ('id="conflicts"', 'id="agreements"', 'id="unique"', 'id="who-said-what"', 'id="texts"'):
        assert section in page
    assert ".texts{display:grid;" in page
    assert page.count('<article class="article-text"') == 2
    assert "<td>Ivan Petrov</td><td>said</td><td>“At least 12 people were killed”</td>" in page
    # the value is emphasised inside the quoted evidence
    assert "“At least <strong>12</strong> people were killed" in page


def test_html_splits_overlapping_spans_and_keeps_one_anchor_per_span():
    text = "Alpha beta gamma delta."
    first = Statement("a1", text[0:16], 0, 16, "beta")
    second = Statement("a1", text[6:23], 6, 23, "delta")
    report = Report(
        articles=(Article("a1", text),),
        conflicts=(Finding("conflict", "event", "s", "a", "e", (first,), "minor"),),
        agreements=(Finding("agreement", "event", "s", "b", "e", (second,)),),
    )
    page = render(report, "html")
    body = re.search(r'<div class="body">(.*?)</div>', page, re.S)
    assert body
    assert re.sub(r"<[^>]+>|[⚠✓]", "", body.group(1)) == text
    assert 'id="a1-0-16"' in page
    assert 'id="a1-6-23"' in page
    assert '<mark class="conflict agreement"' in page


def test_html_skips_highlight_for_offsets_outside_the_text():
    text = "Short."
    s = Statement("a1", "elsewhere", 50, 60)
    report = Report(
        articles=(Article("a1", text),), unique=(Finding("unique", "statement", "", "", "", (s,)),)
    )
    page = render(report, "html")
    assert '<div class="body">Short.</div>' in page
    assert 'href="#a1-50-60"' not in page
    assert "“elsewhere”" in page


def test_contract_document_example_is_a_valid_report():
    # docs/json-contract.md must show a report storydiff reads back unchanged, with true offsets
    doc = (Path(__file__).parents[1] / "docs" / "json-contract.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", doc, re.S)
    assert block
    data = json.loads(block.group(1))
    assert report_to_dict(report_from_dict(data)) == data
    texts = {a["id"]: a["text"] for a in data["articles"]}
    for section in ("conflicts", "agreements", "unique"):
        for finding in data[section]:
            for s in finding["statements"]:
                assert texts[s["article"]][s["start"] : s["end"]] == s["text"]
    for at in data["attributions"]:
        text = texts[at["article"]]
        assert text[at["cue_start"] : at["cue_end"]] == at["cue"]
        assert text[at["content_start"] : at["content_end"]] == at["content"]
        assert at["speaker"] in text[at["speaker_start"] : at["speaker_end"]]
    # every key documented in a table is one the renderer writes, and the other way round
    documented = set(re.findall(r"^\| `(\w+)`(?:, `(\w+)`)? \|", doc, re.M))
    names = {name for pair in documented for name in pair if name}
    written = set(data) | {k for a in data["articles"] for k in a} | set(data["conflicts"][0])
    written |= set(data["conflicts"][0]["statements"][0]) | set(data["attributions"][0])
    written |= set(data["rejected"][0])
    assert names == written
