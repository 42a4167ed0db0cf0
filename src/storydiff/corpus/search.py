"""Searching the stories: the words of a query and of a story, as both database back ends index them.

A story is searched through one document made of its articles' titles,
outlets and texts (:func:`story_document`). Both the document and the query
are cut into words here, the same way: runs of letters and digits, case-folded
(:func:`words`). The database then only matches words, so SQLite's FTS5 and
PostgreSQL's ``simple`` text search find the same stories, and nothing a user
types reaches either query language: a query becomes a list of terms, each a
word or a quoted phrase, each quoted again for the back end
(:func:`fts5_query`, :func:`tsquery`). Quotes, ``*``, ``-``, ``NEAR``,
``OR``, ``:``, ``&`` or ``!`` in a query are punctuation like any other.

Every term must occur in the story; the last word of each term matches as a
prefix ("flood" finds "floods" and "flooding"), so a search still finds what
the word-part matching of earlier versions found at the start of a word.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "COUNTED_EXACTLY",
    "MAX_WORD_CHARS",
    "SEARCH_CHARS",
    "StorySearch",
    "fts5_query",
    "query_terms",
    "story_document",
    "tsquery",
    "words",
]

# A story's search document holds at most this many characters: every title and
# outlet first, then the texts in publication order. PostgreSQL refuses a tsvector
# over 1 MB and stops counting word positions at 16,383 (phrases beyond it no longer
# match); 200,000 characters are about 33,000 words, well inside both, and keep the
# re-indexing of a story that grows (every new article) bounded.
SEARCH_CHARS = 200_000

# Longer words are left out of the index: PostgreSQL drops a word of 2,047 bytes or more
# from a tsvector (and from a tsquery, which would then ask for less than was typed);
# 500 characters are at most 2,000 bytes. No word of any language is that long.
MAX_WORD_CHARS = 500

# A search's stories are counted exactly up to this many; past it a page says "more than"
# (as most search engines do: counting every match of a common word or a phrase reads each
# of them, 0.25 to 0.75 s on PostgreSQL for 10^5 stories, while a page reads 50).
COUNTED_EXACTLY = 1_000

_WORD = re.compile(r"[^\W_]+")
# a quoted phrase (a quote left open runs to the end), or a run of non-space characters
_TERM = re.compile(r'"([^"]*)"?|(\S+)')


@dataclass(frozen=True, slots=True)
class StorySearch:
    """What to find: terms that must all occur, a publication date range, an outlet.

    ``terms`` are lists of words (:func:`query_terms`); a term of several words
    is a phrase. ``unmatchable`` marks a query that had text but no word in it
    (only punctuation): it matches no story. Dates are ``YYYY-MM-DD``, both
    ends included; a story matches when one of its articles was published in
    the range, and when one of them comes from ``outlet`` (ignoring case).
    """

    terms: tuple[tuple[str, ...], ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    outlet: str | None = None
    unmatchable: bool = False

    @property
    def active(self) -> bool:
        """Whether it asks for anything: words (or a query of punctuation alone), dates, an outlet."""
        return bool(self.terms or self.date_from or self.date_to or self.outlet or self.unmatchable)

    @classmethod
    def of(
        cls,
        q: str = "",
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        outlet: str | None = None,
    ) -> StorySearch:
        """The search for the query text ``q`` and the filters."""
        terms = query_terms(q)
        unmatchable = (bool(q.strip()) and not terms) or any(
            len(word) > MAX_WORD_CHARS for term in terms for word in term
        )
        return cls(terms, date_from, date_to, outlet, unmatchable=unmatchable)


def words(text: str) -> list[str]:
    """The words of ``text`` as they are indexed: runs of letters and digits, case-folded.

    Words over :data:`MAX_WORD_CHARS` are left out.
    """
    return [w for w in _WORD.findall(text.casefold()) if len(w) <= MAX_WORD_CHARS]


def query_terms(q: str) -> tuple[tuple[str, ...], ...]:
    """The terms of a query: each word, and each "quoted phrase" as its words, in order, once each.

    Punctuation is dropped, so a term of punctuation alone (``-``, ``*``, ``""``)
    is no term; an unbalanced quote opens a phrase that runs to the end. Words
    over :data:`MAX_WORD_CHARS` are kept: no story has them (:class:`StorySearch`).
    """
    found: dict[tuple[str, ...], None] = {}
    for phrase, word in _TERM.findall(q):
        term = tuple(_WORD.findall((phrase or word).casefold()))
        if term:
            found.setdefault(term)
    return tuple(found)


def story_document(titles: Iterable[str | None], outlets: Iterable[str | None], texts: Iterable[str]) -> str:
    """The words a story is found by: titles and outlets, then texts, cut at :data:`SEARCH_CHARS`.

    ``texts`` is read only as far as the document has room (a generator can
    fetch them in batches).
    """
    parts: list[str] = []
    size = 0
    seen: set[str] = set()
    for text in itertools.chain(titles, outlets, texts):
        if not text or text in seen:
            continue  # a wire copy repeats a title, an outlet or a whole text: once is enough
        seen.add(text)
        part = " ".join(words(text))
        room = SEARCH_CHARS - size
        if len(part) > room:
            cut = part[: room + 1]  # one more: a cut that ends on a space ends between words
            parts.append(cut.rsplit(" ", 1)[0] if " " in cut else "")
            break
        parts.append(part)
        size += len(part) + 1
    return " ".join(p for p in parts if p)


def fts5_query(terms: Sequence[Sequence[str]]) -> str:
    """The terms as an SQLite FTS5 query: every term a quoted string, its last word a prefix."""
    return " AND ".join('"' + " ".join(term) + '"*' for term in terms)


def tsquery(terms: Sequence[Sequence[str]]) -> str:
    """The terms as a PostgreSQL ``to_tsquery`` text: words of a phrase adjacent, the last a prefix."""
    return " & ".join(
        "("
        + " <-> ".join(f"'{w}'" for w in term[:-1])
        + (" <-> " if len(term) > 1 else "")
        + f"'{term[-1]}':*)"
        for term in terms
    )
