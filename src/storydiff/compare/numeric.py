"""Numeric findings: figures of comparable units whose ranges cannot both hold.

Structure proposes a pair when two quantities have the same dimension (and, but
for counts, the same base unit: 12 km and 7.5 miles are compared in km), come
from two reports or two voices, and their sentences share some topic. The pair
scorer decides whether they measure the same thing. Ranges carry hedges:
"about 20 miles" covers 18 to 22 miles, "more than 190" is 190 and up.
"""

from __future__ import annotations

import itertools
import math

from storydiff.compare.context import Context
from storydiff.compare.findings import (
    Scored,
    agreement,
    distinct_sentences,
    one_per_voice,
    statement,
    subject_of,
    who,
)
from storydiff.compare.pairs import Pair, may_differ
from storydiff.compare.thresholds import CANDIDATE_MIN_SIM, MAJOR_RATIO, ROUNDING_TOLERANCE
from storydiff.records import Claim, Finding

__all__ = ["candidates", "describe", "describe_agreement"]


def candidates(ctx: Context) -> list[Pair]:
    """Pairs of quantities that may measure one thing; ``agree`` when their ranges overlap."""
    claims = [c for an in ctx.analyses for c in an.claims if c.kind == "quantity" and c.quantity]
    pairs = []
    for a, b in itertools.combinations(claims, 2):
        if not _comparable(a, b) or not may_differ(a, b):
            continue
        agree = _overlap(a, b)
        if agree and a.article == b.article:
            continue  # an agreement is between reports
        if ctx.sim(a.sentence, b.sentence) >= CANDIDATE_MIN_SIM:
            pairs.append(Pair("numeric", a, b, agree))
    return pairs


def _comparable(a: Claim, b: Claim) -> bool:
    qa, qb = a.quantity, b.quantity
    assert qa is not None
    assert qb is not None
    return qa.dimension == qb.dimension and (qa.dimension == "count" or qa.unit == qb.unit)


def _overlap(a: Claim, b: Claim) -> bool:
    qa, qb = a.quantity, b.quantity
    assert qa is not None
    assert qb is not None
    slack = ROUNDING_TOLERANCE * max(abs(qa.value), abs(qb.value))
    return qa.low <= qb.high + slack and qb.low <= qa.high + slack


def _gap_ratio(a: Claim, b: Claim) -> float:
    qa, qb = a.quantity, b.quantity
    assert qa is not None
    assert qb is not None
    lo, hi = (qa, qb) if qa.high < qb.low else (qb, qa)
    if lo.high <= 0:
        return math.inf
    return hi.low / lo.high


def describe(group: list[Scored], ctx: Context) -> Finding:
    """A numeric conflict: each voice's figure, how far apart, and whether a hedge could cover it."""
    a, b = group[0][0].left, group[0][0].right  # the strongest pair
    pairs = [(p.left, p.right) for p, _ in group]
    ratio = max(_gap_ratio(x, y) for x, y in pairs)
    qa, qb = a.quantity, b.quantity
    assert qa is not None
    assert qb is not None
    zero_vs_some = any(
        (x.quantity is not None and y.quantity is not None)
        and ((x.quantity.value == 0) != (y.quantity.value == 0))
        for x, y in pairs
    )
    severity = "major" if zero_vs_some or ratio >= MAJOR_RATIO else "minor"
    members = distinct_sentences([c for pair in pairs for c in pair])
    sides = "; ".join(f"{who(c, ctx)} says {c.value}" for c in one_per_voice(members))
    if zero_vs_some:
        how = "one side says none, the other some"
    else:
        how = (
            f"the larger is {ratio:.2f} times the smaller" if ratio < 10 else "they differ more than tenfold"
        )
    hedged = [c.value for c in (a, b) if c.quantity and c.quantity.hedge]
    note = f"; even the hedged {', '.join(repr(h) for h in hedged)} cannot cover both" if hedged else ""
    return Finding(
        category="conflict",
        kind="numeric",
        subject=subject_of(members),
        attribute=a.attribute,
        severity=severity,
        explanation=f"{sides}: {how}{note}.",
        statements=tuple(statement(c) for c in members),
    )


def describe_agreement(group: list[Scored], ctx: Context) -> Finding:
    """Several reports giving one figure for one thing."""
    return agreement(
        group,
        ctx,
        "numeric",
        lambda ms: f"state the same figure ({', '.join(dict.fromkeys(c.value for c in ms))})",
    )
