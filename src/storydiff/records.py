"""The immutable records that storydiff's pipeline stages pass to each other.

Every record is a frozen, slotted dataclass. Character offsets (``start``/``end``)
always point into :attr:`Article.text` of the article named by ``article``, so a
finding can be traced back to the exact words of the report it came from.

Flow::

    Article --cleanup/parse--> Sentence, Quantity, DateMention, Attribution
            --claims--> Claim --align/compare--> Finding(Statement...) --> Report
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "Analysis",
    "Article",
    "Attribution",
    "Category",
    "Claim",
    "ClaimKind",
    "DateMention",
    "Document",
    "Finding",
    "KnownItem",
    "Origin",
    "Quantity",
    "Rejection",
    "Report",
    "Sentence",
    "Statement",
    "TimelineEntry",
]

# What slot of a claim carries its comparable value ("place" and "statement" claims were
# written by earlier versions and are still read from stored analyses).
# A "quote" claim is made in compare from an attribution, never stored.
ClaimKind = Literal["quantity", "date", "event", "quote", "place", "statement"]
# Where a finding is shown: the sections of a report. A finding's ``kind`` and ``severity``
# stay open strings, as does a timeline entry's category: the JSON contract lets later
# versions add kinds and levels that older readers pass through.
Category = Literal["conflict", "possible", "agreement", "unique", "update"]


@dataclass(frozen=True, slots=True)
class Article:
    """One news report as read from a file, URL or standard input.

    ``text`` is the main text exactly as extracted (for a plain-text file, the
    file's text with line endings normalised to ``\\n``); all offsets in every
    other record point into it.
    """

    id: str
    text: str
    path: str | None = None
    url: str | None = None
    title: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD) or None when unknown
    author: str | None = None
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that could not be used, with the reason a user can act on."""

    input: str
    reason: str


@dataclass(frozen=True, slots=True)
class Document:
    """An article as harvested for the corpus, with the bytes it was read from.

    ``source`` names where it came from so a user can find it again
    (``feeds.opml > https://example.com/rss > https://example.com/a.html``,
    ``dump.jsonl:17``, ``archive.warc.gz > https://example.com/a.html``);
    ``raw`` holds the bytes as fetched or read (HTML or text), ``None`` when
    the source gave extracted text only (a JSON Lines record with ``text``).
    """

    source: str
    article: Article
    raw: bytes | None = None
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class KnownItem:
    """A feed item whose URL the corpus already holds: counted as a duplicate, not fetched again."""

    source: str
    url: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence (or headline/caption line) of an article."""

    article: str
    index: int
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number stated in text, normalised to a range in a base unit.

    ``low``/``high`` carry hedges: "about 20 miles" is roughly 29-35 km, "more
    than 50" is (50, inf). ``value`` is the stated point value in the base unit.
    ``token_i`` is the index (within the parsed document) of the token that
    heads the number, so later stages can walk the dependency tree from it.
    """

    text: str
    start: int
    end: int
    value: float
    low: float
    high: float
    unit: str | None  # base unit: "km", "kg", "USD", "%", "year", ... None for bare counts
    dimension: str  # "count", "length", "money", "percent", "age", "duration", ...
    hedge: str | None = None  # "about", "more than", "at least", "up to", "between", ...
    noun: str | None = None  # lemma of the counted noun: "worker", "helicopter", "people"
    token_i: int = -1


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date or time expression resolved against the article's publication date."""

    text: str
    start: int
    end: int
    iso: str  # resolved day, "YYYY-MM-DD"
    granularity: str  # "day", "month", "year", "weekday"
    token_i: int = -1


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who said what: a source, the speech verb (cue) and the content span."""

    article: str
    speaker: str | None  # resolved name ("Gladkov"); None when unnamed
    speaker_start: int | None
    speaker_end: int | None
    cue: str
    cue_start: int
    cue_end: int
    content: str
    content_start: int
    content_end: int


@dataclass(frozen=True, slots=True)
class Claim:
    """A structured statement taken from one sentence of one article.

    ``kind`` says which slot carries the comparable value: "quantity", "date",
    "place", "event" (a predicate with its arguments) or "statement" (the
    sentence as a whole, compared by meaning only).
    """

    id: str
    article: str
    sentence: Sentence
    kind: ClaimKind
    subject: str
    attribute: str
    value: str
    start: int
    end: int
    predicate: str | None = None
    agent: str | None = None
    patient: str | None = None
    negated: bool = False
    speaker: str | None = None
    quantity: Quantity | None = None
    date: DateMention | None = None
    place: str | None = None
    keys: tuple[str, ...] = ()  # content lemmas of the value's frame
    # what a measure is taken against, as a lemma ("25 miles from the border" -> "border")
    reference: str | None = None
    # the words the value hangs on, in text order and without the value itself: the counted
    # noun, the governing predicate with its arguments, time words ("caravan once numbered")
    frame: str = ""
    # places, dates and named events in the value's own clause ("in Bener Meriah district",
    # "in 2004"): what narrows a figure to a part or another occasion, lower-cased
    scope: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the per-article stages found in one article."""

    article: Article
    sentences: tuple[Sentence, ...]
    claims: tuple[Claim, ...]
    attributions: tuple[Attribution, ...]


@dataclass(frozen=True, slots=True)
class Statement:
    """The evidence for one side of a finding, pointing into an article's text."""

    article: str
    text: str
    start: int
    end: int
    value: str | None = None
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """A conflict, an agreement or a unique fact, with its evidence.

    ``category`` is "conflict", "possible" (a difference the pair scorer is not
    confident enough of to call a conflict), "agreement", "unique" or "update"
    (a figure a later report of the same outlet or speaker revised).
    ``severity`` is set for conflicts and possible differences only ("major" or
    "minor"); ``confidence`` is the pair scorer's calibrated probability that
    the statements are about one thing, for the findings it decides.
    """

    category: Category
    kind: str
    subject: str
    attribute: str
    explanation: str
    statements: tuple[Statement, ...]
    severity: str | None = None
    confidence: float | None = None

    @property
    def articles(self) -> tuple[str, ...]:
        """The ids of the articles the statements come from, in order, without repeats."""
        return tuple(dict.fromkeys(s.article for s in self.statements))


@dataclass(frozen=True, slots=True)
class Origin:
    """One independent origin of a story's reports: an article and its copies.

    Wire stories republished by many outlets (near-duplicate texts) are one
    origin, so ten reprints count once as a confirmation. ``article`` is the
    earliest report of the group; ``copies`` are the ids of the others.
    """

    article: str
    copies: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()  # every outlet that carried it, the origin's own first


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One piece of evidence of a story's findings, placed in publication time.

    ``category`` is the finding's ("conflict", "possible", "agreement", "unique", "update");
    a story's timeline is these entries ordered by ``published`` (undated last),
    then article and position, so a reader sees how reported figures changed.
    """

    published: str | None
    category: str
    kind: str
    subject: str
    attribute: str
    statement: Statement
    outlet: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """The result of comparing a set of articles.

    ``possible`` holds the differences the pair scorer found below its conflict
    threshold: shown apart, collapsed, never counted as conflicts.

    A story report from the corpus also carries its ``story`` id, its independent
    ``origins``, its ``updates`` (figures a later report of the same outlet or
    speaker revised: category "update", not conflicts) and its ``timeline``.
    """

    articles: tuple[Article, ...]
    conflicts: tuple[Finding, ...] = ()
    possible: tuple[Finding, ...] = ()
    agreements: tuple[Finding, ...] = ()
    unique: tuple[Finding, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    rejected: tuple[Rejection, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    updates: tuple[Finding, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    origins: tuple[Origin, ...] = ()
    story: str | None = None
