"""Quality gate: the demo, the project's gold cases and (when present) the Belgorod sample.

Floors are pinned: lowering one is a reviewed change, raising it after an
improvement is the habit. Since issue 10 the conflicts are the pair scorer's
confident ones and the rest of what it proposes is shown apart as possible
differences, so the gate holds two kinds of figure: no false alarm among what a
report shows, and how much of the gold is shown at all (conflicts and possible
differences). Figures when pinned (2026-12-02, scorer fitted on the tuning half
of the development gold): demo 1/11 discrepancies as conflicts, 4/11 shown,
every shown finding right, 3/6 corroborated facts; gold cases 0/11 shown, no
false alarm. The earlier floors (demo 0.82, cases 0.64) measured rules written
for these same texts; they did not carry over to news nobody had seen.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from conftest import DEMO, case_dirs, load_gold
from goldscore import Score, score
from storydiff.compare import candidate_pairs
from storydiff.compare.embeddings import default_embedder
from storydiff.compare.scorer import load_scorer
from storydiff.inputs.sources import load_inputs
from storydiff.pipeline import analyze_articles, run
from storydiff.report.codec import report_to_dict
from storydiff.settings import Settings

DEMO_SHOWN_RECALL_FLOOR = 0.35  # 4/11 when pinned
DEMO_SHOWN_PRECISION_FLOOR = 0.90  # 3/3 when pinned
DEMO_CORROBORATED_FLOOR = 0.50  # 3/6 when pinned
CASES_SHOWN_PRECISION_FLOOR = 0.85  # nothing shown when pinned: no false alarm


@cache
def _report(folder: Path) -> dict:
    return report_to_dict(run(sorted(str(p) for p in folder.glob("*.txt"))))


def _score(folder: Path) -> Score:
    return score(load_gold(folder), _report(folder))


def _shown(folder: Path) -> Score:
    """The score of everything the report shows as a difference: conflicts and possible ones."""
    report = _report(folder)
    return score(load_gold(folder), {**report, "conflicts": report["conflicts"] + report["possible"]})


def test_demo_meets_its_floors() -> None:
    confident, shown = _score(DEMO), _shown(DEMO)
    assert len(confident.found) <= len(shown.found)
    assert shown.recall >= DEMO_SHOWN_RECALL_FLOOR, shown.missed
    assert shown.precision >= DEMO_SHOWN_PRECISION_FLOOR
    assert confident.corroborated_recall >= DEMO_CORROBORATED_FLOOR


def test_demo_proposes_every_kind_it_was_written_for() -> None:
    loaded = load_inputs(sorted(str(p) for p in DEMO.glob("*.txt")), Settings())
    pairs, _, _ = candidate_pairs(analyze_articles(loaded.articles), default_embedder())
    assert {"numeric", "date", "polarity", "attribution"} <= {p.kind for p in pairs if not p.agree}


def test_gold_cases_raise_no_false_alarm() -> None:
    scores = [_shown(folder) for folder in case_dirs()]
    right = sum(s.right for s in scores)
    reported = sum(s.conflicts for s in scores)
    assert reported == 0 or right / reported >= CASES_SHOWN_PRECISION_FLOOR


@pytest.mark.parametrize("folder", case_dirs(), ids=lambda p: p.name)
def test_every_statement_points_at_its_words(folder: Path) -> None:
    report = _report(folder)
    texts = {a["id"]: a["text"] for a in report["articles"]}
    for section in ("conflicts", "possible", "agreements", "unique"):
        for finding in report[section]:
            for st in finding["statements"]:
                assert texts[st["article"]][st["start"] : st["end"]] == st["text"]


def test_compatible_units_raise_no_conflict() -> None:
    # 12 km / 7.5 miles and -10 °C / 14 °F are the same values in other units
    report = _report(Path(__file__).parent / "fixtures" / "cases" / "numeric-units-compatible")
    assert [c for c in report["conflicts"] + report["possible"] if c["kind"] == "numeric"] == []


def test_belgorod_sample(shared: Path, tmp_path: Path) -> None:
    """The canonical real case, scored by the public scorer: no false alarm, its agreements found.

    Its three discrepancies rank high among the pairs the scorer sees
    (see ``test_belgorod_discrepancies_rank_among_the_strongest_pairs``) but score below the floor
    of possible differences: the issue's 3/3 target is not met (issue 10).
    """
    samples = shared / "samples" / "belgorod"
    out = tmp_path / "belgorod.json"
    out.write_text(json.dumps(report_to_dict(run([str(samples)]))), encoding="utf-8")
    scorer = shared / "eval" / "score_compare.py"
    gold = shared / "eval" / "belgorod" / "gold.json"
    done = subprocess.run(
        [sys.executable, str(scorer), str(gold), str(out)], capture_output=True, text=True, check=False
    )
    figures = json.loads(done.stdout)
    assert done.returncode == 0, figures
    assert figures["conflict_precision"] in (None, 1.0)  # nothing false
    assert figures["corroborated_recall"] >= 0.5  # 2/4 when pinned


def test_belgorod_discrepancies_rank_among_the_strongest_pairs(shared: Path) -> None:
    """Each real discrepancy ranks in the top third of the pairs of differing values."""
    loaded = load_inputs([str(shared / "samples" / "belgorod")], Settings())
    pairs, x, _ = candidate_pairs(analyze_articles(loaded.articles), default_embedder())
    p = load_scorer().probability(x)
    ranked = [pair for _, pair in sorted(zip(p, pairs, strict=True), key=lambda t: -t[0]) if not pair.agree]
    assert len(ranked) >= 10
    gold = json.loads((shared / "eval" / "belgorod" / "gold.json").read_text(encoding="utf-8"))

    def states(claim, quote: str) -> bool:  # type: ignore[no-untyped-def]
        text = claim.sentence.text
        return (quote in text or text in quote) and str(claim.value).casefold() in quote.casefold()

    for item in gold["discrepancies"]:
        quotes = [s["quote"] for s in item["statements"]]
        hits = [
            rank
            for rank, pair in enumerate(ranked)
            if all(any(states(c, q) for c in (pair.left, pair.right)) for q in quotes)
        ]
        assert hits, item["what"]
        assert hits[0] < len(ranked) / 3, (item["what"], hits, len(ranked))
