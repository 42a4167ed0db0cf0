"""The storydiff pipeline, stage by stage.

::

    ingest    sources.load_inputs     files, HTML, URLs, stdin -> Article (+ rejected inputs)
    extract   (inside ingest)         main text and metadata (trafilatura), language check
    analyze   nlp.parse_many          furniture blanked, spaCy parse (a text over 100 kB in pieces),
                                      sentences at line breaks
    claims    claims.analyze          quantities, dates, attributions, events -> Claim
    align     compare.candidate_pairs   sentence embeddings; candidate pairs proposed by structure
    compare   compare.compare_analyses  the pair scorer decides: conflicts, possible differences,
                                      agreements, unique facts -> Finding
    report    Report                  rendered by report.registry.render (terminal, Markdown, JSON, HTML)
"""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence
from importlib import resources
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING, TextIO

import httpx

from storydiff.analysis.claims import analyze
from storydiff.analysis.nlp import parse_many
from storydiff.compare import compare_analyses
from storydiff.compare.embeddings import Embedder, default_embedder
from storydiff.compare.scorer import PairScorer, load_scorer
from storydiff.errors import NoArticlesError
from storydiff.inputs.sources import load_inputs
from storydiff.records import Analysis, Article, Rejection, Report
from storydiff.settings import Settings

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["analyze_articles", "compare_articles", "demo_paths", "run"]

# Called with (stage name, done, total) as the pipeline advances.
Progress = Callable[[str, int, int], None]


def run(
    specs: Sequence[str],
    settings: Settings | None = None,
    *,
    embedder: Embedder | None = None,
    client: httpx.Client | None = None,
    stdin: TextIO | None = None,
    progress: Progress | None = None,
) -> Report:
    """Read the inputs and compare them: the whole pipeline in one call."""
    settings = settings or Settings()
    loaded = load_inputs(specs, settings, client=client, stdin=stdin)  # ingest + extract
    if not loaded.articles:
        reasons = "; ".join(f"{r.input}: {r.reason}" for r in loaded.rejected) or "no input given"
        raise NoArticlesError(f"no usable report to compare ({reasons})")
    scorer = load_scorer(Path(settings.scorer)) if settings.scorer else None
    return compare_articles(
        loaded.articles, embedder=embedder, rejected=loaded.rejected, progress=progress, scorer=scorer
    )


def analyze_articles(
    articles: Sequence[Article],
    progress: Progress | None = None,
    *,
    timings: MutableMapping[str, float] | None = None,
    docs: Sequence[Doc] | None = None,
    errors: MutableMapping[str, str] | None = None,
) -> list[Analysis]:
    """Parse each article and read its sentences, attributions and claims.

    With ``timings`` (the benchmark's hook), seconds per stage are added to its
    ``"cleanup"``, ``"parse"`` and ``"claims"`` entries. ``docs`` are the
    articles' parses when the caller has them already (the corpus parses once
    for clustering features and analysis). With ``errors`` (a batch run), an
    article whose analysis fails is recorded there (id -> reason) and left out
    of the result instead of stopping the others.
    """
    analyses = []
    parsed = docs if docs is not None else parse_many((a.text for a in articles), timings=timings)
    for n, (article, doc) in enumerate(zip(articles, parsed, strict=True)):
        start = perf_counter()
        if errors is None:
            analyses.append(analyze(article, doc))  # claims
        else:
            try:
                analyses.append(analyze(article, doc))
            except Exception as exc:  # one bad article must not sink the batch
                errors[article.id] = f"analysis failed: {type(exc).__name__}: {exc}"
        if timings is not None:
            timings["claims"] = timings.get("claims", 0.0) + perf_counter() - start
        if progress:
            progress("analyze", n + 1, len(articles))
    return analyses


def compare_articles(
    articles: Sequence[Article],
    *,
    embedder: Embedder | None = None,
    rejected: Sequence[Rejection] = (),
    progress: Progress | None = None,
    scorer: PairScorer | None = None,
) -> Report:
    """Compare already-loaded articles and build the report (``scorer``: default the packaged one)."""
    analyses = analyze_articles(articles, progress)  # analyze + claims
    if progress:
        progress("compare", 0, 1)
    found = compare_analyses(analyses, embedder or default_embedder(), scorer)  # align, score, compare
    if progress:
        progress("compare", 1, 1)
    warnings = tuple(f"{r.input}: {r.reason}" for r in rejected)
    if len(articles) == 1:
        warnings += (f"only one report ({articles[0].id}): showing its inner conflicts and attributions",)
    return Report(
        articles=tuple(articles),
        conflicts=found.conflicts,
        possible=found.possible,
        agreements=found.agreements,
        unique=found.unique,
        attributions=tuple(at for a in analyses for at in a.attributions),
        rejected=tuple(rejected),
        warnings=warnings,
    )


def demo_paths() -> list[str]:
    """Paths of the demo reports bundled with the package (a fictional event, four outlets)."""
    folder = resources.files("storydiff") / "demo"
    return sorted(str(p) for p in folder.iterdir() if p.name.endswith(".txt"))
