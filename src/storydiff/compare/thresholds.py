"""Named thresholds of the comparison, each with why it has its value.

The decision whether two statements conflict is not here: it is the pair
scorer's (``scorer.json``, fitted on the tuning half of the development gold),
and so is its threshold. What is here only proposes candidate pairs (cheap,
loose filters that let through every pair a reader could call a conflict) and
decides agreements and unique facts, which the scorer does not.
"""

from __future__ import annotations

# --- candidate pairs (structure proposes, the scorer decides) ------------------------------
# Two sentences less similar than this are not compared at all. Set before fitting, loose on
# purpose: the scorer sees every pair above it. Not a tuned value: 12 of the 129 labelled
# discrepancy pairs of the tuning half have a similarity between 0.20 and 0.30, so real ones
# do occur close to it; pairs below it were never proposed, so how many fall below is unknown.
CANDIDATE_MIN_SIM = 0.20
# Two attributed quotations closer than this may be the same words ascribed twice;
# different quotations of one story score below it (MiniLM, NewsWCL50 tuning topics).
QUOTE_MIN_SIM = 0.80
# Rounded figures in news differ by a few percent without disagreeing (1.2 million vs 1,180,000).
ROUNDING_TOLERANCE = 0.02
# Two dates of one act further apart than this are two occurrences ("a smaller blaze broke
# out in August 2023"), not one disputed date.
MAX_DATE_CONFLICT_DAYS = 31

# --- severity -----------------------------------------------------------------------------
# Values more than 1.5 times apart (or none against some) would mislead a reader: major.
MAJOR_RATIO = 1.5
# Dates more than a day apart are major; a day apart is often a time-zone or deadline matter.
MAJOR_DATE_DAYS = 1

# --- agreements and unique facts (not scored: they need no calibration against false alarms) -
# Cosine similarity of MiniLM sentence embeddings at and above which two sentences are close
# paraphrases (every two members of an agreement group). Fitted on the tuning half of the
# development gold: the lowest of 0.45-0.62 at which at most 10% of the agreement groups set
# two statements of one gold discrepancy or revised figure together (0.55: 9.5%, corroborated
# facts found 0.66; 0.50: 10.1%). Validation half, never read for it: 7.3%, 0.65.
AGREEMENT_MIN_SIM = 0.55
UNIQUE_MAX_SIM = 0.60  # below this against every other report, nothing else says it: unique
UNIQUE_MIN_TOKENS = 6  # shorter lines (bylines, captions) are not reported as unique facts
