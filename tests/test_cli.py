"""The command line: exact output, exit codes and one-line errors."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from storydiff.cli import cli
from storydiff.compare.scorer import load_scorer

REPORT_A = """---
title: Storm cuts power to Vell
outlet: Vell Gazette
published: 2025-02-10
---
Storm cuts power to Vell
About 9,000 homes lost power in Vell on Sunday after a storm brought down lines, the utility Norrel Energy said.
Crews restored power to most streets by Monday morning.
"""
REPORT_B = """---
title: Thousands without power after storm
outlet: Coast Daily
published: 2025-02-10
---
Some 30,000 homes lost power in Vell on Sunday after a storm brought down lines, the utility Norrel Energy said.
A school in the north of the town stayed closed because its roof was damaged.
"""


@pytest.fixture
def reports(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "vell-gazette.txt", tmp_path / "coast-daily.txt"
    a.write_text(REPORT_A, encoding="utf-8")
    b.write_text(REPORT_B, encoding="utf-8")
    return a, b


def _run(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)


@pytest.fixture
def eager_scorer(tmp_path: Path) -> Path:
    """The packaged scorer with thresholds low enough to show every proposed pair as a conflict."""
    path = tmp_path / "eager-scorer.json"
    path.write_text(dataclasses.replace(load_scorer(), threshold=1e-9, floor=1e-12).to_json())
    return path


def test_compare_json(reports: tuple[Path, Path], eager_scorer: Path) -> None:
    result = _run("compare", *map(str, reports), "--format", "json", "--scorer", str(eager_scorer))
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["schema"] == "storydiff.report/2"
    assert [a["id"] for a in data["articles"]] == ["vell-gazette", "coast-daily"]
    numeric = [c for c in data["conflicts"] if c["kind"] == "numeric"]
    assert len(numeric) == 1
    assert sorted(s["value"] for s in numeric[0]["statements"]) == ["About 9,000", "Some 30,000"]
    assert 0 < numeric[0]["confidence"] <= 1


def test_compare_with_the_packaged_scorer_keeps_conflicts_and_possible_apart(
    reports: tuple[Path, Path],
) -> None:
    result = _run("compare", *map(str, reports), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    scorer = load_scorer()
    assert all(f["confidence"] >= scorer.threshold for f in data["conflicts"])
    assert all(scorer.floor <= f["confidence"] < scorer.threshold for f in data["possible"])


def test_compare_markdown_lists_sections(reports: tuple[Path, Path], eager_scorer: Path) -> None:
    result = _run("compare", *map(str, reports), "--format", "markdown", "--scorer", str(eager_scorer))
    assert result.exit_code == 0
    for heading in ("## Conflicts (2)", "## Agreements", "## Only in one report", "## Who said what"):
        assert heading in result.stdout


def test_a_broken_scorer_file_is_a_one_line_error(reports: tuple[Path, Path], tmp_path: Path) -> None:
    broken = tmp_path / "scorer.json"
    broken.write_text("[]")
    result = _run("compare", *map(str, reports), "--scorer", str(broken))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert result.stderr.count("\n") == 1
    assert "fit-scorer" in result.stderr


def test_compare_directory_and_stdin(reports: tuple[Path, Path]) -> None:
    result = _run("compare", str(reports[0].parent), "-", "--format", "json", stdin=REPORT_B)
    assert result.exit_code == 0
    ids = [a["id"] for a in json.loads(result.stdout)["articles"]]
    assert ids == ["coast-daily", "vell-gazette", "stdin"]


def test_missing_path_is_one_line_error(reports: tuple[Path, Path]) -> None:
    result = _run("compare", str(reports[0]), "missing-report")
    assert result.exit_code == 1
    assert result.stderr == "Error: missing-report: no such file or directory; check the path\n"
    assert result.stdout == ""


def test_bad_published_date_is_one_line_error(reports: tuple[Path, Path]) -> None:
    result = _run("compare", str(reports[0]), "--published", "5 March")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert result.stderr.count("\n") == 1
    assert "YYYY-MM-DD" in result.stderr


def test_rejected_inputs_are_warnings_and_the_run_goes_on(reports: tuple[Path, Path], tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = _run("compare", str(reports[0]), str(reports[1]), str(empty), "--format", "json")
    assert result.exit_code == 0
    assert f"warning: {empty}: the file is empty; give the text of a news report\n" in result.stderr
    data = json.loads(result.stdout)
    assert data["rejected"] == [
        {"input": str(empty), "reason": "the file is empty; give the text of a news report"}
    ]


def test_nothing_usable_is_an_error(tmp_path: Path) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    result = _run("compare", str(binary))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no usable report to compare (")
    assert "binary" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_format_is_a_usage_error(reports: tuple[Path, Path]) -> None:
    result = _run("compare", str(reports[0]), "--format", "yaml")
    assert result.exit_code == 2
    assert "'yaml' is not one of" in result.stderr


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_with_an_example(command: str) -> None:
    result = _run(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert "storydiff " + command in result.stdout


@pytest.mark.parametrize("sub", sorted(cli.commands["stories"].commands))  # type: ignore[attr-defined]
def test_every_stories_subcommand_has_help_with_an_example(sub: str) -> None:
    result = _run("stories", sub, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert f"storydiff stories {sub}" in result.stdout


def test_demo_terminal_report() -> None:
    result = _run("demo")
    assert result.exit_code == 0
    out = result.stdout
    assert "Kestrelford Courier" in out
    assert "conflict" in out.lower()
    assert "\x1b[" not in out  # not a terminal: plain text


def test_demo_html_is_written_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "demo.html"
    result = _run("demo", "--format", "html", "--output", str(target))
    assert result.exit_code == 0
    assert result.stdout == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") or page.lower().startswith("<!doctype html>")
    assert "Content-Security-Policy" in page


@pytest.mark.slow
def test_the_report_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    # ties broken by set order would change findings from one process to the next
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"demo-{seed}.json"
        env = {**os.environ, "PYTHONHASHSEED": seed, "HF_HUB_OFFLINE": "1"}
        subprocess.run(
            [sys.executable, "-m", "storydiff.cli", "demo", "--format", "json", "-o", str(out)],
            env=env,
            check=True,
            capture_output=True,
            timeout=600,
        )
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
