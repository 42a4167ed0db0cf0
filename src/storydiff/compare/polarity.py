"""Polarity findings: one report says something happened (or is so), another that it did not.

Structure proposes two event claims with the same predicate and opposite
negation ("the mayor signed the order" / "the mayor did not sign it"); the pair
scorer decides whether they are about the same act of the same participants,
which is what separates a denial from two different acts that share a verb.
"""

from __future__ import annotations

import itertools

from storydiff.compare.context import Context
from storydiff.compare.findings import Scored, statement, who
from storydiff.compare.pairs import Pair, may_differ
from storydiff.compare.thresholds import CANDIDATE_MIN_SIM
from storydiff.records import Finding

__all__ = ["candidates", "describe"]


def candidates(ctx: Context, *, agreeing: bool = False) -> list[Pair]:
    """Pairs of one predicate with opposite polarity (and, with ``agreeing``, the same polarity)."""
    claims = [c for an in ctx.analyses for c in an.claims if c.kind == "event" and c.predicate]
    by_predicate: dict[str, list] = {}
    for c in claims:
        by_predicate.setdefault(c.predicate or "", []).append(c)
    pairs = []
    for group in by_predicate.values():
        for a, b in itertools.combinations(group, 2):
            agree = a.negated == b.negated
            if agree and (not agreeing or a.article == b.article):
                continue
            if may_differ(a, b) and ctx.sim(a.sentence, b.sentence) >= CANDIDATE_MIN_SIM:
                pairs.append(Pair("polarity", a, b, agree))
    return pairs


def describe(group: list[Scored], ctx: Context) -> Finding:
    """A polarity conflict: who affirms it, who denies it."""
    a, b = group[0][0].left, group[0][0].right
    yes, no = (b, a) if a.negated else (a, b)
    return Finding(
        category="conflict",
        kind="polarity",
        # a named clause ("the sprinkler system was working", the affirmed side's words) holds its
        # subject: the conflict is asked as a question
        subject="" if yes.attribute != yes.predicate else yes.subject,
        attribute=f"whether {yes.attribute}" if yes.attribute != yes.predicate else yes.attribute,
        severity="major",
        explanation=f"{who(yes, ctx)} affirms '{yes.value}'; {who(no, ctx)} denies it ('{no.value}').",
        statements=(statement(yes), statement(no)),
    )
