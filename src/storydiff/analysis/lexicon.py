"""The word lists storydiff shares between stages, each stated once.

Closed-class English words (pronouns, honorifics, modal verbs, time adverbs)
that more than one stage needs. A list that only one function uses stays beside
that function.
"""

from __future__ import annotations

__all__ = [
    "ACT_SPEECH_VERBS",
    "FRAMING_VERBS",
    "GENERIC_NOUNS",
    "HONORIFICS",
    "MODAL_WORDS",
    "PRONOUN_SPEAKERS",
    "PUBLISHING_VERBS",
    "RELATIVE_PRONOUNS",
    "SPEECH_VERBS",
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
# Relative pronouns: the subject of "which owns the depot" is the noun the clause describes.
RELATIVE_PRONOUNS = frozenset("that which who whom".split())

# Lemmas of verbs that report speech, writing or a stated position. Drawn from
# the common reporting verbs of English news (the cue vocabulary of attribution
# corpora such as PARC and PolNeAR); cognition verbs ("think", "believe") are
# kept because news uses them to report a person's stated view.
SPEECH_VERBS = frozenset(
    {
        "acknowledge", "add", "admit", "advise", "allege", "announce", "answer", "argue",
        "assert", "assure", "believe", "blog", "boast", "caution", "charge", "claim",
        "comment", "complain", "concede", "conclude", "confirm", "contend", "declare",
        "deny", "describe", "disclose", "dispute", "emphasise", "emphasize", "estimate",
        "explain", "fear", "find", "forecast", "hint", "indicate", "inform", "insist",
        "maintain", "mention", "note", "observe", "post", "predict", "proclaim", "promise",
        "recall", "reckon", "recount", "reiterate", "remark", "reply", "report", "respond",
        "retort", "reveal", "say", "show", "signal", "speculate", "state", "stress",
        "suggest", "swear", "tell", "testify", "think", "tweet", "underline", "vow", "warn",
        "write",
    }
)  # fmt: skip
# Verbs of saying that are reportable acts in themselves ("did not respond", "promised
# to resign", "the inquiry found"): they cue an attribution, and they stay the predicate
# of a claim.
ACT_SPEECH_VERBS = frozenset(
    "advise answer assure blog boast caution charge comment complain concede conclude contend "
    "describe dispute fear find forecast hint inform maintain mention observe predict proclaim "
    "promise recall reckon recount reiterate remark reply respond retort show signal speculate "
    "swear testify underline vow".split()
)
# Verbs whose complement holds the claim ("officials said 14 were hurt"): never the
# predicate of a claim themselves. The speech verbs but the reportable acts, with the
# framings that cue no attribution of their own ("according to", "accused ... of").
FRAMING_VERBS = (SPEECH_VERBS - ACT_SPEECH_VERBS) | frozenset("according accuse quote repeat".split())
