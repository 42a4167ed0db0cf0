"""Numbers stated in news text, normalised to ranges in base units.

:func:`extract_quantities` reads a parsed ``Doc`` (or one sentence ``Span``) and
returns one :class:`~storydiff.records.Quantity` per stated number. It works on
*pieces*: spaCy tokens, with tokens that hold digits or currency signs split
further ("RM120,000" -> "RM" "120,000", "3.5bn" -> "3.5" "bn"), so glued news
spellings read the same as spaced ones. Each piece keeps its character offsets
and its token, so offsets point into ``doc.text`` and ``token_i`` into the Doc.

A quantity is ``[hedge] [currency] number [scale] [unit]``:

- numbers in digits ("69,000", "1.8"), words ("twenty-five", "a dozen"),
  fractions ("1/2", "two-thirds"), with scales (thousand, million, bn, m, k);
- vague plurals are ranges: "dozens" 24-99, "hundreds" 200-999, "tens of
  thousands" 20,000-99,999 (twice the unit up to the next order of magnitude);
- hedges widen the range (see the ``*_HEDGES`` tables); "between X and Y",
  "X to Y" and "X-Y" are ranges;
- units map to a base unit per dimension (length km, mass kg, area km2, volume
  litre, speed km/h, temperature C, duration hour, money by currency code,
  percent %, age year); a number without a unit is a count, and ``noun`` is
  the lemma of what it counts ("two workers" -> "worker");
- "no one", "nobody", "none" and "no" + a plural or casualty noun are zero
  counts, so "no one was hurt" can contradict "two workers were hurt".

Not quantities (skipped): years ("in 1986"), dates ("Feb. 24", "24 February"),
clock times ("3 p.m.", "10:30"), ordinals ("3rd"), phone numbers, identifiers
glued to letters ("COVID-19", "G7", "F-16", "5G", "1990s"), numbers that label
a name ("Article 5", "Game 2", "S&P 500"), numbers inside a named entity, sports
scores ("a 2-1 win": an "X-Y" with X >= Y) and a lone pronoun "one".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from storydiff.analysis.nlp import doc_index
from storydiff.analysis.units import (
    BOUND_PREFIXES,
    CASED,
    CURRENCY_PREFIXES,
    CURRENCY_SUFFIXES,
    FRACTION_UNIT,
    GBP,
    GLUED_ONLY,
    LENGTH_WORDS,
    MAX_KEY,
    UNIT_KEYS,
    UNITS,
    Unit,
    money,
)
from storydiff.records import Quantity

__all__ = ["StatedQuantity", "extract_quantities", "parse_number", "stated_quantities"]

# "about 20 miles": reporters round to the nearest 5 or 10 of the leading
# digits, which is within 10% for the numbers news reports state ("about 300
# residents" covers 270-330). Wider would make "about 300" agree with "350".
ABOUT_TOLERANCE = 0.10
# "nearly 50"/"almost 50" sit just below the number; "just over 50" just above.
# The same 10% as "about", one-sided.
NEAR_TOLERANCE = 0.10

# Hedge phrases (lowercase words) by how they turn a number into a range.
APPROX_HEDGES = (
    "about", "around", "roughly", "approximately", "approx.", "approx", "some", "an estimated",
    "estimated", "circa", "c.", "in the region of", "an average of",
    "on average",
)  # fmt: skip
BELOW_HEDGES = ("nearly", "almost", "just under", "just below", "close to", "not quite")
ABOVE_HEDGES = ("just over", "just above", "a little over", "slightly more than", "slightly over")
AT_LEAST_HEDGES = (
    "at least", "more than", "over", "above", "upwards of", "in excess of", "no fewer than",
    "no less than", "a minimum of", "greater than", "exceeding", "beyond", "over than",
)  # fmt: skip
AT_MOST_HEDGES = (
    "up to", "as many as", "as much as", "at most", "no more than", "fewer than", "less than",
    "under", "below", "a maximum of", "not more than", "as high as",
)  # fmt: skip

# The spelled-out numbers; "a"/"an" count as one only before a scale word.
_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_WORD_SCALES = {
    "hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
    "dozen": 12.0,
}  # fmt: skip
# Abbreviated scales as news writes them after a number ("$5m", "3.5bn", "25k").
_ABBREV_SCALES = {
    "k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "mil": 1e6, "b": 1e9, "bn": 1e9, "bln": 1e9,
    "tn": 1e12, "trn": 1e12, "thousands": 1e3,
}  # fmt: skip
_FRACTIONS = {
    "half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4,
    "fourths": 4, "fifth": 5,
    "fifths": 5, "sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8, "tenth": 10, "tenths": 10,
}  # fmt: skip
# Vague plurals: "dozens" means at least two dozen and fewer than a hundred.
_VAGUE = {
    "dozens": 12.0,
    "scores": 20.0,
    "hundreds": 1e2,
    "thousands": 1e3,
    "millions": 1e6,
    "billions": 1e9,
    "tens": 10.0,
}

_MONTHS = {
    "january", "jan", "february", "feb", "march", "mar", "april", "apr", "may", "june", "jun",
    "july", "jul", "august", "aug", "september", "sep", "sept", "october", "oct", "november",
    "nov", "december", "dec",
}  # fmt: skip
_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_TIME_WORDS = {
    "a.m.",
    "p.m.",
    "am",
    "pm",
    "gmt",
    "bst",
    "utc",
    "edt",
    "est",
    "cet",
    "cest",
    "pdt",
    "pst",
    "cdt",
    "msk",
    "o'clock",
    "hrs",
    "h",
    "et",
}
_ORDINAL_SUFFIXES = {"st", "nd", "rd", "th"}
# Nouns that, written before a number, make it a label rather than an amount.
_LABEL_NOUNS = {
    "no", "no.", "number", "nos", "article", "section", "chapter", "page", "pp", "room", "flight",
    "route", "highway", "game", "round", "stage", "phase", "level", "grade", "category", "gate",
    "platform", "version", "season", "episode", "week", "day", "part", "paragraph", "clause",
    "resolution", "item", "line", "row", "seat", "pier", "exit", "lane", "unit", "building",
    "block", "terminal", "ward", "district", "zone", "sector", "squad", "division", "tier",
    "#", "model", "series", "mark", "act", "rule", "year",
}  # fmt: skip
# Entity types whose numbers name something ("Euro 2020", "Apple Watch 5").
_NAME_ENTITIES = {
    "PERSON",
    "ORG",
    "PRODUCT",
    "LAW",
    "EVENT",
    "WORK_OF_ART",
    "FAC",
    "GPE",
    "LOC",
    "NORP",
    "LANGUAGE",
}
# Verbs after which "from X to Y" is a change, not a range ("rose from 12 to 15").
_CHANGE_VERBS = {
    "rise", "increase", "grow", "climb", "jump", "soar", "surge", "fall", "drop", "decline",
    "decrease", "shrink", "slip", "plunge", "tumble", "raise", "cut", "reduce", "lower", "lift",
    "boost", "revise", "double", "triple", "halve", "slash", "narrow", "widen",
    "ease", "swell", "balloon", "sink", "slide", "dip", "edge", "gain", "lose", "add",
}  # fmt: skip
# Casualty nouns count as zero after "no" even in the singular ("no loss of life").
_CASUALTY_NOUNS = {
    "casualty",
    "death",
    "injury",
    "fatality",
    "victim",
    "loss",
    "damage",
    "harm",
    "survivor",
    "dead",
    "injured",
    "wounded",
    "one",
    "body",
    "life",
}
_YEAR_RANGE = (1000, 2100)
_NUMBER_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")
_PIECE_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+|[^\W\d_]+|\S")
_SPLIT_RE = re.compile(r"[\d$€£¥₹₽₴₪]")


@dataclass(frozen=True, slots=True)
class _Piece:
    """A token, or a part of a token that glues a number to letters or signs."""

    text: str
    low: str
    start: int
    end: int
    tok: int  # index of the spaCy token in the Doc, -1 for plain strings
    glued: bool  # no space between this piece and the previous one


@dataclass(frozen=True, slots=True)
class _Number:
    """A number read from pieces ``[first, last)``."""

    value: float
    first: int
    last: int
    scaled: bool = False  # a scale word or abbreviation applied ("1.8 million")
    words: bool = False  # spelled out ("twenty-five")
    raw: str = ""  # the digits as written, to spot years ("1986") and phone numbers
    vague_high: float | None = None  # "dozens": the range is value..vague_high
    vague: str | None = None  # the vague word, kept as the hedge
    fraction: bool = False


@dataclass(frozen=True, slots=True)
class _Mention:
    """A quantity as stated, in the stated unit, before conversion to the base unit."""

    first: int
    last: int
    value: float
    low: float
    high: float
    unit: Unit | None
    hedge: str | None
    noun: str | None
    token_i: int
    ranged: bool = False  # a stated range: "between 5 and 10", "dozens"


def _split(text: str, offset: int, tok: int, first_glued: bool) -> list[_Piece]:
    """Split one token's text into pieces with absolute offsets."""
    pieces = []
    if not _SPLIT_RE.search(text):
        return [_Piece(text, text.lower(), offset, offset + len(text), tok, first_glued)]
    prev_end = None
    for match in _PIECE_RE.finditer(text):
        start = offset + match.start()
        glued = first_glued if prev_end is None else start == prev_end
        piece = match.group()
        pieces.append(_Piece(piece, piece.lower(), start, start + len(piece), tok, glued))
        prev_end = start + len(piece)
    return pieces


def _doc_pieces(doc: Doc, start: int, end: int) -> list[_Piece]:
    pieces: list[_Piece] = []
    for token in doc[start:end]:
        if token.is_space:
            continue
        glued = bool(pieces) and pieces[-1].end == token.idx
        text = token.text
        if (
            len(text) > 1
            and text.endswith(".")
            and (text[:-1].lower() in _ABBREV_SCALES or (text[:-1].lower(),) in UNIT_KEYS)
        ):
            # "EUR50m." at the end of a sentence: the stop is not part of the scale
            pieces.append(
                _Piece(text[:-1], text[:-1].lower(), token.idx, token.idx + len(text) - 1, token.i, glued)
            )
            pieces.append(_Piece(".", ".", token.idx + len(text) - 1, token.idx + len(text), token.i, True))
            continue
        pieces.extend(_split(text, token.idx, token.i, glued))
    return pieces


def _text_pieces(text: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    for match in re.finditer(r"\S+", text):
        for piece in _split(match.group(), match.start(), -1, False):
            pieces.extend(_split_hyphens(piece))
    return pieces


def _split_hyphens(piece: _Piece) -> list[_Piece]:
    """Split "twenty-five" the way spaCy's tokenizer does (plain strings only)."""
    if "-" not in piece.text or piece.text == "-":
        return [piece]
    out = []
    pos = piece.start
    for i, part in enumerate(re.split(r"(-)", piece.text)):
        if part:
            glued = piece.glued if i == 0 else True
            out.append(_Piece(part, part.lower(), pos, pos + len(part), piece.tok, glued))
        pos += len(part)
    return out


def _match_key(pieces: list[_Piece], i: int, keys: dict) -> tuple[tuple[str, ...], int] | None:
    """The longest key (tuple of lowercase pieces) found at ``i``: (key, pieces used)."""
    for size in range(min(MAX_KEY, len(pieces) - i), 0, -1):
        key = tuple(p.low for p in pieces[i : i + size])
        if key in keys and all(p.glued or p.low not in "-/" for p in pieces[i + 1 : i + size]):
            return key, size
    return None


def _is_digits(piece: _Piece) -> bool:
    return _NUMBER_RE.fullmatch(piece.low) is not None


def _read_words(pieces: list[_Piece], i: int) -> tuple[float, int] | None:
    """Read a spelled-out number ("twenty-eight thousand six hundred"); (value, next index)."""
    total = 0.0
    current = 0.0
    j = i
    last = ""  # kind of the last word read: "small", "tens", "scale"
    n = len(pieces)
    while j < n:
        w = pieces[j].low
        if w in _SMALL:
            if last in ("small",) or (last == "tens" and _SMALL[w] >= 10):
                break
            current += _SMALL[w]
            last = "small"
        elif w in _TENS:
            if last in ("small", "tens"):
                break
            current += _TENS[w]
            last = "tens"
        elif w in ("hundred",) and last in ("small", "tens"):
            current *= 100
            last = "scale"
        elif w in _WORD_SCALES and w != "hundred" and last in ("small", "tens", "scale"):
            if w == "dozen":
                current = (current or 1) * 12
            else:
                total += (current or 1) * _WORD_SCALES[w]
                current = 0
            last = "scale"
        elif w == "-" and last == "tens" and j + 1 < n and pieces[j + 1].low in _SMALL:
            pass  # "twenty-five"
        elif (
            w == "and"
            and last == "scale"
            and j + 1 < n
            and (pieces[j + 1].low in _SMALL or pieces[j + 1].low in _TENS)
        ):
            pass  # "one hundred and five"
        else:
            break
        j += 1
    if j == i:
        return None
    return total + current, j


def _read_number(pieces: list[_Piece], i: int, money: bool) -> _Number | None:
    """Read a number with its scale words at piece ``i``, or None when there is none."""
    n = len(pieces)
    p = pieces[i]
    words = False
    fraction = False
    raw = ""
    if _is_digits(p):
        value = float(p.low.replace(",", ""))
        raw = p.low
        j = i + 1
        # "1/2" glued: a fraction only when it reads as one (numerator below denominator)
        if (
            j + 1 < n
            and pieces[j].low == "/"
            and pieces[j].glued
            and pieces[j + 1].glued
            and re.fullmatch(r"\d+", pieces[j + 1].low)
            and re.fullmatch(r"\d+", p.low)
        ):
            num, den = int(p.low), int(pieces[j + 1].low)
            if 0 < num < den <= 100:
                return _Number(num / den, i, j + 2, raw=raw, fraction=True)
            return None
    elif p.low in _VAGUE and (
        (i + 1 < n and pieces[i + 1].low in ("of", "more", "upon"))
        or (p.low not in ("tens", "scores") and (i + 1 >= n or not pieces[i + 1].glued))
    ):
        return _read_vague(pieces, i)
    elif p.low in ("a", "an", "half") and i + 1 < n:
        nxt = pieces[i + 1].low
        if p.low == "half" and nxt in ("a", "an") and i + 2 < n and pieces[i + 2].low in _WORD_SCALES:
            value, j = 0.5 * _WORD_SCALES[pieces[i + 2].low], i + 3
            words = True
        elif nxt in _WORD_SCALES and p.low != "half":
            value, j = _WORD_SCALES[nxt], i + 2
            words = True
        elif nxt == "couple" and i + 2 < n and pieces[i + 2].low == "of":
            value, j, words = 2.0, i + 2, True
        elif nxt in _FRACTIONS and p.low != "half" and i + 2 < n and pieces[i + 2].low == "of":
            return _Number(1 / _FRACTIONS[nxt], i, i + 2, words=True, fraction=True)
        else:
            return None
    else:
        read = _read_words(pieces, i)
        if read is None:
            return None
        value, j = read
        words = True
        # "two-thirds", "three quarters of"
        k = j + 1 if j < n and pieces[j].low == "-" else j
        if k < n and pieces[k].low in _FRACTIONS and value >= 1:
            plural = pieces[k].low.endswith("s")
            if plural or (k + 1 < n and pieces[k + 1].low == "of"):
                return _Number(value / _FRACTIONS[pieces[k].low], i, k + 1, words=True, fraction=True)
    # "one and a half"
    if j + 2 < n and pieces[j].low == "and" and pieces[j + 1].low == "a" and pieces[j + 2].low == "half":
        value += 0.5
        j += 3
    scaled = False
    while j < n:
        s = pieces[j]
        if s.low in _WORD_SCALES and not (s.low == "dozen" and not words and not scaled):
            value *= _WORD_SCALES[s.low]
        elif s.low in _ABBREV_SCALES and not words and s.low != "thousands":
            long_unit = _match_key(pieces, j, UNIT_KEYS)
            if long_unit and len(long_unit[0]) > 1:
                break  # "3923sq m", "5 m/s": a unit, not a scale
            if s.low in ("m", "b", "k") and not s.glued and not money and s.low != "b":
                break  # a spaced "m" after a bare number is metres
            if j + 1 < n and pieces[j + 1].glued and pieces[j + 1].low[:1].isalnum():
                break  # "5mph", "3mb": letters go on, so this is not a scale
            if s.low == "m" and j + 1 < n and pieces[j + 1].low in LENGTH_WORDS:
                break  # "300m long": metres
            value *= _ABBREV_SCALES[s.low]
        else:
            break
        scaled = True
        j += 1
    return _Number(value, i, j, scaled=scaled, words=words, raw=raw, fraction=fraction)


def _read_vague(pieces: list[_Piece], i: int) -> _Number:
    """Read "dozens", "hundreds of thousands", "tens of millions"; a range in ``vague_high``."""
    n = len(pieces)
    unit = _VAGUE[pieces[i].low]
    j = i + 1
    # "tens of thousands", "hundreds of millions"
    if j + 1 < n and pieces[j].low == "of" and pieces[j + 1].low in _VAGUE and pieces[j + 1].low != "tens":
        unit *= _VAGUE[pieces[j + 1].low]
        j += 2
    elif pieces[i].low == "tens":
        unit = 10.0
    low = 2 * unit
    # the next order of magnitude has its own word: "hundreds" stop below a thousand
    high = 10 ** math.ceil(math.log10(low + 1)) - 1 if unit != 12.0 and unit != 20.0 else 99.0
    if high < low:
        high = 10 * low - 1
    words = " ".join(p.low for p in pieces[i:j])
    return _Number(low, i, j, words=True, vague_high=float(high), vague=words)


def parse_number(text: str) -> float | None:
    """Read a number written in digits or words, with its scale and currency sign.

    ``"69,000"`` -> 69000, ``"1.8 million"`` -> 1800000, ``"two"`` -> 2,
    ``"a dozen"`` -> 12, ``"twenty-five"`` -> 25, ``"$5m"`` -> 5000000,
    ``"3.5bn"`` -> 3500000000. Returns None when ``text`` is not a single number
    (a word, a date, two numbers), so callers can tell "not a number" apart.
    """
    pieces = _text_pieces(text.strip())
    if not pieces:
        return None
    i = 0
    money = False
    prefix = _match_key(pieces, 0, CURRENCY_PREFIXES)
    if prefix:
        i, money = prefix[1], True
    sign = 1.0
    if i < len(pieces) and pieces[i].low in ("-", "−", "minus"):
        sign, i = -1.0, i + 1
    if i >= len(pieces):
        return None
    number = _read_number(pieces, i, money)
    if number is None or number.last != len(pieces):
        return None
    return sign * number.value


def extract_quantities(doc_or_span: Doc | Span) -> list[Quantity]:
    """Find the numbers stated in a parsed Doc or sentence Span, as Quantity records.

    Offsets (``start``/``end``) point into ``doc.text`` and cover hedge, number
    and unit ("about 20 miles"); ``token_i`` is the Doc index of the numeral
    token. Values are converted to the base unit of their dimension; ``low`` and
    ``high`` carry hedges and ranges (``value`` is the stated number, the
    midpoint for a stated range, the lower bound for "dozens").
    """
    doc = doc_or_span.doc if isinstance(doc_or_span, Span) else doc_or_span
    text = doc_index(doc).text  # doc.text joins every token of the Doc: read once, not per quantity
    out = []
    for mention, pieces in _mentions(doc_or_span):
        start, end = pieces[mention.first].start, pieces[mention.last - 1].end
        unit = mention.unit
        if unit is None:
            value, low, high = mention.value, mention.low, mention.high
            base, dimension = None, "count"
        else:
            value, low, high = (unit.to_base(v) for v in (mention.value, mention.low, mention.high))
            low, high = min(low, high), max(low, high)
            base, dimension = unit.base, unit.dimension
        out.append(
            Quantity(
                text=text[start:end],
                start=start,
                end=end,
                value=value,
                low=low,
                high=high,
                unit=base,
                dimension=dimension,
                hedge=mention.hedge,
                noun=mention.noun if unit is None else None,
                token_i=mention.token_i,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class StatedQuantity:
    """A quantity as the text states it, before conversion to base units.

    ``low == high`` for a single number; a stated range ("between 5 and 10",
    "dozens") has ``ranged`` set. ``unit`` is the stated unit's name, or the
    counted noun's lemma for a plain count, or None.
    """

    text: str
    start: int
    end: int
    value: float
    low: float
    high: float
    ranged: bool
    unit: str | None


def stated_quantities(doc_or_span: Doc | Span) -> list[StatedQuantity]:
    """The quantities of a Doc or Span in their stated units (used by the evaluation).

    Scoring against gold written in stated units ("5 miles", not "8.05 km")
    needs the number and unit as written; :func:`extract_quantities` converts
    them for comparison across reports.
    """
    text = doc_index(doc_or_span.doc if isinstance(doc_or_span, Span) else doc_or_span).text
    out = []
    for mention, pieces in _mentions(doc_or_span):
        start, end = pieces[mention.first].start, pieces[mention.last - 1].end
        unit = mention.unit.name if mention.unit is not None else mention.noun
        low, high = (mention.low, mention.high) if mention.ranged else (mention.value, mention.value)
        stated = StatedQuantity(text[start:end], start, end, mention.value, low, high, mention.ranged, unit)
        out.append(stated)
    return out


def _mentions(doc_or_span: Doc | Span) -> list[tuple[_Mention, list[_Piece]]]:
    """The quantities as stated (stated unit and value), with the pieces they index."""
    if isinstance(doc_or_span, Span):
        doc, lo, hi = doc_or_span.doc, doc_or_span.start, doc_or_span.end
    else:
        doc, lo, hi = doc_or_span, 0, len(doc_or_span)
    pieces = _doc_pieces(doc, lo, hi)
    reader = _Reader(doc, pieces)
    return [(m, pieces) for m in reader.read()]


class _Reader:
    """Walks the pieces of one Doc or Span left to right, reading quantities."""

    def __init__(self, doc: Doc, pieces: list[_Piece]) -> None:
        self.doc = doc
        self.pieces = pieces
        self.n = len(pieces)

    def read(self) -> list[_Mention]:
        out: list[_Mention] = []
        i = 0
        while i < self.n:
            found, after = self._zero(i)
            if found is None:
                found, after = self._quantity(i)
            if found is not None:
                out.append(found)
            i = max(after, i + 1)
        return out

    # -- zero quantities --------------------------------------------------------

    def _zero(self, i: int) -> tuple[_Mention | None, int]:
        """ "no one", "nobody", "none (of the X)", "no deaths": a count of zero."""
        p = self.pieces[i]
        if p.tok < 0:
            return None, i
        token = self.doc[p.tok]
        if p.low in ("nobody", "noone") or (
            p.low == "no"
            and i + 1 < self.n
            and self.pieces[i + 1].low == "one"
            and not self._is_noun_after(i + 2)
        ):
            last = i + 1 if p.low != "no" else i + 2
            head = self.pieces[last - 1].tok
            return self._zero_mention(i, last, "people", head), last
        if p.low == "none":
            noun = self._noun_after(token.i + 2) if self._next_low(token.i) == "of" else None
            return self._zero_mention(i, i + 1, noun, token.i), i + 1
        if p.low == "no" and token.pos_ == "DET":
            j = token.i + 1
            end = token.sent.end
            while j < end and (self.doc[j].pos_ in ("ADJ", "ADV") or self.doc[j].text == "-"):
                j += 1
            if j >= end:
                return None, i
            noun_tok = self.doc[j]
            # the head of a compound: "no civilian casualties", "no injury reports"
            while noun_tok.dep_ == "compound" and noun_tok.head.i > noun_tok.i:
                noun_tok = noun_tok.head
            lemma = noun_tok.lemma_.lower()
            if noun_tok.pos_ == "NOUN" and (noun_tok.tag_ == "NNS" or lemma in _CASUALTY_NOUNS):
                return self._zero_mention(i, i + 1, _person(lemma), token.i), i + 1
        return None, i

    def _zero_mention(self, first: int, last: int, noun: str | None, tok: int) -> _Mention:
        return _Mention(first, last, 0.0, 0.0, 0.0, None, None, noun, tok)

    # -- numbers ----------------------------------------------------------------

    def _quantity(self, i: int) -> tuple[_Mention | None, int]:
        """Read ``[hedge] [currency] number [unit]`` (maybe a range) starting at ``i``."""
        hedge, k = self._hedge(i)
        stated = self._stated(k)
        if stated is None:
            return None, i + 1
        number, unit, first, last = stated
        if isinstance(number, int):  # a skip marker: the pieces up to here are not a quantity
            return None, number
        # ranges: "between 5 and 10", "5 to 10 km", "5-10%"
        connector = self._connector(last, hedge)
        noun_at = last
        if connector is not None:
            second = self._stated(connector[1], partner=True)
            if second is not None and not isinstance(second[0], int):
                merged = self._range(i if hedge else first, stated, second, connector[0], hedge)
                if merged is not None:
                    return merged
                if unit is None and connector[0] in ("or", "to", "change"):
                    # "eight or nine euros", "rose from 12 to 15 people": the first number
                    # is stated in the second's unit
                    unit, noun_at = second[1], second[3]
        if hedge in ("between", "from"):
            hedge, i = None, first  # no range followed: "from 5 people" is just 5
        if self._skip(number, unit, first, last, hedge):
            return None, last
        mention = self._mention(i if hedge else first, last, number, unit, hedge, noun_at)
        if mention is None:
            return None, last
        return mention, last

    def _stated(self, k: int, partner: bool = False) -> tuple | None:
        """Read ``[currency] [sign] number [unit]`` at ``k``.

        Returns (number, unit, first, last), (skip_to, None, k, k) when the
        pieces are a date, time or identifier, or None when no number starts here.
        ``partner`` reads the second end of a range ("5-10"), glued to the first.
        """
        pieces = self.pieces
        if k >= self.n:
            return None
        first = k
        currency: str | None = None
        prefix = _match_key(pieces, k, CURRENCY_PREFIXES)
        if prefix and k + prefix[1] < self.n:
            key, size = prefix
            nxt = pieces[k + size]
            written = "".join(p.text for p in pieces[k : k + size])
            # letter codes must be capitals and touch or sit next to the number ("RM120", "EUR 50m")
            letters = "".join(c for c in written if c.isalpha())
            if (not letters or letters.isupper()) and (_is_digits(nxt) or nxt.low in ("-", "−")):
                currency = CURRENCY_PREFIXES[key]
                k += size
        sign = 1.0
        if (
            k < self.n
            and pieces[k].low in ("-", "−")
            and k + 1 < self.n
            and pieces[k + 1].glued
            and _is_digits(pieces[k + 1])
            and not (pieces[k].glued and k > 0 and pieces[k - 1].low[-1:].isalnum())
        ):
            sign, k = -1.0, k + 1
        elif k + 1 < self.n and pieces[k].low == "minus":
            sign, k = -1.0, k + 1
            if pieces[k].low in ("-", "−"):
                k += 1
        if k >= self.n:
            return None
        number = _read_number(pieces, k, currency is not None)
        if number is None:
            if _is_digits(pieces[k]):
                return (k + 1, None, k, k)  # an unreadable number form ("9/11"): skip it
            return None
        j = number.last
        # glued identifiers and times: "COVID-19", "G7", "10:30", "3rd", "1990s"
        before = pieces[k - 1] if k > 0 else None
        if number.words:
            if (
                before is not None
                and before.low == "-"
                and pieces[k].glued
                and before.glued
                and k >= 2
                and pieces[k - 2].low.isalpha()
            ):
                return (j, None, k, k)  # "production-four-door", "then-two"
        else:
            sub = k >= 2 and pieces[k - 2].low in BOUND_PREFIXES and before is not None and before.low == "-"
            joined = before is not None and (
                before.low[-1:].isalpha()
                or (before.low in ("-", "/", ".", ":") and before.glued and pieces[k - 2].low[-1:].isalnum())
            )
            if (
                before is not None
                and pieces[k].glued
                and currency is None
                and sign > 0
                and not sub
                and joined
                and not partner
            ):
                return (self._skip_glued(j), None, k, k)
            if (
                j + 1 < self.n
                and pieces[j].glued
                and pieces[j].low in (":", "/", ".", "×")
                and pieces[j + 1].glued
                and pieces[j + 1].low[:1].isdigit()
            ):
                return (self._skip_glued(j), None, k, k)
            if (
                j + 3 < self.n
                and all(pieces[x].glued for x in range(j, j + 4))
                and pieces[j].low in ("-", ".")
                and _is_digits(pieces[j + 1])
                and pieces[j + 2].low == pieces[j].low
                and _is_digits(pieces[j + 3])
            ):
                return (self._skip_glued(j), None, k, k)  # "555-123-4567", "2019-09-01"
            if (
                0 < k < j < self.n
                and pieces[k - 1].low == "("
                and pieces[j].low == ")"
                and currency is None
                and j == k + 1
            ):
                return (j, None, k, k)  # "(4)": a shirt number or a list item
        unit: Unit | None = None
        if currency is not None:
            unit = money(currency)
        if number.fraction:
            unit = FRACTION_UNIT
        read = self._unit(j, number, currency)
        if read is not None:
            found, j = read
            if currency is None or found.dimension == "money":
                unit = found  # "1/2 pound" is half a pound, not 50%
        elif (
            not number.words
            and j < self.n
            and pieces[j].glued
            and (
                pieces[j].low.isalpha()
                or (pieces[j].tok == pieces[j - 1].tok and pieces[j].low[:1].isalnum())
            )
        ):
            return (self._skip_glued(j), None, k, k)  # "5G", "49ers", "3rd", "1990s"
        value = sign * number.value
        number = _Number(
            value,
            number.first,
            number.last,
            number.scaled,
            number.words,
            number.raw,
            number.vague_high,
            number.vague,
            number.fraction,
        )
        return number, unit, first, j

    def _skip_glued(self, j: int) -> int:
        """Skip the rest of a glued identifier ("555-123-4567", "10:30:00")."""
        while j < self.n and self.pieces[j].glued:
            j += 1
        return j

    def _unit(self, j: int, number: _Number, currency: str | None) -> tuple[Unit, int] | None:
        """The unit written after a number at ``j`` ("km", "-year-old", "per cent")."""
        pieces = self.pieces
        if j >= self.n:
            return None
        k = j
        if pieces[k].low == "-" and pieces[k].glued and k + 1 < self.n:
            k += 1  # "2.4-liter", "45-year-old"
        match = _match_key(pieces, k, UNIT_KEYS)
        if match is None:
            return None
        key, size = match
        if key in GLUED_ONLY and not pieces[k].glued:
            return None
        if key in CASED and pieces[k].text not in CASED[key]:
            return None  # "5G" is a network generation, "2019-09-01T10" a timestamp
        metres = k + 1 < self.n and pieces[k + 1].low in LENGTH_WORDS
        if key == ("in",) or (key == ("m",) and pieces[k].glued and not metres):
            return None  # a glued "m" is millions ("35m viewers") unless a length word follows
        if currency is not None and key not in CURRENCY_SUFFIXES and UNITS[key].dimension != "percent":
            return None  # "$5 billion", "$40 a barrel": the currency is the unit
        unit = UNIT_KEYS[key]
        end = k + size
        sterling = end < self.n and pieces[end].low == "sterling"
        if key in (("pound",), ("pounds",)) and (number.scaled or sterling):
            unit = GBP
            end += 1 if sterling else 0
        # a stated age: "aged 45", "at the age of 45" keep their years as age
        return unit, end

    def _hedge(self, i: int) -> tuple[str | None, int]:
        pieces = self.pieces
        best: tuple[str | None, int] = (None, i)
        for size in (3, 2, 1):
            words = " ".join(p.low for p in pieces[i : i + size])
            if len(pieces[i : i + size]) < size:
                continue
            if words in _HEDGES or words == "between" or words == "from":
                k = i + size
                if k < self.n and (self._starts_number(k)):
                    best = (words, k)
                    break
        return best

    def _starts_number(self, k: int) -> bool:
        p = self.pieces[k]
        if _is_digits(p) or p.low in _SMALL or p.low in _TENS or p.low in ("a", "an", "half", "-", "minus"):
            return True
        return _match_key(self.pieces, k, CURRENCY_PREFIXES) is not None or p.low in _VAGUE

    def _connector(self, j: int, hedge: str | None) -> tuple[str, int] | None:
        """The word joining a range's two ends at ``j``: and (after between), to, -, or."""
        if j >= self.n:
            return None
        p = self.pieces[j]
        if hedge == "between" and p.low == "and":
            return "between", j + 1
        if p.low in ("to", "-", "–", "—") and j + 1 < self.n and self._starts_number(j + 1):
            if p.low == "to" and hedge == "from" and self._after_change_verb(j):
                return "change", j + 1
            return ("-" if p.low != "to" else "to"), j + 1
        if p.low == "up" and j + 2 < self.n and self.pieces[j + 1].low == "to":
            return "to", j + 2
        if p.low == "or" and j + 1 < self.n and self._starts_number(j + 1):
            return "or", j + 1
        return None

    def _after_change_verb(self, j: int) -> bool:
        tok = self.pieces[j].tok
        if tok < 0:
            return False
        for t in self.doc[max(0, tok - 8) : tok]:
            if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in _CHANGE_VERBS:
                return True
        return False

    def _range(
        self, start: int, a: tuple, b: tuple, connector: str, hedge: str | None
    ) -> tuple[_Mention | None, int] | None:
        """Join two stated numbers into one range mention, or None when they are not one range."""
        na, ua, fa, _ = a
        nb, ub, _, lb = b
        if connector in ("or", "change"):
            return None
        if ua is not None and ub is not None and ua.dimension != ub.dimension:
            return None
        if ua is not None and ub is None:
            return None  # "60% to 3.9 million": a different measure
        unit = ub if ub is not None else ua
        va, vb = na.value, nb.value
        # "four to five thousand", "$10 to $15 billion": the scale is written once
        scale = self._scale_of(nb)
        if scale > 1 and self._scale_of(na) == 1 and abs(va) <= abs(vb) / scale * 1.0001:
            va *= scale
        if ua is not None and ub is not None and ua != ub:
            va = (ua.to_base(va) - ub.offset) / ub.factor  # "5 km to 10 miles": in the second unit
        if connector == "-" and unit is None and va >= vb:
            return None, self._skip_glued(lb)  # a score or an identifier: "2-1 win", "555-0199"
        if unit is None and self._near_date(fa, lb):
            return None, lb  # "Sept. 20-24"
        year_a, year_b = self._yearlike(na), self._yearlike(nb)
        if unit is None and year_a and year_b and not self._plural_follows(lb):
            return None, lb  # "1939-1945", "between 2019 and 2021"
        if unit is None and year_a != year_b:
            return None  # "in 2018 to 3.9 million": a year, then a number
        if unit is None and self._age_before(fa) is not None:
            unit = UNITS[("years", "old")]  # "men aged 18 to 34"
            start = min(start, self._age_before(fa) or start)
        low, high = min(va, vb), max(va, vb)
        hedge_word = "between" if connector == "between" else hedge or connector
        if hedge == "from":
            hedge_word = "to"
        noun = self._count_noun(lb) if unit is None else None
        head = self._head_token(nb)
        mention = _Mention(start, lb, (low + high) / 2, low, high, unit, hedge_word, noun, head, ranged=True)
        return mention, lb

    def _scale_of(self, number: _Number) -> float:
        """The scale applied to a number ("billion" -> 1e9), from its own pieces."""
        scale = 1.0
        for p in self.pieces[number.first : number.last]:
            if p.low in _WORD_SCALES:
                scale *= _WORD_SCALES[p.low]
            elif p.low in _ABBREV_SCALES:
                scale *= _ABBREV_SCALES[p.low]
        return scale

    # -- skip rules -------------------------------------------------------------

    def _skip(self, number: _Number, unit: Unit | None, first: int, last: int, hedge: str | None) -> bool:
        """True when a number without a unit is a year, date, time, label or name."""
        pieces = self.pieces
        if unit is not None and unit.dimension not in ("percent",):
            return self._near_time(last) and unit.dimension == "duration"
        if unit is not None:
            return False
        if self._near_time(last):
            return True
        if self._near_date(first, last):
            return True
        if hedge is None and self._yearlike(number) and not self._plural_follows(last):
            return True
        if hedge is None and not number.scaled:
            tok = pieces[number.first].tok
            if tok >= 0:
                token = self.doc[tok]
                if token.ent_type_ in _NAME_ENTITIES:
                    return True
                if self._label_before(first) and not (
                    self._plural_follows(last) and not self.doc[self.pieces[first - 1].tok].ent_type_
                ):
                    return True
        return False

    def _yearlike(self, number: _Number) -> bool:
        return (
            re.fullmatch(r"\d{4}", number.raw) is not None
            and _YEAR_RANGE[0] <= number.value <= _YEAR_RANGE[1]
            and not number.scaled
        )

    def _near_time(self, last: int) -> bool:
        """A clock time: "3 p.m.", "11am", "0401 GMT"."""
        if last < self.n and self.pieces[last].low in _TIME_WORDS:
            return self.pieces[last].low != "h" or self.pieces[last].glued
        return False

    def _near_date(self, first: int, last: int) -> bool:
        """A day of a month: "Feb. 24", "24 February", "October 1 2019", "the 3rd of May"."""
        pieces = self.pieces

        def is_month(p: _Piece) -> bool:
            return p.low.rstrip(".") in _MONTHS and p.text[:1].isupper()

        j = first - 1
        steps = 0
        while j >= 0 and steps < 3:
            if is_month(pieces[j]) or pieces[j].low in _WEEKDAYS:
                return True
            if pieces[j].low not in (".", ",", "the", "on") and not _is_digits(pieces[j]):
                break
            j -= 1
            steps += 1
        j = last
        steps = 0
        while j < self.n and steps < 2:
            if is_month(pieces[j]):
                return True
            if pieces[j].low not in ("of", "th", "st", "nd", "rd", ","):
                break
            j += 1
            steps += 1
        return False

    def _label_before(self, first: int) -> bool:
        """A number naming a thing: "Article 5", "Game 2", "S&P 500", "No. 10"."""
        if first == 0:
            return False
        prev = self.pieces[first - 1]
        if prev.tok < 0 or (prev.glued and prev.low.isalpha()):
            return False
        token = self.doc[prev.tok]
        if prev.low in _LABEL_NOUNS and token.pos_ in ("NOUN", "PROPN", "X", "SYM", "INTJ", "DET"):
            return True
        if token.pos_ == "PROPN" and any(c.isalpha() for c in prev.low):
            return prev.low.rstrip(".") not in _MONTHS
        return token.pos_ == "NOUN" and token.text[:1].isupper() and not token.is_sent_start

    def _plural_follows(self, last: int) -> bool:
        """A plural noun counted by the number follows ("1500 people", "2,000 homes")."""
        if last >= self.n or self.pieces[last].tok < 0:
            return False
        t = self.doc[self.pieces[last].tok]
        for tok in self.doc[t.i : min(len(self.doc), t.i + 3)]:
            if tok.tag_ == "NNS":
                return True
            if tok.pos_ not in ("ADJ", "NOUN") and tok.text != "-":
                return False
        return False

    # -- the mention ------------------------------------------------------------

    def _mention(
        self, start: int, last: int, number: _Number, unit: Unit | None, hedge: str | None, noun_at: int
    ) -> _Mention | None:
        value = number.value
        head = self._head_token(number)
        if number.vague_high is not None:
            noun = self._count_noun(noun_at) if unit is None else None
            return _Mention(
                start, last, value, value, number.vague_high, unit, number.vague, noun, head, ranged=True
            )
        if unit is None or unit.name == "year":
            age = self._age_before(start)
            if age is not None:
                unit = UNITS[("years", "old")]
                if hedge is None:
                    start = age  # the offsets cover "aged 45"
        noun = self._count_noun(noun_at) if unit is None else None
        if (
            unit is None
            and noun is None
            and number.words
            and value == 1
            and not number.scaled
            and hedge is None
        ):
            return None  # "one" as a pronoun: "the one who", "one could argue"
        low, high = _hedge_range(hedge, value)
        return _Mention(start, last, value, low, high, unit, hedge, noun, head)

    def _age_before(self, start: int) -> int | None:
        """The piece that opens "aged 45" or "(at) the age of 45", if any."""
        if start >= 1 and self.pieces[start - 1].low == "aged":
            return start - 1
        if start >= 3 and [p.low for p in self.pieces[start - 3 : start]] == ["the", "age", "of"]:
            return start - 2
        if start >= 2 and [p.low for p in self.pieces[start - 2 : start]] == ["ages", "of"]:
            return start - 2
        return None

    def _head_token(self, number: _Number) -> int:
        """The numeral token heading the number: the one whose syntactic head lies outside it."""
        toks = sorted({p.tok for p in self.pieces[number.first : number.last] if p.tok >= 0})
        if not toks:
            return -1
        for t in toks:
            outside = self.doc[t].head.i not in toks or self.doc[t].head.i == t
            numeral = self.doc[t].like_num or _NUMBER_RE.search(self.doc[t].text) or t == toks[-1]
            if outside and numeral:
                return t
        return toks[0]

    def _next_low(self, tok: int) -> str:
        return self.doc[tok + 1].lower_ if tok + 1 < len(self.doc) else ""

    def _count_noun(self, last: int) -> str | None:
        """The lemma of the noun a bare number counts: "two workers", "dozens of homes"."""
        if last >= self.n:
            return None
        p = self.pieces[last]
        if p.tok < 0 or (last > 0 and p.tok == self.pieces[last - 1].tok):
            return None
        token = self.doc[p.tok]
        if token.lower_ == "of":
            return self._noun_after(token.i + 1)
        if token.text == "-" and not token.whitespace_ and token.i + 1 < len(self.doc):
            nxt = self.doc[token.i + 1]  # "a 45-member panel" counts members
            return _person(nxt.lemma_.lower()) if nxt.pos_ in ("NOUN", "PROPN") else None
        return self._noun_after(token.i)

    def _noun_after(self, i: int) -> str | None:
        """The head noun of the phrase starting at token ``i`` (skipping determiners, adjectives)."""
        doc = self.doc
        end = min(len(doc), i + 6)
        j = i
        while j < end:
            tok = doc[j]
            if tok.is_sent_start and j > i:
                return None
            if (tok.lower_,) in UNIT_KEYS:
                return None  # a unit word the number did not take ("40 to 55 percent")
            if tok.pos_ in ("NOUN", "PROPN"):
                # follow a compound to its head: "charging stations", "Kia and Hyundai vehicles"
                while j + 1 < end and doc[j + 1].pos_ in ("NOUN", "PROPN") and tok.dep_ == "compound":
                    j += 1
                    tok = doc[j]
                if tok.lemma_.lower().rstrip(".") in _MONTHS and tok.text[:1].isupper():
                    return None
                return _person(tok.lemma_.lower())
            if (
                tok.pos_ in ("DET", "ADJ", "NUM", "PART")
                or tok.tag_ in ("POS", "PRP$")
                or (tok.text in ("-", "'s", "’s") and not tok.whitespace_)
            ):
                j += 1
                continue
            if tok.pos_ == "ADV" and (
                tok.lower_ in ("more", "other", "fewer", "additional") or tok.lower_.endswith("ly")
            ):
                j += 1  # "eight more picks", "20 decently sized plants"
                continue
            if tok.tag_ in ("VBG", "VBN") and tok.dep_ in ("amod", "compound"):
                j += 1  # "400 charging stations", "3 stolen cars"
                continue
            return None
        return None

    def _is_noun_after(self, i: int) -> bool:
        if i >= self.n or self.pieces[i].tok < 0:
            return False
        return self.doc[self.pieces[i].tok].pos_ in ("NOUN", "PROPN")


def _person(lemma: str) -> str:
    """Count people under one noun: "persons" and "people" compare as the same thing."""
    return "people" if lemma in ("person", "persons") else lemma


_HEDGES = dict.fromkeys(APPROX_HEDGES, "approx")
_HEDGES.update(dict.fromkeys(BELOW_HEDGES, "below"))
_HEDGES.update(dict.fromkeys(ABOVE_HEDGES, "above"))
_HEDGES.update(dict.fromkeys(AT_LEAST_HEDGES, "at_least"))
_HEDGES.update(dict.fromkeys(AT_MOST_HEDGES, "at_most"))


def _hedge_range(hedge: str | None, value: float) -> tuple[float, float]:
    """The (low, high) range a hedge word gives a stated value."""
    kind = _HEDGES.get(hedge or "")
    if kind == "approx":
        a, b = value * (1 - ABOUT_TOLERANCE), value * (1 + ABOUT_TOLERANCE)
    elif kind == "below":
        a, b = value * (1 - NEAR_TOLERANCE), value
    elif kind == "above":
        a, b = value, value * (1 + NEAR_TOLERANCE)
    elif kind == "at_least":
        return value, math.inf
    elif kind == "at_most":
        return (0.0 if value >= 0 else -math.inf), value
    else:
        return value, value
    return min(a, b), max(a, b)
