"""Who said what: attributions read off the dependency parse.

An attribution ties a *speaker* (source), a *cue* (the speech verb, or
"according to") and the *content* (what was said). The patterns covered::

    X said (that) C            X told reporters C          X said on Telegram C
    C, X said.                 C, said X.                  The attack, X said, killed two.
    According to X, C          C, according to X           it was reported that C
    “C1. C2,” X said.          X said: “C”                 “C1,” X said, “C2.”
    X denied the report        ..., saying C / adding C   (the subject of the main verb speaks)

Speakers are resolved to a name so that all statements of one person share one
speaker string: descriptors and relative clauses are dropped ("regional
governor Vyacheslav Gladkov" -> "Vyacheslav Gladkov"; "The oil company
Rosneft, which owns the depot," -> "Rosneft"), a bare surname maps to the full
name seen earlier ("Gladkov" -> "Vyacheslav Gladkov"), and pronouns take the
nearest fitting earlier mention:

* he / she: the previous speaker when that was a person speaking in this or the
  sentence before, otherwise the nearest earlier PERSON entity;
* it / they / "the company", "the ministry", ...: the same with organisations.

Unnamed sources ("officials", "a spokesman") keep their surface text. All
offsets point into the parsed text (``doc.text``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from storydiff.analysis.lexicon import HONORIFICS, RELATIVE_PRONOUNS, SPEECH_VERBS
from storydiff.analysis.nlp import doc_index, trim_span
from storydiff.analysis.quotations import QUOTE_CHARS, QuotationIndex, line_quotations
from storydiff.records import Attribution

__all__ = [
    "SPEECH_VERBS",
    "canonical_speaker",
    "extract_attributions",
    "speaker_for",
]


# Verbs whose direct object is the addressee, not the content ("told reporters").
_ADDRESSEE_VERBS = frozenset({"tell", "inform", "assure", "advise", "warn"})

# Verbs whose object stands for the content on its own: a reported fact ("denied
# the report", "confirmed the deaths") or a stated stance ("called the plan a
# failure", "vowed to resign", "criticized the decision"). Drawn from the stance
# cues of attribution corpora (PolNeAR); "said something" or "wrote a book"
# carry no claim, so say/write are not here.
_OBJECT_CONTENT_VERBS = frozenset(
    {
        "accuse", "agree", "announce", "applaud", "ask", "attack", "blame", "blast", "call",
        "cite", "condemn", "confirm", "criticise", "criticize", "decline", "defend", "demand",
        "denounce", "deny", "describe", "disclose", "dismiss", "dispute", "endorse",
        "estimate", "oppose", "pledge", "praise", "predict", "promise", "propose", "question",
        "refuse", "reject", "report", "reveal", "slam", "support", "threaten", "urge", "vow",
        "welcome",
        # stance and discourse verbs PolNeAR annotates as cues (each a cue in at
        # least 40% of its uses in a 200-text sample of PolNeAR train)
        "acknowledge", "advocate", "back", "challenge", "congratulate", "decry", "disavow",
        "discuss", "echo", "encourage", "express", "highlight", "imply", "lament", "list",
        "mention", "mock", "offer", "portray", "prefer", "quote", "recall", "recite",
        "reference", "repeat", "ridicule", "thank", "tout",
    }
)  # fmt: skip

# Verb + preposition cues whose prepositional object is the content ("called
# for a recount", "pointed to the polls"); the preposition joins the cue.
_PREPOSITION_CUES = frozenset(
    {
        ("call", "for"), ("call", "on"), ("point", "to"), ("refer", "to"), ("talk", "about"),
        ("warn", "of"), ("warn", "about"), ("complain", "about"), ("speak", "about"),
        ("argue", "for"), ("argue", "against"), ("push", "for"), ("insist", "on"),
        ("focus", "on"), ("apologize", "for"), ("apologise", "for"), ("joke", "about"),
        ("comment", "on"), ("rail", "against"), ("react", "to"), ("respond", "to"),
    }
)  # fmt: skip

# Children of a stance verb that make up its content together ("called [the
# plan] [a failure]", "urged [Congress] [to act]").
_CONTENT_OBJECT_DEPS = frozenset({"dobj", "oprd", "xcomp", "dative"})

_CUE_LEMMAS = SPEECH_VERBS | _OBJECT_CONTENT_VERBS | {verb for verb, _ in _PREPOSITION_CUES}

# Dependency labels by which a cue hangs off the clause it reports on when the
# parser makes the reported clause the main one ("The attack, officials said,
# killed two").
_INTERJECTED_DEPS = frozenset({"parataxis", "ccomp", "advcl"})

# A participle or coordinated cue borrows the subject of the verb it hangs off
# ("X denied it, saying C"; "X said A and added B").
_SUBJECT_SHARING_DEPS = frozenset({"advcl", "conj", "xcomp"})


_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})

# Parts of a speaker phrase that describe rather than name it.
_DESCRIPTOR_DEPS = frozenset({"relcl", "acl", "punct", "cc"})

# "I think" or "we said" inside a quotation is the quoted speaker talking; the
# outer attribution already names them, so such cues are not attributions.
_FIRST_SECOND_PERSON = frozenset({"i", "we", "you", "me", "us"})

# Verbs that take a clause without reporting anyone's words or view.
_NON_STANCE_VERBS = frozenset(
    {"allow", "be", "do", "ensure", "go", "have", "help", "let", "make", "mean", "need", "see"}
)

_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_ORG_PRONOUNS = frozenset({"it", "they", "them"})

# Head nouns of a definite description that stands for an organisation named
# earlier ("the company said"); a plain list so the rule stays explainable.
_ORG_NOUNS = frozenset(
    {
        "agency", "army", "authority", "bank", "board", "campaign", "company", "corporation",
        "council", "court", "department", "firm", "government", "group", "manufacturer",
        "military", "ministry", "office", "operator", "organisation", "organization",
        "party", "police", "regulator", "service", "union",
    }
)  # fmt: skip

_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})
# Labels an "it" / "the company" may stand for; NORP ("Russian") names no body.
_ORG_LABELS = frozenset({"ORG", "GPE", "FAC"})

# How many sentences back the previous speaker still counts as "the one just
# quoted" for a pronoun; one sentence covers "X said A. He added B." without
# reaching across paragraphs about someone else.
_PRONOUN_SPEAKER_WINDOW = 1


# Layout cues without a verb: "Name: words" at the start of a line (headlines,
# interview transcripts) and a quotation signed "― Name" (reader comments,
# epigraphs). A name is one to five capitalised words.
_NAME = r"(?:[A-Z][\w.’'-]*)(?: (?:[A-Z][\w.’'-]*|of|de|van|von|al)){0,4}"
_COLON_LINE_RE = re.compile(rf"^[\"“]?(?P<name>{_NAME}): +(?P<content>\S[^\n]*)", re.MULTILINE)
_SIGNED_QUOTE_RE = re.compile(
    rf"(?P<content>[\"“][^\n]+[\"”]) *(?P<cue>[―—–]) *(?P<name>{_NAME})\.? *$", re.MULTILINE
)
# How a line that _SIGNED_QUOTE_RE matches ends (a cheap test before it runs).
_SIGNATURE_END_RE = re.compile(rf"[\"”] *[―—–] *{_NAME}\.? *$")

# Line labels of newsroom layout that look like a speaker tag but are not one.
_LAYOUT_LABELS = frozenset(
    {"correction", "clarification", "update", "editor's note", "editor’s note", "note", "watch", "read more"}
)

# Children of a cue that frame it ("he told reporters on Friday") rather than
# belong to what was said.
_FRAME_DEPS = frozenset(
    {"aux", "auxpass", "neg", "advmod", "prep", "npadvmod", "dobj", "dative", "prt", "agent"}
)

# Dashes that end a dateline ("RENO, Nev. (AP) —").
_DATELINE_DASHES = frozenset({"—", "--", "–"})


# Most tokens between a closing quotation and its speech verb in a quote tag:
# "“...,” Murphy, the head of the Right to Rise super PAC, said" has 11;
# calibrated on PolNeAR train, where longer stretches held another clause.
_TAG_MAX_TOKENS = 14

# How a quotation that a tag follows ends: "“C,” X said", "“C?” X asked".
_TAG_QUOTE_ENDS = frozenset(",?!—-…")

# Words that start another clause, so what follows a quotation is no tag (a
# preposition only when it comes first: "..., with X said" is no tag, while
# "..., the head of the union, said" is).
_TAG_BREAK_POS = frozenset({"CCONJ", "SCONJ"})

# Evidential verbs that PolNeAR marks as attributions without a source, the
# content being the whole clause ("Trump seemed to enjoy it"); in the passive
# without an agent, "expect" and friends do the same ("X is expected to win").
_HEDGE_VERBS = frozenset({"seem", "appear"})
_PASSIVE_HEDGE_VERBS = frozenset({"expect", "believe", "think", "rumor", "rumour", "consider"})
_HEDGE_COMPLEMENTS = frozenset({"xcomp", "ccomp", "acomp", "attr"})


@dataclass(frozen=True, slots=True)
class _Found:
    """An attribution before its speaker is resolved."""

    cue_start: int
    cue_end: int
    cue: str
    content_start: int
    content_end: int
    speaker: Token | None  # head token of the speaker phrase
    speaker_start: int | None
    speaker_end: int | None
    sent_index: int


def extract_attributions(doc: Doc, article_id: str) -> list[Attribution]:
    """Find who said what in a parsed article, in text order.

    ``doc`` comes from :func:`storydiff.analysis.nlp.parse`; ``article_id`` is copied to
    every record. Each attribution has a cue, a content span and, unless the
    cue is passive without an agent ("it was reported"), a speaker whose name
    is resolved as described in the module docstring.
    """
    quotes = QuotationIndex(line_quotations(_text(doc)))
    found: list[_Found] = []
    seen_cues: set[int] = set()
    for index, sent in enumerate(doc.sents):
        for token in sent:
            if token.i in seen_cues:
                continue
            item: _Found | None = None
            if token.lower_ == "according" and token.i + 1 < len(doc) and doc[token.i + 1].lower_ == "to":
                item = _according_to(token, index)
            elif _is_hedge(token):
                item = _hedge(token, sent, index)
            elif _is_cue_verb(token):
                item = _verb_cue(token, sent, index, quotes)
            if item is not None:
                seen_cues.add(token.i)
                found.append(item)
    found.extend(_layout_attributions(doc))
    return _resolve(doc, found, article_id)


def speaker_for(start: int, end: int, attributions: Iterable[Attribution]) -> Attribution | None:
    """Return the attribution whose content covers the span ``start``..``end``.

    When several cover it (nested reports), the one with the tightest content
    wins, since the innermost speaker is the one who said those words. Returns
    ``None`` when the span is not reported speech.
    """
    best: Attribution | None = None
    for attribution in attributions:
        if attribution.content_start <= start and end <= attribution.content_end:
            width = attribution.content_end - attribution.content_start
            if best is None or width < best.content_end - best.content_start:
                best = attribution
    return best


def canonical_speaker(name: str, known_names: Sequence[str]) -> str:
    """Map a short or titled name to the fullest matching name seen earlier.

    "Gladkov" or "Mr. Gladkov" with "Vyacheslav Gladkov" among ``known_names``
    becomes "Vyacheslav Gladkov": the name's words must be the last words of
    the known name. The latest such known name wins; with none, ``name`` is
    returned without its honorific.
    """
    words = _strip_honorific(name.split())
    if not words:
        return name
    for known in reversed(known_names):
        known_words = known.split()
        if len(known_words) > len(words) and known_words[-len(words) :] == words:
            return known
    return " ".join(words)


# ---------------------------------------------------------------------------
# finding cues, speakers and content
# ---------------------------------------------------------------------------


def _text(doc: Doc) -> str:
    """``doc.text``, which spaCy rebuilds from the tokens on every access.

    The extractor reads the text of one article many times; reading it once
    (:func:`storydiff.analysis.nlp.doc_index`) keeps it linear in the article's length.
    """
    return doc_index(doc).text


def _layout_attributions(doc: Doc) -> list[_Found]:
    """Attributions marked by layout rather than by a verb (see ``_COLON_LINE_RE``)."""
    found: list[_Found] = []
    matches = [(m, m.start("name") + len(m.group("name"))) for m in _COLON_LINE_RE.finditer(_text(doc))]
    matches += [(m, m.start("cue")) for m in _signed_quotes(_text(doc))]
    sent_of = {sent.start: index for index, sent in enumerate(doc.sents)}
    for match, cue_start in matches:
        cue_end = cue_start + 1
        name = doc.char_span(match.start("name"), match.end("name"), alignment_mode="expand")
        if name is None or not _looks_like_speaker(name):
            continue
        start, end = trim_span(doc, match.start("content"), match.end("content"), marks=True)
        if start >= end:
            continue
        found.append(
            _Found(
                cue_start=cue_start,
                cue_end=cue_end,
                cue=_text(doc)[cue_start:cue_end],
                content_start=start,
                content_end=end,
                speaker=name[-1],
                speaker_start=match.start("name"),
                speaker_end=match.end("name"),
                sent_index=sent_of.get(name[-1].sent.start, 0),
            )
        )
    return found


def _signed_quotes(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_SIGNED_QUOTE_RE`` in ``text``, line by line.

    Its open ``[^\\n]+`` makes the regular expression try each quotation mark
    of a line against the rest of the line: on a long line without a
    signature that is the square of the line's length. A line is only tried
    when it ends like a signed quotation, which one pass over it tells.
    """
    for line in re.finditer(r"[^\n]+", text):
        if _SIGNATURE_END_RE.search(line.group()):
            yield from _SIGNED_QUOTE_RE.finditer(text, line.start(), line.end())


def _looks_like_speaker(name: Span) -> bool:
    """A named person or body ("Pence"), or a transcript's capitalised speaker tag ("WALLACE")."""
    if name.text.lower() in _LAYOUT_LABELS:
        return False
    if any(t.ent_type_ in _NAME_LABELS for t in name):
        return True
    return all(t.is_upper for t in name if t.is_alpha) and len(name) <= 2


def _verb_cue(verb: Token, sent: Span, sent_index: int, quotes: QuotationIndex) -> _Found | None:
    """An attribution cued by a speech verb, or ``None`` when it reports nothing."""
    doc = verb.doc
    tag = _quote_tag(verb, quotes)
    subject = tag[1] if tag is not None else _subject(verb)
    if subject is not None and subject.lower_ in _FIRST_SECOND_PERSON and quotes.inside(verb.idx):
        return None
    speaker: Token | None = _after_dateline(subject) if subject is not None else None
    if tag is None and (subject is None or subject.dep_ == "nsubjpass") and _is_passive(verb):
        # "it was reported (by X) that C": the agent speaks, else nobody named does
        speaker = _passive_agent(verb)

    content = _clause_content(verb) if tag is None else None
    quote = _adjacent_quotes(verb, subject, quotes)
    if tag is not None:
        quote = (tag[0][0], max(tag[0][1], quote[1])) if quote is not None else tag[0]
    if quote is not None and (content is None or _overlaps(content, quote)):
        content = (min(quote[0], content[0]), max(quote[1], content[1])) if content else quote
    if content is None and (_is_interjected(verb, subject) or _is_as_clause(verb)):
        content = _span_without(verb.head, verb, sent)
    cue_tokens = [verb] + [c for c in verb.children if c.dep_ == "prt"]
    lemma = verb.lemma_.lower()
    if content is None:
        preposition = next(
            (c for c in verb.children if c.dep_ == "prep" and (lemma, c.lower_) in _PREPOSITION_CUES), None
        )
        if preposition is not None and any(c.dep_ in ("pobj", "pcomp") for c in preposition.children):
            cue_tokens.append(preposition)
            content = _tokens_extent([t for t in preposition.subtree if t.i != preposition.i])
    if content is None and lemma in _OBJECT_CONTENT_VERBS:
        objects = [c for c in verb.children if c.dep_ in _CONTENT_OBJECT_DEPS]
        content = _tokens_extent([t for c in objects for t in c.subtree])
    if content is None:
        return None
    content = trim_span(doc, *content, marks=True)
    if content[0] >= content[1]:
        return None
    cue_start = min(t.idx for t in cue_tokens)
    cue_end = max(t.idx + len(t) for t in cue_tokens)
    speaker_span = _speaker_span(speaker, verb) if speaker is not None else None
    return _Found(
        cue_start=cue_start,
        cue_end=cue_end,
        cue=_text(doc)[cue_start:cue_end],
        content_start=content[0],
        content_end=content[1],
        speaker=speaker,
        speaker_start=speaker_span[0] if speaker_span else None,
        speaker_end=speaker_span[1] if speaker_span else None,
        sent_index=sent_index,
    )


def _speaker_span(speaker: Token, cue: Token) -> tuple[int, int] | None:
    """The speaker phrase as PolNeAR marks it.

    A relative pronoun is the source of its own clause ("Smith, who said");
    otherwise the noun phrase without the relative clause or participle the
    cue sits in and without a dateline before a dash ("RENO, Nev. (AP) —
    Donald Trump" -> "Donald Trump"). Appositions stay: PolNeAR's annotators
    keep them about as often as not, and cutting them lost exact matches.
    """
    relative = next(
        (c for c in cue.children if c.dep_ in _SUBJECT_DEPS and c.lower_ in RELATIVE_PRONOUNS), None
    )
    if relative is not None and cue.dep_ == "relcl" and cue.head.i == speaker.i:
        return relative.idx, relative.idx + len(relative)
    skip: set[int] = set()
    for child in speaker.children:
        if child.left_edge.i <= cue.i <= child.right_edge.i:
            skip.update(t.i for t in child.subtree)
    tokens = [t for t in speaker.subtree if t.i not in skip]
    dash = [t.i for t in tokens if t.i <= speaker.i and t.text in _DATELINE_DASHES]
    if dash:
        tokens = [t for t in tokens if t.i > max(dash)]
    span = _tokens_extent(tokens)
    return trim_span(speaker.doc, *span, marks=True) if span is not None else None


def _after_dateline(subject: Token) -> Token:
    """The name after a dateline the parser took for the subject.

    In "RENO, Nev. (AP) — Jane Doe said", the parse may head the subject on
    "RENO" with the name as an apposition after the dash; the name speaks.
    """
    for child in subject.children:
        if child.dep_ == "appos" and child.i > subject.i:
            dashes = subject.doc[subject.i + 1 : child.left_edge.i]
            if any(t.text in _DATELINE_DASHES for t in dashes):
                return child
    return subject


def _quote_tag(verb: Token, quotes: QuotationIndex) -> tuple[tuple[int, int], Token | None] | None:
    """A speech verb tagging the quotation just before it: "“C,” X said" / "“C,” said X".

    The parser often hangs the quoted words on the cue as its subject; the
    speaker is then the noun phrase between the quotation and the cue, or the
    subject after the cue. Returns the quotation and the speaker's head.
    """
    if verb.lemma_.lower() not in SPEECH_VERBS or quotes.inside(verb.idx):
        return None
    doc = verb.doc
    text = _text(doc)
    quote = quotes.last_long_by(verb.idx)
    if quote is None:
        return None
    if text[quote[0] : quote[1]].rstrip('”"').rstrip()[-1:] not in _TAG_QUOTE_ENDS:
        return None
    subject = _subject(verb)
    if subject is not None and not quote[0] <= subject.idx < verb.idx:
        return None
    if any(c.dep_ == "ccomp" and c.idx > verb.idx for c in verb.children):
        return None
    between = [t for t in doc[max(verb.sent.start - 2, 0) : verb.i] if t.idx >= quote[1]]
    if "\n" in text[quote[1] : verb.idx] or len(between) > _TAG_MAX_TOKENS:
        return None
    words = [t for t in between if not (t.is_punct or t.is_space)]
    if any(t.pos_ in _TAG_BREAK_POS for t in words) or (words and words[0].pos_ == "ADP"):
        return None
    if any(t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass") for t in between):
        return None
    if any(t.text in QUOTE_CHARS for t in between):
        return None
    names = [
        t
        for t in between
        if not (t.is_punct or t.is_space) and t.dep_ not in ("aux", "auxpass", "advmod", "neg")
    ]
    if names:
        inner = {t.i for t in names}
        heads = [t for t in names if t.head.i not in inner or t.head.i == t.i]
        return quote, (heads or names)[0]
    after = next((c for c in verb.children if c.dep_ in _SUBJECT_DEPS and c.i > verb.i), None)
    if after is None and verb.i + 1 < len(doc) and doc[verb.i + 1].pos_ in ("PROPN", "NOUN", "PRON"):
        after = doc[verb.i + 1]
        while (
            after.head.i > after.i
            and after.head.i - verb.i < _TAG_MAX_TOKENS
            and after.head.pos_ in ("PROPN", "NOUN")
        ):
            after = after.head
    return quote, after


def _is_hedge(verb: Token) -> bool:
    """An evidential verb without a source: "X seems to C", "X is expected to C"."""
    lemma = verb.lemma_.lower()
    if verb.pos_ not in ("VERB", "AUX") or not any(c.dep_ in _HEDGE_COMPLEMENTS for c in verb.children):
        return False
    if lemma in _HEDGE_VERBS:
        return True
    return lemma in _PASSIVE_HEDGE_VERBS and _is_passive(verb) and _passive_agent(verb) is None


def _hedge(verb: Token, sent: Span, sent_index: int) -> _Found | None:
    """An attribution without a source whose content is the whole hedged clause, cue included."""
    doc = verb.doc
    content = _tokens_extent([t for t in verb.subtree if sent.start <= t.i < sent.end])
    if content is None:
        return None
    content = trim_span(doc, *content, marks=True)
    cue_tokens = [verb] + [c for c in verb.children if c.dep_ in ("aux", "auxpass") and c.i < verb.i]
    cue_start = min(t.idx for t in cue_tokens)
    cue_end = verb.idx + len(verb)
    return _Found(
        cue_start=cue_start,
        cue_end=cue_end,
        cue=_text(doc)[cue_start:cue_end],
        content_start=content[0],
        content_end=content[1],
        speaker=None,
        speaker_start=None,
        speaker_end=None,
        sent_index=sent_index,
    )


def _is_as_clause(verb: Token) -> bool:
    """True for "As X reported, C": the cue's clause is marked by "as" and modifies C."""
    return (
        verb.dep_ == "advcl"
        and verb.head.i != verb.i
        and any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children)
    )


def _according_to(according: Token, sent_index: int) -> _Found | None:
    """Attributions cued by "according to", before or after the clause."""
    doc = according.doc
    to = doc[according.i + 1]
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    sent = according.sent
    # The clause reported on is what "according" modifies; when the parser hangs
    # "to" elsewhere, the whole sentence stands in.
    head = according.head if according.head.i != according.i else sent.root
    skip = {t.i for t in according.subtree} | {to.i} | {t.i for t in to.subtree}
    kept = [t for t in head.subtree if t.i not in skip and sent.start <= t.i < sent.end]
    if head.i in skip or not kept:
        kept = [t for t in sent if t.i not in skip]
    content = _tokens_extent(kept)
    if content is None:
        return None
    content = trim_span(doc, *content, marks=True)
    if content[0] >= content[1]:
        return None
    speaker_span = trim_span(doc, *_subtree_span(source), marks=True)
    return _Found(
        cue_start=according.idx,
        cue_end=to.idx + len(to),
        cue=_text(doc)[according.idx : to.idx + len(to)],
        content_start=content[0],
        content_end=content[1],
        speaker=source,
        speaker_start=speaker_span[0],
        speaker_end=speaker_span[1],
        sent_index=sent_index,
    )


def _subject(verb: Token) -> Token | None:
    """The subject of ``verb``, borrowed from the verb it hangs off for "saying"/"and added".

    A relative pronoun stands for the noun its clause modifies ("Smith, who
    said ..."), and a participle modifying a noun has that noun as its speaker
    ("a statement announcing ...").
    """
    current = verb
    for _ in range(4):  # a few links at most: "X said A, adding B and warning C"
        subject = next((c for c in current.children if c.dep_ in _SUBJECT_DEPS), None)
        if subject is not None:
            if subject.lower_ in RELATIVE_PRONOUNS and current.dep_ == "relcl":
                return current.head
            return subject
        if current.dep_ == "acl" and current.head.pos_ in ("NOUN", "PROPN"):
            return current.head
        if current.dep_ not in _SUBJECT_SHARING_DEPS or current.head.i == current.i:
            return None
        current = current.head
    return None


def _is_cue_verb(token: Token) -> bool:
    """A verb of the cue lexicons, or any verb taking a clause object (see ``_is_stance_verb``)."""
    if token.pos_ in ("VERB", "AUX") and token.lemma_.lower() in _CUE_LEMMAS:
        return True
    return token.pos_ == "VERB" and token.is_alpha and _is_stance_verb(token)


def _is_agent_verb(verb: Token) -> bool:
    """EXPERIMENT: a verb with a person-like subject and an object."""
    if verb.lemma_.lower() in _NON_STANCE_VERBS:
        return False
    if not any(c.dep_ in _CONTENT_OBJECT_DEPS for c in verb.children):
        return False
    subject = _subject(verb)
    if subject is None:
        return False
    return subject.ent_type_ in ("PERSON", "ORG", "NORP") or subject.lower_ in ("he", "she", "they", "who")


def _is_stance_verb(verb: Token) -> bool:
    """A verb outside the lexicon that takes a clause as its object and has a nominal subject."""
    if verb.lemma_.lower() in _NON_STANCE_VERBS:
        return False
    if not any(c.dep_ == "ccomp" for c in verb.children):
        return False
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return subject is not None and subject.lower_ not in ("it", "this", "that", "there")


def _is_interjected(verb: Token, subject: Token | None) -> bool:
    """True for a cue set off by punctuation inside or after the clause it reports on."""
    if verb.dep_ not in _INTERJECTED_DEPS or verb.head.i == verb.i or subject is None:
        return False
    if subject.head.i != verb.i:
        return False
    first = next(t for t in verb.subtree if not t.is_punct)
    return first.i > verb.sent.start and verb.doc[first.i - 1].is_punct


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)


def _passive_agent(verb: Token) -> Token | None:
    """The "by" agent of a passive cue ("it was reported by Reuters"), or ``None``."""
    for child in verb.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _clause_content(verb: Token) -> tuple[int, int] | None:
    """The complement clause of the cue ("said (that) C")."""
    for child in verb.children:
        if child.dep_ == "ccomp":
            return _subtree_span(child)
    return None


def _adjacent_quotes(verb: Token, subject: Token | None, quotes: QuotationIndex) -> tuple[int, int] | None:
    """The quotation(s) the cue introduces or closes, joined into one span.

    A quotation belongs to the cue when only the cue's own small words lie
    between them: its subject, auxiliaries, adverbs, prepositional phrases
    ("on Telegram", "in a statement"), addressees and punctuation. Going
    outwards from the cue, the first quotation with anything else between
    ends the search: every quotation beyond it has that in between too.
    """
    doc = verb.doc
    allowed = _cue_frame(verb, subject)
    # the parser may hang a quotation's words on the cue; they are not its frame
    outside = [t for t in allowed if not quotes.inside(t.idx) and not t.is_punct]
    left = min([t.idx for t in outside], default=verb.idx)
    right = max([t.idx + len(t) for t in outside], default=verb.idx + len(verb))
    chosen: list[tuple[int, int]] = []
    for q_start, q_end in quotes.ending_by(left):
        if not _only_frame(doc, q_end, left, allowed):
            break
        chosen.append((q_start, q_end))
    for q_start, q_end in quotes.starting_from(right):
        if not _only_frame(doc, right, q_start, allowed):
            break
        chosen.append((q_start, q_end))
    if not chosen:
        return None
    return min(q[0] for q in chosen), max(q[1] for q in chosen)


def _cue_frame(verb: Token, subject: Token | None) -> set[Token]:
    """The cue with the words that frame it but are not what was said."""
    frame = {verb}
    if subject is not None and subject.head.i == verb.i:
        frame.update(subject.subtree)
    for child in verb.children:
        if child.dep_ in _FRAME_DEPS:
            frame.update(child.subtree)
    return frame


def _only_frame(doc: Doc, start: int, end: int, frame: set[Token]) -> bool:
    """True when the text between ``start`` and ``end`` holds only frame words and punctuation."""
    if "\n" in _text(doc)[start:end] and _text(doc)[start:end].strip(" ,:\n") != "":
        return False
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return True
    return all(t.is_punct or t.is_space or t in frame for t in span if start <= t.idx < end)


def _span_without(head: Token, cue: Token, sent: Span) -> tuple[int, int] | None:
    """The extent of ``head``'s clause within ``sent``, without the interjected cue."""
    skip = {t.i for t in cue.subtree}
    kept = [t for t in head.subtree if t.i not in skip and sent.start <= t.i < sent.end]
    return _tokens_extent(kept)


def _tokens_extent(tokens: Sequence[Token]) -> tuple[int, int] | None:
    words = [t for t in tokens if not (t.is_punct or t.is_space)]
    if not words:
        return None
    return min(t.idx for t in words), max(t.idx + len(t) for t in words)


def _subtree_span(token: Token) -> tuple[int, int]:
    return token.left_edge.idx, token.right_edge.idx + len(token.right_edge)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# ---------------------------------------------------------------------------
# resolving speakers to names
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Named:
    """A resolved speaker: its name and whether it is a person or an organisation."""

    name: str
    kind: str  # "person", "org" or "other"


class _LatestBefore:
    """Values added with a text offset: which was added last among those before an offset?

    An entry is dropped once a later one has an offset no greater than its
    own, as that one answers every question it could; the entries kept have
    rising offsets, so a question is one bisection. Asking the whole list
    for every speaker made long articles take time in the square of their length.
    """

    __slots__ = ("_starts", "_values")

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._values: list[str] = []

    def add(self, start: int, value: str) -> None:
        while self._starts and self._starts[-1] >= start:
            self._starts.pop()
            self._values.pop()
        self._starts.append(start)
        self._values.append(value)

    def latest(self, before: int) -> str | None:
        """The value added last among those with an offset below ``before``."""
        n = bisect_left(self._starts, before)
        return self._values[n - 1] if n else None


class _Mentions:
    """Names mentioned so far, in the order they were added, for "the last before" questions.

    ``latest`` and ``latest_with`` answer what ``[n for start, n in mentions if
    start < before][-1]`` (optionally keeping names with the given word) did.
    """

    def __init__(self, mentions: Iterable[tuple[int, str]] = ()) -> None:
        self._all = _LatestBefore()
        self._by_word: dict[str, _LatestBefore] = {}
        for start, name in mentions:
            self.add(start, name)

    def add(self, start: int, name: str) -> None:
        self._all.add(start, name)
        for word in set(name.lower().split()):
            self._by_word.setdefault(word, _LatestBefore()).add(start, name)

    def latest(self, before: int) -> str | None:
        """The name added last among those mentioned before offset ``before``."""
        return self._all.latest(before)

    def latest_with(self, word: str, before: int) -> str | None:
        """The same among names with ``word`` (lower case) as one of their words."""
        found = self._by_word.get(word)
        return found.latest(before) if found is not None else None


class _KnownNames:
    """Full names with where they occur, for :func:`canonical_speaker` on the names before an offset.

    ``canonical(name, before)`` gives what ``canonical_speaker(name, known)``
    gives when ``known`` lists, in (offset, name) order, the names with a space
    mentioned before ``before``: each full name is filed under every shorter
    ending of its words, so the latest one ending in the given words is a
    bisection away.
    """

    def __init__(self) -> None:
        self._by_ending: dict[tuple[str, ...], list[tuple[int, str]]] = {}

    def add(self, start: int, name: str) -> None:
        if " " not in name:
            return
        words = tuple(name.split())
        for size in range(1, len(words)):
            insort(self._by_ending.setdefault(words[-size:], []), (start, name))

    def canonical(self, name: str, before: int) -> str:
        words = _strip_honorific(name.split())
        if not words:
            return name
        known = self._by_ending.get(tuple(words), [])
        n = bisect_left(known, (before,))  # (start, name) < (before,) exactly when start < before
        return known[n - 1][1] if n else " ".join(words)


def _resolve(doc: Doc, found: list[_Found], article_id: str) -> list[Attribution]:
    """Turn found attributions into records with resolved speaker names."""
    ents = doc.ents
    persons = _Mentions((e.start_char, e.text) for e in ents if e.label_ == "PERSON")
    orgs = _Mentions((e.start_char, e.text) for e in ents if e.label_ in _ORG_LABELS)
    # full names for surname lookup, with where they occur: people the
    # recogniser found, and every speaker named so far (it mislabels rare names)
    names = _KnownNames()
    for e in ents:
        if e.label_ == "PERSON":
            names.add(e.start_char, _clean_name(e.text))
    out: list[Attribution] = []
    last: tuple[_Named, int] | None = None  # previous speaker and its sentence
    for item in sorted(found, key=lambda f: f.cue_start):
        named: _Named | None = None
        if item.speaker is not None:
            before = item.speaker.idx

            def canonical(name: str, before: int = before) -> str:
                return names.canonical(name, before)

            named = _name_speaker(item.speaker, item, last, persons, orgs, canonical)
            names.add(item.speaker.idx, named.name)
            if named.kind == "org":
                # a body named by description ("the regional education department") can be
                # referred back to ("the department said") like a recognised organisation
                orgs.add(item.speaker.idx, named.name)
            last = (named, item.sent_index)
        out.append(
            Attribution(
                article=article_id,
                speaker=named.name if named else None,
                speaker_start=item.speaker_start,
                speaker_end=item.speaker_end,
                cue=item.cue,
                cue_start=item.cue_start,
                cue_end=item.cue_end,
                content=_text(doc)[item.content_start : item.content_end],
                content_start=item.content_start,
                content_end=item.content_end,
            )
        )
    return out


def _name_speaker(
    head: Token,
    item: _Found,
    last: tuple[_Named, int] | None,
    persons: _Mentions,
    orgs: _Mentions,
    canonical: Callable[[str], str],
) -> _Named:
    """Resolve the speaker phrase headed by ``head`` to a name.

    ``canonical`` maps a short name to the full name mentioned before the
    speaker (:func:`canonical_speaker` on the names known there).
    """
    lower = head.lower_
    before = head.idx
    recent = last if last is not None and item.sent_index - last[1] <= _PRONOUN_SPEAKER_WINDOW else None
    if lower in _PERSON_PRONOUNS:
        if recent is not None and recent[0].kind == "person":
            return recent[0]
        person = persons.latest(before)
        if person is not None:
            return _Named(canonical(_clean_name(person)), "person")
        return _Named(head.text, "other")
    entity = _entity_name(head)
    definite_org = entity is None and lower in _ORG_NOUNS and any(c.lower_ == "the" for c in head.children)
    if lower in _ORG_PRONOUNS or definite_org:
        # "the department" is the earlier "Education Department", not merely the last body named
        same_noun = orgs.latest_with(lower, before)
        if definite_org and same_noun is not None:
            return _Named(_clean_name(same_noun), "org")
        if definite_org and any(c.dep_ in ("amod", "compound") for c in head.children):
            # "the regional education department" describes a body of its own
            return _Named(_surface(head), "org")
        if recent is not None and recent[0].kind == "org":
            return recent[0]
        org = orgs.latest(before)
        if org is not None:
            return _Named(_clean_name(org), "org")
        return _Named(_surface(head), "other")
    if entity is not None:
        text, label = entity
        resolved = canonical(text)
        if label == "PERSON" or resolved != text:
            return _Named(resolved, "person")
        return _Named(text, "org" if label in _ORG_LABELS else "other")
    if head.pos_ == "PROPN":
        # a name the recogniser missed: the proper-noun chain ending at the head
        words = [t for t in head.lefts if t.dep_ == "compound" and t.pos_ == "PROPN"] + [head]
        name = " ".join(t.text for t in words)
        resolved = canonical(name)
        return _Named(resolved, "person" if resolved != name or len(words) > 1 else "other")
    return _Named(_surface(head), "other")


def _entity_name(head: Token) -> tuple[str, str] | None:
    """The named entity the speaker phrase names: the head's own, else an apposition's."""
    candidates = [head] + [c for c in head.children if c.dep_ == "appos"]
    for token in candidates:
        if token.ent_type_ in _NAME_LABELS:
            span = doc_index(token.doc).ent_of(token.doc, token.i)
            if span is not None:
                return _clean_name(span.text), span.label_
    return None


def _clean_name(text: str) -> str:
    """A name without a possessive ending, a leading article or an honorific."""
    text = re.sub(r"[’']s?$", "", text.strip())
    words = text.split()
    if words and words[0].lower() == "the" and len(words) > 1:
        words = words[1:]
    return " ".join(_strip_honorific(words))


def _strip_honorific(words: list[str]) -> list[str]:
    if len(words) > 1 and words[0].lower().rstrip(".") in HONORIFICS:
        return words[1:]
    return words


def _surface(head: Token) -> str:
    """The speaker phrase as written, without relative clauses and appositions."""
    skip: set[int] = set()
    for child in head.children:
        if child.dep_ in _DESCRIPTOR_DEPS or child.dep_ == "appos":
            skip.update(t.i for t in child.subtree)
    words = [t for t in head.subtree if t.i not in skip]
    span = _tokens_extent(words)
    if span is None:
        return head.text
    return _text(head.doc)[span[0] : span[1]]
