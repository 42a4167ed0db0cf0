"""Shared parts of the evaluation tasks.

Settings, results, error types, and the calls to the scorers that ship with the data.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from storydiff.errors import EvalDataError

__all__ = [
    "CLUSTER_SEED",
    "ERROR_TYPES_SHOWN",
    "EXAMPLES_PER_ERROR",
    "TASKS",
    "ErrorType",
    "EvalResult",
    "EvalSettings",
    "TaskResult",
    "counted",
    "default_data_dir",
    "last_json_line",
    "load_data_scorer",
    "ratio",
    "read_json",
    "rounded",
    "run_scorer",
    "snippet",
    "span_words",
]


TASKS = ("attribution", "quantities", "clusters", "compare")


# How many examples of each failure type the error analysis keeps.
EXAMPLES_PER_ERROR = 3


# How many failure types per task the error analysis lists.
ERROR_TYPES_SHOWN = 6


# Feed order for data sets without publication times: a fixed shuffle, so the
# incremental clustering sees an order no folder listing imposes, reproducibly.
CLUSTER_SEED = 13


@dataclass(frozen=True, slots=True)
class EvalSettings:
    """What to evaluate and where the results go."""

    data: Path
    out: Path = Path("eval-results")
    split: str = "dev"
    tasks: tuple[str, ...] = TASKS
    # for quick runs: at most this many texts (PolNeAR), sentences (NewsQuant),
    # articles (each clustering pool) or gold events per compare group
    limit: int | None = None
    seed: int = CLUSTER_SEED
    # the development gold for compare (tests/fixtures/devgold of a checkout); None: skip it
    gold: Path | None = field(default_factory=lambda: _default_gold())


@dataclass(frozen=True, slots=True)
class ErrorType:
    """One kind of failure, how often it happened, and a few examples."""

    name: str
    count: int
    examples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TaskResult:
    """The figures of one task on one data set, as a table and as the scorer's raw output."""

    task: str
    dataset: str
    split: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    figures: Mapping[str, Any]
    errors: tuple[ErrorType, ...] = ()
    notes: tuple[str, ...] = ()
    seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class EvalResult:
    """Every task's results, with where the data came from."""

    data: str
    created: str
    version: str
    tasks: tuple[TaskResult, ...]
    skipped: tuple[str, ...] = field(default=())


def _default_gold() -> Path:
    from storydiff.evaluation.devgold import default_gold_dir

    return default_gold_dir()


def default_data_dir() -> Path:
    """``../shared/eval`` relative to the working directory: where a checkout keeps the data."""
    return Path("..") / "shared" / "eval"


def _scorer_path(data: Path, name: str) -> Path:
    path = data / name
    if not path.is_file():
        raise EvalDataError(
            f"scorer {name} not found; --data must point at a copy of shared/eval with its scorers",
            input=str(data),
        )
    return path


def run_scorer(data: Path, name: str, args: Sequence[str | Path]) -> str:
    """Call one of the data's scorers as its README documents; return its standard output."""
    script = _scorer_path(data, name)
    done = subprocess.run(
        [sys.executable, str(script), *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )
    # score_compare exits 1 only below --min-recall, which the runner never passes
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise EvalDataError(f"scorer {name} failed: {last}", input=str(args[0]))
    return done.stdout


def read_json(path: Path) -> Any:
    """A JSON file of the data or of a scorer; malformed JSON is a one-line error naming it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise EvalDataError(f"not valid JSON ({exc.msg}, line {exc.lineno})", input=str(path)) from None


def last_json_line(output: str) -> dict[str, Any]:
    for line in reversed(output.strip().splitlines()):
        if line.startswith("{"):
            return dict(json.loads(line))
    raise EvalDataError("scorer printed no JSON figures", input=output[:80])


def load_data_scorer(data: Path, name: str) -> ModuleType:
    """Import a scorer as a module, to reuse its gold reading and matching in the error analysis."""
    path = _scorer_path(data, name)
    spec = importlib.util.spec_from_file_location(f"_storydiff_eval_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise EvalDataError(f"cannot import scorer {name}", input=str(path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def counted(counter: Counter[str], examples: Mapping[str, list[str]]) -> tuple[ErrorType, ...]:
    return tuple(
        ErrorType(name, n, tuple(examples.get(name, [])[:EXAMPLES_PER_ERROR]))
        for name, n in counter.most_common(ERROR_TYPES_SHOWN)
    )


def snippet(text: str, start: int, end: int, width: int = 90) -> str:
    """The words of a span, on one line, shortened to ``width`` characters."""
    words = " ".join(text[start:end].split())
    return words if len(words) <= width else words[: width - 1] + "…"


def span_words(text: str, span: Sequence[int], width: int = 90) -> str:
    return snippet(text, span[0], span[1], width)


def rounded(x: float) -> float:
    return round(x, 3)


def ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None
