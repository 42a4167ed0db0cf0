"""Finding quotations in an article's text: the two readings storydiff needs, side by side.

- :func:`line_quotations` (with :class:`QuotationIndex`) is what attribution reads:
  a quotation still open at a line break closes there, because news writing
  reopens the mark on each new paragraph of a long quotation, and an
  unbalanced mark must not swallow the rest of the article.
- :func:`whole_quotations` is what claims read to give every line of a
  multi-line quotation its speaker: marks paired across line breaks, up to
  :data:`MAX_QUOTATION_CHARS`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator

__all__ = [
    "MAX_QUOTATION_CHARS",
    "QUOTE_CHARS",
    "QUOTE_PAIRS",
    "QuotationIndex",
    "line_quotations",
    "whole_quotations",
]

# Quotation marks: curly pairs, and straight double quotes paired in order.
# A quotation still open at a line break closes there (news writing reopens
# the mark on each new paragraph of a long quotation).
_QUOTE_RE = re.compile(r"“[^”\n]*(?:”|(?=\n)|$)|\"[^\"\n]*(?:\"|(?=\n)|$)")

# Quotation characters; a quote tag never contains one.
QUOTE_CHARS = frozenset('“”"‘’')

# Opening and closing quotation marks; a straight double quote opens and closes in turn.
QUOTE_PAIRS = {"\u201c": "\u201d", '"': '"'}
_OPENING_MARK = re.compile("[" + "".join(QUOTE_PAIRS) + "]")
# A quotation longer than this is taken for an unbalanced mark, not one speaker's words
# (the longest multi-line quotations in the NewsWCL50 and demo reports run ~600 characters).
MAX_QUOTATION_CHARS = 1500


def whole_quotations(text: str) -> list[tuple[int, int]]:
    """Character spans between matching quotation marks, across line breaks (the marks excluded)."""
    spans: list[tuple[int, int]] = []
    i = 0
    while (opening := _OPENING_MARK.search(text, i)) is not None:
        i = opening.start()
        close = QUOTE_PAIRS[text[i]]
        end = text.find(close, i + 1)
        if end < 0:
            break
        if end - i <= MAX_QUOTATION_CHARS:
            spans.append((i + 1, end))
        i = end + 1
    return spans


def line_quotations(text: str) -> list[tuple[int, int]]:
    """Character spans of quotations, marks included; one still open at a line break closes there."""
    return [(m.start(), m.end()) for m in _QUOTE_RE.finditer(text)]


class QuotationIndex:
    """The quotation spans of an article, looked up by bisection.

    The spans come from one left-to-right scan, so they are in text order and
    never overlap: their starts and their ends both rise. A cue asks only about
    the quotations next to it, and scanning all of them for every cue made
    long articles take time in the square of their length.
    """

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self._starts = [start for start, _ in spans]
        self._ends = [end for _, end in spans]
        # quotations of more than one character between the marks (see _quote_tag)
        self._long = [span for span in spans if span[1] - span[0] > 2]
        self._long_ends = [end for _, end in self._long]

    def inside(self, offset: int) -> bool:
        """Whether ``offset`` lies strictly inside a quotation."""
        n = bisect_left(self._starts, offset) - 1  # the last quotation opening before offset
        return n >= 0 and offset < self._ends[n]

    def last_long_by(self, offset: int) -> tuple[int, int] | None:
        """The last quotation of more than one character that ends by ``offset``."""
        n = bisect_right(self._long_ends, offset)
        return self._long[n - 1] if n else None

    def ending_by(self, offset: int) -> Iterator[tuple[int, int]]:
        """The quotations that end by ``offset``, nearest first (drawn one at a time)."""
        for n in range(bisect_right(self._ends, offset) - 1, -1, -1):
            yield self.spans[n]

    def starting_from(self, offset: int) -> Iterator[tuple[int, int]]:
        """The quotations that start at ``offset`` or later, nearest first (drawn one at a time)."""
        for n in range(bisect_left(self._starts, offset), len(self.spans)):
            yield self.spans[n]
