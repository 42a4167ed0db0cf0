"""The features the pair scorer reads: what makes two statements about one thing.

Every feature is general (no word or name of any one story): similarity of the
two sentences and of the two *frames* (the words a value hangs on: "workers
injured in inferno"), whether they count the same noun or measure from the same
place, share names, differ in time words ("once", "so far"), are hedged or
modal, and who says them. None looks at the values themselves: whether two
values can both hold is settled by structure before a pair is proposed, so the
scorer answers one question for every kind, "are these two statements about the
same thing?", and a pair of differing values that is, is a conflict.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import numpy as np

from storydiff.analysis.lexicon import GENERIC_NOUNS, MODAL_WORDS, TIME_QUALIFIERS
from storydiff.compare.context import Context
from storydiff.compare.pairs import Pair, speaker_key
from storydiff.records import Claim, Sentence

__all__ = ["FEATURES", "feature_matrix"]

FEATURES = (
    "numeric",  # the kind of pair (one indicator each; the intercept is the scorer's)
    "date",
    "polarity",
    "attribution",
    "sentence_sim",  # cosine of the two sentences' MiniLM embeddings
    "frame_sim",  # cosine of the two frames' embeddings (0 when a frame is missing)
    "frame_missing",  # either claim has no frame
    "frame_overlap",  # Jaccard of the frames' words
    "same_predicate",  # the same governing verb (lemma)
    "same_noun",  # the same counted noun, not a generic one ("workers" / "workers")
    "other_noun",  # two different specific counted nouns ("migrants" / "vehicles")
    "same_reference",  # measured from the same thing ("from the border")
    "other_reference",  # measured from different things
    "shared_names",  # Jaccard of the capitalised names in the two sentences
    "time_words_differ",  # "once", "so far", "last year" in one frame and not the other
    "hedged",  # either value hedged ("about", "more than")
    "modal",  # either frame under a modal or condition ("could", "if")
    "same_article",  # two voices inside one report
    "one_attributed",  # one side is a speaker's words, the other the report's own
    "speakers_differ",  # both attributed, to different people
    "years_differ",  # the sentences name different years ("in 2004 a tsunami killed...")
    "vague",  # either figure is a word for a rough amount ("dozens", "thousands")
    "headline",  # either sentence is a headline or caption (no closing punctuation)
    "scope_one_sided",  # one names a place, date or event that narrows it and the other names none
    "scope_differs",  # both name places, dates or events, and none in common
    "mutual_best",  # each is the other's closest claim (by frame) in the other's report
    "mutual_frame_sim",  # frame_sim when mutual_best, else 0
    "log_ratio",  # how far apart two figures are: |log10| of their ratio, capped at 3 (0 for agreeing ones)
)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
# Figures further apart than 1000 times are as far apart as it matters.
MAX_LOG_RATIO = 3.0
_STOP = frozenset("the a an of in on at to for by with from and or as".split())
_WORD = re.compile(r"[\w'’-]+")


def feature_matrix(pairs: Sequence[Pair], ctx: Context) -> np.ndarray:
    """One row of :data:`FEATURES` per pair."""
    closeness = [_closeness(p, ctx) for p in pairs]
    best: dict[tuple[str, str, str], float] = {}
    for p, c in zip(pairs, closeness, strict=True):
        for claim, other in ((p.left, p.right), (p.right, p.left)):
            key = (p.kind, claim.id, other.article)
            best[key] = max(best.get(key, -1.0), c)
    rows = []
    for p, c in zip(pairs, closeness, strict=True):
        mutual = (
            c >= best[(p.kind, p.left.id, p.right.article)]
            and c >= best[(p.kind, p.right.id, p.left.article)]
        )
        sa, sb = set(p.left.scope), set(p.right.scope)
        one_sided = bool(sa) != bool(sb)
        differs = bool(sa and sb and not sa & sb)
        rows.append(
            [
                *_features(p, ctx),
                float(one_sided),
                float(differs),
                float(mutual),
                c if mutual else 0.0,
                _log_ratio(p),
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


def _closeness(pair: Pair, ctx: Context) -> float:
    """How close two claims are: their frames' similarity, else their sentences'."""
    sim = ctx.frame_sim(pair.left, pair.right)
    return sim if sim is not None else ctx.sim(pair.left.sentence, pair.right.sentence)


def _log_ratio(pair: Pair) -> float:
    qa, qb = pair.left.quantity, pair.right.quantity
    if pair.agree or qa is None or qb is None:
        return 0.0
    lo, hi = sorted((abs(qa.value), abs(qb.value)))
    if lo == 0:
        return MAX_LOG_RATIO
    return min(math.log10(hi / lo), MAX_LOG_RATIO)


def _features(pair: Pair, ctx: Context) -> list[float]:
    a, b = pair.left, pair.right
    frame_sim = ctx.frame_sim(a, b)
    fa, fb = _words(a.frame), _words(b.frame)
    qa, qb = a.quantity, b.quantity
    na = qa.noun if qa is not None else None
    nb = qb.noun if qb is not None else None
    ra, rb = _reference(a), _reference(b)
    ka, kb = speaker_key(a.speaker), speaker_key(b.speaker)
    return [
        float(pair.kind == "numeric"),
        float(pair.kind == "date"),
        float(pair.kind == "polarity"),
        float(pair.kind == "attribution"),
        ctx.sim(a.sentence, b.sentence),
        frame_sim if frame_sim is not None else 0.0,
        float(frame_sim is None),
        _jaccard(fa - _STOP, fb - _STOP),
        float(a.predicate is not None and a.predicate == b.predicate),
        float(na is not None and na == nb and na not in GENERIC_NOUNS),
        float(None not in (na, nb) and na != nb and not {na, nb} & GENERIC_NOUNS),
        float(ra is not None and ra == rb),
        float(None not in (ra, rb) and ra != rb),
        _jaccard(_names(a.sentence), _names(b.sentence)),
        float((fa & TIME_QUALIFIERS) != (fb & TIME_QUALIFIERS)),
        float(any(q is not None and q.hedge is not None for q in (qa, qb))),
        float(bool((fa | fb) & MODAL_WORDS)),
        float(a.article == b.article),
        float((ka is None) != (kb is None)),
        float(ka is not None and kb is not None and ka != kb),
        float(set(_YEAR.findall(a.sentence.text)) != set(_YEAR.findall(b.sentence.text))),
        float(
            any(q is not None and not any(ch.isdigit() for ch in q.text) and q.value >= 12 for q in (qa, qb))
        ),
        float(
            any(
                not s.text.rstrip().endswith((".", "!", "?", '"', "”", "'", "’"))
                for s in (a.sentence, b.sentence)
            )
        ),
    ]


def _words(text: str) -> set[str]:
    return {w.casefold() for w in _WORD.findall(text)}


def _jaccard(x: set[str], y: set[str]) -> float:
    return len(x & y) / len(x | y) if x and y else 0.0


def _reference(c: Claim) -> str | None:
    """What a measure is taken against ("from the border" -> "border"), if anything."""
    return c.reference


def _names(s: Sentence) -> set[str]:
    """Capitalised words after the first: the names a sentence mentions."""
    words = s.text.replace("—", " ").replace("-", " ").split()[1:]
    return {w.strip(".,;:'\"’“”()").casefold() for w in words if w[:1].isupper()} - _STOP
