"""The quantities task: stated quantities on NewsQuant, scored by ``score_quantities.py``.

quantulum3 runs side by side on the same sentences.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from storydiff.evaluation.common import (
    ErrorType,
    EvalSettings,
    TaskResult,
    counted,
    last_json_line,
    load_data_scorer,
    read_json,
    run_scorer,
)

__all__ = [
    "eval_quantities",
]


def eval_quantities(
    settings: EvalSettings, work: Path, say: Callable[[str], None]
) -> tuple[list[TaskResult], list[str]]:
    gold_path = settings.data / "newsquant" / f"{settings.split}.json"
    if not gold_path.is_file():
        return [], [f"quantities: {gold_path} not found"]
    started = time.perf_counter()
    gold = read_json(gold_path)
    if settings.limit:
        gold = gold[: settings.limit]
        gold_path = work / f"newsquant-{settings.split}.sample.json"
        gold_path.write_text(json.dumps(gold), encoding="utf-8")
    sentences = [g["text"] for g in gold]
    systems: dict[str, list[dict[str, Any]]] = {"storydiff": _storydiff_quantities(sentences)}
    notes = [
        "reference (CQE, full set): value F1 92.0, value+unit 85.6; quantulum3 here: 74.1 / 51.4",
        "target (dev): value F1 >= 90, value+unit F1 >= 80",
    ]
    say("quantities: storydiff done")
    baseline = _quantulum3_quantities(sentences)
    if baseline is None:
        notes.append("quantulum3 not installed: pip install -e '.[eval]' to score it side by side")
    else:
        systems["quantulum3"] = baseline
    rows = []
    figures: dict[str, Any] = {}
    errors: tuple[ErrorType, ...] = ()
    for name, preds in systems.items():
        pred_path = work / f"newsquant-{settings.split}.{name}.json"
        pred_path.write_text(json.dumps(preds, ensure_ascii=False), encoding="utf-8")
        out = run_scorer(settings.data, "score_quantities.py", [gold_path, pred_path])
        res = last_json_line(out)
        figures[name] = res
        rows.append(
            (
                name,
                res["gold"],
                res["predicted"],
                *(res["value"][k] for k in ("P", "R", "F1")),
                *(res["value+unit"][k] for k in ("P", "R", "F1")),
                res["value+unit(strict)"]["F1"],
            )
        )
        if name == "storydiff":
            errors = _quantity_errors(settings.data, gold_path, pred_path)
    return [
        TaskResult(
            task="quantities",
            dataset="NewsQuant",
            split=settings.split,
            columns=(
                "system",
                "gold",
                "pred",
                "value P",
                "value R",
                "value F1",
                "v+u P",
                "v+u R",
                "v+u F1",
                "v+u strict F1",
            ),
            rows=tuple(rows),
            figures=figures,
            errors=errors,
            notes=tuple(notes),
            seconds=round(time.perf_counter() - started, 1),
        )
    ], []


def _storydiff_quantities(sentences: Sequence[str]) -> list[dict[str, Any]]:
    """Predictions in NewsQuant's format: stated value (or range) and stated unit."""
    from storydiff.analysis.nlp import parse_many
    from storydiff.analysis.quantities import stated_quantities

    out = []
    for text, doc in zip(sentences, parse_many(sentences), strict=True):
        found = []
        for q in stated_quantities(doc):
            value: float | list[float] = [q.low, q.high] if q.ranged else q.value
            found.append({"value": value, "normalized_unit": q.unit or "-", "text": q.text})
        out.append({"text": text, "quantities": found})
    return out


def _quantulum3_quantities(sentences: Sequence[str]) -> list[dict[str, Any]] | None:
    """quantulum3 on the same sentences, with its classifier off (it breaks with current scikit-learn)."""
    try:
        from quantulum3 import classifier, parser
    except ImportError:
        return None
    classifier.USE_CLF = False
    out = []
    for text in sentences:
        found = []
        for q in parser.parse(text):
            unit = q.unit.name if q.unit is not None else "-"
            found.append({"value": q.value, "normalized_unit": unit, "text": q.surface})
        out.append({"text": text, "quantities": found})
    return out


def _quantity_errors(data: Path, gold_path: Path, pred_path: Path) -> tuple[ErrorType, ...]:
    """Sort the scorer's per-sentence value+unit errors into missed values, wrong units, false values."""
    scorer = load_data_scorer(data, "score_quantities.py")
    gold = read_json(gold_path)
    pred = read_json(pred_path)
    _res, errs = scorer.score(gold, pred, n_errors=len(gold))
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for e in errs:
        missed, spurious = list(e["missed_gold"]), list(e["spurious_pred"])
        text = " ".join(e["text"].split())[:100]
        for value, unit in list(missed):
            twin = next((s for s in spurious if _same_value(scorer, value, s[0])), None)
            if twin is not None:
                spurious.remove(twin)
                kind = "unit differs" if unit != "-" and twin[1] != "-" else "unit given on one side only"
                counts[kind] += 1
                examples[kind].append(f"gold {value} {unit!r} vs ours {twin[0]} {twin[1]!r}: {text}")
            else:
                counts["missed quantity"] += 1
                examples["missed quantity"].append(f"gold {value} {unit!r}: {text}")
        for value, unit in spurious:
            counts["false quantity"] += 1
            examples["false quantity"].append(f"ours {value} {unit!r}: {text}")
    return counted(counts, examples)


def _same_value(scorer: ModuleType, a: Any, b: Any) -> bool:
    try:
        return bool(scorer.values_match(scorer.parse_value(a), scorer.parse_value(b)))
    except (ValueError, TypeError):
        return False
