"""Attribution findings: the same words ascribed to different people.

Structure proposes two attributed quotations, in two reports, whose words are
nearly the same and whose speakers are named differently; the pair scorer
decides. A quotation's claim keeps the whole attributed span (speaker, cue and
content, widened to whole sentences) as its evidence and the quoted words as
its frame.
"""

from __future__ import annotations

import itertools

from storydiff.compare.context import Context
from storydiff.compare.embeddings import Embedder
from storydiff.compare.findings import Scored
from storydiff.compare.pairs import Pair, speaker_key
from storydiff.compare.thresholds import QUOTE_MIN_SIM
from storydiff.records import Analysis, Attribution, Claim, Finding, Statement

__all__ = ["candidates", "describe"]

# Quotations shorter than this many words ("he said no") are too common to be the same words.
MIN_QUOTE_WORDS = 5


def candidates(ctx: Context, embedder: Embedder, *, agreeing: bool = False) -> list[Pair]:
    """Pairs of near-identical quotations under different names (with ``agreeing``, under one)."""
    quoted = [
        _quote_claim(an, at, n)
        for an in ctx.analyses
        for n, at in enumerate(an.attributions)
        if _named(an, at) and len(at.content.split()) >= MIN_QUOTE_WORDS
    ]
    if len(quoted) < 2:
        return []
    vectors = embedder.encode([c.frame for c in quoted])
    pairs = []
    for i, j in itertools.combinations(range(len(quoted)), 2):
        a, b = quoted[i], quoted[j]
        if a.article == b.article or float(vectors[i] @ vectors[j]) < QUOTE_MIN_SIM:
            continue
        agree = speaker_key(a.speaker) == speaker_key(b.speaker)
        if not agree and (_mentions(a, b) or _mentions(b, a)):
            continue  # a quote inside a quote, or a speaker picked up from the quoted words
        if not agree or agreeing:
            pairs.append(Pair("attribution", a, b, agree))
    return pairs


def _named(analysis: Analysis, at: Attribution) -> bool:
    """The attribution names its speaker, where it stands (not a pronoun resolved elsewhere), by a
    name: "the president" or "the agency" describe someone another report may name."""
    if speaker_key(at.speaker) is None or not any(w[:1].isupper() for w in (at.speaker or "").split()):
        return False
    if at.speaker_start is None or at.speaker_end is None:
        return True
    return speaker_key(analysis.article.text[at.speaker_start : at.speaker_end]) is not None


def _mentions(a: Claim, b: Claim) -> bool:
    """``a``'s sentence names ``b``'s speaker too."""
    key = speaker_key(b.speaker)
    return key is not None and key in a.sentence.text.casefold()


def _quote_claim(analysis: Analysis, at: Attribution, n: int) -> Claim:
    """A claim for an attribution: evidence widened to whole sentences, the quoted words as frame."""
    start = min(
        at.content_start, at.cue_start, at.speaker_start if at.speaker_start is not None else at.cue_start
    )
    end = max(at.content_end, at.cue_end, at.speaker_end or 0)
    sentence = analysis.sentences[0]
    for s in analysis.sentences:
        if s.start <= at.content_start < s.end:
            sentence = s
        if s.start <= start < s.end:
            start = s.start
        if s.start < end <= s.end:
            end = s.end
    return Claim(
        id=f"{at.article}:a{n}",
        article=at.article,
        sentence=sentence,
        kind="quote",
        subject=_short(at.content),
        attribute="source",
        value=at.speaker or "",
        start=start,
        end=end,
        speaker=at.speaker,
        frame=at.content,
    )


def describe(group: list[Scored], ctx: Context) -> Finding:
    """An attribution conflict: one quotation, two speakers."""
    a, b = group[0][0].left, group[0][0].right
    texts = {an.article.id: an.article.text for an in ctx.analyses}
    statements = tuple(
        Statement(c.article, texts[c.article][c.start : c.end], c.start, c.end, c.speaker, c.speaker)
        for c in (a, b)
    )
    return Finding(
        category="conflict",
        kind="attribution",
        subject=a.subject,
        attribute="source",
        severity="minor",
        explanation=(
            f"the same words are ascribed to {a.speaker} ({ctx.name(a.article)}) "
            f"and to {b.speaker} ({ctx.name(b.article)})."
        ),
        statements=statements,
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
