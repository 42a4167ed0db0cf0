"""Candidate pairs: two claims that structure says may be about one thing.

Structure only proposes (quantities of comparable units, dates of acts,
opposite polarity of one predicate, one quotation under two names); the pair
scorer decides. A pair whose values agree (``agree``) is proposed too: the
scorer's question, "are these two statements about the same thing?", makes an
agreement of it when the answer is yes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from storydiff.analysis.lexicon import HONORIFICS, PRONOUN_SPEAKERS
from storydiff.records import Claim

__all__ = ["ConflictKind", "Pair", "may_differ", "speaker_key"]

ConflictKind = Literal["numeric", "date", "polarity", "attribution"]


@dataclass(frozen=True, slots=True)
class Pair:
    """Two claims proposed for comparison, and whether their values agree."""

    kind: ConflictKind
    left: Claim
    right: Claim
    agree: bool = False


def speaker_key(speaker: str | None) -> str | None:
    """A speaker's surname, case-folded; None for no speaker or a pronoun."""
    if not speaker:
        return None
    words = [w.strip(".,'’").casefold() for w in speaker.replace("'s", "").split()]
    words = [w for w in words if w and w not in HONORIFICS]
    if not words or " ".join(words) in PRONOUN_SPEAKERS:
        return None
    return words[-1]


def may_differ(a: Claim, b: Claim) -> bool:
    """Two claims can disagree: in two reports, or in one report in two voices.

    Inside one report, two statements can disagree only when they are not in the
    same voice: two different named speakers, or a named speaker and the
    report's own narration (a figure quoted, then corrected).
    """
    if a.sentence == b.sentence:
        return False
    if a.article != b.article:
        return True
    ka, kb = speaker_key(a.speaker), speaker_key(b.speaker)
    if ka == kb:
        return False  # one voice (or both the report's own)
    # "he said" may be the other side's named speaker
    return not any(c.speaker is not None and k is None for c, k in ((a, ka), (b, kb)))
