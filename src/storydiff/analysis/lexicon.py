"""The word lists storydiff shares between stages, each stated once.

Closed-class English words (pronouns, honorifics, modal verbs, time adverbs)
that more than one stage needs. A list that only one function uses stays beside
that function.
"""

from __future__ import annotations

__all__ = [
    "GENERIC_NOUNS",
    "HONORIFICS",
    "MODAL_WORDS",
    "PRONOUN_SPEAKERS",
    "PUBLISHING_VERBS",
    "TIME_QUALIFIERS",
]

# Words before a name that do not tell two people apart: "Mr. Petrov" is "Petrov".
HONORIFICS = frozenset("mr mrs ms miss mx dr prof sir dame lord lady".split())
# A pronoun names nobody in particular: "he said" in two reports may be two people.
PRONOUN_SPEAKERS = frozenset("he she it they we i you who one someone".split())
# Counted nouns that stand for any group of people: "no one" may count "two workers".
GENERIC_NOUNS = frozenset("people person one individual".split())
# Modal and conditional words: a statement under them says what may be, not what is.
MODAL_WORDS = frozenset("may might could would should can must if whether unless".split())
# Adverbs and words that place a figure or an act in time or scope: "a caravan that once
# numbered 1,200" and "150 plan to claim asylum" may count one group at two moments.
TIME_QUALIFIERS = frozenset(
    "once previously earlier initially originally formerly now currently still already so far "
    "total overall last next former later ago since yet annual annually daily weekly monthly "
    "yearly first".split()
)
# Verbs of a page's own metadata ("Published: March 3", "Updated at 13:59"): the date
# they carry is the report's, not the event's.
PUBLISHING_VERBS = frozenset("publish update post modify".split())
