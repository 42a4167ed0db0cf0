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
from collections.abc import Iterable

from spacy.tokens import Doc, Span, Token

from .attribution import extract_attributions, speaker_for
from .dates import extract_dates
from .nlp import content_sentences
from .quantities import extract_quantities
from .records import Analysis, Article, Attribution, Claim, DateMention, Quantity, Sentence

__all__ = ["SPEECH_VERBS", "analyze", "extract_claims"]

# Verbs that report speech or thought: the claim is in their complement, so they
# are never the predicate of a claim themselves.
SPEECH_VERBS = frozenset(
    "say tell add claim state announce report confirm deny insist warn write tweet post note explain "
    "accuse allege suggest believe think estimate acknowledge argue assert declare indicate reveal "
    "disclose admit repeat stress emphasise emphasize according quote".split()
)
# Predicates too general to identify an event on their own.
LIGHT_VERBS = frozenset(
    ["be", "have", "do", "get", "make", "take", "go", "come", "seem", "appear", "become", "include", "use"]
)
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT"})
PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "on"})
# Prepositions that tie a measure to what it is measured against ("25 miles from the border").
REFERENCE_PREPS = frozenset({"from", "to", "away", "off", "outside", "north", "south", "east", "west"})
PRONOUNS = frozenset("he she it they we i you who which that this these those one someone".split())


def analyze(article: Article, doc: Doc) -> Analysis:
    """Run the per-article stages on a parsed article: sentences, attributions, claims."""
    published = _published_date(article.published)
    attributions = tuple(extract_attributions(doc, article.id))
    sentences: list[Sentence] = []
    claims: list[Claim] = []
    for index, sent in enumerate(content_sentences(doc)):
        start, end = _trim(doc, sent.start_char, sent.end_char)
        sentence = Sentence(article.id, index, start, end, article.text[start:end])
        sentences.append(sentence)
        claims.extend(extract_claims(sent, sentence, published, attributions))
    return Analysis(article, tuple(sentences), tuple(claims), attributions)


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
    frame = [k for k in _frame_of(head, predicate) if k not in _span_lemmas(doc, q.start, q.end)]
    reference = _reference_after(doc, q.end, sent.end_char)
    keys = set(frame)
    if reference:
        keys.add("ref:" + reference[0])
    if q.noun:
        keys.add("noun:" + q.noun)
    subject = _subject_for(head, sent) or (q.noun or "")
    attribute = _quantity_attribute(q, predicate, frame, reference)
    return Claim(
        id=f"{sentence.article}:q{sentence.index}.{n}",
        article=sentence.article,
        sentence=sentence,
        kind="quantity",
        subject=subject,
        attribute=attribute,
        value=q.text,
        start=q.start,
        end=q.end,
        predicate=predicate.lemma_.lower() if predicate is not None else None,
        speaker=_speaker(q.start, q.end, attributions),
        quantity=q,
        keys=tuple(sorted(keys)),
        place=reference[1] if reference else None,
    )


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
    tokens = [t for t in doc if end <= t.idx < limit][:3]
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


def _quantity_attribute(q: Quantity, predicate: Token | None, frame: list[str], ref: tuple | None) -> str:
    if ref is not None and q.dimension == "length":
        return f"distance from {ref[1]}"
    words: list[str] = []
    if q.dimension not in {"count"}:
        words.append(q.dimension)
    elif q.noun:
        words.append(f"number of {q.noun}")
    else:
        words.append("number")
    if predicate is not None and predicate.pos_ in {"VERB", "AUX"}:
        words.append(predicate.text.lower())
    elif frame:
        words.append("(" + " ".join(frame[:3]) + ")")
    return " ".join(words)


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
        article=sentence.article,
        sentence=sentence,
        kind="date",
        subject=_subject_for(predicate, sent) or predicate.lemma_,
        attribute=f"date ({predicate.lemma_.lower()})",
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
    negated = any(c.dep_ == "neg" for c in verb.children) or (
        patient_tok is not None and any(c.lower_ in {"no", "never"} for c in patient_tok.children)
    )
    if verb.pos_ == "AUX":
        attr = next(c for c in verb.children if c.dep_ in {"acomp", "attr"})
        predicate = f"be {attr.lemma_.lower()}"
    else:
        predicate = verb.lemma_.lower()
    places = sorted(
        {
            ent.text
            for ent in sent.ents
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
        article=sentence.article,
        sentence=sentence,
        kind="event",
        subject=_phrase(agent_tok) or _phrase(patient_tok) or predicate,
        attribute=predicate,
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


# --- helpers ---------------------------------------------------------------------------


def _published_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    text = doc.text
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_speech(token: Token) -> bool:
    return token.lemma_.lower() in SPEECH_VERBS and token.pos_ in {"VERB", "ADP"}


def _span_lemmas(doc: Doc, start: int, end: int) -> set[str]:
    return {t.lemma_.lower() for t in doc if start <= t.idx < end}


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
        ent = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        if ent is not None:
            return ent.text.lower().removeprefix("the ")
    return token.lemma_.lower()


def _phrase(token: Token | None) -> str | None:
    """A short readable phrase for an argument: its entity, or the noun with its modifiers."""
    if token is None:
        return None
    if token.ent_type_:
        ent = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        if ent is not None:
            return ent.text
    left = min(
        (c.i for c in token.children if c.dep_ in {"compound", "amod", "det", "poss", "nummod"}),
        default=token.i,
    )
    return token.doc[left : token.i + 1].text


def _subject_for(token: Token, sent: Span) -> str | None:
    """What a measure or event is about: the name it is in apposition to, or the clause's subject."""
    current = token
    for _ in range(6):
        if current.dep_ == "appos" and current.head.ent_type_:
            return _phrase(current.head)
        if current.head.i == current.i:
            break
        current = current.head
    names = [e for e in sent.ents if e.label_ in NAME_LABELS - {"NORP"}]
    if names:
        return names[0].text
    return None


def _speaker(start: int, end: int, attributions: tuple[Attribution, ...]) -> str | None:
    found = speaker_for(start, end, attributions)
    return found.speaker if found is not None else None
