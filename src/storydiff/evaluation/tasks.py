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

import importlib.util
import json
import random
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from storydiff.errors import EvalDataError, StorydiffError
from storydiff.records import Article
from storydiff.report.registry import register, render, renderer

__all__ = [
    "TASKS",
    "ClusterPool",
    "ErrorType",
    "EvalResult",
    "EvalSettings",
    "TaskResult",
    "cluster_pools",
    "default_data_dir",
    "evaluate",
    "score_clustering",
    "write_results",
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
        "attribution": _eval_attribution,
        "quantities": _eval_quantities,
        "clusters": _eval_clusters,
        "compare": _eval_compare,
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


# -- scorers ------------------------------------------------------------------


def _scorer_path(data: Path, name: str) -> Path:
    path = data / name
    if not path.is_file():
        raise EvalDataError(
            f"scorer {name} not found; --data must point at a copy of shared/eval with its scorers",
            input=str(data),
        )
    return path


def _run_scorer(data: Path, name: str, args: Sequence[str | Path]) -> str:
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


def _read_json(path: Path) -> Any:
    """A JSON file of the data or of a scorer; malformed JSON is a one-line error naming it."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise EvalDataError(f"not valid JSON ({exc.msg}, line {exc.lineno})", input=str(path)) from None


def _last_json_line(output: str) -> dict[str, Any]:
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


def _counted(counter: Counter[str], examples: Mapping[str, list[str]]) -> tuple[ErrorType, ...]:
    return tuple(
        ErrorType(name, n, tuple(examples.get(name, [])[:EXAMPLES_PER_ERROR]))
        for name, n in counter.most_common(ERROR_TYPES_SHOWN)
    )


def _snippet(text: str, start: int, end: int, width: int = 90) -> str:
    """The words of a span, on one line, shortened to ``width`` characters."""
    words = " ".join(text[start:end].split())
    return words if len(words) <= width else words[: width - 1] + "…"


def _span_words(text: str, span: Sequence[int], width: int = 90) -> str:
    return _snippet(text, span[0], span[1], width)


def _round(x: float) -> float:
    return round(x, 3)


# -- 1. who said what (PolNeAR) -------------------------------------------------

SPAN_TYPES = ("source", "cue", "content")
QUOTE_MARKS = "\"“”‘'«"
# A cue word seen fewer times than this joins "other cue words" in the error analysis.
RARE_CUE = 5


def _eval_attribution(
    settings: EvalSettings, work: Path, say: Callable[[str], None]
) -> tuple[list[TaskResult], list[str]]:
    folder = settings.data / "polnear" / settings.split
    if not (folder / "text").is_dir():
        return [], [f"attribution: {folder}/text not found"]
    started = time.perf_counter()
    from storydiff.analysis.attribution import extract_attributions
    from storydiff.analysis.nlp import parse_many

    texts = sorted((folder / "text").glob("*.txt"))
    gold_dir = folder
    if settings.limit:
        texts = texts[: settings.limit]
        gold_dir = _sample_polnear(folder, texts, work / "polnear-sample")
    contents = [p.read_text(encoding="utf-8") for p in texts]
    pred_path = work / f"polnear-{settings.split}.pred.jsonl"
    predicted: dict[str, list[dict[str, Any]]] = {}
    with pred_path.open("w", encoding="utf-8") as out:
        for n, (path, doc) in enumerate(zip(texts, parse_many(contents), strict=True)):
            found = [
                {
                    "source": [a.speaker_start, a.speaker_end] if a.speaker_start is not None else None,
                    "cue": [a.cue_start, a.cue_end],
                    "content": [a.content_start, a.content_end],
                }
                for a in extract_attributions(doc, path.stem)
            ]
            predicted[path.stem] = found
            out.write(json.dumps({"file": path.name, "attributions": found}) + "\n")
            if (n + 1) % 20 == 0:
                say(f"attribution: {n + 1}/{len(texts)} texts")
    figures_path = work / f"polnear-{settings.split}.figures.json"
    _run_scorer(settings.data, "score_polnear.py", [gold_dir, pred_path, "--json", figures_path])
    figures = _read_json(figures_path)
    primary = figures["primary"]
    rows = []
    for kind in SPAN_TYPES:
        r = primary[kind]
        rows.append(
            (
                kind,
                r["gold"],
                r["pred"],
                *(_round(r["exact"][k]) for k in ("P", "R", "F1")),
                *(_round(r["overlap"][k]) for k in ("P", "R", "F1")),
            )
        )
    scorer = load_data_scorer(settings.data, "score_polnear.py")
    errors = _attribution_errors(scorer, gold_dir, predicted)
    return [
        TaskResult(
            task="attribution",
            dataset="PolNeAR",
            split=settings.split,
            columns=("span", "gold", "pred", "exact P", "exact R", "exact F1", "ovl P", "ovl R", "ovl F1"),
            rows=tuple(rows),
            figures={"texts": figures["texts"], "primary": primary},
            errors=errors,
            notes=(
                "human agreement (overlap F1): source 0.936, content 0.906",
                "target (dev, overlap F1): source >= 0.85, content >= 0.80",
            ),
            seconds=round(time.perf_counter() - started, 1),
        )
    ], []


def _sample_polnear(folder: Path, texts: Sequence[Path], into: Path) -> Path:
    """A gold folder holding only the sampled texts, so the scorer scores just those."""
    for sub in ("text", "attributions"):
        (into / sub).mkdir(parents=True, exist_ok=True)
        for old in (into / sub).iterdir():
            old.unlink()
    for path in texts:
        (into / "text" / path.name).write_bytes(path.read_bytes())
        for ann in (folder / "attributions").glob(f"{path.stem}_*.ann"):
            (into / "attributions" / ann.name).write_bytes(ann.read_bytes())
    return into


def _attribution_errors(
    scorer: ModuleType, gold_dir: Path, predicted: Mapping[str, list[dict[str, Any]]]
) -> tuple[ErrorType, ...]:
    """Misses and false alarms by cue word, and span-extent disagreements, using the scorer's gold."""
    gold, texts, _warnings, _chosen = scorer.load_gold(str(gold_dir))
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)

    def note(kind: str, example: str) -> None:
        counts[kind] += 1
        examples[kind].append(example)

    for stem, text in texts.items():
        preds = predicted.get(stem, [])
        golds = gold.get(stem, [])
        pred_cues = [tuple(p["cue"]) for p in preds]
        for g in golds:
            cue = g["cue"]
            match = next((i for i, c in enumerate(pred_cues) if cue and _overlap(cue, c)), None)
            if cue is None:
                continue
            if match is None:
                label = _cue_class(text, cue, g["content"])
                note(
                    f"missed attribution ({label})",
                    f"{stem}: {_span_words(text, cue, 40)} | {_span_words(text, g['content'] or cue)}",
                )
                continue
            p = preds[match]
            for kind in ("source", "content"):
                gs, ps = g[kind], p[kind]
                if gs and not ps:
                    note(f"{kind} missing (cue found)", f"{stem}: gold {kind} '{_span_words(text, gs, 60)}'")
                elif gs and ps and not _overlap(gs, ps):
                    note(
                        f"wrong {kind} (no overlap)",
                        f"{stem}: gold '{_span_words(text, gs, 50)}' vs ours '{_span_words(text, ps, 50)}'",
                    )
                elif gs and ps and tuple(scorer.normalise(gs, text)) != tuple(scorer.normalise(ps, text)):
                    side = "longer" if ps[1] - ps[0] > gs[1] - gs[0] else "shorter"
                    note(
                        f"{kind} extent {side} than gold",
                        f"{stem}: gold '{_span_words(text, gs, 50)}' vs ours '{_span_words(text, ps, 50)}'",
                    )
        gold_cues = [g["cue"] for g in golds if g["cue"]]
        for p in preds:
            if not any(_overlap(tuple(p["cue"]), g) for g in gold_cues):
                label = _cue_class(text, p["cue"], p["content"])
                note(
                    f"false attribution ({label})",
                    f"{stem}: {_span_words(text, p['cue'], 30)} | {_span_words(text, p['content'])}",
                )
    # cue words are many and thin; fold the rare ones into one bucket each way
    folded: Counter[str] = Counter()
    folded_examples: dict[str, list[str]] = defaultdict(list)
    rare_words: dict[str, Counter[str]] = defaultdict(Counter)
    for name, n in counts.items():
        key = name
        if "cue '" in name and n < RARE_CUE:
            key = name.split("cue '")[0] + "other cue words)"
            rare_words[key][name.split("cue '")[1].rstrip("')")] += n
        folded[key] += n
        folded_examples[key].extend(examples[name])
    for key, words in rare_words.items():
        # the long tail is the finding: name its commonest words before the examples
        tail = ", ".join(f"{w} ({n})" for w, n in words.most_common(12))
        folded_examples[key].insert(0, f"{len(words)} different cue words, e.g. {tail}")
    return _counted(folded, folded_examples)


def _cue_class(text: str, cue: Sequence[int], content: Sequence[int] | None) -> str:
    """What kind of attribution a cue makes: punctuation, a quotation, "according to", or its word."""
    words = text[cue[0] : cue[1]].strip()
    if not any(c.isalnum() for c in words):
        return "punctuation cue"
    if "according" in words.lower():
        return "'according to'"
    opening = text[content[0] : content[0] + 2].lstrip() if content else ""
    if opening[:1] in QUOTE_MARKS:
        return f"direct quotation, cue '{words.lower()[:20]}'"
    return f"cue '{words.lower()[:20]}'"


def _overlap(a: Sequence[int] | None, b: Sequence[int] | None) -> bool:
    return bool(a and b and a[0] < b[1] and b[0] < a[1])


# -- 2. quantities (NewsQuant) --------------------------------------------------


def _eval_quantities(
    settings: EvalSettings, work: Path, say: Callable[[str], None]
) -> tuple[list[TaskResult], list[str]]:
    gold_path = settings.data / "newsquant" / f"{settings.split}.json"
    if not gold_path.is_file():
        return [], [f"quantities: {gold_path} not found"]
    started = time.perf_counter()
    gold = _read_json(gold_path)
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
        out = _run_scorer(settings.data, "score_quantities.py", [gold_path, pred_path])
        res = _last_json_line(out)
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
    gold = _read_json(gold_path)
    pred = _read_json(pred_path)
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
    return _counted(counts, examples)


def _same_value(scorer: ModuleType, a: Any, b: Any) -> bool:
    try:
        return bool(scorer.values_match(scorer.parse_value(a), scorer.parse_value(b)))
    except (ValueError, TypeError):
        return False


# -- 3. story clustering --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClusterPool:
    """Articles from several stories with the gold story of each."""

    name: str
    articles: tuple[Article, ...]
    gold: Mapping[str, str]
    ordered: bool = False  # already in publication order


def cluster_pools(data: Path) -> tuple[list[ClusterPool], list[str]]:
    """The story-clustering sets under ``data`` (ECB+, NewsWCL50, MEANTIME, NeuS), and why any is missing."""
    pools, missing = [], []
    for reader in (_ecbplus_pool, _newswcl50_pool, _meantime_pool, _neus_pool):
        pool, why = reader(data)
        if pool is None:
            missing.append(f"clusters: {why}")
        else:
            pools.append(pool)
    return pools, missing


def _eval_clusters(
    settings: EvalSettings, work: Path, say: Callable[[str], None]
) -> tuple[list[TaskResult], list[str]]:
    from storydiff.corpus.stories import cluster_articles

    pools, missing = cluster_pools(settings.data)
    rows, figures = [], {}
    counts: Counter[str] = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    started = time.perf_counter()
    for pool in pools:
        articles = list(pool.articles)
        if not pool.ordered:
            random.Random(settings.seed).shuffle(articles)
        if settings.limit:
            articles = _stratified(articles, pool.gold, settings.limit)
        say(f"clusters: {pool.name} ({len(articles)} articles)")
        predicted = cluster_articles(articles)
        gold = {a.id: pool.gold[a.id] for a in articles}
        res = score_clustering(settings.data, work, pool.name, gold, predicted)
        figures[pool.name] = res
        rows.append(
            (
                pool.name,
                res["docs"],
                res["gold_clusters"],
                res["pred_clusters"],
                *(res["b3"][k] for k in ("P", "R", "F1")),
                res["pairwise"]["F1"],
            )
        )
        _cluster_errors(pool.name, articles, gold, predicted, counts, examples)
    if not pools:
        return [], missing
    return [
        TaskResult(
            task="clusters",
            dataset="ECB+ stories, NewsWCL50 topics, MEANTIME corpora, NeuS clusters",
            split="all",
            columns=("data set", "docs", "gold", "pred", "B3 P", "B3 R", "B3 F1", "pairwise F1"),
            rows=tuple(rows),
            figures=figures,
            errors=_counted(counts, examples),
            notes=(
                "incremental: one article at a time in a fixed shuffled order (seed "
                f"{settings.seed}); one setting for every set",
                "baseline (TF-IDF, average link, best threshold): ECB+ stories B3 F1 87.5",
                "target: ECB+ stories B3 F1 >= 92",
            ),
            seconds=round(time.perf_counter() - started, 1),
        )
    ], missing


def score_clustering(
    data: Path, work: Path, name: str, gold: Mapping[str, str], predicted: Mapping[str, str]
) -> dict[str, Any]:
    """Score a grouping with the data's ``score_clusters.py`` (its files go to ``work``); the figures."""
    gold_path = work / f"clusters-{name}.gold.json"
    pred_path = work / f"clusters-{name}.pred.json"
    gold_path.write_text(json.dumps(gold, indent=0), encoding="utf-8")
    pred_path.write_text(json.dumps(predicted, indent=0), encoding="utf-8")
    return _last_json_line(_run_scorer(data, "score_clusters.py", [gold_path, pred_path]))


def _stratified(articles: list[Article], gold: Mapping[str, str], limit: int) -> list[Article]:
    """Whole stories, in order of first appearance, until they hold about ``limit`` articles.

    A sample keeps every article of the stories it takes, so it still scores
    story clustering rather than cut stories; the feed order is kept.
    """
    sizes = Counter(gold[a.id] for a in articles)
    keep: set[str] = set()
    total = 0
    for a in articles:
        story = gold[a.id]
        if story not in keep and total < limit:
            keep.add(story)
            total += sizes[story]
    return [a for a in articles if gold[a.id] in keep]


def _cluster_errors(
    name: str,
    articles: Sequence[Article],
    gold: Mapping[str, str],
    predicted: Mapping[str, str],
    counts: Counter[str],
    examples: dict[str, list[str]],
) -> None:
    """Stories merged into one cluster, and stories split across clusters."""
    by_pred: dict[str, set[str]] = defaultdict(set)
    by_gold: dict[str, set[str]] = defaultdict(set)
    for doc, story in gold.items():
        by_pred[predicted.get(doc, doc)].add(doc)
        by_gold[story].add(doc)
    first_line = {a.id: _snippet(a.text, 0, len(a.text.split("\n", 1)[0]), 60) for a in articles}
    for docs in by_pred.values():
        stories = {gold[d] for d in docs}
        if len(stories) > 1:
            counts["stories merged into one cluster"] += 1
            picks = [next(d for d in sorted(docs) if gold[d] == s) for s in sorted(stories)[:2]]
            examples["stories merged into one cluster"].append(
                f"{name}: " + " + ".join(f"{d} '{first_line[d]}'" for d in picks)
            )
    for story, docs in by_gold.items():
        parts = {predicted.get(d, d) for d in docs}
        if len(parts) > 1:
            counts["story split over clusters"] += 1
            examples["story split over clusters"].append(
                f"{name}: story {story}, {len(docs)} docs in {len(parts)} clusters"
            )


def _ecbplus_pool(data: Path) -> tuple[ClusterPool | None, str]:
    folder = data / "ecbplus"
    stories_path, text = folder / "stories.json", folder / "text"
    if not stories_path.is_file() or not text.is_dir():
        return None, f"{folder}/stories.json or text/ not found"
    stories = _read_json(stories_path)
    articles = []
    for key in sorted(stories):
        path = text / f"{key}.txt"
        if path.is_file():
            articles.append(Article(id=key, text=path.read_text(encoding="utf-8"), path=str(path)))
    if not articles:
        return None, f"no texts for {stories_path} under {text}"
    return ClusterPool("ecbplus-stories", tuple(articles), {a.id: str(stories[a.id]) for a in articles}), ""


def _newswcl50_pool(data: Path) -> tuple[ClusterPool | None, str]:
    text = data / "newswcl50" / "text"
    if not text.is_dir():
        return None, f"{text} not found"
    articles = [
        Article(id=f"{p.parent.name}/{p.stem}", text=p.read_text(encoding="utf-8"), path=str(p))
        for p in sorted(text.glob("*/*.txt"))
    ]
    return ClusterPool("newswcl50", tuple(articles), {a.id: a.id.split("/")[0] for a in articles}), ""


def _meantime_pool(data: Path) -> tuple[ClusterPool | None, str]:
    path = data / "meantime" / "meantime_dev.conll"
    if not path.is_file():
        return None, f"{path} not found"
    tokens: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if line.startswith("#") or len(cols) < 4:
            continue
        tokens[cols[0]][int(cols[1])].append(cols[3])
    articles = [
        Article(id=doc, text="\n".join(" ".join(words) for _, words in sorted(sents.items())))
        for doc, sents in sorted(tokens.items())
    ]
    return ClusterPool("meantime", tuple(articles), {a.id: a.id.split("/")[0] for a in articles}), ""


_NEUS_PART = re.compile(r"TITLE=>\s*(?P<title>.*?)\s*ARTICLE=>\s*(?P<body>.*)", re.S)


def _neus_pool(data: Path) -> tuple[ClusterPool | None, str]:
    path = data / "neus" / "val.source"
    if not path.is_file():
        return None, f"{path} not found"
    articles, gold = [], {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        for k, part in enumerate(line.split("[SEP]")):
            m = _NEUS_PART.search(part)
            if not m:
                continue
            doc = f"{n}/{k}"
            articles.append(Article(id=doc, text=f"{m['title']}\n{m['body']}", title=m["title"]))
            gold[doc] = str(n)
    return ClusterPool("neus", tuple(articles), gold), ""


# -- 4. compare -------------------------------------------------------------------

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
            _CompareCase("belgorod", "belgorod", _read_json(belgorod), belgorod, _gold_docs(belgorod))
        )
    else:
        missing.append(f"compare: {belgorod} not found")
    wcl = settings.data / "newswcl50" / "gold"
    for gold_path in sorted(wcl.glob("*.json"))[: settings.limit]:
        name = f"newswcl50/{gold_path.stem}"
        cases.append(
            _CompareCase(
                "newswcl50 public gold", name, _read_json(gold_path), gold_path, _gold_docs(gold_path)
            )
        )
    if not wcl.is_dir():
        missing.append(f"compare: {wcl} not found")
    demo_gold = Path(demo_paths()[0]).parent / "gold.json"
    cases.append(
        _CompareCase("demo (bundled)", "demo", _read_json(demo_gold), demo_gold, _gold_docs(demo_gold))
    )
    return cases, missing


def _eval_compare(
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
        for e in _counted(errors[group], examples[group])
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
        "discrepancy_recall": _ratio(t["found"], t["discrepancies"]),
        "conflict_precision": _ratio(t["right"], t["conflicts"]),
        "false_conflicts_per_agreeing_event": _ratio(t["agreeing_false"], t["agreeing_events"]),
        "corroborated_recall": _ratio(t["corroborated_found"], t["corroborated"]),
    }


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


def _gold_docs(gold_path: Path) -> tuple[Path, ...]:
    """The reports a gold file is about: its ``docs`` paths, else ``../text/<stem>/*.txt``."""
    gold = _read_json(gold_path)
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


# -- output ---------------------------------------------------------------------


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
