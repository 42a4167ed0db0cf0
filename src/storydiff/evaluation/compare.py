"""The compare task, scored by the data's ``score_compare.py``.

The development gold's tuning and validation halves apart, Belgorod, NewsWCL50 and the demo.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from storydiff.errors import EvalDataError, StorydiffError
from storydiff.evaluation.common import (
    ErrorType,
    EvalSettings,
    TaskResult,
    counted,
    load_data_scorer,
    ratio,
    read_json,
)
from storydiff.report.registry import render

__all__ = [
    "COMPARE_GROUPS",
    "eval_compare",
]


# The groups of compare gold, in the order they are shown.
COMPARE_GROUPS = (
    "devgold validation",
    "devgold tuning",
    "belgorod",
    "newswcl50 public gold",
    "demo (bundled)",
)


@dataclass(frozen=True, slots=True)
class _CompareCase:
    group: str
    name: str
    gold: Mapping[str, Any]
    gold_path: Path
    paths: tuple[Path, ...]


def _compare_cases(settings: EvalSettings, work: Path) -> tuple[list[_CompareCase], list[str]]:
    """Every gold file of every group, with the reports it is about."""
    from storydiff.evaluation.devgold import load_events, load_split, report_paths
    from storydiff.pipeline import demo_paths

    cases: list[_CompareCase] = []
    missing: list[str] = []
    gold_dir = settings.gold
    sources = [settings.data / p for p in ("ecbplus", "neus", "newswcl50/text")]
    absent = [str(p) for p in sources if not p.is_dir()]
    if gold_dir is not None and (gold_dir / "split.json").is_file() and absent:
        missing.append(f"compare: development gold skipped, its reports are not in {', '.join(absent)}")
    elif gold_dir is not None and (gold_dir / "split.json").is_file():
        for half, names in load_split(gold_dir).items():
            for event in load_events(gold_dir, names)[: settings.limit]:
                paths = tuple(report_paths(event, settings.data, work))
                cases.append(_CompareCase(f"devgold {half}", event.name, event.gold, event.path, paths))
    else:
        missing.append(f"compare: development gold not found ({gold_dir}); give --gold DIR")
    belgorod = settings.data / "belgorod" / "gold.json"
    if belgorod.is_file():
        cases.append(
            _CompareCase("belgorod", "belgorod", read_json(belgorod), belgorod, _gold_docs(belgorod))
        )
    else:
        missing.append(f"compare: {belgorod} not found")
    wcl = settings.data / "newswcl50" / "gold"
    for gold_path in sorted(wcl.glob("*.json"))[: settings.limit]:
        name = f"newswcl50/{gold_path.stem}"
        cases.append(
            _CompareCase(
                "newswcl50 public gold", name, read_json(gold_path), gold_path, _gold_docs(gold_path)
            )
        )
    if not wcl.is_dir():
        missing.append(f"compare: {wcl} not found")
    demo_gold = Path(demo_paths()[0]).parent / "gold.json"
    cases.append(
        _CompareCase("demo (bundled)", "demo", read_json(demo_gold), demo_gold, _gold_docs(demo_gold))
    )
    return cases, missing


def eval_compare(
    settings: EvalSettings, work: Path, say: Callable[[str], None]
) -> tuple[list[TaskResult], list[str]]:
    """Compare every gold group's reports and score them with the public scorer's matching rule.

    The development gold's two halves are scored apart: the tuning half is what
    the pair scorer was fitted on, the validation half was never looked at while
    fitting, so its figures are the ones that say how storydiff does on news it
    has not seen.
    """
    from storydiff.pipeline import run

    cases, missing = _compare_cases(settings, work)
    started = time.perf_counter()
    scorer = load_data_scorer(settings.data, "score_compare.py")
    totals: dict[str, Counter[str]] = {g: Counter() for g in COMPARE_GROUPS}
    figures: dict[str, Any] = {}
    errors: dict[str, Counter[str]] = defaultdict(Counter)
    examples: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for case in cases:
        say(f"compare: {case.group}: {case.name}")
        try:
            report = run([str(p) for p in case.paths])
        except StorydiffError as exc:
            raise EvalDataError(f"compare failed: {exc}", input=str(case.gold_path)) from None
        report_path = work / f"compare-{case.group.split()[0]}-{case.name.replace('/', '-')}.report.json"
        text = render(report, "json")
        report_path.write_text(text, encoding="utf-8")
        counts = _score_compare(scorer, case, json.loads(text), errors[case.group], examples[case.group])
        figures.setdefault("events", {})[f"{case.group}: {case.name}"] = dict(counts)
        totals[case.group].update(counts)
    rows = []
    for group in COMPARE_GROUPS:
        t = totals[group]
        if not t["events"]:
            continue
        summary = _compare_summary(t)
        figures[group] = summary
        rows.append(
            (
                group,
                t["events"],
                f"{t['found']}/{t['discrepancies']}",
                summary["discrepancy_recall"],
                f"{t['right']}/{t['conflicts']}",
                summary["conflict_precision"],
                summary["false_conflicts_per_agreeing_event"],
                f"{t['corroborated_found']}/{t['corroborated']}",
                f"{t['possible_right']}/{t['possible']}",
            )
        )
    task_errors = tuple(
        ErrorType(f"{group}: {e.name}", e.count, e.examples)
        for group in COMPARE_GROUPS
        if group in errors
        for e in counted(errors[group], examples[group])
    )
    return [
        TaskResult(
            task="compare",
            dataset="development gold (tuning and validation halves), Belgorod, NewsWCL50 public gold, demo",
            split=settings.split,
            columns=(
                "gold",
                "events",
                "discrepancies",
                "recall",
                "conflicts right",
                "precision",
                "false per agreeing event",
                "corroborated",
                "possible right",
            ),
            rows=tuple(rows),
            figures=figures,
            errors=task_errors,
            notes=(
                "devgold validation: never used for fitting; its figures are the ones to quote",
                "targets (validation half): conflict precision >= 0.8, discrepancy recall >= 0.6, at "
                "most one false conflict per agreeing event, corroborated recall >= 0.8; Belgorod 3/3",
                "a conflict is right when it sets two statements of one gold discrepancy (or revised "
                "figure) against each other, by the public scorer's matching rule (score_compare.py)",
                "newswcl50 public gold: another annotator's gold for the texts of devgold newswcl50-0..4 "
                "(topics 1-3 are in the tuning half)",
            ),
            seconds=round(time.perf_counter() - started, 1),
        )
    ], missing


def _score_compare(
    scorer: ModuleType,
    case: _CompareCase,
    report: Mapping[str, Any],
    errors: Counter[str],
    examples: dict[str, list[str]],
) -> Counter[str]:
    """One event's counts, and its error analysis: missed discrepancies and false conflicts by kind."""
    gold = case.gold
    doc_of = {
        str(a.get("id")): Path(str(a.get("path") or a.get("id"))).stem for a in report.get("articles", [])
    }
    discrepancies = list(gold.get("discrepancies", []))
    revisions = discrepancies + list(gold.get("updates", []))
    conflicts, possible = report.get("conflicts", []), report.get("possible", [])
    counts: Counter[str] = Counter(events=1, discrepancies=len(discrepancies))
    evidence = [
        st
        for group in ("conflicts", "possible", "agreements", "unique")
        for f in report.get(group, [])
        for st in scorer.statements(f)
    ]
    for d in discrepancies:
        kind = d.get("kind", "other")
        if any(_sets_against(scorer, c, d, doc_of) for c in conflicts):
            counts["found"] += 1
            continue
        if any(_sets_against(scorer, c, d, doc_of) for c in possible):
            why = "only a possible difference"
        elif sum(any(scorer.finds(st, s, doc_of) for st in evidence) for s in d["statements"]) < 2:
            why = "statements in no finding"
        else:
            why = "statements found but not set against each other"
        key = f"missed {kind}: {why}"
        errors[key] += 1
        examples[key].append(f"{case.name}: {d.get('what')}")
    for section, prefix in ((conflicts, ""), (possible, "possible_")):
        counts[prefix.rstrip("_") or "conflicts"] += len(section)
        for c in section:
            if any(_sets_against(scorer, c, d, doc_of) for d in revisions):
                counts[f"{prefix}right"] += 1
            elif not prefix:
                key = f"false conflict ({c.get('kind', '?')})"
                errors[key] += 1
                examples[key].append(f"{case.name}: {str(c.get('explanation', ''))[:110]}")
    if not revisions:
        counts["agreeing_events"] += 1
        counts["agreeing_false"] += len(conflicts)
    corroborated = gold.get("corroborated", [])
    counts["corroborated"] += len(corroborated)
    agreements = report.get("agreements", [])
    for item in corroborated:
        for g in agreements:
            hits = {
                (s["doc"], s["quote"])
                for s in item["statements"]
                for st in scorer.statements(g)
                if scorer.finds(st, s, doc_of)
            }
            if len({d for d, _ in hits}) >= 2:
                counts["corroborated_found"] += 1
                break
    return counts


def _compare_summary(t: Counter[str]) -> dict[str, Any]:
    return {
        **dict(t),
        "discrepancy_recall": ratio(t["found"], t["discrepancies"]),
        "conflict_precision": ratio(t["right"], t["conflicts"]),
        "false_conflicts_per_agreeing_event": ratio(t["agreeing_false"], t["agreeing_events"]),
        "corroborated_recall": ratio(t["corroborated_found"], t["corroborated"]),
    }


def _gold_docs(gold_path: Path) -> tuple[Path, ...]:
    """The reports a gold file is about: its ``docs`` paths, else ``../text/<stem>/*.txt``."""
    gold = read_json(gold_path)
    docs = gold.get("docs")
    paths = []
    if isinstance(docs, dict) and docs:
        paths = [(gold_path.parent / p).resolve() for p in docs.values()]
    if not paths or not all(p.is_file() for p in paths):
        # the NewsWCL50 layout: gold/<topic>.json beside text/<topic>/*.txt
        paths = sorted((gold_path.parent.parent / "text" / gold_path.stem).glob("*.txt")) or paths
    absent = [p for p in paths if not p.is_file()]
    if absent or not paths:
        where = absent[0] if absent else gold_path.parent.parent / "text" / gold_path.stem
        raise EvalDataError(f"the reports of this gold file are missing ({where})", input=str(gold_path))
    return tuple(paths)


def _sets_against(scorer: ModuleType, conflict: Any, discrepancy: Any, doc_of: Mapping[str, str]) -> bool:
    """The scorer's rule: one reported conflict finds two statements of one gold discrepancy."""
    found = {
        (s["doc"], s["quote"])
        for s in discrepancy["statements"]
        for st in scorer.statements(conflict)
        if scorer.finds(st, s, doc_of, discrepancy.get("kind"))
    }
    return len(found) >= 2
