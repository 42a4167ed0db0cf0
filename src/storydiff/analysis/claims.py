"""Claims: structured statements read off the dependency parse of each sentence.

A claim records what a sentence says about something in slots that can be
compared across reports:

- **quantity** claims: a number with its unit, range and *frame*, the words the
  number hangs on ("two workers were *injured*", "a *city of* 69,000 people",
  "25 miles *from the border*");
- **date** claims: a resolved day and the event it dates ("invaded on Feb. 24");
- **event** claims: a predicate with its agent, patient, place and polarity
  ("police arrested the manager", "the plant had not passed its inspection").

Each claim keeps its sentence, its character offsets and the speaker whose
reported words contain it, so every later finding can show its evidence.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import replace

from spacy.tokens import Doc, Span, Token

from storydiff.analysis.attribution import extract_attributions, speaker_for
from storydiff.analysis.dates import extract_dates
from storydiff.analysis.lexicon import FRAMING_VERBS, RELATIVE_PRONOUNS
from storydiff.analysis.naming import date_name, event_name, quantity_name
from storydiff.analysis.nlp import content_sentences, doc_index, trim_span
from storydiff.analysis.quantities import extract_quantities
from storydiff.analysis.quotations import whole_quotations
from storydiff.records import Analysis, Article, Attribution, Claim, DateMention, Quantity, Sentence
from storydiff.report.codec import iso_day

__all__ = ["analyze", "extract_claims", "published_date"]

# Predicates too general to identify an event on their own.
LIGHT_VERBS = frozenset(
    ["be", "have", "do", "get", "make", "take", "go", "come", "seem", "appear", "become", "include", "use"]
)
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT"})
PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "on"})
# Prepositions that tie a measure to what it is measured against ("25 miles from the border").
REFERENCE_PREPS = frozenset({"from", "to", "away", "off", "outside", "north", "south", "east", "west"})
# Verbs whose complement the speaker says is false.
DENIAL_VERBS = frozenset("deny dispute refute reject".split())
# Nouns for a part, a copy or a container of something: an act on them is an act on that
# thing ("released copies of the memos" releases the memos).
PART_NOUNS = frozenset(
    "copy page part portion excerpt section version batch set list number group series".split()
)
PRONOUNS = frozenset("he she it they we i you who which that this these those one someone".split())


def analyze(article: Article, doc: Doc) -> Analysis:
    """Run the per-article stages on a parsed article: sentences, attributions, claims."""
    published = published_date(article.published)
    attributions = tuple(extract_attributions(doc, article.id))
    # speakers of claims also reach the earlier lines of a quotation that spans several
    speech = attributions + _quotation_attributions(doc_index(doc).text, attributions)
    # only the reported speech around a sentence can hold its claims: looking
    # through all of it for every claim took time in the square of the length
    around = _SpeechAround(speech)
    sentences: list[Sentence] = []
    claims: list[Claim] = []
    for index, sent in enumerate(content_sentences(doc)):
        start, end = trim_span(doc, sent.start_char, sent.end_char)
        sentence = Sentence(article.id, index, start, end, article.text[start:end])
        sentences.append(sentence)
        claims.extend(
            extract_claims(sent, sentence, published, around.overlapping(sent.start_char, sent.end_char))
        )
    return Analysis(article, tuple(sentences), tuple(claims), attributions)


class _SpeechAround:
    """The attributions whose content overlaps a stretch of text, for stretches in text order.

    A claim lies inside its sentence, so an attribution covering the claim
    overlaps the sentence. Swept in sentence order, each attribution joins when
    its content begins and leaves once a sentence starts after its content: the
    work is the number of (sentence, overlapping attribution) pairs, about
    linear in the text. The attributions come back in their given order, which
    decides between equally tight ones (:func:`speaker_for`).
    """

    def __init__(self, attributions: Sequence[Attribution]) -> None:
        self._attributions = attributions
        self._by_start = sorted(range(len(attributions)), key=lambda n: attributions[n].content_start)
        self._next = 0
        self._active: set[int] = set()

    def overlapping(self, start: int, end: int) -> tuple[Attribution, ...]:
        """The attributions with content in ``start``..``end`` (ends included); calls in text order."""
        found = self._attributions
        while self._next < len(self._by_start) and found[self._by_start[self._next]].content_start <= end:
            self._active.add(self._by_start[self._next])
            self._next += 1
        self._active = {n for n in self._active if found[n].content_end >= start}
        return tuple(found[n] for n in sorted(self._active))


def extract_claims(
    sent: Span, sentence: Sentence, published: dt.date | None, attributions: Iterable[Attribution] = ()
) -> list[Claim]:
    """Read the quantity, date and event claims of one parsed sentence."""
    attributions = tuple(attributions)
    claims: list[Claim] = []
    for q in extract_quantities(sent):
        claims.append(_quantity_claim(sent, sentence, q, attributions, len(claims)))
    for d in extract_dates(sent, published):
        claim = _date_claim(sent, sentence, d, attributions, len(claims))
        if claim is not None:
            claims.append(claim)
    for token in sent:
        if _is_event_predicate(token):
            claims.append(_event_claim(sent, sentence, token, attributions, len(claims)))
    return claims


# --- quantity claims -------------------------------------------------------------------


def _quantity_claim(
    sent: Span, sentence: Sentence, q: Quantity, attributions: tuple[Attribution, ...], n: int
) -> Claim:
    doc = sent.doc
    number = doc[q.token_i] if 0 <= q.token_i < len(doc) else sent.root
    # the unit or counted noun the number modifies ("miles", "workers")
    head = number.head if number.dep_ in {"nummod", "quantmod", "compound", "nmod"} else number
    predicate = _predicate_of(head)
    value_lemmas = _span_lemmas(doc, q.start, q.end)
    frame = [k for k in _frame_of(head, predicate) if k not in value_lemmas]
    relative = _object_relative_clause(head)
    if relative is not None:
        # "the $28 million the ministry spent came from a fund": the amount is what was spent
        predicate = relative
        frame.append(_key(relative))
    reference = _reference_after(doc, q.end, sent.end_char)
    keys = set(frame)
    speaker = _speaker(q.start, q.end, attributions)
    subject = _context_for(head, sent, speaker)
    if reference is not None and q.dimension == "length":
        attribute = f"distance from {reference[1]}"
    else:
        attribute = quantity_name(number, head, q.dimension, predicate)
    return Claim(
        id=f"{sentence.article}:q{sentence.index}.{n}",
        frame=frame_text(number, predicate, q.start, q.end),
        scope=scope_of(number, predicate, q.start, q.end),
        article=sentence.article,
        sentence=sentence,
        kind="quantity",
        subject=subject,
        attribute=attribute,
        value=q.text,
        start=q.start,
        end=q.end,
        predicate=predicate.lemma_.lower() if predicate is not None else None,
        speaker=speaker,
        quantity=q,
        keys=tuple(sorted(keys)),
        reference=reference[0] if reference else None,
        place=reference[1] if reference else None,
    )


def _object_relative_clause(head: Token) -> Token | None:
    """The verb of a relative clause whose missing object is ``head`` ("the sum [that] they paid")."""
    for child in head.children:
        if child.dep_ != "relcl" or child.pos_ != "VERB":
            continue
        # with its own object, or a relative pronoun for subject, the clause says what the sum did
        has_object = any(c.dep_ in {"dobj", "nsubjpass"} for c in child.children)
        sum_is_subject = any(c.dep_ == "nsubj" and c.lower_ in RELATIVE_PRONOUNS for c in child.children)
        if not has_object and not sum_is_subject:
            return child
    return None


def _frame_of(head: Token, predicate: Token | None) -> list[str]:
    """Content lemmas on the path from the number up to its predicate (the words it hangs on)."""
    lemmas: list[str] = []
    token = head
    for _ in range(6):
        if token.pos_ in {"NOUN", "PROPN", "VERB", "ADJ"} and not _is_speech(token):
            lemmas.append(_key(token))
        if (
            (predicate is not None and token.i == predicate.i)
            or token.head.i == token.i
            or _is_speech(token.head)
        ):
            break
        token = token.head
    return lemmas


def _reference_after(doc: Doc, end: int, limit: int) -> tuple[str, str] | None:
    """The object a measure is taken against: "25 miles from the border" -> ("border", "the border")."""
    tokens = doc_index(doc).tokens_at(doc, end, limit)[:3]
    for token in tokens:
        if token.lower_ in REFERENCE_PREPS and token.pos_ in {"ADP", "ADV"}:
            objects = [c for c in token.children if c.dep_ == "pobj"]
            if not objects:
                objects = [
                    c for g in token.children if g.dep_ == "prep" for c in g.children if c.dep_ == "pobj"
                ]
            if objects:
                obj = objects[0]
                return _key(obj), doc[obj.left_edge.i : obj.i + 1].text
        elif not token.is_punct and token.lower_ not in {"away", "long", "wide", "high", "deep"}:
            break
    return None


# --- date claims -----------------------------------------------------------------------


def _date_claim(
    sent: Span, sentence: Sentence, d: DateMention, attributions: tuple[Attribution, ...], n: int
) -> Claim | None:
    doc = sent.doc
    anchor = doc[d.token_i] if 0 <= d.token_i < len(doc) else sent.root
    predicate = _predicate_of(anchor)
    if predicate is None:
        return None
    keys = {_key(predicate)}
    keys.update(_key(c) for c in predicate.children if c.dep_ in _ARGUMENT_DEPS and not c.is_stop)
    return Claim(
        id=f"{sentence.article}:d{sentence.index}.{n}",
        frame=frame_text(anchor, predicate, d.start, d.end),
        scope=scope_of(anchor, predicate, d.start, d.end),
        article=sentence.article,
        sentence=sentence,
        kind="date",
        subject=_context_for(predicate, sent, _speaker(d.start, d.end, attributions)),
        attribute=date_name(predicate),
        value=d.text,
        start=d.start,
        end=d.end,
        predicate=predicate.lemma_.lower(),
        speaker=_speaker(d.start, d.end, attributions),
        date=d,
        keys=tuple(sorted(keys)),
    )


# --- event claims ----------------------------------------------------------------------

_SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
_OBJECT_DEPS = {"dobj", "attr", "acomp", "oprd", "xcomp"}
_ARGUMENT_DEPS = _SUBJECT_DEPS | _OBJECT_DEPS | {"agent", "pobj"}


def _is_event_predicate(token: Token) -> bool:
    if token.pos_ not in {"VERB", "AUX"} or _is_speech(token):
        return False
    if token.dep_ in {"aux", "auxpass", "amod", "compound"}:
        return False
    if token.dep_ == "ccomp" and any(c.dep_ == "neg" for c in token.head.children):
        return False  # "never wrote that he felt obstructed" says nothing either way about feeling
    if token.lemma_.lower() in LIGHT_VERBS and token.pos_ == "VERB":
        return any(c.dep_ in _OBJECT_DEPS for c in token.children)
    if token.pos_ == "AUX":  # copula: "the bridge was closed", "he was not the driver"
        return any(c.dep_ in {"acomp", "attr"} for c in token.children)
    return True


def _event_claim(
    sent: Span, sentence: Sentence, verb: Token, attributions: tuple[Attribution, ...], n: int
) -> Claim:
    doc = sent.doc
    passive = any(c.dep_ in {"auxpass", "nsubjpass"} for c in verb.children)
    agent_tok = patient_tok = None
    for child in verb.children:
        if child.dep_ == "nsubj" or child.dep_ == "csubj":
            agent_tok = child
        elif child.dep_ == "nsubjpass" or (child.dep_ in _OBJECT_DEPS and patient_tok is None):
            patient_tok = child
        elif child.dep_ == "agent":
            agent_tok = next((g for g in child.children if g.dep_ == "pobj"), agent_tok)
    if passive and agent_tok is not None and agent_tok.dep_ == "nsubj":
        agent_tok = None
    if verb.dep_ == "conj" and not any(c.dep_ in _SUBJECT_DEPS for c in verb.children):
        # "The memos include details ... and were released by officials": the subject is shared
        shared = next((c for c in verb.head.children if c.dep_ in _SUBJECT_DEPS), None)
        if shared is not None and passive and patient_tok is None:
            patient_tok = shared
        elif shared is not None and not passive and agent_tok is None:
            agent_tok = shared
    patient_tok = _of_object(patient_tok)
    negated = any(c.dep_ == "neg" for c in verb.children) or (
        patient_tok is not None and any(c.lower_ in {"no", "never"} for c in patient_tok.children)
    )
    if verb.dep_ == "ccomp" and verb.head.lemma_.lower() in DENIAL_VERBS:
        negated = not negated  # "Trump denied his campaign colluded": the collusion is denied
    if verb.pos_ == "AUX":
        attr = next(c for c in verb.children if c.dep_ in {"acomp", "attr"})
        predicate = f"be {attr.lemma_.lower()}"
    else:
        predicate = verb.lemma_.lower()
    places = sorted(
        {
            ent.text
            for ent in doc_index(doc).ents_in(doc, sent.start, sent.end)
            if ent.label_ in PLACE_LABELS and _governed_by(ent.root, verb) and _in_place_phrase(ent.root)
        }
    )
    keys = {predicate}
    for tok in (agent_tok, patient_tok):
        if tok is not None and tok.lower_ not in PRONOUNS:
            keys.add(_key(tok))
    start = verb.left_edge.idx if verb.dep_ == "ROOT" else verb.idx
    start = max(start, sent.start_char)
    end = verb.idx + len(verb.text)
    return Claim(
        id=f"{sentence.article}:e{sentence.index}.{n}",
        frame=frame_text(verb, verb, -1, -1),
        scope=scope_of(verb, verb, -1, -1),
        article=sentence.article,
        sentence=sentence,
        kind="event",
        subject=_phrase(agent_tok) or _phrase(patient_tok) or predicate,
        attribute=event_name(verb, predicate),
        value=("not " if negated else "") + doc[verb.i : verb.i + 1].text,
        start=start,
        end=end,
        predicate=predicate,
        agent=_phrase(agent_tok),
        patient=_phrase(patient_tok),
        negated=negated,
        speaker=_speaker(verb.idx, end, attributions),
        place="; ".join(places) or None,
        keys=tuple(sorted(keys)),
    )


# --- quotations ------------------------------------------------------------------------


def _quotation_attributions(text: str, attributions: tuple[Attribution, ...]) -> tuple[Attribution, ...]:
    """Stretch each attributed quote to its whole quotation, line breaks included.

    A speaker tag usually sits after the last line of a multi-line quotation
    ("...It should never have been made," Trump said): the lines before it are
    the same speaker's words. The stretched records only serve to look up the
    speaker of a claim; the narrower original wins wherever it applies.
    """
    stretched: list[Attribution] = []
    spoken = sorted((a for a in attributions if a.speaker), key=lambda a: a.content_start)
    starts = [a.content_start for a in spoken]
    for start, end in whole_quotations(text):
        inside = spoken[bisect_left(starts, start) : bisect_right(starts, end)]
        inner = [a for a in inside if a.content_end <= end]
        if len(inner) != 1 or (inner[0].content_start, inner[0].content_end) == (start, end):
            continue  # two speakers in one quotation, or nothing to stretch
        stretched.append(replace(inner[0], content=text[start:end], content_start=start, content_end=end))
    return tuple(stretched)


# --- frames ----------------------------------------------------------------------------

# Dependents that say what a figure or an act is about and when: arguments, modifiers,
# particles, negation, modal verbs. Whole clauses (ccomp, relcl, conj) are left out: they
# are other statements.
_FRAME_DEPS = frozenset(
    "nsubj nsubjpass dobj attr acomp oprd agent pobj prep prt neg advmod npadvmod compound amod "
    "nummod poss xcomp dative".split()
)
# At most this many words: enough for "workers injured in the inferno" or "caravan once
# numbered", short enough that the embedding of the frame stays about the value.
MAX_FRAME_WORDS = 12


def frame_text(anchor: Token, predicate: Token | None, start: int, end: int) -> str:
    """The words a value or an act hangs on, in text order, the value itself left out.

    The path from ``anchor`` up to its predicate, the predicate's and the path's
    arguments and modifiers one level down (prepositions with their objects), and
    the noun a relative clause describes: "a caravan that once numbered about
    1,200" gives "caravan once numbered"; "two workers were injured in the inferno"
    gives "workers injured in inferno".
    """
    path = [anchor]
    token = anchor
    for _ in range(6):
        if (predicate is not None and token.i == predicate.i) or token.head.i == token.i:
            break
        if _is_speech(token.head) or token.dep_ in {"ccomp", "relcl", "advcl"}:
            break
        if token.dep_ == "conj" and token.pos_ in {"VERB", "AUX"}:
            break  # "...and were released": another clause
        token = token.head
        path.append(token)
        if path[-2].dep_ == "appos":
            break  # "Belgorod, a city of 69,000": the name described, not its clause
    picked = {t.i for t in path}
    for t in path:
        for child in t.children:
            if child.dep_ in _FRAME_DEPS or (child.dep_ == "aux" and child.tag_ == "MD"):
                picked.add(child.i)
                if child.dep_ in {"prep", "agent"} or child.pos_ in {"NOUN", "PROPN"}:
                    picked.update(g.i for g in child.children if g.dep_ in {"pobj", "compound"})
        if t.dep_ in {"relcl", "acl", "appos"}:
            picked.add(t.head.i)  # "a caravan that once numbered": what the clause describes
    doc = anchor.doc
    words = [
        doc[i].text
        for i in sorted(picked)
        if not start <= doc[i].idx < end
        and not doc[i].like_num
        and not doc[i].is_punct
        and doc[i].pos_ not in {"DET", "PRON"}
        and (doc[i].pos_ != "AUX" or doc[i].tag_ == "MD" or doc[i].i == anchor.i)
    ]
    return " ".join(words[:MAX_FRAME_WORDS])


# Entities that narrow a statement to a place, a time or an occasion.
SCOPE_LABELS = frozenset({"GPE", "LOC", "FAC", "DATE", "EVENT"})
# Dependents that open another statement: their entities are not this one's scope.
_OTHER_CLAUSES = frozenset({"ccomp", "relcl", "advcl", "parataxis", "csubj"})


def scope_of(anchor: Token, predicate: Token | None, start: int, end: int) -> tuple[str, ...]:
    """The places, dates and events named in the clause of a value or an act, lower-cased.

    The clause is the predicate's subtree (or, for a figure describing a noun, the
    noun phrase it sits in) without the clauses inside it and without the value
    itself: "Twelve people were killed ... in Bener Meriah district" gives
    ("bener meriah",); "at least 24 people were killed" gives ().
    """
    top = predicate
    if top is None:
        top = anchor
        for _ in range(6):
            if top.head.i == top.i or top.dep_ == "appos":
                break
            top = top.head
        if top.dep_ == "appos":
            top = top.head
    outside: set[int] = set()
    for token in top.subtree:
        if token.i != top.i and (
            token.dep_ in _OTHER_CLAUSES or (token.dep_ == "conj" and token.pos_ in {"VERB", "AUX"})
        ):
            outside.update(t.i for t in token.subtree)
    found = []
    for ent in doc_index(top.doc).ents_touching(top.doc, top.left_edge.i, top.right_edge.i):
        if (
            ent.label_ not in SCOPE_LABELS
            or ent.root.i in outside
            or not top.left_edge.i <= ent.root.i <= top.right_edge.i
        ):
            continue
        if start <= ent.start_char < end or ent.start_char <= start < ent.end_char:
            continue  # the value itself
        found.append(ent.text.lower().removeprefix("the "))
    return tuple(dict.fromkeys(found))


# --- helpers ---------------------------------------------------------------------------


def published_date(value: str | None) -> dt.date | None:
    """An article's ``published`` field as the date claims are resolved against (None if unusable)."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(iso_day(value)[:10])  # "999-01-01" is 1 January 999
    except ValueError:
        return None


def _is_speech(token: Token) -> bool:
    return token.lemma_.lower() in FRAMING_VERBS and token.pos_ in {"VERB", "ADP"}


def _span_lemmas(doc: Doc, start: int, end: int) -> set[str]:
    return {t.lemma_.lower() for t in doc_index(doc).tokens_at(doc, start, end)}


def _predicate_of(token: Token) -> Token | None:
    """The nearest verb above ``token`` that is not a speech verb.

    A noun phrase in apposition ("Belgorod, a city of 69,000 people, is located...")
    describes its noun, not the clause: the search stops there.
    """
    current = token
    for _ in range(8):
        if current.pos_ == "VERB" and not _is_speech(current):
            return current
        if current.dep_ == "appos":
            return None
        if current.head.i == current.i or _is_speech(current.head):
            return current if current.pos_ == "VERB" else None
        current = current.head
    return None


def _governed_by(token: Token, verb: Token) -> bool:
    current = token
    for _ in range(6):
        if current.i == verb.i:
            return True
        if current.head.i == current.i or (current.pos_ == "VERB" and current.i != token.i):
            return False
        current = current.head
    return False


def _in_place_phrase(token: Token) -> bool:
    current = token
    for _ in range(3):
        if current.dep_ == "pobj" and current.head.lower_ in PLACE_PREPS:
            return True
        if current.dep_ not in {"compound", "appos", "conj", "pobj"}:
            return False
        current = current.head
    return False


def _key(token: Token) -> str:
    """A comparison key for a content word: the entity text for names, else the lemma."""
    if token.ent_type_ in NAME_LABELS:
        ent = doc_index(token.doc).ent_of(token.doc, token.i)
        if ent is not None:
            return ent.text.lower().removeprefix("the ")
    return token.lemma_.lower()


def _of_object(token: Token | None) -> Token | None:
    """What a part or copy is of: "copies of the memos" -> memos, "15 pages of memos" -> memos."""
    if token is None or token.lemma_.lower() not in PART_NOUNS:
        return token
    objects = [g for c in token.children if c.lower_ == "of" for g in c.children if g.dep_ == "pobj"]
    return objects[0] if objects else token


def _phrase(token: Token | None) -> str | None:
    """A short readable phrase for an argument: its entity, or the noun with its modifiers."""
    if token is None:
        return None
    if token.ent_type_:
        ent = doc_index(token.doc).ent_of(token.doc, token.i)
        if ent is not None:
            return ent.text
    left = min(
        (c.i for c in token.children if c.dep_ in {"compound", "amod", "det", "poss", "nummod"}),
        default=token.i,
    )
    return token.doc[left : token.i + 1].text


def _context_for(token: Token, sent: Span, speaker: str | None) -> str:
    """Where or what a figure is about, for a heading: the name it describes, else a place named.

    The speaker's own name is not the figure's subject ("according to the
    county health department"); without a name or place the heading is the
    figure's name alone.
    """
    current = token
    for _ in range(6):
        if current.dep_ == "appos" and current.head.ent_type_:
            return _phrase(current.head) or ""
        if current.head.i == current.i:
            break
        current = current.head
    for ent in doc_index(sent.doc).ents_in(sent.doc, sent.start, sent.end):
        if ent.label_ in PLACE_LABELS and not (speaker and (ent.text in speaker or speaker in ent.text)):
            return ent.text
    return ""


def _speaker(start: int, end: int, attributions: tuple[Attribution, ...]) -> str | None:
    found = speaker_for(start, end, attributions)
    return found.speaker if found is not None else None
