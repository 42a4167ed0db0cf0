"""From scored pairs to findings: grouping, evidence, and how sides are named."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from storydiff.compare.context import Context
from storydiff.compare.pairs import Pair
from storydiff.records import Category, Claim, Finding, Statement

__all__ = [
    "Scored",
    "components",
    "distinct_sentences",
    "group_agreements",
    "group_conflicts",
    "one_per_voice",
    "statement",
    "subject_of",
    "who",
]

# A pair with the scorer's probability for it.
Scored = tuple[Pair, float]
# Builds one finding from the pairs of one group (the strongest first).
Describe = Callable[[list[Scored], Context], Finding]


def group_conflicts(
    scored: Sequence[Scored], ctx: Context, describe: Describe, threshold: float, floor: float
) -> tuple[list[Finding], list[Finding]]:
    """Conflicts (pairs at or above ``threshold``) and possible differences (``floor`` up to it).

    Pairs are grouped by the claims they share, so three reports giving three
    figures for one thing are one finding; a finding's confidence is that of its
    strongest pair. A possible difference whose claims all sit in one conflict
    already adds nothing and is dropped.
    """
    differing = [(p, s) for p, s in scored if not p.agree and s >= floor]
    confident = [(p, s) for p, s in differing if s >= threshold]
    groups = _groups(confident)
    conflicts = [_finding(g, ctx, describe, "conflict") for g in groups]
    covered = [{c.id for p, _ in g for c in (p.left, p.right)} for g in groups]
    weak = [
        (p, s)
        for p, s in differing
        if s < threshold and not any({p.left.id, p.right.id} <= ids for ids in covered)
    ]
    possible = [_finding(g, ctx, describe, "possible") for g in _groups(weak)]
    return conflicts, possible


def group_agreements(
    scored: Sequence[Scored], ctx: Context, describe: Describe, threshold: float
) -> list[Finding]:
    """Agreements: pairs of agreeing values the scorer is confident are about one thing."""
    confident = [(p, s) for p, s in scored if p.agree and s >= threshold]
    return [_finding(g, ctx, describe, "agreement") for g in _groups(confident)]


def agreement(group: list[Scored], ctx: Context, kind: str, says: Callable[[list[Claim]], str]) -> Finding:
    """Several reports stating one value for one thing; ``says`` words what they agree on."""
    members = distinct_sentences([c for p, _ in group for c in (p.left, p.right)])
    outlets = ", ".join(dict.fromkeys(ctx.name(c.article) for c in members))
    return Finding(
        category="agreement",
        kind=kind,
        subject=subject_of(members),
        attribute=group[0][0].left.attribute,
        explanation=f"{outlets} {says(members)}.",
        statements=tuple(statement(c) for c in members),
    )


def _finding(group: list[Scored], ctx: Context, describe: Describe, category: Category) -> Finding:
    group = sorted(group, key=lambda ps: -ps[1])
    finding = describe(group, ctx)
    return replace(finding, category=category, confidence=round(group[0][1], 3))


def _groups(scored: Sequence[Scored]) -> list[list[Scored]]:
    ids = list(dict.fromkeys(c.id for p, _ in scored for c in (p.left, p.right)))
    node = {c: i for i, c in enumerate(ids)}
    edges = [(node[p.left.id], node[p.right.id]) for p, _ in scored]
    groups = []
    for members in components(len(ids), edges):
        inside = {ids[i] for i in members}
        groups.append([(p, s) for p, s in scored if p.left.id in inside])
    return groups


def components(n: int, edges: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Connected components (union-find) of the nodes touched by ``edges``, in first-seen order."""
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    touched = sorted({x for e in edges for x in e})
    groups: dict[int, list[int]] = {}
    for x in touched:
        groups.setdefault(find(x), []).append(x)
    return list(groups.values())


def statement(c: Claim) -> Statement:
    """The evidence of a claim: its sentence, its value and its speaker."""
    s = c.sentence
    return Statement(c.article, s.text, s.start, s.end, c.value, c.speaker)


def distinct_sentences(claims: Sequence[Claim]) -> list[Claim]:
    """One claim per evidence sentence, in article order."""
    seen: dict[tuple[str, int], Claim] = {}
    for c in sorted(claims, key=lambda c: (c.article, c.start)):
        seen.setdefault((c.article, c.sentence.start), c)
    return list(seen.values())


def one_per_voice(claims: Sequence[Claim]) -> list[Claim]:
    """One claim per (article, speaker, value), in article order."""
    seen: dict[tuple[str, str | None, str], Claim] = {}
    for c in sorted(claims, key=lambda c: (c.article, c.start)):
        seen.setdefault((c.article, c.speaker, c.value), c)
    return list(seen.values())


def who(c: Claim, ctx: Context) -> str:
    """The outlet (or article) of a claim, with its speaker when it has one."""
    name = ctx.name(c.article)
    return f"{name} ({c.speaker})" if c.speaker else name


def subject_of(claims: Sequence[Claim]) -> str:
    """The commonest subject of ``claims``; a tie goes to the first named (never to hash order)."""
    subjects = [c.subject for c in claims if c.subject]
    return max(dict.fromkeys(subjects), key=subjects.count) if subjects else ""
