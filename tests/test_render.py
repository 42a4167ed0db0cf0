"""Tests for storydiff.report: the JSON contract and the Markdown, HTML and terminal views.

Reports are built by hand from invented articles, so these tests need no model.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from storydiff.analysis.claims import published_date
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
from storydiff.report.codec import SCHEMA, from_data, iso_day, report_from_dict, report_to_dict, to_data
from storydiff.report.registry import RENDERERS, formats, register, render, renderer
from storydiff.report.terminal import TERMINAL_TIMELINE, TERMINAL_UNIQUE_PER_ARTICLE, print_terminal
from storydiff.report.text import summarize
from storydiff.report.view import statement_anchor

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


A3 = (
    "Kerch bridge toll rises to 19\n"
    "The death toll rose to 19, Governor Ivan Petrov said on Tuesday.\n"
    "A post read <script>alert(3)</script> & more."
)


def make_story_report() -> Report:
    """The bridge blast as a story: a1 revised by a later Reuters report a3, with origins and a timeline."""
    base = make_report()
    a3 = Article("a3", A3, title="Kerch bridge toll rises to 19", outlet="Reuters", published="2024-05-07")
    killed = base.conflicts[0].statements[0]
    rose = statement(
        "a3", A3, "The death toll rose to 19, Governor Ivan Petrov said on Tuesday.", "19", "Ivan Petrov"
    )
    post = statement("a3", A3, "A post read <script>alert(3)</script> & more.")
    update = Finding(
        "update",
        "numeric",
        "explosion",
        "deaths",
        "Revised from 12 to 19 by Reuters (2024-05-06 → 2024-05-07).",
        (killed, rose),
    )
    timeline = (
        TimelineEntry("2024-05-06", "conflict", "numeric", "explosion", "deaths", killed, "Reuters"),
        TimelineEntry("2024-05-06", "update", "numeric", "explosion", "deaths", killed, "Reuters"),
        TimelineEntry("2024-05-07", "update", "numeric", "explosion", "deaths", rose, "Reuters"),
        TimelineEntry("2024-05-07", "unique", "statement", "post", "", post, "Reuters"),
        TimelineEntry(
            None,
            "conflict",
            "numeric",
            "explosion",
            "deaths",
            base.conflicts[0].statements[1],
            "Daily *Star*",
        ),
    )
    return replace(
        base,
        articles=(*base.articles, a3),
        unique=(*base.unique, Finding("unique", "statement", "post", "", "Only a3 quotes it.", (post,))),
        updates=(update,),
        timeline=timeline,
        origins=(
            Origin("a1", copies=("a3",), outlets=("Reuters", "AP <wire>")),
            Origin("a2", outlets=("Daily *Star*",)),
        ),
        story="kerch-bridge",
    )


# ------------------------------------------------------------------ JSON contract


def test_json_top_level_keys_are_exactly_the_contract():
    data = report_to_dict(make_report())
    assert list(data) == [
        "schema",
        "articles",
        "conflicts",
        "possible",
        "agreements",
        "unique",
        "attributions",
        "rejected",
        "warnings",
    ]
    assert data["schema"] == SCHEMA == "storydiff.report/2"


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
        "confidence",
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
    assert out.startswith('{\n  "schema": "storydiff.report/2",\n')
    assert "“" not in out  # the fixture has no curly quotes; check ensure_ascii=False on a real one:
    unicode_report = Report(articles=(Article("a1", "Киев — “quote”"),))
    assert "Киев — “quote”" in render(unicode_report, "json")
    assert report_from_dict(json.loads(out)) == make_report()


def test_json_round_trip_is_exact():
    report = make_report(unique_count=3)
    assert report_from_dict(report_to_dict(report)) == report
    assert report_from_dict(json.loads(render(report, "json"))) == report


def test_json_story_keys_appear_only_when_set():
    data = report_to_dict(make_story_report())
    assert list(data) == [
        "schema",
        "story",
        "articles",
        "origins",
        "conflicts",
        "possible",
        "updates",
        "agreements",
        "unique",
        "timeline",
        "attributions",
        "rejected",
        "warnings",
    ]
    assert data["story"] == "kerch-bridge"
    # an update has the shape of every other finding
    assert list(data["updates"][0]) == list(data["conflicts"][0])
    assert data["updates"][0]["severity"] is None
    assert data["updates"][0]["articles"] == ["a1", "a3"]
    assert list(data["timeline"][0]) == [
        "published",
        "category",
        "kind",
        "subject",
        "attribute",
        "outlet",
        "statement",
    ]
    assert data["timeline"][0]["statement"] == data["conflicts"][0]["statements"][0]
    assert data["timeline"][-1]["published"] is None
    assert data["origins"] == [
        {"article": "a1", "copies": ["a3"], "outlets": ["Reuters", "AP <wire>"]},
        {"article": "a2", "copies": [], "outlets": ["Daily *Star*"]},
    ]


@pytest.mark.parametrize(
    "report",
    [
        make_story_report(),
        # an empty story id is still a story id, not "no story"
        replace(make_report(), story=""),
        # each story field on its own
        replace(make_report(), updates=make_story_report().updates),
        replace(make_report(), timeline=make_story_report().timeline),
        replace(make_report(), origins=make_story_report().origins),
    ],
)
def test_json_round_trip_of_story_reports_is_exact(report):
    assert report_from_dict(report_to_dict(report)) == report
    assert report_from_dict(json.loads(render(report, "json"))) == report


def test_json_written_before_story_reports_still_loads():
    data = report_to_dict(make_report())
    assert not {"story", "origins", "updates", "timeline"} & set(data)
    loaded = report_from_dict(data)
    assert (loaded.story, loaded.origins, loaded.updates, loaded.timeline) == (None, (), (), ())


@pytest.mark.parametrize(
    ("report", "message"),
    [
        # an update among the conflicts would be read back as a conflict
        (
            replace(make_report(), conflicts=make_story_report().updates),
            "has category 'update' but is listed under 'conflicts'",
        ),
        # and a conflict among the updates as an update
        (
            replace(make_report(), updates=make_report().conflicts),
            "has category 'conflict' but is listed under 'updates'",
        ),
    ],
)
def test_update_in_the_wrong_section_is_refused(report, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        report_to_dict(report)


def test_finding_in_the_wrong_section_is_refused():
    report = make_report()
    wrong = Report(articles=report.articles, agreements=report.conflicts)
    with pytest.raises(ValueError, match="has category 'conflict' but is listed under 'agreements'"):
        report_to_dict(wrong)


def _mutate(
    change: Callable[[dict[str, Any]], None], base: Callable[[], Report] = make_report
) -> dict[str, Any]:
    data = report_to_dict(base())
    change(data)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        # a later major version is refused with advice, not misread
        (
            _mutate(lambda d: d.update(schema="storydiff.report/3")),
            "report schema 'storydiff.report/3' is not",
        ),
        # some other JSON document entirely
        ({"foo": 1}, 'not a storydiff report: expected "schema": "storydiff.report/2", found null'),
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
        # story keys may be missing, but when present they are checked like the others
        (
            _mutate(lambda d: d["timeline"][0]["statement"].pop("start"), make_story_report),
            "report.timeline[0].statement has no key 'start'",
        ),
        (
            _mutate(lambda d: d["origins"][0].update(copies=[1]), make_story_report),
            "report.origins[0].copies[0] should be a string, found 1",
        ),
        (
            _mutate(lambda d: d.update(updates={}), make_story_report),
            "report.updates should be a list, found {}",
        ),
        (
            _mutate(lambda d: d.update(story=7), make_story_report),
            "report.story should be a string or null, found 7",
        ),
    ],
)
def test_report_from_dict_rejects_bad_input_with_a_clear_message(data, message):
    with pytest.raises(StorydiffError, match=re.escape(message)):
        report_from_dict(data)


def test_report_from_dict_ignores_unknown_and_derived_keys():
    # additive changes keep the /2 schema: readers must skip keys they do not know
    data = report_to_dict(make_report())
    data["generator"] = "storydiff 9.9"
    data["articles"][0]["chars"] = 0
    data["conflicts"][0]["count"] = 99
    assert report_from_dict(data) == make_report()


def test_a_version_1_report_reads_with_no_possible_differences_and_no_confidence():
    data = report_to_dict(make_report())
    data["schema"] = "storydiff.report/1"
    del data["possible"]
    for finding in (*data["conflicts"], *data["agreements"], *data["unique"]):
        del finding["confidence"]
    old = report_from_dict(data)
    assert old.possible == ()
    assert old == make_report()


def test_a_confidence_outside_zero_to_one_is_named():
    data = report_to_dict(make_report())
    data["conflicts"][0]["confidence"] = 1.5
    with pytest.raises(
        StorydiffError, match=r"report.conflicts\[0\].confidence should be a number from 0 to 1"
    ):
        report_from_dict(data)


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
            confidence=st.none() | st.floats(0, 1),
        )
        return st.lists(finding, max_size=3).map(tuple)

    # any category, not only storydiff's own: a JSON file from elsewhere must still render
    categories = st.sampled_from(["conflict", "agreement", "unique", "update"]) | _words
    timeline = st.builds(
        TimelineEntry,
        published=_opt_words,
        category=categories,
        kind=_words,
        subject=_words,
        attribute=_words,
        statement=statements(),
        outlet=_opt_words,
    )
    origin = st.builds(
        Origin,
        article=_words,
        copies=st.lists(_words, max_size=2).map(tuple),
        outlets=st.lists(_words, max_size=2).map(tuple),
    )
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
        possible=draw(findings("possible")),
        agreements=draw(findings("agreement")),
        unique=draw(findings("unique")),
        attributions=tuple(draw(st.lists(attribution, max_size=3))),
        rejected=tuple(draw(st.lists(st.builds(Rejection, input=_words, reason=_words), max_size=2))),
        warnings=tuple(draw(st.lists(_words, max_size=2))),
        updates=draw(findings("update")),
        timeline=tuple(draw(st.lists(timeline, max_size=3))),
        origins=tuple(draw(st.lists(origin, max_size=2))),
        story=draw(_opt_words),
    )


@settings(max_examples=150, deadline=None)
@given(reports())
def test_json_round_trip_property(report):
    text = render(report, "json")
    assert report_from_dict(json.loads(text)) == report


@settings(max_examples=50, deadline=None)
@given(reports())
def test_the_contract_written_again_is_the_same(report):
    # what a reader gets back writes out as exactly what it read: no key lost, added or reordered
    data = json.loads(render(report, "json"))
    assert report_to_dict(report_from_dict(data)) == data
    assert render(report_from_dict(data), "json") == render(report, "json")


@settings(max_examples=50, deadline=None)
@given(reports())
def test_a_version_1_report_of_any_shape_reads_back(report):
    # /1 had no possible differences and no confidence: the rest reads back as written
    data = json.loads(render(report, "json"))
    data["schema"] = "storydiff.report/1"
    del data["possible"]
    for section in ("conflicts", "updates", "agreements", "unique"):
        for finding in data.get(section, []):
            del finding["confidence"]
    plain = [
        replace(f, confidence=None)
        for f in (*report.conflicts, *report.updates, *report.agreements, *report.unique)
    ]
    old = report_from_dict(data)
    assert old.possible == ()
    assert [*old.conflicts, *old.updates, *old.agreements, *old.unique] == plain
    assert (old.articles, old.attributions, old.timeline, old.story) == (
        report.articles,
        report.attributions,
        report.timeline,
        report.story,
    )


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


def test_one_registry_holds_every_kind_of_output():
    import storydiff.corpus.catalog
    import storydiff.evaluation.tasks  # noqa: F401  registers evaluation results

    assert formats("report") == ("json", "markdown", "html", "terminal")
    assert formats("stories") == ("json", "table", "markdown")
    assert formats("evaluation") == ("markdown", "table", "json")
    assert renderer("report", "markdown") is RENDERERS["markdown"]
    with pytest.raises(
        StorydiffError, match="unknown output format 'html'; choose one of: json, table, markdown"
    ):
        renderer("stories", "html")
    with pytest.raises(KeyError):
        RENDERERS["yaml"]
    # a format is registered once: a second module cannot silently replace it
    with pytest.raises(ValueError, match="a renderer of report as json is already registered"):
        register("report", "json")(lambda report: "{}\n")


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
    # updates are counted beside the conflicts they were told apart from
    assert summarize(make_story_report()).startswith(
        "3 articles · 1 conflict (1 major) · 1 update · 1 agreement · 2 unique facts"
    )


# Words that only a story report's sections (and JSON keys) bring, in any format.
STORY_WORDS = re.compile(r"↻|\b(?:updates?|updated|timeline|origins?|story)\b", re.IGNORECASE)


@pytest.mark.parametrize("fmt", ["json", "markdown", "html", "terminal"])
def test_plain_report_shows_no_story_sections(fmt):
    # a plain comparison's output is what it was before story reports existed
    out = render(make_report(), fmt)
    if fmt == "html":
        # the page lists any comparison's reports by date under "Timeline" and its stylesheet
        # styles updates; what a story adds is absent
        assert not re.search(
            r'id="updates"|class="story"|class="copies"|class="timeline"|↻', out.split("</head>")[1]
        )
    else:
        assert not STORY_WORDS.search(out)
    assert render(replace(make_story_report(), story=None, updates=(), timeline=(), origins=()), fmt) == (
        render(
            replace(make_report(), articles=make_story_report().articles, unique=make_story_report().unique),
            fmt,
        )
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


def test_markdown_story_sections():
    out = render(make_story_report(), "markdown")
    assert "\n\nStory: **kerch-bridge**\n\n## Articles\n" in out
    assert (
        "## Origins (2)\n\n2 independent origins among 3 reports:\n\n"
        "- **a1** carried by Reuters, AP \\<wire\\> (copies: a3)\n"
        "- **a2** carried by Daily \\*Star\\* (no copies)\n\n## Conflicts (1)\n"
    ) in out
    # updates follow the conflicts they were told apart from, values in time order
    assert (
        "## Updates (1)\n\n"
        "### ↻ Update 1: explosion · deaths\n\n"
        "Revised: **12** (a1) → **19** (a3)\n\n"
        "Revised from 12 to 19 by Reuters (2024-05-06 → 2024-05-07).\n\n"
        "- **a1** · chars 24–92 · value **12** · Ivan Petrov: "
        "“At least 12 people were killed, Governor Ivan Petrov said on Monday.”\n"
        "- **a3** · chars 30–94 · value **19** · Ivan Petrov: "
        "“The death toll rose to 19, Governor Ivan Petrov said on Tuesday.”\n\n"
        "## Agreements (1)\n"
    ) in out
    assert (
        "## Timeline (5)\n\n"
        "| published | outlet | finding | evidence |\n| --- | --- | --- | --- |\n"
        "| 2024-05-06 | Reuters | ⚠ conflict: explosion · deaths | **a1** · chars 24–92 · value **12** · "
        "Ivan Petrov: “At least 12 people were killed, Governor Ivan Petrov said on Monday.” |\n"
    ) in out
    assert (
        "| 2024-05-07 | Reuters | + only here: post | **a3** · chars 95–140 · unattributed: "
        "“A post read \\<script\\>alert(3)\\</script\\> \\& more.” |\n"
        "| undated | Daily \\*Star\\* | ⚠ conflict: explosion · deaths |"
    ) in out
    assert out.index("## Only in one report") < out.index("## Timeline") < out.index("## Who said what")
    assert not re.search(r"(?<!\\)<", out)  # every < is backslash-escaped


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


def test_terminal_story_sections():
    out = render(make_story_report(), "terminal")
    lines = out.splitlines()
    assert "╭─ storydiff · story kerch-bridge · 3 articles " in lines[0]
    assert (
        "2 independent origins among 3 reports\n"
        "  ● a1 carried by Reuters, AP <wire> (copies: a3)\n"
        "  ● a2 carried by Daily *Star* (no copies)\n"
    ) in out
    # the label goes with the colour: "↻ updated", values in time order
    assert (
        "↻ updated  explosion · deaths: 12 (a1) → 19 (a3)\n"
        "    Revised from 12 to 19 by Reuters (2024-05-06 → 2024-05-07).\n"
        "    [a1] “At least 12 people were killed, Governor Ivan Petrov said on Monday.” — Ivan Petrov\n"
        "    [a3] “The death toll rose to 19, Governor Ivan Petrov said on Tuesday.” — Ivan Petrov\n"
    ) in out
    assert re.search(r"published +outlet +finding +evidence\n", out)
    assert re.search(r"2024-05-06 +Reuters +↻ updated: explosion · deaths +\[a1\] “At least 12", out)
    assert re.search(r"undated +Daily \*Star\* +⚠ conflict: explosion · deaths +\[a2\] “Fifteen", out)
    sections = [re.search(rf"─ {name} \(\d+\) ─", out) for name in ("Origins", "Conflicts", "Updates")]
    sections += [
        re.search(rf"─ {name} \(\d+\) ─", out) for name in ("Agreements", "Timeline", "Who said what")
    ]
    starts = [m.start() for m in sections if m]
    assert len(starts) == 6
    assert starts == sorted(starts)


def test_terminal_caps_the_timeline():
    story = make_story_report()
    entry = story.timeline[0]
    long = replace(story, timeline=(entry,) * (TERMINAL_TIMELINE + 4))
    out = render(long, "terminal")
    assert f"Timeline ({TERMINAL_TIMELINE + 4})" in out
    assert out.count("⚠ conflict: explosion · deaths") == TERMINAL_TIMELINE
    assert "... and 4 more (full list: --format markdown, html or json)\n" in out
    assert render(long, "markdown").count("| ⚠ conflict: explosion · deaths |") == TERMINAL_TIMELINE + 4


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
    body = re.search(r'<div class="body"[^>]*>(.*?)</div>', page, re.S)
    assert body
    assert html.unescape(re.sub(r"<[^>]+>|⚠", "", body.group(1))) == re.sub(
        "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", "\ufffd", HOSTILE_CONTROLS
    )


# ------------------------------------------------------------------ dates in JSON


def test_json_writes_a_year_below_1000_with_four_digits():
    # strftime("%Y-%m-%d") writes 1 January 999 as "999-01-01" on Linux; ISO 8601 wants "0999"
    s = Statement("a1", "The fort fell.", 0, 14, None, None)
    report = Report(
        articles=(Article("a1", "The fort fell.", published="999-01-01"),),
        timeline=(TimelineEntry("999-01-01", "unique", "event", "fort", "fall", s),),
        story="story-1",
    )
    data = json.loads(render(report, "json"))
    assert data["articles"][0]["published"] == "0999-01-01"
    assert data["timeline"][0]["published"] == "0999-01-01"


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("999-01-01", "0999-01-01"),  # a three-digit year
        ("5-03-04", "0005-03-04"),  # one digit
        ("999-01-01T08:30:00", "0999-01-01T08:30:00"),  # a timestamp keeps its time
        ("2024-03-05", "2024-03-05"),  # already four digits
        ("12345-01-01", "12345-01-01"),  # not a year to pad
        ("--03-04", "--03-04"),  # a day without a year (dates.extract_dates) stays as it is
    ],
)
def test_iso_day_pads_the_year(written, iso):
    assert iso_day(written) == iso


def test_a_date_written_without_padding_reads_back_and_dates_claims():
    assert from_data(dt.date, "999-01-01") == dt.date(999, 1, 1)
    assert to_data(dt.date(999, 1, 1)) == "0999-01-01"
    assert published_date("999-01-01") == dt.date(999, 1, 1)  # dates in its text resolve against it


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


@pytest.mark.parametrize("make", [make_report, make_story_report])
def test_html_style_hash_matches_the_inline_css(make):
    import base64
    import hashlib

    page = render(make(), "html")
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


def test_html_story_sections_and_update_highlights():
    page = render(make_story_report(), "html")
    assert '<p class="story">Story: <strong>kerch-bridge</strong></p>' in page
    assert '<li><a href="#updates">↻ Updates (1)</a></li>' in page
    assert '<section id="updates" class="findings updates"' in page
    update = re.search(r'<article class="finding update" id="update-1".*?</article>', page, re.S)
    assert update
    assert '<span class="badge update">↻ updated</span>' in update.group()
    assert "explosion · deaths" in update.group()
    assert (
        '<p class="explanation">Revised from 12 to 19 by Reuters (2024-05-06 → 2024-05-07).</p>'
        in update.group()
    )
    # a statement cited by a conflict and an update carries both labels and a flag to each finding
    assert '<mark class="conflict update" id="a1-24-92" title="⚠ conflict, ↻ updated">' in page
    assert '<a class="flag" href="#update-1" title="↻ updated: explosion · deaths">↻</a>' in page
    assert '<mark class="update">↻ updated</mark>' in page  # in the legend
    # one text per independent origin: a3 is a copy of a1, named beside it, its text not shown twice
    assert '<p class="copies">Also carried by: Reuters (2024-05-07)</p>' in page
    assert 'id="article-a3"' not in page
    assert '<td><span class="muted">copy of a1</span></td>' in page
    # so a copy's evidence is quoted without a link to a text that is not there
    assert 'href="#a3-30-94"' not in page
    assert "“The death toll rose to 19, Governor Ivan Petrov said on Tuesday.”" in page
    # the file needs no server: no link to the web app's API
    assert "/api/" not in page
    timeline = re.search(r'<table class="timeline">(.*?)</table>', page, re.S)
    assert timeline
    rows = re.findall(r"<tr>(.*?)</tr>", timeline.group(1), re.S)
    assert len(rows) == 1 + 5  # the head and one row per entry
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows[1:]]
    assert cells[1][:4] == [
        "2024-05-06",
        "Reuters",
        '<span class="badge update">↻ updated</span> explosion · deaths',
        "12",
    ]
    assert (
        cells[1][4]
        == '<a href="#a1-24-92">“At least 12 people were killed, Governor Ivan Petrov said on Monday.”</a>'
    )
    assert cells[4][:2] == ["undated", "Daily *Star*"]
    order = [
        page.index(f'<section id="{name}"')
        for name in ("conflicts", "updates", "texts", "agreements", "unique", "who-said-what", "timeline")
    ]
    assert order == sorted(order)


def test_html_escapes_a_script_in_the_timeline():
    page = render(make_story_report(), "html")
    timeline = re.search(r'<section id="timeline"(.*?)</section>', page, re.S)
    assert timeline
    assert "“A post read &lt;script&gt;alert(3)&lt;/script&gt; &amp; more.”" in timeline.group(1)
    assert "<script" not in page.lower()
    # an outlet, a category or a topic from a JSON file is escaped as well
    hostile = TimelineEntry(
        "<b>day</b>",
        '"><script>x</script>',
        "k",
        "<i>s</i>",
        "",
        make_story_report().timeline[0].statement,
        "<o>",
    )
    page = render(replace(make_story_report(), timeline=(hostile,)), "html")
    assert "<script" not in page.lower()
    # Jinja writes a quote as &#34;
    assert '<span class="badge &#34;&gt;&lt;script&gt;x&lt;/script&gt;">' in page
    assert re.search(r"<td>&lt;b&gt;day&lt;/b&gt;</td>\s*<td>&lt;o&gt;</td>", page)


def test_html_inlines_the_stylesheet_the_web_page_links():
    from storydiff.report.html import report_css

    page = render(make_report(), "html")
    assert f"<style>{report_css()}</style>" in page
    assert ".texts { display: grid;" in page
    assert "mark.update {" in page  # one stylesheet for every report, story or not


def test_html_shows_sections_and_side_by_side_texts():
    page = render(make_report(), "html")
    for section in ('id="conflicts"', 'id="agreements"', 'id="unique"', 'id="who-said-what"', 'id="texts"'):
        assert section in page
    assert page.count('<article class="report-text"') == 2
    assert re.search(
        r"<td>Ivan Petrov</td>\s*<td>said</td>\s*<td>“At least 12 people were killed”</td>\s*"
        r'<td><a href="#article-a1">Reuters</a> <span class="offsets">chars 24–54</span></td>',
        page,
    )
    # each statement's value beside its quote
    assert '<td><span class="value">12</span></td>' in page


def test_html_lists_dated_reports_by_date_then_the_undated():
    # one dated and one undated report: sorting them together once failed the web page
    a1, a2 = make_report().articles
    later = replace(a1, id="a0", published="2024-05-07")
    page = render(replace(make_report(), articles=(a2, later, a1)), "html")
    table = re.search(r'<table class="reports">(.*?)</table>', page, re.S)
    assert table
    assert re.findall(r'<a href="#article-(\w+)">', table.group(1)) == ["a1", "a0", "a2"]


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
    body = re.search(r'<div class="body"[^>]*>(.*?)</div>', page, re.S)
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
    assert re.search(r'<div class="body"[^>]*>Short\.</div>', page)
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
    doc = doc.split("\n## Story reports\n")[0]
    documented = set(re.findall(r"^\| `(\w+)`(?:, `(\w+)`)? \|", doc, re.M))
    names = {name for pair in documented for name in pair if name}
    written = set(data) | {k for a in data["articles"] for k in a} | set(data["conflicts"][0])
    written |= set(data["conflicts"][0]["statements"][0]) | set(data["attributions"][0])
    written |= set(data["rejected"][0])
    assert names == written


def test_contract_document_story_example_is_a_valid_story_report():
    # the story report section documents exactly the keys a story report adds, and its example reads back
    doc = (Path(__file__).parents[1] / "docs" / "json-contract.md").read_text(encoding="utf-8")
    story_doc = doc.split("\n## Story reports\n")[1]
    block = re.search(r"```json\n(.*?)```", story_doc, re.S)
    assert block
    data = json.loads(block.group(1))
    assert report_to_dict(report_from_dict(data)) == data
    texts = {a["id"]: a["text"] for a in data["articles"]}
    for entry in data["timeline"]:
        s = entry["statement"]
        assert texts[s["article"]][s["start"] : s["end"]] == s["text"]
    documented = set(re.findall(r"^\| `(\w+)` \|", story_doc, re.M))
    plain = set(
        report_to_dict(
            report_from_dict({**data, "story": None, "origins": [], "updates": [], "timeline": []})
        )
    )
    written = (set(data) - plain) | set(data["origins"][0]) | set(data["timeline"][0])
    assert documented == written
