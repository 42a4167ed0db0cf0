"""Readable names for what a claim counts, dates or asserts, read off the parse.

A finding's heading names the disputed thing as a person would: "number of
people taken to hospital", "when the blaze broke out", "whether the sprinkler
system was working". The names come from the clause around the value (the
counted noun and its modifiers, the verb it hangs on with its particle and a
short complement, the noun a figure belongs to) and never from a list of
topics, so they work on any report. They are for reading only: nothing in the
comparison depends on them.
"""

from __future__ import annotations

from spacy.tokens import Token

__all__ = ["date_name", "event_name", "participle", "quantity_name"]

# Past participles that do not end in -ed (common English irregular verbs).
IRREGULAR_PARTICIPLES = {
    "be": "been", "become": "become", "begin": "begun", "bite": "bitten", "blow": "blown",
    "break": "broken", "bring": "brought", "build": "built", "burn": "burnt", "buy": "bought",
    "catch": "caught", "choose": "chosen", "come": "come", "cost": "cost", "cut": "cut",
    "deal": "dealt", "do": "done", "draw": "drawn", "drive": "driven", "eat": "eaten",
    "fall": "fallen", "feed": "fed", "feel": "felt", "fight": "fought", "find": "found",
    "flee": "fled", "fly": "flown", "forget": "forgotten", "freeze": "frozen", "get": "got",
    "give": "given", "go": "gone", "grow": "grown", "hang": "hung", "have": "had",
    "hear": "heard", "hide": "hidden", "hit": "hit", "hold": "held", "hurt": "hurt",
    "keep": "kept", "know": "known", "lay": "laid", "lead": "led", "leave": "left",
    "lend": "lent", "let": "let", "lose": "lost", "make": "made", "mean": "meant",
    "meet": "met", "pay": "paid", "put": "put", "quit": "quit", "read": "read", "ride": "ridden",
    "ring": "rung", "rise": "risen", "run": "run", "say": "said", "see": "seen", "seek": "sought",
    "sell": "sold", "send": "sent", "set": "set", "shake": "shaken", "shoot": "shot",
    "shut": "shut", "sink": "sunk", "sit": "sat", "sleep": "slept", "speak": "spoken",
    "spend": "spent", "spread": "spread", "stand": "stood", "steal": "stolen", "strike": "struck",
    "swear": "sworn", "sweep": "swept", "swim": "swum", "take": "taken", "teach": "taught",
    "tear": "torn", "tell": "told", "think": "thought", "throw": "thrown", "understand": "understood",
    "wake": "woken", "wear": "worn", "win": "won", "withdraw": "withdrawn", "write": "written",
}  # fmt: skip

# A name longer than this many words is cut back to its core (noun and verb).
MAX_NAME_WORDS = 9
# Complements of at most this many words are kept in a name ("to hospital", "from their homes").
MAX_COMPLEMENT_WORDS = 3

_MODIFIER_DEPS = frozenset({"compound", "amod", "poss", "nmod"})
_KEPT_DETERMINERS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our"})


def participle(verb: Token) -> str:
    """The past participle of ``verb`` ("took" -> "taken", "evacuated" -> "evacuated")."""
    lemma = verb.lemma_.lower()
    if lemma in IRREGULAR_PARTICIPLES:
        return IRREGULAR_PARTICIPLES[lemma]
    if verb.tag_ in {"VBN", "VBD"}:
        return verb.text.lower()
    if lemma.endswith("e"):
        return lemma + "d"
    if len(lemma) > 2 and lemma.endswith("y") and lemma[-2] not in "aeiou":
        return lemma[:-1] + "ied"
    return lemma + "ed"


def _capitalised_only(token: Token) -> bool:
    """A sentence's first word taken for a name because of its capital ("Guards detained ...")."""
    following = token.nbor() if token.i + 1 < len(token.doc) else None
    return bool(token.is_sent_start) and (following is None or following.pos_ != "PROPN")


def _noun_phrase(token: Token, *, determiner: bool = True, skip: Token | None = None) -> str:
    """``token`` with its compound and adjective modifiers ("the chemical warehouse")."""
    doc = token.doc
    left = token.i
    for child in token.lefts:
        if child.i == (skip.i if skip is not None else -1) or child.like_num:
            continue
        if child.dep_ in _MODIFIER_DEPS or (
            determiner and child.dep_ == "det" and child.lower_ in _KEPT_DETERMINERS
        ):
            left = min(left, child.left_edge.i if child.dep_ == "poss" else child.i)
    kept = [
        t
        for t in doc[left : token.i + 1]
        if not (t.like_num or t.dep_ in {"nummod", "quantmod"} or t.is_punct) or t.i == token.i
    ]
    # the text as written between kept words ("the building's"), lower case but for names
    text = "".join(
        (t.text if t.ent_type_ or (t.pos_ == "PROPN" and not _capitalised_only(t)) else t.lower_)
        + (t.whitespace_ if k + 1 < len(kept) and kept[k + 1].i == t.i + 1 else " ")
        for k, t in enumerate(kept)
    )
    return " ".join(text.split())


def _complement(verb: Token, *, prepositions: bool = True) -> str:
    """A verb's particle and one short prepositional complement ("out", "to hospital")."""
    parts: list[str] = []
    for child in verb.rights:
        if child.dep_ == "prt":
            parts.append(child.lower_)
    for child in verb.rights if prepositions else ():
        if child.dep_ != "prep":
            continue
        objects = [c for c in child.children if c.dep_ == "pobj"]
        if not objects or objects[0].like_num or objects[0].ent_type_ in {"DATE", "TIME", "CARDINAL"}:
            continue
        phrase = f"{child.lower_} {_noun_phrase(objects[0])}"
        if len(phrase.split()) <= MAX_COMPLEMENT_WORDS + 1:
            parts.append(phrase)
        break
    return " ".join(parts)


def _subject(verb: Token) -> Token | None:
    """The subject of ``verb``; a relative pronoun stands for the noun its clause describes."""
    subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is None and verb.dep_ in {"conj", "xcomp"}:
        subject = next((c for c in verb.head.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is not None and subject.tag_ in {"WDT", "WP"} and verb.dep_ == "relcl":
        return verb.head if verb.head.pos_ in {"NOUN", "PROPN"} else None
    if subject is not None and subject.pos_ == "PRON":
        return None
    return subject


def _clause_verb(token: Token) -> Token | None:
    """The verb or copula of the clause ``token`` sits in ("which is 300 metres long" -> "is")."""
    current = token
    for _ in range(6):
        if current.pos_ in {"VERB", "AUX"} and current.dep_ not in {"aux", "auxpass"}:
            return current
        if current.head.i == current.i:
            return None
        current = current.head
    return None


def _clip(name: str, core: str) -> str:
    return name if len(name.split()) <= MAX_NAME_WORDS else core


def _relation(noun: Token, verb: Token | None) -> str:
    """How the counted thing takes part in the clause ("taken to hospital", "that died")."""
    if verb is None:
        return ""
    if noun.dep_ == "nsubjpass" and noun.head.i == verb.i:
        return " ".join(p for p in (participle(verb), _complement(verb)) if p)
    if noun.dep_ == "dobj" and noun.head.i == verb.i:
        xcomp = next((c for c in verb.children if c.dep_ == "xcomp" and c.pos_ == "VERB"), None)
        if xcomp is not None:
            return f"{participle(verb)} to {xcomp.lemma_.lower()}"
        return " ".join(p for p in (participle(verb), _complement(verb)) if p)
    if noun.dep_ == "nsubj" and noun.head.i == verb.i:
        obj = next((c for c in verb.children if c.dep_ == "dobj" and not c.like_num), None)
        words = ("that", verb.lower_, _noun_phrase(obj) if obj is not None else "", _complement(verb))
        return " ".join(p for p in words if p)
    return ""


def _owner(noun: Token) -> str:
    """The thing a figure belongs to: "a city of 69,000 people" -> the city (or the name it describes)."""
    prep = noun.head
    if noun.dep_ != "pobj" or prep.lower_ != "of" or prep.head.pos_ not in {"NOUN", "PROPN"}:
        return ""
    owner = prep.head
    if owner.dep_ == "appos" and (owner.head.ent_type_ or owner.head.pos_ == "PROPN"):
        return _noun_phrase(owner.head)
    return _noun_phrase(owner)


def quantity_name(number: Token, head: Token, dimension: str, verb: Token | None) -> str:
    """What a figure measures: "number of people taken to hospital", "number of people in Belgorod".

    ``number`` is the number's token, ``head`` the unit or counted noun it
    modifies (the number itself when it stands alone), ``dimension`` the
    quantity's dimension and ``verb`` the predicate it hangs on.
    """
    if head.i == number.i:
        return _bare_name(number, dimension, verb)
    if dimension != "count" and not _owner(head):
        # "300 metres long", "4.5 percent": the unit stands where a bare figure would
        return _bare_name(head, dimension, verb)
    thing = _noun_phrase(head, determiner=False, skip=number)
    core = f"number of {thing}" if dimension == "count" else dimension
    owner = _owner(head)
    if owner:
        return _clip(f"{core} in {owner}", core)
    relation = _relation(head, verb)
    if relation:
        return _clip(f"{core} {relation}", core)
    if verb is not None:
        return _clip(f"{core} ({verb.lower_})", core)
    return core


# Verbs whose subject holds the figure ("the caravan numbered 1,200": a number in the caravan).
CONTAINER_VERBS = frozenset("number total include comprise contain count have hold house employ".split())
# Verbs whose subject is the measure itself ("the death toll rose to 45": the death toll).
CHANGE_VERBS = frozenset(
    "rise climb reach hit stand fall drop increase decrease grow jump soar surge double top exceed".split()
)


def _bare_name(number: Token, dimension: str, verb: Token | None) -> str:
    """A figure with no counted noun or unit of its own: "the caravan numbered 1,200"."""
    if number.dep_ == "appos" and number.head.ent_type_ == "PERSON" and dimension == "count":
        return f"age of {_noun_phrase(number.head)}"  # "David Moss, 53, said"
    clause = _clause_verb(number) or verb
    holder = _subject(clause) if clause is not None else None
    if holder is not None and (holder.i == number.i or holder.like_num):
        holder = None  # "75 percent said": the figure is its own subject
    prep = number.head
    if number.dep_ == "pobj" and prep.lower_ == "of" and prep.head.pos_ == "NOUN":
        owner = prep.head
        if owner.dep_ == "appos" and (owner.head.ent_type_ or owner.head.pos_ == "PROPN"):
            return f"number in {_noun_phrase(owner.head)}"  # "Belgorod, a city of 400,000"
        # "had a magnitude of 5.8": the noun names the measure, of the subject that has it
        measure = _noun_phrase(owner, determiner=False)
        if holder is not None and clause is not None and clause.lemma_.lower() in {"have", "be"}:
            return _clip(f"{measure} of {_noun_phrase(holder)}", measure)
        return measure
    if dimension != "count":
        if verb is not None and number.dep_ in {"dobj", "nsubjpass"} and number.head.i == verb.i:
            return _clip(f"{dimension} {_relation(number, verb)}", dimension)
        if holder is None:
            return f"{dimension} that {clause.lower_}" if clause is not None else dimension
        if clause is not None and clause.lemma_ == "be":
            return _clip(f"{dimension} of {_noun_phrase(holder)}", dimension)
        acted = f" {clause.lower_}" if clause is not None else ""
        return _clip(f"{dimension} ({_noun_phrase(holder)}{acted})", dimension)
    if holder is None or clause is None:
        return "number"
    if clause.lemma_.lower() in CONTAINER_VERBS:
        return _clip(f"number in {_noun_phrase(holder)}", "number")
    if clause.lemma_.lower() in CHANGE_VERBS:
        return _clip(_noun_phrase(holder, determiner=False), "number")
    return f"number ({clause.lower_})"


def date_name(verb: Token) -> str:
    """When an act happened: "when the blaze broke out", "when the memos were released"."""
    subject = _subject(verb)
    auxiliaries = [c.norm_ for c in verb.lefts if c.dep_ in {"aux", "auxpass"} and c.lower_ != "to"]
    # the object and the particle only: "when the blaze broke out", not "... out in a storage hall"
    obj = next((c for c in verb.children if c.dep_ == "dobj" and c.pos_ != "PRON"), None)
    what = _noun_phrase(obj) if obj is not None else ""
    tail = " ".join(p for p in (*auxiliaries, verb.lower_, what, _complement(verb, prepositions=False)) if p)
    if subject is not None:
        name = f"when {_noun_phrase(subject)} {tail}"
        return _clip(name, f"when {_noun_phrase(subject)} {verb.lower_}")
    obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if obj is not None and obj.pos_ != "PRON":
        return _clip(f"when {_noun_phrase(obj)} was {participle(verb)}", f"date of {verb.lemma_.lower()}")
    return f"date ({verb.lemma_.lower()})"


def event_name(verb: Token, predicate: str) -> str:
    """The act a clause states, as written: "the sprinkler system was not working".

    The negation stays where the report put it, so an agreement or a unique
    fact reads as its report says; a conflict asks about the affirmed side
    ("whether the sprinkler system was working"). Without a subject the name is
    the predicate alone.
    """
    subject = _subject(verb)
    if subject is None:
        return predicate
    # auxiliaries and negation in their order ("have not yet responded" -> "have not responded")
    words = [c.norm_ for c in verb.lefts if c.dep_ in {"aux", "auxpass", "neg"} and c.lower_ != "to"]
    if verb.pos_ == "AUX":
        attr = next((c for c in verb.children if c.dep_ in {"acomp", "attr"}), None)
        negation = [c.norm_ for c in verb.rights if c.dep_ == "neg"]
        words += [verb.lower_, *negation, _noun_phrase(attr) if attr is not None else ""]
    else:
        words.append(verb.lower_)
        obj = next((c for c in verb.children if c.dep_ in {"dobj", "attr"}), None)
        if obj is not None and obj.pos_ != "PRON":
            words.append(_noun_phrase(obj))
    who = _noun_phrase(subject)
    if any(c.dep_ == "det" and c.lower_ == "no" for c in subject.children):
        who = f"no {who}"  # "no one was hurt", "no shots were fired"
    name = f"{who} " + " ".join(w for w in words if w)
    return _clip(name, predicate)
