"""Compare analysed reports: conflicts, possible differences, agreements, unique facts.

Structure proposes, one calibrated scorer decides:

1. **Context**: every sentence embedded once (MiniLM); articles named by outlet.
2. **Candidates** (:mod:`.numeric`, :mod:`.dates`, :mod:`.polarity`,
   :mod:`.quotes`): pairs of claims that *may* be about one thing and whose
   values cannot both hold (figures of comparable units whose ranges do not
   overlap, different days, opposite polarity of one predicate, one quotation
   under two names), and pairs whose values agree.
3. **Scoring** (:mod:`.features`, :mod:`.scorer`): the frames of the proposed
   claims are embedded, each pair gets the same general features, and the pair
   scorer gives the calibrated probability that the two statements are about
   the same thing. For differing values that is the probability of a conflict.
4. **Findings** (:mod:`.findings`): pairs at or above the scorer's threshold are
   conflicts; pairs between its floor and its threshold are possible
   differences, kept apart; agreeing pairs above the threshold are agreements.
   Close paraphrases and facts only one report has come from the sentence
   embeddings (:mod:`.statements`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from storydiff.compare import dates, numeric, polarity, quotes, statements
from storydiff.compare.context import Context, build_context
from storydiff.compare.embeddings import Embedder
from storydiff.compare.features import FEATURES, feature_matrix
from storydiff.compare.findings import group_agreements, group_conflicts
from storydiff.compare.pairs import Pair
from storydiff.compare.scorer import PairScorer, load_scorer
from storydiff.records import Analysis, Finding

__all__ = ["COMPARE_VERSION", "Comparison", "candidate_pairs", "compare_analyses", "report_version"]

# The version of what the comparison makes of the same analyses: raise it with any change to
# candidates, features, findings or their names. A stored story report made under another
# version (or another scorer) is made again when it is next read.
COMPARE_VERSION = 4


def report_version(scorer: PairScorer | None = None) -> str:
    """What a stored story report must have been made with to be reused: this comparison and scorer."""
    return f"{COMPARE_VERSION}:{(scorer or load_scorer()).fingerprint()}"


# Conflict kinds in the order their findings are listed (the most specific first, so a
# numeric conflict is kept over a polarity one on the same two sentences).
_KINDS = {
    "numeric": numeric.describe,
    "date": dates.describe,
    "polarity": polarity.describe,
    "attribution": quotes.describe,
}
_AGREEMENTS = {"numeric": numeric.describe_agreement, "date": dates.describe_agreement}


@dataclass(frozen=True, slots=True)
class Comparison:
    """What comparing reports found."""

    conflicts: tuple[Finding, ...]
    possible: tuple[Finding, ...]
    agreements: tuple[Finding, ...]
    unique: tuple[Finding, ...]


def candidate_pairs(
    analyses: Sequence[Analysis],
    embedder: Embedder,
    *,
    agreeing: bool = False,
    sentence_vectors: Mapping[str, np.ndarray] | None = None,
) -> tuple[list[Pair], np.ndarray, Context]:
    """Every candidate pair with its feature row, and the context they were computed in.

    With ``agreeing``, agreeing pairs of every kind are proposed too (the fitting
    of the scorer learns from them); without it only those that can become
    agreements in a report (figures and dates). ``sentence_vectors``: embeddings
    made earlier, per article (see :func:`.context.build_context`).
    """
    ctx = build_context(analyses, embedder, sentence_vectors)
    pairs = [
        *numeric.candidates(ctx),
        *dates.candidates(ctx),
        *polarity.candidates(ctx, agreeing=agreeing),
        *quotes.candidates(ctx, embedder, agreeing=agreeing),
    ]
    ctx = ctx.with_frames((c for p in pairs for c in (p.left, p.right)), embedder)
    return pairs, feature_matrix(pairs, ctx), ctx


def compare_analyses(
    analyses: Sequence[Analysis],
    embedder: Embedder,
    scorer: PairScorer | None = None,
    *,
    sentence_vectors: Mapping[str, np.ndarray] | None = None,
) -> Comparison:
    """Compare analysed articles (see the module docstring for the steps).

    ``sentence_vectors`` (article id -> its sentences' embeddings) are used
    instead of embedding those articles again; the rest are embedded here.
    """
    scorer = scorer or load_scorer()
    pairs, x, ctx = candidate_pairs(analyses, embedder, sentence_vectors=sentence_vectors)
    scored = list(zip(pairs, scorer.probability(x).tolist(), strict=True))
    conflicts: list[Finding] = []
    possible: list[Finding] = []
    agreements: list[Finding] = []
    for kind, describe in _KINDS.items():
        of_kind = [(p, s) for p, s in scored if p.kind == kind]
        confident, weak = group_conflicts(of_kind, ctx, describe, scorer.threshold, scorer.floor)
        conflicts += confident
        possible += weak
        if kind in _AGREEMENTS:
            agreements += group_agreements(of_kind, ctx, _AGREEMENTS[kind], scorer.threshold)
    conflicts = statements.dedupe(conflicts)
    possible = [f for f in statements.dedupe(conflicts + possible) if f.category == "possible"]
    # two sentences whose values differ and are each other's closest claims are no paraphrase
    # of each other, however similar their words ("a city of 69,000" / "a city of 400,000")
    mutual = x[:, FEATURES.index("mutual_best")] if len(pairs) else np.zeros(0)
    disputed = {
        frozenset({(a.article, a.start), (b.article, b.start)})
        for f in conflicts
        for a, b in itertools.combinations(f.statements, 2)
    } | {
        frozenset({(p.left.article, p.left.sentence.start), (p.right.article, p.right.sentence.start)})
        for p, m in zip(pairs, mutual, strict=True)
        if not p.agree and m
    }
    agreements = statements.dedupe(agreements + statements.agreements(ctx, disputed))
    used = {(s.article, s.start) for f in conflicts + agreements for s in f.statements}
    unique = statements.unique(ctx, used)
    conflicts.sort(key=lambda f: (f.severity != "major", -(f.confidence or 0), _position(f)))
    possible.sort(key=lambda f: (-(f.confidence or 0), _position(f)))
    agreements.sort(key=lambda f: (-len(f.articles), _position(f)))
    return Comparison(tuple(conflicts), tuple(possible), tuple(agreements), tuple(unique))


def _position(f: Finding) -> tuple[str, int]:
    s = f.statements[0]
    return (s.article, s.start)
