"""The clusters task: story clustering on ECB+, NewsWCL50, MEANTIME and NeuS.

Scored by the data's ``score_clusters.py``.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storydiff.evaluation.common import (
    EvalSettings,
    TaskResult,
    counted,
    last_json_line,
    read_json,
    run_scorer,
    snippet,
)
from storydiff.records import Article

__all__ = [
    "ClusterPool",
    "cluster_pools",
    "eval_clusters",
    "score_clustering",
]


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


def eval_clusters(
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
            errors=counted(counts, examples),
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
    return last_json_line(run_scorer(data, "score_clusters.py", [gold_path, pred_path]))


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
    first_line = {a.id: snippet(a.text, 0, len(a.text.split("\n", 1)[0]), 60) for a in articles}
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
    stories = read_json(stories_path)
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
