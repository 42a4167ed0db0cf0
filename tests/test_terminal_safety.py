"""Nothing from outside reaches the terminal raw: titles, texts and file names through the CLI.

Stored data comes from web pages and other people's files. A title holding rich
markup must print as written (``[/bold]`` once crashed ``storydiff stories``), and
escape sequences (ESC ]0; retitles the terminal, ESC [2J clears it), C1 controls
and bidirectional overrides must not reach standard output or standard error.
The corpus is a real SQLite file written through the store's own methods.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from storydiff.cli import cli
from storydiff.compare import report_version
from storydiff.corpus.store import open_store
from storydiff.corpus.stories import StoryState
from storydiff.records import Article, Document, Finding, Report, Statement
from storydiff.report.codec import render_json
from storydiff.report.safety import terminal_text

# What a hostile page may carry: retitle (OSC 0), clear screen (CSI 2J), a one-character
# C1 CSI, a right-to-left override, an isolate pair, NUL and a carriage return.
CONTROLS = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202egnp.exe\u2066x\u2069\x00\r"
TITLE = "[/bold] Fire at [red]depot" + CONTROLS
TEXT = f"Mayor Ann Lee said 12 people were hurt.{CONTROLS}\nThe depot [bold]burned[/bold]."
# No character of these may reach a terminal raw (tab and newline may).
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _assert_safe(*outputs: str) -> None:
    for output in outputs:
        found = RAW.search(output)
        assert found is None, f"raw {found.group()!r} in {output!r}"


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A corpus with one story whose article, outlet, source, rejection and report carry controls."""
    path = str(tmp_path / "news.db")
    article = Article(
        id="a1",
        text=TEXT,
        path=f"/reports/depot{CONTROLS}.txt",
        title=TITLE,
        outlet="Courier" + CONTROLS,
        published="999-01-01",  # what strftime("%Y-%m-%d") writes for 1 January 999
    )
    statement = Statement("a1", TEXT[:39], 0, 39, "12", "Ann Lee" + CONTROLS)
    report = Report(
        articles=(article,),
        unique=(
            Finding("unique", "quantity", "people" + CONTROLS, "number hurt", "only here", (statement,)),
        ),
        warnings=(f"a1: no second report{CONTROLS}",),
        story="story-1",
    )
    with open_store(path) as store:
        run = store.begin_run([f"dump{CONTROLS}.jsonl"])
        stored = store.add_article(
            run, Document(f"dump{CONTROLS}.jsonl:1", article), content_hash="h1", minhash=None, origin=None
        )
        store.reject(run, f"dump{CONTROLS}.jsonl:2", f"no text{CONTROLS}")
        store.finish_run(run, "done")
        state = StoryState("story-1", (str(stored),), (), (), "0999-01-01", "0999-01-01")
        store.save_stories([state])
        # stored by this version of the comparison, so it is read back as it is
        store.save_report("story-1", render_json(report), 0, report_version())
    return path


def test_stories_table_prints_a_title_with_markup_as_written(db: str) -> None:
    result = CliRunner().invoke(cli, ["stories", "--db", db])
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert "[/bold] Fire at" in result.stdout  # the table may wrap the title after these words
    assert "[red]depot" in result.stdout
    _assert_safe(result.stdout, result.stderr)


@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
def test_stories_in_every_format_keep_controls_off_the_terminal(db: str, fmt: str) -> None:
    result = CliRunner().invoke(cli, ["stories", "--db", db, "--format", fmt])
    assert result.exit_code == 0, result.output
    _assert_safe(result.stdout, result.stderr)


def test_stories_json_keeps_the_stored_data_exact_and_dates_iso(db: str) -> None:
    result = CliRunner().invoke(cli, ["stories", "--db", db, "--format", "json"])
    (story,) = json.loads(result.stdout)["stories"]
    assert story["title"] == TITLE  # escaped in the JSON text, exact once loaded
    (item,) = story["items"]
    assert item["outlet"] == "Courier" + CONTROLS
    assert item["published"] == "0999-01-01"


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "json"])
def test_report_of_a_stored_story_keeps_controls_off_the_terminal(db: str, fmt: str) -> None:
    result = CliRunner().invoke(cli, ["report", "story-1", "--db", db, "--format", fmt])
    assert result.exit_code == 0, result.output
    assert "warning: a1: no second report" in result.stderr  # the stored report's warning, shown
    _assert_safe(result.stdout, result.stderr)


def test_report_terminal_shows_markup_in_text_as_written(db: str) -> None:
    result = CliRunner().invoke(cli, ["report", "story-1", "--db", db])
    assert "[/bold] Fire at" in result.stdout  # the header may wrap the title after these words
    assert "[red]depot" in result.stdout
    assert "Courier\ufffd" in result.stdout  # each control character shows as one U+FFFD


def test_ingest_names_a_rejected_file_without_its_controls(tmp_path: Path) -> None:
    dump = tmp_path / f"dump{CONTROLS.replace(chr(0), '')}.jsonl"  # a file name may hold ESC, not NUL
    dump.write_text(json.dumps({"title": TITLE}) + "\n", encoding="utf-8")  # no text: rejected
    result = CliRunner().invoke(
        cli, ["ingest", str(dump), "--db", str(tmp_path / "news.db"), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "rejected: " in result.stderr
    assert "dump\ufffd]0;pwned\ufffd" in result.stderr
    _assert_safe(result.stdout, result.stderr)


def test_error_naming_a_missing_file_keeps_its_controls_off_the_terminal(tmp_path: Path) -> None:
    missing = str(tmp_path / f"gone{CONTROLS.replace(chr(0), '')}.txt")
    result = CliRunner().invoke(cli, ["compare", missing, "--no-progress"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert result.stderr.count("\n") == 1  # a carriage return does not break the one line either
    _assert_safe(result.stdout, result.stderr)


@pytest.mark.parametrize(
    ("text", "markup", "shown"),
    [
        ("\x1b[2J", False, "\ufffd[2J"),  # ESC: no sequence can start
        ("\x9b2J", False, "\ufffd2J"),  # the one-character C1 CSI
        ("abc\u202edef", False, "abc\ufffddef"),  # right-to-left override
        ("a\u200fb\u2028c", False, "a\ufffdb\ufffdc"),  # a direction mark and a line separator
        ("a\tb\nc", False, "a\tb\nc"),  # tab and newline are layout, kept
        ("[/bold] x", True, "\\[/bold] x"),  # markup escaped for rich
        ("[/bold] x", False, "[/bold] x"),  # left alone for plain output
    ],
)
def test_terminal_text(text: str, markup: bool, shown: str) -> None:
    assert terminal_text(text, markup=markup) == shown


def test_terminal_text_with_markup_prints_as_written_through_rich() -> None:
    console = Console(record=True, width=80, color_system=None)
    console.print(terminal_text("[/bold] Fire at [red]depot\x1b[2J", markup=True))
    assert console.export_text() == "[/bold] Fire at [red]depot\ufffd[2J\n"
