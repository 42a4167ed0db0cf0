"""Evaluation on public data written by others, scored by the data's own scorers.

``storydiff eval --data DIR`` reads a copy of the evaluation sets laid out as
``shared/eval`` (see its README.md), runs each storydiff stage on them, writes
the predictions in the input format of the scorer that ships with the data,
calls that scorer, and collects its figures::

    task          data set                      stage scored                scorer
    attribution   polnear/<split>               attribution.extract_...     score_polnear.py
    quantities    newsquant/<split>.json        quantities.stated_...       score_quantities.py
                  (quantulum3 side by side on the same sentences)
    clusters      ecbplus, newswcl50,           stories.cluster_articles    score_clusters.py
                  meantime, neus
    compare       development gold (its tuning      pipeline.run                score_compare.py
                  and validation halves apart),                             (its matching rule)
                  belgorod/gold.json,
                  newswcl50/gold/*.json, demo

Each task also gets a short error analysis (the commonest failure types with
examples), computed from the same gold the scorer reads. Results are one
:class:`EvalResult`, rendered as a table, Markdown or JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from storydiff.errors import EvalDataError
from storydiff.evaluation.attribution import eval_attribution
from storydiff.evaluation.clusters import eval_clusters
from storydiff.evaluation.common import TASKS, EvalResult, EvalSettings, TaskResult
from storydiff.evaluation.compare import eval_compare
from storydiff.evaluation.quantities import eval_quantities
from storydiff.report.registry import register, renderer

__all__ = [
    "evaluate",
    "render_json",
    "render_markdown",
    "render_table",
    "result_to_dict",
    "write_results",
]


def evaluate(settings: EvalSettings, progress: Callable[[str], None] | None = None) -> EvalResult:
    """Run the chosen tasks on the data in ``settings.data`` and score them."""
    from storydiff import __version__

    data = settings.data
    if not data.is_dir():
        raise EvalDataError(
            "evaluation data folder not found; pass --data with a copy of shared/eval "
            "(its README.md describes the layout)",
            input=str(data),
        )
    unknown = [t for t in settings.tasks if t not in TASKS]
    if unknown:
        raise EvalDataError(f"unknown task {unknown[0]!r}; choose from {', '.join(TASKS)}", input="--task")
    work = settings.out / "work"
    work.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda _msg: None)
    results: list[TaskResult] = []
    skipped: list[str] = []
    runners = {
        "attribution": eval_attribution,
        "quantities": eval_quantities,
        "clusters": eval_clusters,
        "compare": eval_compare,
    }
    for task in settings.tasks:
        say(f"{task}: running")
        found, missing = runners[task](settings, work, say)
        results.extend(found)
        skipped.extend(missing)
    if not results:
        raise EvalDataError(
            "none of the evaluation sets was found under this folder: " + "; ".join(skipped),
            input=str(data),
        )
    return EvalResult(
        data=str(data.resolve()),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        version=__version__,
        tasks=tuple(results),
        skipped=tuple(skipped),
    )


def result_to_dict(result: EvalResult) -> dict[str, Any]:
    """The results as plain JSON data (schema ``storydiff.eval/1``)."""
    return {
        "schema": "storydiff.eval/1",
        "storydiff": result.version,
        "data": result.data,
        "created": result.created,
        "skipped": list(result.skipped),
        "tasks": [
            {
                "task": t.task,
                "dataset": t.dataset,
                "split": t.split,
                "seconds": t.seconds,
                "table": {"columns": list(t.columns), "rows": [list(r) for r in t.rows]},
                "figures": t.figures,
                "notes": list(t.notes),
                "errors": [
                    {"type": e.name, "count": e.count, "examples": list(e.examples)} for e in t.errors
                ],
            }
            for t in result.tasks
        ],
    }


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1.0 else f"{value:.1f}"
    return str(value)


@register("evaluation", "markdown")
def render_markdown(result: EvalResult) -> str:
    """The results as Markdown: one section per task with its table, notes and error analysis."""
    lines = [
        "# storydiff evaluation",
        "",
        f"storydiff {result.version}, data `{result.data}`, {result.created}.",
        "",
    ]
    for t in result.tasks:
        lines += [f"## {t.task}: {t.dataset} ({t.split})", ""]
        lines.append("| " + " | ".join(t.columns) + " |")
        lines.append("|" + "---|" * len(t.columns))
        lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in t.rows]
        lines.append("")
        lines += [f"- {note}" for note in t.notes]
        lines.append(f"- {t.seconds:.1f} s")
        if t.errors:
            lines += ["", "Error analysis (commonest failure types):", ""]
            for e in t.errors:
                lines.append(f"- **{e.name}**: {e.count}")
                lines += [f"  - {ex}" for ex in e.examples]
        lines.append("")
    if result.skipped:
        lines += ["## Skipped", ""] + [f"- {s}" for s in result.skipped] + [""]
    return "\n".join(lines)


@register("evaluation", "table")
def render_table(result: EvalResult) -> str:
    """The results as plain aligned tables for a terminal."""
    out = []
    for t in result.tasks:
        out.append(f"{t.task}: {t.dataset} ({t.split}), {t.seconds:.1f} s")
        cells = [list(t.columns)] + [[_cell(v) for v in row] for row in t.rows]
        widths = [max(len(r[i]) for r in cells) for i in range(len(t.columns))]
        for n, r in enumerate(cells):
            out.append(
                "  "
                + "  ".join(
                    c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths, strict=True))
                )
            )
            if n == 0:
                out.append("  " + "  ".join("-" * w for w in widths))
        out += [f"  {note}" for note in t.notes]
        if t.errors:
            out.append("  commonest errors: " + "; ".join(f"{e.name} ({e.count})" for e in t.errors[:3]))
        out.append("")
    out += [f"skipped: {s}" for s in result.skipped]
    return "\n".join(out).rstrip() + "\n"


@register("evaluation", "json")
def render_json(result: EvalResult) -> str:
    """The results as indented JSON."""
    return json.dumps(result_to_dict(result), indent=1, ensure_ascii=False) + "\n"


def write_results(result: EvalResult, out: Path) -> list[Path]:
    """Write ``results.json`` and ``results.md`` into ``out``; return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, fmt in (("results.json", "json"), ("results.md", "markdown")):
        path = out / name
        path.write_text(renderer("evaluation", fmt)(result), encoding="utf-8")
        written.append(path)
    return written
