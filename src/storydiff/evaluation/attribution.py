"""The attribution task: storydiff's attributions on PolNeAR, scored by ``score_polnear.py``."""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from storydiff.evaluation.common import (
    ErrorType,
    EvalSettings,
    TaskResult,
    counted,
    load_data_scorer,
    read_json,
    rounded,
    run_scorer,
    span_words,
)

__all__ = [
    "QUOTE_MARKS",
    "RARE_CUE",
    "SPAN_TYPES",
    "eval_attribution",
]


SPAN_TYPES = ("source", "cue", "content")


QUOTE_MARKS = "\"“”‘'«"


# A cue word seen fewer times than this joins "other cue words" in the error analysis.
RARE_CUE = 5


def eval_attribution(
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
    run_scorer(settings.data, "score_polnear.py", [gold_dir, pred_path, "--json", figures_path])
    figures = read_json(figures_path)
    primary = figures["primary"]
    rows = []
    for kind in SPAN_TYPES:
        r = primary[kind]
        rows.append(
            (
                kind,
                r["gold"],
                r["pred"],
                *(rounded(r["exact"][k]) for k in ("P", "R", "F1")),
                *(rounded(r["overlap"][k]) for k in ("P", "R", "F1")),
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
                    f"{stem}: {span_words(text, cue, 40)} | {span_words(text, g['content'] or cue)}",
                )
                continue
            p = preds[match]
            for kind in ("source", "content"):
                gs, ps = g[kind], p[kind]
                if gs and not ps:
                    note(f"{kind} missing (cue found)", f"{stem}: gold {kind} '{span_words(text, gs, 60)}'")
                elif gs and ps and not _overlap(gs, ps):
                    note(
                        f"wrong {kind} (no overlap)",
                        f"{stem}: gold '{span_words(text, gs, 50)}' vs ours '{span_words(text, ps, 50)}'",
                    )
                elif gs and ps and tuple(scorer.normalise(gs, text)) != tuple(scorer.normalise(ps, text)):
                    side = "longer" if ps[1] - ps[0] > gs[1] - gs[0] else "shorter"
                    note(
                        f"{kind} extent {side} than gold",
                        f"{stem}: gold '{span_words(text, gs, 50)}' vs ours '{span_words(text, ps, 50)}'",
                    )
        gold_cues = [g["cue"] for g in golds if g["cue"]]
        for p in preds:
            if not any(_overlap(tuple(p["cue"]), g) for g in gold_cues):
                label = _cue_class(text, p["cue"], p["content"])
                note(
                    f"false attribution ({label})",
                    f"{stem}: {span_words(text, p['cue'], 30)} | {span_words(text, p['content'])}",
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
    return counted(folded, folded_examples)


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
