"""Align claims across reports and compare them: conflicts, agreements, unique facts.

There is no inference model offline, so every comparison is an explicit rule
that can be read back to the user:

1. **Sentences** of all reports are embedded once (MiniLM); their cosine
   similarity says whether two sentences talk about the same thing.
2. **Quantities** align when they measure the same thing: same dimension
   (counts with compatible counted nouns, lengths, money in one currency...),
   the same frame (the predicate or head noun they hang on: *injured*, *city
   of*) or the same reference object ("from the border"). Aligned values are
   grouped by whether their ranges overlap; two groups stated by different
   reports, or by different speakers in one report, are a **numeric conflict**;
   one group in several reports is an **agreement**.
3. **Dates** align on their event's predicate; different days conflict.
4. **Events** (predicate + agent + patient + place + negation) align on the
   predicate and the patient; they conflict on **polarity** ("passed" vs "did
   not pass", or an antonym), on the **actor** (who did it) or on the **place**.
5. **Attributions** with nearly the same content but different named speakers
   are an **attribution** conflict.
6. Sentences that closely paraphrase each other across reports are agreements;
   informative sentences with no counterpart anywhere are **unique** facts.
"""

from __future__ import annotations

import datetime as dt
import difflib
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .claims import LIGHT_VERBS, PRONOUNS
from .embeddings import Embedder
from .records import Analysis, Attribution, Claim, Finding, Sentence, Statement

__all__ = ["compare_analyses"]

# --- thresholds (cosine similarity of MiniLM sentence embeddings) -------------------------
# Calibrated on the bundled demo, the project's gold cases and NewsWCL50 development
# topics: paraphrases of one fact score 0.6-0.9, different facts of one story 0.2-0.5.
AGREEMENT_MIN_SIM = 0.62  # two sentences say the same thing
QUANTITY_MIN_SIM = 0.30  # two sentences with aligned quantities are about the same topic
WEAK_QUANTITY_MIN_SIM = 0.45  # same counted noun and value, different predicates ("using two helicopters")
EVENT_MIN_SIM = 0.50  # two event clauses describe the same event
DATE_MIN_SIM = 0.40
# Two dates for one predicate further apart than this are two occurrences
# ("a smaller blaze broke out in August 2023"), not one disputed date.
MAX_DATE_CONFLICT_DAYS = 31
# Two attributed contents this close are the same words (a repeated quote scores
# 0.95-1.0); below it, outlets quoting different people on one topic (0.8-0.9
# on NewsWCL50) would be reported as disputes.
ATTRIBUTION_MIN_SIM = 0.92
UNIQUE_MAX_SIM = 0.60  # below this against every other report, nothing else says it: unique
UNIQUE_MIN_TOKENS = 6  # shorter lines (bylines, captions) are not reported as unique facts
# Rounded figures in news differ by a few percent without disagreeing (1.2 million vs 1,180,000).
ROUNDING_TOLERANCE = 0.02
# Values more than 1.5 times apart (or zero against non-zero) are a major conflict.
MAJOR_RATIO = 1.5
# Counted nouns that stand for any group of people: "no one" matches "two workers".
GENERIC_NOUNS = frozenset({None, "people", "person", "one", "individual", "resident", "civilian", "victim"})
# Counted nouns for kinds of people: two of them may count the same crowd
# ("4,000 people marched" / "15,000 demonstrators filled the streets") when the
# sentences say the same thing (CONTEXT_MIN_SIM).
PERSON_NOUNS = frozenset(
    "people person protester demonstrator marcher resident worker employee civilian soldier troop "
    "firefighter passenger student teacher patient child adult man woman voter member supporter fan "
    "spectator victim casualty refugee migrant officer police staff participant attendee".split()
)
CONTEXT_MIN_SIM = 0.62  # sentences this close state the same measure even with other words
# A quoted figure against the report's own figure for the same act: the sentences
# need only share the topic (NewsWCL50 dev: 0.35-0.45 for a quote and its correction).
NARRATOR_MIN_SIM = 0.30
# Group membership ("X is a defendant") names its member and its group exactly, so
# the two sentences need share only the topic (NewsWCL50 dev: 0.35-0.5 for one lawsuit).
MEMBERSHIP_MIN_SIM = 0.30
NOUN_MATCH_MIN_SIM = 0.45  # the same counted noun in sentences this close is the same count
# Predicates that name the same act in news copy, grouped; first word is the class name.
SYNONYMS = {
    w: group[0]
    for group in [
        ("approve", "clear", "authorize", "authorise", "license", "endorse"),
        ("arrest", "detain", "apprehend"),
        ("kill", "slay"),
        ("injure", "hurt", "wound"),
        ("rescue", "save", "pull", "haul", "airlift"),
        ("land", "touch", "divert"),
        ("start", "begin", "break", "erupt"),
        ("rule", "decide", "find"),
    ]
    for w in group
}
# Verbs that say what happened to people or things; two different ones count
# different groups ("four injured" is never compared with "forty evacuated").
OUTCOME_VERBS = frozenset(
    "kill die injure hurt wound evacuate arrest detain rescue save hospitalize hospitalise treat "
    "displace miss flee charge convict sentence destroy damage flood burn strike hit fire launch sign "
    "vote elect join leave attend march".split()
)
# Predicate pairs that contradict each other without a negation.
ANTONYMS = {
    frozenset(p)
    for p in [
        ("pass", "fail"), ("approve", "reject"), ("confirm", "deny"), ("open", "close"),
        ("accept", "reject"), ("win", "lose"), ("increase", "decrease"), ("rise", "fall"),
        ("survive", "die"), ("allow", "ban"), ("allow", "forbid"), ("arrest", "release"),
        ("acquit", "convict"), ("admit", "deny"), ("succeed", "fail"), ("support", "oppose"),
        ("be open", "be closed"), ("be safe", "be dangerous"), ("be alive", "be dead"),
        ("resign", "stay"), ("guilty", "innocent"), ("be guilty", "be innocent"),
    ]
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Index:
    """Sentence embeddings of all analyses and lookup by (article, sentence index)."""

    rows: dict[tuple[str, int], int]
    vectors: np.ndarray

    def sim(self, a: Sentence, b: Sentence) -> float:
        return float(
            self.vectors[self.rows[(a.article, a.index)]] @ self.vectors[self.rows[(b.article, b.index)]]
        )


def compare_analyses(
    analyses: Sequence[Analysis], embedder: Embedder
) -> tuple[list[Finding], list[Finding], list[Finding]]:
    """Compare analysed articles; return (conflicts, agreements, unique facts)."""
    sentences = [s for a in analyses for s in a.sentences]
    vectors = embedder.encode([s.text for s in sentences])
    index = _Index({(s.article, s.index): i for i, s in enumerate(sentences)}, vectors)
    claims = [c for a in analyses for c in a.claims]
    conflicts: list[Finding] = []
    agreements: list[Finding] = []
    q_conf, q_agree = _compare_quantities([c for c in claims if c.kind == "quantity"], index)
    d_conf, d_agree = _compare_dates([c for c in claims if c.kind == "date"], index)
    conflicts += q_conf + d_conf + _compare_events([c for c in claims if c.kind == "event"], index)
    conflicts += _compare_attributions(analyses, embedder)
    conflicts += _compare_titles([c for c in claims if c.kind == "title"])
    conflicts += _compare_wordings(analyses, index)
    disputed = {
        frozenset({(a.article, a.start), (b.article, b.start)})
        for f in conflicts
        for a, b in itertools.combinations(f.statements, 2)
    }
    agreements += q_agree + d_agree + _agree_statements(analyses, index, disputed)
    agreements = _dedupe(agreements)
    used = {(s.article, s.start) for f in conflicts + agreements for s in f.statements}
    unique = _unique(analyses, index, used)
    conflicts.sort(key=lambda f: (f.severity != "major", _first_position(f)))
    agreements.sort(key=lambda f: (-len(f.articles), _first_position(f)))
    return conflicts, agreements, unique


# --- quantities ------------------------------------------------------------------------------


def _frame_keys(c: Claim) -> set[str]:
    noun = c.quantity.noun if c.quantity else None
    return {k for k in c.keys if not k.startswith(("ref:", "noun:")) and k != noun}


def _ref(c: Claim) -> str | None:
    return next((k[4:] for k in c.keys if k.startswith("ref:")), None)


def _comparable_units(a: Claim, b: Claim) -> bool:
    qa, qb = a.quantity, b.quantity
    assert qa is not None
    assert qb is not None
    if qa.dimension != qb.dimension:
        return False
    return qa.dimension in {"count"} or qa.unit == qb.unit


def _nouns_compatible(a: Claim, b: Claim) -> bool:
    na = a.quantity.noun if a.quantity else None
    nb = b.quantity.noun if b.quantity else None
    return na == nb or na in GENERIC_NOUNS or nb in GENERIC_NOUNS


def _may_differ(a: Claim, b: Claim) -> bool:
    """Two claims can disagree only across reports, or between two named speakers of one report."""
    if a.sentence == b.sentence:
        return False
    if a.article != b.article:
        return True
    named = [s for s in (a.speaker, b.speaker) if s and s.lower() not in PRONOUNS]
    return len(named) == 2 and a.speaker != b.speaker


def _speaker_and_narrator(a: Claim, b: Claim) -> bool:
    """One report states a figure in a quoted speaker's words and again in its own voice."""
    return a.article == b.article and a.sentence != b.sentence and (a.speaker is None) != (b.speaker is None)


def _quantity_link(a: Claim, b: Claim, index: _Index) -> str | None:
    """'strong' when two quantities measure the same thing, 'weak' when they likely do, else None."""
    narrator = _speaker_and_narrator(a, b)
    if not (_may_differ(a, b) or narrator) or not _comparable_units(a, b) or not _nouns_compatible(a, b):
        return None
    ra, rb = _ref(a), _ref(b)
    if ra and rb and ra != rb:
        return None
    sim = index.sim(a.sentence, b.sentence)
    if sim < QUANTITY_MIN_SIM:
        return None
    if (
        a.predicate in OUTCOME_VERBS
        and b.predicate in OUTCOME_VERBS
        and not _same_act(a.predicate, b.predicate)
    ):
        return None
    # a shared light verb ("taken to hospital" / "took part") is no shared frame
    shared_frame = (_frame_keys(a) & _frame_keys(b)) - LIGHT_VERBS
    qa, qb = a.quantity, b.quantity
    assert qa is not None
    assert qb is not None
    same_noun = bool(qa.noun and qa.noun == qb.noun and qa.noun not in GENERIC_NOUNS)
    if narrator:
        # a report may quote a figure it then corrects in its own voice ("We gave $1.8
        # billion," Trump said / the $1.7 billion the United States gave): only the same
        # act on the same thing, never the looser alignments below
        same = _same_act(a.predicate, b.predicate) and bool(shared_frame) and ra == rb and qa.noun == qb.noun
        return "strong" if same and sim >= NARRATOR_MIN_SIM else None
    if ra and ra == rb:
        return "strong"  # "25 miles from the border" / "20 miles from the border"
    if shared_frame and (
        _same_act(a.predicate, b.predicate) or len(shared_frame) >= 2 or None in (a.predicate, b.predicate)
    ):
        return "strong"  # the number hangs on the same words: "injured", "city of"
    if same_noun and (shared_frame or sim >= NOUN_MATCH_MIN_SIM):
        return "strong"  # "a petition with 18,000 signatures" / "a petition carrying 22,000 signatures"
    if same_noun and _counts_occasions(a) and _counts_occasions(b) and _shared_names(a.sentence, b.sentence):
        return "strong"  # "Trump and Abe have met six times" / "the third Trump-Abe summit"
    people = {qa.noun, qb.noun} <= PERSON_NOUNS | GENERIC_NOUNS
    if sim >= CONTEXT_MIN_SIM and (people or qa.dimension != "count"):
        # "4,000 people marched" / "15,000 demonstrators filled the streets";
        # "the damage is estimated at $12 million" / "put the damage at $4.5 million"
        return "strong"
    if same_noun and sim >= WEAK_QUANTITY_MIN_SIM:
        return "weak"
    return None


def _counts_occasions(c: Claim) -> bool:
    """A count of how often something happened ("met six times", "the third summit")."""
    return bool(c.attribute.startswith("number of times"))


def _shared_names(a: Sentence, b: Sentence) -> bool:
    """The two sentences name someone or something in common (capitalised words after the first)."""
    return bool(_names_in(a.text) & _names_in(b.text))


def _names_in(text: str) -> set[str]:
    words = text.replace("-", " ").replace("—", " ").split()[1:]
    return {w.strip(".,;:'\"’()").lower() for w in words if w[:1].isupper()} - _STOP - PRONOUNS


def _same_act(a: str | None, b: str | None) -> bool:
    return a is not None and (a == b or SYNONYMS.get(a, a) == SYNONYMS.get(b or "", b))


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


def _compare_quantities(claims: list[Claim], index: _Index) -> tuple[list[Finding], list[Finding]]:
    """Numeric conflicts between directly aligned quantities, agreements among overlapping ones.

    Only claims aligned with each other directly are compared, never through a
    chain of alignments, so "14 taken to hospital" is not set against "200
    firefighters" because both were once aligned with "nine people".
    """
    clash: list[tuple[int, int]] = []
    agree: list[tuple[int, int]] = []
    for i, j in itertools.combinations(range(len(claims)), 2):
        link = _quantity_link(claims[i], claims[j], index)
        if link is None:
            continue
        if _overlap(claims[i], claims[j]):
            if claims[i].article != claims[j].article:
                agree.append((i, j))
        elif link == "strong":
            clash.append((i, j))
    conflicts: list[Finding] = []
    for group in _components(len(claims), clash):
        pairs = [(claims[i], claims[j]) for i, j in clash if i in group]
        conflicts.append(_numeric_conflict(pairs))
    agreements = []
    for group in _components(len(claims), agree):
        members = [claims[i] for i in group]
        agreements.append(_agreement("numeric", members, _numeric_agreement_text(members)))
    return conflicts, agreements


def _numeric_conflict(pairs: list[tuple[Claim, Claim]]) -> Finding:
    a, b = max(pairs, key=lambda p: _gap_ratio(*p))
    ratio = _gap_ratio(a, b)
    qa, qb = a.quantity, b.quantity
    assert qa is not None
    assert qb is not None
    zero_vs_some = (qa.value == 0) != (qb.value == 0)
    severity = "major" if zero_vs_some or ratio >= MAJOR_RATIO else "minor"
    members = _distinct_sentences([c for p in pairs for c in p])
    sides = "; ".join(f"{_who(c)} says {c.value}" for c in _one_per_voice(members))
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
        subject=_subject(members),
        attribute=a.attribute,
        severity=severity,
        explanation=f"{sides}: {how}{note}.",
        statements=tuple(_statement(c) for c in members),
    )


def _numeric_agreement_text(group: list[Claim]) -> str:
    values = ", ".join(dict.fromkeys(c.value for c in group))
    return f"{len({c.article for c in group})} reports state the same figure ({values})."


# --- dates -----------------------------------------------------------------------------------


def _compare_dates(claims: list[Claim], index: _Index) -> tuple[list[Finding], list[Finding]]:
    """Date conflicts and agreements between directly aligned date claims."""
    clash: list[tuple[int, int]] = []
    agree: list[tuple[int, int]] = []
    for i, j in itertools.combinations(range(len(claims)), 2):
        a, b = claims[i], claims[j]
        if not _may_differ(a, b):
            continue
        shared = (set(a.keys) & set(b.keys)) - {a.predicate}
        sim = index.sim(a.sentence, b.sentence)
        if not _same_act(a.predicate, b.predicate) and not (shared and sim >= AGREEMENT_MIN_SIM):
            continue
        ka, kb = _date_key(a, [a, b]), _date_key(b, [a, b])
        if ka == kb:
            # the same day for the same predicate needs less context to count as one event
            if sim >= DATE_MIN_SIM and a.article != b.article:
                agree.append((i, j))
        elif (
            (shared or sim >= AGREEMENT_MIN_SIM)
            and sim >= DATE_MIN_SIM
            and _days_apart(a, b) <= MAX_DATE_CONFLICT_DAYS
        ):
            clash.append((i, j))
    conflicts: list[Finding] = []
    for group in _components(len(claims), clash):
        pairs = [(claims[i], claims[j]) for i, j in clash if i in group]
        first, last = max(pairs, key=lambda p: _days_apart(*p))
        gap = _days_apart(first, last)
        members = _distinct_sentences([c for p in pairs for c in p])
        sides = "; ".join(
            f"{_who(c)} says {c.value} ({c.date.iso if c.date else ''})" for c in _one_per_voice(members)
        )
        conflicts.append(
            Finding(
                category="conflict",
                kind="date",
                subject=_subject(members),
                attribute=first.attribute,
                severity="minor" if gap <= 1 else "major",
                explanation=f"{sides}: {gap} day{'s' if gap != 1 else ''} apart.",
                statements=tuple(_statement(c) for c in members),
            )
        )
    agreements = []
    for group in _components(len(claims), agree):
        members = [claims[i] for i in group]
        day = members[0].date.iso if members[0].date else ""
        agreements.append(
            _agreement("date", members, f"{len({c.article for c in members})} reports date it {day}.")
        )
    return conflicts, agreements


def _days_apart(a: Claim, b: Claim) -> int:
    return abs((_to_date(_date_key(a, [a, b])) - _to_date(_date_key(b, [a, b]))).days)


def _date_key(c: Claim, members: list[Claim]) -> str:
    """A day, or a month when any side only names the month (so 'March' agrees with 'March 3')."""
    assert c.date is not None
    if any(m.date is not None and m.date.iso.startswith("--") for m in members):
        return "--" + c.date.iso[-5:]
    if any(m.date is not None and m.date.granularity == "month" for m in members):
        return c.date.iso[:7]
    if any(m.date is not None and m.date.granularity == "year" for m in members):
        return c.date.iso[:4]
    return c.date.iso


def _to_date(key: str) -> dt.date:
    if key.startswith("--"):  # a day without a year: compare within one leap year
        key = "2000" + key[1:]
    parts = [int(p) for p in key.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


# --- events: polarity, actor, place ----------------------------------------------------------


def _entity_words(phrase: str | None) -> set[str]:
    if not phrase:
        return set()
    return {w for w in phrase.lower().replace("the ", " ").split() if w not in PRONOUNS and len(w) > 2}


def _compare_events(claims: list[Claim], index: _Index) -> list[Finding]:
    found: list[Finding] = []
    seen: set[tuple[tuple[str, int], tuple[str, int]]] = set()
    for a, b in itertools.combinations(claims, 2):
        if not _may_differ(a, b):
            continue
        antonyms = frozenset({a.predicate, b.predicate}) in ANTONYMS
        if not _same_act(a.predicate, b.predicate) and not antonyms:
            continue
        sim = index.sim(a.sentence, b.sentence)
        if sim < EVENT_MIN_SIM and not (_is_membership(a) and sim >= MEMBERSHIP_MIN_SIM):
            continue
        pa, pb = _entity_words(a.patient), _entity_words(b.patient)
        if (pa or pb) and not (pa & pb) and not (pa and pb and sim >= CONTEXT_MIN_SIM):
            continue
        aa, ab = _entity_words(a.agent), _entity_words(b.agent)
        key = ((a.article, a.sentence.start), (b.article, b.sentence.start))
        if key in seen:
            continue
        shared_argument = bool(pa & pb or aa & ab)
        # every argument both clauses name is the same (a missing one agrees with anything)
        arguments_agree = bool(pa & pb if pa and pb else True) and bool(aa & ab if aa and ab else True)
        if not shared_argument or (sim < CONTEXT_MIN_SIM and not arguments_agree):
            continue  # two clauses with one verb are one event only when they share who or what
        if (a.negated != b.negated) != antonyms and _same_participants(a, b):
            seen.add(key)
            found.append(_event_conflict("polarity", a, b, _polarity_text(a, b, antonyms), "major"))
        elif a.negated == b.negated and not antonyms and _distinct_actors(a, b) and pa & pb:
            seen.add(key)
            found.append(
                _event_conflict(
                    "actor", a, b, f"{_who(a)} says {a.agent} did it; {_who(b)} says {b.agent}.", "major"
                )
            )
        elif a.negated == b.negated and not antonyms and a.place and b.place and not _places_agree(a, b):
            seen.add(key)
            found.append(
                _event_conflict(
                    "place", a, b, f"{_who(a)} places it in {a.place}; {_who(b)} in {b.place}.", "major"
                )
            )
    return found


def _is_membership(c: Claim) -> bool:
    """A claim that someone is one of a named group ("X is a defendant", "defendants include X")."""
    return any(k.startswith("role:") for k in c.keys)


def _head_word(phrase: str | None) -> str:
    """The last word of a phrase, lower-cased: the head of an English noun phrase."""
    words = [w for w in (phrase or "").lower().replace("'s", " ").split() if w not in _NAME_SUFFIXES]
    return words[-1].strip(".,;:\"'") if words else ""


def _same_participants(a: Claim, b: Claim) -> bool:
    """One affirmed and one denied act are about the same participants.

    The heads must match, not just a shared word: "names several Trump aides"
    is not denied by "does not name Trump", nor is "Trump" by "Donald Trump Jr.".
    """
    for x, y in ((a.patient, b.patient), (a.agent, b.agent)):
        if not x or not y or x.lower() in PRONOUNS or y.lower() in PRONOUNS:
            continue  # a missing or pronoun argument agrees with anything
        if not _same_referent(x, y):
            return False
    return True


def _same_referent(x: str, y: str) -> bool:
    """Two argument phrases point at the same thing: same head word and compatible names."""
    if _head_word(x) != _head_word(y):
        return False
    suffix_x = {w.strip(".,") for w in x.lower().split()} & _NAME_SUFFIXES
    suffix_y = {w.strip(".,") for w in y.lower().split()} & _NAME_SUFFIXES
    return suffix_x == suffix_y


# Generational suffixes: "Donald Trump Jr." is not "Donald Trump".
_NAME_SUFFIXES = frozenset("jr jr. sr sr. ii iii iv".split())
# Head nouns a report uses to refer back to a party already named ("his nation",
# "the country"): never evidence that a different party acted.
ANAPHORIC_NOUNS = frozenset(
    "country nation state government regime administration city town company firm group "
    "organisation organization agency party side man woman official leader director "
    "president chief spokesman spokeswoman spokesperson authorities".split()
)


def _is_anaphoric(phrase: str) -> bool:
    """A description with a determiner or possessive and no name: "the country", "his nation"."""
    words = phrase.split()
    if len(words) < 2 or any(w[:1].isupper() for w in words[1:]):
        return False
    return words[0].lower() in _DETERMINERS and words[-1].lower() in ANAPHORIC_NOUNS


_DETERMINERS = frozenset("the this that his her its their our my your".split())


def _is_acronym(phrase: str) -> bool:
    core = phrase.removeprefix("the ").removeprefix("The ").strip()
    return core.isupper() and core.isalpha() and len(core) >= 2


def _distinct_actors(a: Claim, b: Claim) -> bool:
    """Two agents are different parties, not one party named two ways.

    Not when either is a back-reference ("the country"), when one is an acronym
    of what the other spells out (DNC / the Democratic Party), or when one
    sentence names the other agent as well ("Manafort was indicted, while Gates
    pleaded guilty" sets two people apart; "CIA director Mike Pompeo" joins them).
    """
    if not a.agent or not b.agent:
        return False
    aa, ab = _entity_words(a.agent), _entity_words(b.agent)
    if not aa or not ab or aa & ab:
        return False
    if _is_anaphoric(a.agent) or _is_anaphoric(b.agent):
        return False
    if _is_acronym(a.agent) != _is_acronym(b.agent):
        return False
    text_a, text_b = a.sentence.text.lower(), b.sentence.text.lower()
    return not (all(w in text_a for w in ab) or all(w in text_b for w in aa))


# Words that name a kind of place: "Kessel Airport" and "Tarrow Airport" share one, not a place.
PLACE_TYPE_WORDS = frozenset(
    "airport station street road avenue square park district city town county province state river "
    "bridge port harbour harbor hospital school university international national north south east "
    "west".split()
)


def _places_agree(a: Claim, b: Claim) -> bool:
    return bool((_entity_words(a.place) & _entity_words(b.place)) - PLACE_TYPE_WORDS)


def _polarity_text(a: Claim, b: Claim, antonyms: bool) -> str:
    if antonyms:
        return f"{_who(a)} says '{a.value}'; {_who(b)} says '{b.value}', its opposite."
    yes, no = (b, a) if a.negated else (a, b)
    return f"{_who(yes)} affirms '{yes.value}'; {_who(no)} denies it ('{no.value}')."


def _event_conflict(kind: str, a: Claim, b: Claim, explanation: str, severity: str) -> Finding:
    return Finding(
        category="conflict",
        kind=kind,
        subject=a.subject if kind != "actor" else (a.patient or a.subject),
        attribute=a.predicate or a.attribute,
        severity=severity,
        explanation=explanation,
        statements=(_statement(a), _statement(b)),
    )


# --- titles and names -----------------------------------------------------------------------

# Offices a title can name, grouped where news copy uses the words for one office;
# the first word is the class name. A title whose head is not here ("leader",
# "dictator", "associate") describes rather than names an office and is not compared.
OFFICE_CLASSES = {
    w: group[0]
    for group in [
        ("chair", "chairman", "chairwoman", "chairperson"),
        ("manager",), ("director", "head", "chief"), ("deputy", "vice"), ("secretary",),
        ("adviser", "advisor", "aide", "assistant", "counselor", "counsellor", "staffer"),
        ("spokesman", "spokeswoman", "spokesperson"), ("treasurer",), ("minister",),
        ("president",), ("ambassador",), ("governor",), ("senator",), ("mayor",), ("attorney",),
        ("counsel", "lawyer"), ("commissioner",), ("volunteer",), ("founder", "co-founder"),
        ("editor",), ("ceo",), ("cfo",), ("coach",), ("captain",), ("commander",),
    ]
    for w in group
}  # fmt: skip


def _person_key(name: str) -> str:
    """A person's surname, for matching "Paul Manafort" with "Mr. Manafort" or "Paul Manafort, Jr."."""
    words = [w.strip(".,'") for w in name.lower().replace("'s", "").split()]
    words = [w for w in words if w and w not in _NAME_SUFFIXES]
    return words[-1] if words else ""


def _office(c: Claim) -> tuple[str, frozenset[str]] | None:
    """The office class of a title claim and the words that qualify it ("campaign")."""
    if not c.keys or c.keys[-1] not in OFFICE_CLASSES:
        return None
    return OFFICE_CLASSES[c.keys[-1]], frozenset(k for k in c.keys[:-1] if k not in OFFICE_CLASSES)


def _compare_titles(claims: list[Claim]) -> list[Finding]:
    """Reports that give one person two different offices of the same body.

    "former campaign chairman Paul Manafort" / "former campaign manager Paul
    Manafort": the same qualifier ("campaign") with two offices. Titles with no
    shared qualifier ("CIA Director", "secretary of state nominee") may both hold.
    """
    by_person: dict[str, list[tuple[Claim, str, frozenset[str]]]] = {}
    for c in claims:
        office = _office(c)
        if office is not None and c.agent:
            by_person.setdefault(_person_key(c.agent), []).append((c, *office))
    found: list[Finding] = []
    for titles in by_person.values():
        pairs = [
            (a, b)
            for (a, oa, qa), (b, ob, qb) in itertools.combinations(titles, 2)
            if oa != ob and qa & qb and a.article != b.article
        ]
        if not pairs:
            continue
        members = _distinct_sentences([c for p in pairs for c in p])
        sides = "; ".join(f"{_who(c)} calls them {c.value}" for c in _one_per_voice(members))
        found.append(
            Finding(
                category="conflict",
                kind="title",
                subject=members[0].agent or members[0].subject,
                attribute="title",
                severity="minor",
                explanation=f"{sides}.",
                statements=tuple(_statement(c) for c in members),
            )
        )
    return found


# A cheap first filter for two sentences that may repeat the same words (a quoted
# tweet reprinted): one swapped name in a short sentence already costs MiniLM
# 0.1-0.15 (0.86 on the test's invented quote); the word-by-word test decides.
NEAR_COPY_MIN_SIM = 0.75
# Share of the words two near copies must have in common, in order.
NEAR_COPY_MIN_RATIO = 0.8


def _compare_wordings(analyses: Sequence[Analysis], index: _Index) -> list[Finding]:
    """Near-copies of one sentence in two reports that differ in a name.

    When two reports reprint the same words but one has "Wendy" where the other
    has "Debbie", at least one misquotes: a conflict over what was said.
    """
    found: list[Finding] = []
    for x, y in itertools.combinations(analyses, 2):
        for sx in x.sentences:
            for sy in y.sentences:
                if index.sim(sx, sy) < NEAR_COPY_MIN_SIM:
                    continue
                swap = _swapped_name(sx.text, sy.text)
                if swap is None:
                    continue
                found.append(
                    Finding(
                        category="conflict",
                        kind="wording",
                        subject=" / ".join(swap),
                        attribute="name",
                        severity="minor",
                        explanation=(
                            f"{sx.article} and {sy.article} give the same words, but one says "
                            f"'{swap[0]}' where the other says '{swap[1]}'."
                        ),
                        statements=(
                            Statement(sx.article, sx.text, sx.start, sx.end, swap[0]),
                            Statement(sy.article, sy.text, sy.start, sy.end, swap[1]),
                        ),
                    )
                )
    return found


def _swapped_name(a: str, b: str) -> tuple[str, str] | None:
    """The one capitalised word that differs between two near-identical sentences, if any."""
    wa = [w.strip(".,;:!?\"'“”‘’()") for w in a.split()]
    wb = [w.strip(".,;:!?\"'“”‘’()") for w in b.split()]
    matcher = difflib.SequenceMatcher(a=[w.lower() for w in wa], b=[w.lower() for w in wb], autojunk=False)
    if matcher.ratio() < NEAR_COPY_MIN_RATIO:
        return None
    # words added before or after the shared words ("..., Trump wrote") do not matter
    swaps = [
        op for op in matcher.get_opcodes()
        if op[0] != "equal" and not (op[0] in {"insert", "delete"} and (op[1] == 0 or op[2] == len(wa)))
    ]  # fmt: skip
    if len(swaps) != 1 or swaps[0][0] != "replace":
        return None
    _, i1, i2, j1, j2 = swaps[0]
    if i2 - i1 != 1 or j2 - j1 != 1 or i1 == 0 or j1 == 0:
        return None  # one word for one word, not the first (capitalised anyway)
    old, new = wa[i1], wb[j1]
    if not (old[:1].isupper() and new[:1].isupper() and old.isalpha() and new.isalpha()):
        return None
    # the next word is a capitalised name too: the swapped word is a given name
    if i2 >= len(wa) or not wa[i2][:1].isupper():
        return None
    return old, new


# --- attributions ----------------------------------------------------------------------------


def _compare_attributions(analyses: Sequence[Analysis], embedder: Embedder) -> list[Finding]:
    named = [
        (an, at)
        for an in analyses
        for at in an.attributions
        if at.speaker
        and at.speaker[:1].isupper()
        and at.speaker.lower() not in PRONOUNS
        and len(at.content.split()) >= 5
    ]
    if len(named) < 2:
        return []
    vectors = embedder.encode([at.content for _, at in named])
    found: list[Finding] = []
    for i, j in itertools.combinations(range(len(named)), 2):
        (an_a, a), (an_b, b) = named[i], named[j]
        if a.article == b.article or float(vectors[i] @ vectors[j]) < ATTRIBUTION_MIN_SIM:
            continue
        if _entity_words(a.speaker) & _entity_words(b.speaker) or not _independent_sources(an_a, a, an_b, b):
            continue
        found.append(
            Finding(
                category="conflict",
                kind="attribution",
                subject=_short(a.content),
                attribute="source",
                severity="minor",
                explanation=(
                    f"the same words are ascribed to {a.speaker} ({a.article}) "
                    f"and to {b.speaker} ({b.article})."
                ),
                statements=(_attribution_statement(an_a, a), _attribution_statement(an_b, b)),
            )
        )
    return found


def _independent_sources(an_a: Analysis, a: Attribution, an_b: Analysis, b: Attribution) -> bool:
    """Two attributions name their speakers apart, so a shared quote is really ascribed twice.

    Not when a speaker is only a pronoun resolved to a name (the resolution may be
    wrong), nor when one report's sentence names the other's speaker too: a quote
    inside a quote ("Comey wrote: 'The president said...'") or a speaker picked up
    from inside the quoted words.
    """
    for an, at, other in ((an_a, a, b), (an_b, b, a)):
        if at.speaker_start is not None and at.speaker_end is not None:
            mention = an.article.text[at.speaker_start : at.speaker_end]
            if mention.lower() in PRONOUNS:
                return False
        sentence = _sentence_text(an, at.content_start).lower()
        if any(w in sentence for w in _entity_words(other.speaker)):
            return False
    return True


def _sentence_text(an: Analysis, position: int) -> str:
    """The text of the sentence of ``an`` holding character ``position``."""
    return next((s.text for s in an.sentences if s.start <= position < s.end), "")


def _attribution_statement(analysis: Analysis, at: Attribution) -> Statement:
    start = min(
        at.content_start, at.cue_start, at.speaker_start if at.speaker_start is not None else at.cue_start
    )
    end = max(at.content_end, at.cue_end, at.speaker_end or 0)
    for s in analysis.sentences:
        if s.start <= start < s.end:
            start = s.start
        if s.start < end <= s.end:
            end = s.end
    return Statement(at.article, analysis.article.text[start:end], start, end, at.speaker, at.speaker)


# --- statements: agreements and unique facts -------------------------------------------------


def _content_words(s: Sentence) -> set[str]:
    return {w.strip(".,;:'\"“”‘’()").lower() for w in s.text.split() if len(w) > 3} - _STOP


_STOP = frozenset(
    "that this with from have were been their they said says would could about which there after "
    "before while into over also than them when what where more most some such only other".split()
)


def _agree_statements(
    analyses: Sequence[Analysis], index: _Index, disputed: set[frozenset[tuple[str, int]]]
) -> list[Finding]:
    """Pair sentences across reports that paraphrase each other (not those already in conflict)."""
    edges: list[tuple[Sentence, Sentence, float]] = []
    for x, y in itertools.combinations(analyses, 2):
        if not x.sentences or not y.sentences:
            continue
        rows_x = [index.rows[(s.article, s.index)] for s in x.sentences]
        rows_y = [index.rows[(s.article, s.index)] for s in y.sentences]
        sims = index.vectors[rows_x] @ index.vectors[rows_y].T
        for i, j in zip(*np.nonzero(sims >= AGREEMENT_MIN_SIM), strict=True):
            # a best match in either direction keeps the pairings few and strong
            if sims[i].argmax() == j or sims[:, j].argmax() == i:
                sx, sy = x.sentences[i], y.sentences[j]
                pair = frozenset({(sx.article, sx.start), (sy.article, sy.start)})
                if pair not in disputed and _content_words(sx) & _content_words(sy):
                    edges.append((sx, sy, float(sims[i, j])))
    nodes = list(dict.fromkeys(s for e in edges for s in e[:2]))
    position = {s: k for k, s in enumerate(nodes)}
    found: list[Finding] = []
    for group in _components(len(nodes), [(position[a], position[b]) for a, b, _ in edges]):
        members = sorted((nodes[k] for k in group), key=lambda s: (s.article, s.start))
        sims = [sim for a, b, sim in edges if a in members and b in members]
        shared = set.intersection(*(_content_words(s) for s in members))
        found.append(
            Finding(
                category="agreement",
                kind="statement",
                subject=", ".join(sorted(shared)[:4]) or "statement",
                attribute="statement",
                explanation=f"{len({s.article for s in members})} reports say this in close paraphrase "
                f"(similarity {min(sims):.2f}).",
                statements=tuple(Statement(s.article, s.text, s.start, s.end) for s in members),
            )
        )
    return found


def _unique(analyses: Sequence[Analysis], index: _Index, used: set[tuple[str, int]]) -> list[Finding]:
    if len(analyses) < 2:
        return []
    found: list[Finding] = []
    for an in analyses:
        others = [index.rows[(s.article, s.index)] for o in analyses if o is not an for s in o.sentences]
        if not others:
            continue
        claims_by_sentence: dict[int, list[Claim]] = {}
        for c in an.claims:
            claims_by_sentence.setdefault(c.sentence.index, []).append(c)
        for s in an.sentences:
            if (s.article, s.start) in used or len(s.text.split()) < UNIQUE_MIN_TOKENS:
                continue
            claims = claims_by_sentence.get(s.index, [])
            if not any(c.kind == "event" for c in claims):
                continue
            best = float((index.vectors[others] @ index.vectors[index.rows[(s.article, s.index)]]).max())
            if best >= UNIQUE_MAX_SIM:
                continue
            main = next((c for c in claims if c.kind == "event"), claims[0])
            speaker = next((c.speaker for c in claims if c.speaker), None)
            found.append(
                Finding(
                    category="unique",
                    kind="fact",
                    subject=main.subject,
                    attribute=main.attribute,
                    explanation=(
                        f"only {s.article} reports this (closest sentence elsewhere: similarity {best:.2f})."
                    ),
                    statements=(Statement(s.article, s.text, s.start, s.end, None, speaker),),
                )
            )
    return found


# --- shared helpers --------------------------------------------------------------------------


def _components(n: int, edges: Sequence[tuple[int, int]]) -> list[list[int]]:
    """Connected components (union-find) of the nodes touched by ``edges``."""
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


def _statement(c: Claim) -> Statement:
    s = c.sentence
    return Statement(c.article, s.text, s.start, s.end, c.value, c.speaker)


def _agreement(kind: str, claims: list[Claim], explanation: str) -> Finding:
    return Finding(
        category="agreement",
        kind=kind,
        subject=_subject(claims),
        attribute=claims[0].attribute,
        explanation=explanation,
        statements=tuple(_statement(c) for c in _distinct_sentences(claims)),
    )


def _distinct_sentences(claims: list[Claim]) -> list[Claim]:
    """One claim per evidence sentence, in article order."""
    seen: dict[tuple[str, int], Claim] = {}
    for c in sorted(claims, key=lambda c: (c.article, c.start)):
        seen.setdefault((c.article, c.sentence.start), c)
    return list(seen.values())


def _one_per_voice(claims: list[Claim]) -> list[Claim]:
    """One claim per (article, speaker, value), in article order."""
    seen: dict[tuple[str, str | None, str], Claim] = {}
    for c in sorted(claims, key=lambda c: (c.article, c.start)):
        seen.setdefault((c.article, c.speaker, c.value), c)
    return list(seen.values())


def _who(c: Claim) -> str:
    return f"{c.article} ({c.speaker})" if c.speaker else c.article


def _subject(claims: list[Claim]) -> str:
    subjects = [c.subject for c in claims if c.subject]
    # the commonest; a tie goes to the first named (a set would break it by hash order,
    # which changes from one process to the next)
    return max(dict.fromkeys(subjects), key=subjects.count) if subjects else ""


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _first_position(f: Finding) -> tuple[str, int]:
    s = f.statements[0]
    return (s.article, s.start)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Drop a finding whose evidence sentences are all covered by an earlier, more specific one."""
    kept: list[Finding] = []
    covered: list[set[tuple[str, int]]] = []
    for f in findings:
        spans = {(s.article, s.start) for s in f.statements}
        if any(spans <= c for c in covered):
            continue
        kept.append(f)
        covered.append(spans)
    return kept
