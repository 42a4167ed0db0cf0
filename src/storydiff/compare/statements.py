"""Whole statements: close paraphrases across reports (agreements) and facts only one report has."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from storydiff.compare.context import Context
from storydiff.compare.thresholds import AGREEMENT_MIN_SIM, UNIQUE_MAX_SIM, UNIQUE_MIN_TOKENS
from storydiff.records import Claim, Finding, Sentence, Statement

__all__ = ["agreements", "dedupe", "unique"]

_STOP = frozenset(
    "that this with from have were been their they said says would could about which there after "
    "before while into over also than them when what where more most some such only other".split()
)


def _content_words(s: Sentence) -> set[str]:
    return {w.strip(".,;:'\"“”‘’()").lower() for w in s.text.split() if len(w) > 3} - _STOP


def _claims_by_sentence(ctx: Context) -> dict[tuple[str, int], list[Claim]]:
    """Every claim of the compared reports under its sentence (article id, sentence index)."""
    index: dict[tuple[str, int], list[Claim]] = {}
    for an in ctx.analyses:
        for c in an.claims:
            index.setdefault((c.article, c.sentence.index), []).append(c)
    return index


def _main_clause(claims: Sequence[Claim]) -> str:
    """The named act of a sentence's main clause ("fire engines raced"), or "" when it has none."""
    events = [c for c in claims if c.kind == "event" and c.attribute != c.predicate]
    # the main clause's claim starts where its subject does, before any subordinate one
    return min(events, key=lambda c: c.start).attribute if events else ""


def agreements(ctx: Context, disputed: set[frozenset[tuple[str, int]]]) -> list[Finding]:
    """Sentences of different reports that paraphrase each other (not those already in conflict)."""
    edges: list[tuple[Sentence, Sentence, float]] = []
    for x, y in itertools.combinations(ctx.analyses, 2):
        if not x.sentences or not y.sentences:
            continue
        rows_x = [ctx.rows[(s.article, s.index)] for s in x.sentences]
        rows_y = [ctx.rows[(s.article, s.index)] for s in y.sentences]
        sims = ctx.vectors[rows_x] @ ctx.vectors[rows_y].T
        for i, j in zip(*np.nonzero(sims >= AGREEMENT_MIN_SIM), strict=True):
            # a best match in either direction keeps the pairings few and strong
            if sims[i].argmax() == j or sims[:, j].argmax() == i:
                sx, sy = x.sentences[i], y.sentences[j]
                pair = frozenset({(sx.article, sx.start), (sy.article, sy.start)})
                if pair not in disputed and _content_words(sx) & _content_words(sy):
                    edges.append((sx, sy, float(sims[i, j])))
    found: list[Finding] = []
    claims = _claims_by_sentence(ctx)
    for group in _paraphrase_groups(edges, ctx, disputed):
        members = sorted(group, key=lambda s: (s.article, s.start))
        sims_in = [ctx.sim(a, b) for a, b in itertools.combinations(members, 2)]
        shared = set.intersection(*(_content_words(s) for s in members))
        outlets = ", ".join(dict.fromkeys(ctx.name(s.article) for s in members))
        # named by the shortest member whose main clause has a subject
        by_length = sorted(members, key=lambda s: len(s.text))
        named = next((n for s in by_length if (n := _main_clause(claims.get((s.article, s.index), [])))), "")
        found.append(
            Finding(
                category="agreement",
                kind="statement",
                subject="" if named else ", ".join(sorted(shared)[:4]) or "statement",
                attribute=named or "statement",
                explanation=f"{outlets} say this in close paraphrase (similarity {min(sims_in):.2f}).",
                statements=tuple(Statement(s.article, s.text, s.start, s.end) for s in members),
            )
        )
    return found


def _paraphrase_groups(
    edges: Sequence[tuple[Sentence, Sentence, float]],
    ctx: Context,
    disputed: set[frozenset[tuple[str, int]]],
) -> list[list[Sentence]]:
    """Groups of sentences every two of which paraphrase each other.

    Complete linkage: the closest pairs are joined first, and two groups merge
    only when every sentence of one is a close paraphrase of every sentence of
    the other and no two of them are disputed. Chaining instead (A like B, B
    like C, so A with C) grew groups of dozens of sentences that share a story
    but not a statement, and called them one statement in paraphrase.
    """
    group_of: dict[Sentence, list[Sentence]] = {}
    for a, b, _ in sorted(edges, key=lambda e: -e[2]):
        ga, gb = group_of.get(a, [a]), group_of.get(b, [b])
        if ga is gb:
            continue
        if any(
            ctx.sim(x, y) < AGREEMENT_MIN_SIM
            or frozenset({(x.article, x.start), (y.article, y.start)}) in disputed
            for x in ga
            for y in gb
        ):
            continue
        merged = ga + gb
        for s in merged:
            group_of[s] = merged
    return list({id(g): g for g in group_of.values()}.values())


def unique(ctx: Context, used: set[tuple[str, int]]) -> list[Finding]:
    """Informative sentences (an event, long enough) that no other report comes close to."""
    if len(ctx.analyses) < 2:
        return []
    found: list[Finding] = []
    claims_of = _claims_by_sentence(ctx)
    for an in ctx.analyses:
        others = [ctx.rows[(s.article, s.index)] for o in ctx.analyses if o is not an for s in o.sentences]
        if not others:
            continue
        for s in an.sentences:
            if (s.article, s.start) in used or len(s.text.split()) < UNIQUE_MIN_TOKENS:
                continue
            claims = claims_of.get((s.article, s.index), [])
            if not any(c.kind == "event" for c in claims):
                continue
            best = float((ctx.vectors[others] @ ctx.vectors[ctx.rows[(s.article, s.index)]]).max())
            if best >= UNIQUE_MAX_SIM:
                continue
            main = next((c for c in claims if c.kind == "event"), claims[0])
            speaker = next((c.speaker for c in claims if c.speaker), None)
            found.append(
                Finding(
                    category="unique",
                    kind="fact",
                    subject="" if main.kind == "event" and main.attribute != main.predicate else main.subject,
                    attribute=main.attribute,
                    explanation=(
                        f"only {ctx.name(s.article)} reports this "
                        f"(closest sentence elsewhere: similarity {best:.2f})."
                    ),
                    statements=(Statement(s.article, s.text, s.start, s.end, None, speaker),),
                )
            )
    return found


def dedupe(findings: Sequence[Finding]) -> list[Finding]:
    """Drop a finding whose evidence sentences are all covered by an earlier one."""
    kept: list[Finding] = []
    covered: list[set[tuple[str, int]]] = []
    for f in findings:
        spans = {(s.article, s.start) for s in f.statements}
        if any(spans <= c for c in covered):
            continue
        kept.append(f)
        covered.append(spans)
    return kept
