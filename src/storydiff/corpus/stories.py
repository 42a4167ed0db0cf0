"""Story clustering: group reports of the same event, one article at a time.

A news feed delivers articles one by one; each new article either joins the
story it fits best or starts a new one. Decisions only ever look at the stories
built from earlier articles, so the result of a feed does not change when later
articles arrive, and a clusterer rebuilt from saved :class:`StoryState` records
goes on exactly as the original would have.

Signals, combined into one score against each story:

* **meaning**: the MiniLM embedding of the article's lead (title and first
  prose sentences), compared with the story's centroid (the mean of its members'
  vectors) by dot product, which is the average cosine with the members
  (average link: a story whose members drift apart does not absorb everything);
* **who, where, when**: named entities (people by surname, organisations,
  places, events, dates, numbers), weighted by their rarity over all articles
  seen so far (IDF), compared with the story's entity profile (how many of its
  members name each entity), again as an average cosine with the members. Two earthquakes, two rehab stays
  or two warehouse fires read alike but name different places, people and days;
* **words** (off by default): the content lemmas of the whole article (nouns,
  names, verbs, numbers), IDF- and term-weighted and compared the same way: the
  details a report repeats that the lead embedding blurs. They help short
  snippets (NeuS) a lot but not yet full reports (ECB+), see :data:`LEXICAL_WEIGHT`;
* **years** (off by default): an article whose years (a "2008" in the text)
  share none with a member's years loses a little against that member;
* **time**: when the article and the story both have publication dates, an
  article more than :data:`MAX_GAP_DAYS` outside the story's span cannot join
  it. An unknown date carries no penalty.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from storydiff.compare.embeddings import Embedder, default_embedder
from storydiff.errors import InputError, SettingsError
from storydiff.records import Article

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

# The parser (storydiff.analysis.nlp, and spaCy with it) is imported by the functions that
# parse or read a parse: the store imports this module for its records, and the web app the
# store, so `storydiff serve` starts without loading spaCy.

__all__ = [
    "ArticleFeatures",
    "ClusterSettings",
    "StoryClusterer",
    "StoryState",
    "article_features",
    "cluster_articles",
    "next_story_id",
    "story_state",
]

# --- calibrated constants --------------------------------------------------------------
# Calibrated on ECB+ (496 documents, 42 stories in 21 topics, each topic two similar
# events) fed in seeded random orders, checked on NewsWCL50 (25 long reports, 5 stories)
# and NeuS (921 title+lead snippets, 307 stories); grid over weight x threshold.

# Title plus the first five prose sentences: where a report says who, what, where and
# when. Pairwise same-story AUC on ECB+ rose from 1 to 5 sentences and flattened after.
LEAD_SENTENCES = 5
# Share of the score from meaning; the rest from named entities (and content words,
# below). Entities separate two similar events of one ECB+ topic better (pairwise AUC
# within a topic 0.89 against 0.85 for the lead embedding); 0.3 gave the best
# within-topic AUC of the mix (0.91).
EMBEDDING_WEIGHT = 0.3
# Share of the score from content lemmas, off by default. With 0.2 meaning / 0.4 words /
# 0.4 entities, threshold 0.26 and a 0.05 year penalty, NeuS rose from 70.7 to 79.8
# B-cubed F1 and NewsWCL50 from 87.6 to 91.4, but ECB+ fell from 88.0 to 87.3 (5 orders)
# and the five-topic ECB+ sample of the quality gate from 91.5 to 78.8 (stories split),
# so the gain on short snippets does not yet carry over to full reports.
LEXICAL_WEIGHT = 0.0
# Average-link score at which an article joins a story. ECB+ peaks at 0.25-0.26
# (B-cubed F1 ~87-88); NeuS would like 0.35 (its 307 short political snippets share
# names), NewsWCL50 0.3. 0.25 keeps ECB+ at its best and NeuS above 70.
JOIN_THRESHOLD = 0.25
# Score taken off per member whose years share none with the article's (averaged over
# the members), off by default. Two events of one ECB+ topic disagree on the year in
# 29% of pairs, one event's reports in 8%: evidence, but weak; on pairwise matrices
# 0.05 lifted NewsWCL50 by 2 points and left ECB+ and NeuS level, 0.1 cost ECB+ a point.
YEAR_PENALTY = 0.0
MAX_GAP_DAYS = 7  # a story goes cold after a week without reports (not calibrated: no set has dates)
MIN_LEAD_WORDS = 4  # shorter lines are datelines ("PARIS, France —"), bylines or kickers
LEAD_FALLBACK_CHARS = 500  # a text with no prose sentence at all is embedded by its opening
CANDIDATES = 20  # stories scored on entities: the nearest ones by meaning

# Parts of speech kept as content words: what happened (verbs), to whom and with what
# (nouns, names) and how many; adjectives and adverbs mostly carry tone.
LEXICAL_POS = frozenset({"NOUN", "PROPN", "VERB", "NUM"})
# Four-digit years a report may name; older or later numbers are counts, not years.
FIRST_YEAR, LAST_YEAR = 1950, 2049

# Entity types that tell one event from a similar one. MONEY, PERCENT and ORDINAL
# are left out: they recur across unrelated business and sports reports.
ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "DATE", "CARDINAL", "PRODUCT"}
)


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    """Thresholds of the story clusterer: one setting for every kind of feed.

    Measured with the defaults (B-cubed F1, mean of 5 seeded feed orders): ECB+
    stories 88.0 (87.1-89.6), NewsWCL50 87.6, NeuS 70.7. Content words and years
    (``lexical_weight``, ``year_penalty``) are off by default: see their constants.

    ``embedding_weight`` is the share of the join score taken from the cosine of
    lead embeddings, ``lexical_weight`` the share from the IDF-weighted cosine of
    content lemmas (the rest from the IDF-weighted entity cosine);
    ``year_penalty`` what a member whose years all differ from the article's takes
    off the score (averaged over members);
    ``join_threshold`` the score at which an article joins its best story;
    ``max_gap_days`` how far outside a story's span a dated article may fall and
    still join it; ``lead_sentences`` how many opening sentences are embedded.
    """

    embedding_weight: float = EMBEDDING_WEIGHT
    lexical_weight: float = LEXICAL_WEIGHT
    year_penalty: float = YEAR_PENALTY
    join_threshold: float = JOIN_THRESHOLD
    max_gap_days: int = MAX_GAP_DAYS
    lead_sentences: int = LEAD_SENTENCES
    candidates: int = CANDIDATES

    def __post_init__(self) -> None:
        if not 0.0 <= self.embedding_weight <= 1.0:
            raise SettingsError(
                f"embedding_weight must lie between 0 and 1, not {self.embedding_weight}", stage="stories"
            )
        if self.lexical_weight < 0.0 or self.embedding_weight + self.lexical_weight > 1.0:
            raise SettingsError(
                "lexical_weight must be 0 or more and embedding_weight + lexical_weight at most 1, "
                f"not {self.embedding_weight} + {self.lexical_weight}",
                stage="stories",
            )
        if self.year_penalty < 0.0:
            raise SettingsError(f"year_penalty must be 0 or more, not {self.year_penalty}", stage="stories")
        if self.max_gap_days < 0 or self.lead_sentences < 1 or self.candidates < 1:
            raise SettingsError(
                "max_gap_days must be 0 or more, lead_sentences and candidates 1 or more", stage="stories"
            )


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """What the clusterer keeps of an article: its lead vector, entities, words, years and date."""

    id: str
    vector: tuple[float, ...]  # unit-length embedding of title and lead
    entities: tuple[str, ...]  # normalised entity keys, each once
    published: dt.date | None
    lemmas: tuple[tuple[str, int], ...] = ()  # content lemmas of the whole text, with their counts
    years: tuple[int, ...] = ()  # distinct years named in the text, ascending


@dataclass(frozen=True, slots=True)
class StoryState:
    """Everything needed to persist a story and rebuild the clusterer from it.

    ``centroid`` is the plain mean of the members' unit vectors (not re-normalised,
    so that adding a member updates it exactly); ``entities`` counts, for each
    entity key, the members that name it; ``lemmas`` holds, for each content
    lemma, the members that use it, the sum of their term weights (1 + log count)
    and the sum of the squares;
    ``years`` counts the members by the set of years they name (members naming
    none are left out).
    """

    id: str
    members: tuple[str, ...]
    centroid: tuple[float, ...]
    entities: tuple[tuple[str, int], ...]
    first: str | None  # ISO date of the earliest dated member, None when no member is dated
    last: str | None
    lemmas: tuple[tuple[str, int, float, float], ...] = ()
    years: tuple[tuple[tuple[int, ...], int], ...] = ()


class _Story:
    """A story while it grows (the mutable twin of :class:`StoryState`)."""

    __slots__ = (
        "centroid_sum",
        "entities",
        "first",
        "id",
        "last",
        "lemma_sq",
        "lemma_sum",
        "lemmas",
        "members",
        "years",
    )

    def __init__(self, story_id: str, dim: int) -> None:
        self.id = story_id
        self.members: list[str] = []
        self.centroid_sum = np.zeros(dim, dtype=np.float64)
        self.entities: Counter[str] = Counter()
        self.lemmas: Counter[str] = Counter()  # members using each lemma
        self.lemma_sum: dict[str, float] = {}  # sum of their term weights
        self.lemma_sq: dict[str, float] = {}  # sum of the squares (for the mean norm)
        self.years: Counter[tuple[int, ...]] = Counter()
        self.first: dt.date | None = None
        self.last: dt.date | None = None

    def add(self, features: ArticleFeatures, vector: np.ndarray) -> None:
        self.members.append(features.id)
        self.centroid_sum += vector
        self.entities.update(features.entities)
        for lemma, count in features.lemmas:
            w = _term_weight(count)
            self.lemmas[lemma] += 1
            self.lemma_sum[lemma] = self.lemma_sum.get(lemma, 0.0) + w
            self.lemma_sq[lemma] = self.lemma_sq.get(lemma, 0.0) + w * w
        if features.years:
            self.years[features.years] += 1
        if features.published is not None:
            day = features.published
            self.first = day if self.first is None else min(self.first, day)
            self.last = day if self.last is None else max(self.last, day)

    def state(self) -> StoryState:
        n = len(self.members)
        return StoryState(
            id=self.id,
            members=tuple(self.members),
            centroid=tuple((self.centroid_sum / n).tolist()),
            entities=tuple(sorted(self.entities.items())),
            first=self.first.isoformat() if self.first else None,
            last=self.last.isoformat() if self.last else None,
            lemmas=tuple((k, c, self.lemma_sum[k], self.lemma_sq[k]) for k, c in sorted(self.lemmas.items())),
            years=tuple(sorted(self.years.items())),
        )

    @classmethod
    def from_state(cls, state: StoryState) -> _Story:
        story = cls(state.id, len(state.centroid))
        story.members = list(state.members)
        story.centroid_sum = np.asarray(state.centroid, dtype=np.float64) * len(state.members)
        story.entities = Counter(dict(state.entities))
        story.lemmas = Counter({k: c for k, c, _, _ in state.lemmas})
        story.lemma_sum = {k: w for k, _, w, _ in state.lemmas}
        story.lemma_sq = {k: sq for k, _, _, sq in state.lemmas}
        story.years = Counter(dict(state.years))
        story.first = dt.date.fromisoformat(state.first) if state.first else None
        story.last = dt.date.fromisoformat(state.last) if state.last else None
        return story


class StoryClusterer:
    """Incremental story clustering: :meth:`add` one article at a time.

    Build it empty, or from saved states (``StoryClusterer(states=saved)``) to go
    on where an earlier clusterer stopped.
    """

    def __init__(
        self,
        settings: ClusterSettings | None = None,
        *,
        embedder: Embedder | None = None,
        states: Iterable[StoryState] = (),
    ) -> None:
        self.settings = settings or ClusterSettings()
        self._embedder = embedder
        self._stories: list[_Story] = [_Story.from_state(s) for s in states]
        self._assignments = {m: s.id for s in self._stories for m in s.members}
        # document frequency of entities and lemmas over all articles seen: the IDF
        # weights (entity keys carry a "LABEL:" prefix, so the two never collide)
        self._df: Counter[str] = Counter()
        for story in self._stories:
            self._df.update(story.entities)
            self._df.update(story.lemmas)
        self._next = 1 + max((_story_number(s.id) for s in self._stories), default=0)

    # --- public API --------------------------------------------------------------------

    def add(self, article: Article, doc: Doc | None = None) -> str:
        """Put ``article`` in the best story (or a new one) and return that story's id.

        ``doc`` is the article's spaCy parse (:func:`storydiff.analysis.nlp.parse`); it is
        parsed here when not given.
        """
        embedder = self._embedder or default_embedder()
        return self.add_features(article_features([article], embedder, docs=[doc], settings=self.settings)[0])

    def add_features(self, features: ArticleFeatures) -> str:
        """Like :meth:`add`, for features computed beforehand (in a batch, for speed)."""
        self._check_new(features)
        vector = np.asarray(features.vector, dtype=np.float64)
        story = self._best_story(features, vector)
        if story is None:
            story = _Story(f"story-{self._next}", len(vector))
            self._next += 1
            self._stories.append(story)
        return self._join(story, features, vector)

    def assign(self, features: ArticleFeatures, story_id: str) -> str:
        """Put an article in a given story without scoring it (a wire copy joins its origin's story).

        A story id the clusterer does not know starts a new story under that id.
        """
        self._check_new(features)
        vector = np.asarray(features.vector, dtype=np.float64)
        story = next((s for s in self._stories if s.id == story_id), None)
        if story is None:
            story = _Story(story_id, len(vector))
            self._stories.append(story)
            self._next = max(self._next, _story_number(story_id) + 1)
        return self._join(story, features, vector)

    def _check_new(self, features: ArticleFeatures) -> None:
        if features.id in self._assignments:
            raise InputError(
                "this article id was already clustered; give every article a unique id",
                input=features.id,
                stage="stories",
            )

    def _join(self, story: _Story, features: ArticleFeatures, vector: np.ndarray) -> str:
        story.add(features, vector)
        self._df.update(features.entities)
        self._df.update(k for k, _ in features.lemmas)
        self._assignments[features.id] = story.id
        return story.id

    def assignments(self) -> dict[str, str]:
        """Article id -> story id, for every article added so far."""
        return dict(self._assignments)

    def stories(self) -> list[StoryState]:
        """The state of every story, in the order they were started."""
        return [s.state() for s in self._stories]

    # --- scoring -----------------------------------------------------------------------

    def scores(self, features: ArticleFeatures) -> dict[str, float]:
        """The join score of ``features`` against each candidate story (for inspection)."""
        vector = np.asarray(features.vector, dtype=np.float64)
        return {s.id: score for s, score in self._scored(features, vector)}

    def _best_story(self, features: ArticleFeatures, vector: np.ndarray) -> _Story | None:
        best: _Story | None = None
        best_score = self.settings.join_threshold
        for story, score in self._scored(features, vector):
            if score >= best_score:
                best, best_score = story, score
        return best

    def _scored(self, features: ArticleFeatures, vector: np.ndarray) -> list[tuple[_Story, float]]:
        open_stories = [s for s in self._stories if self._in_window(s, features.published)]
        if not open_stories:
            return []
        sums = np.stack([s.centroid_sum for s in open_stories])
        # average link: the mean cosine with the members, so a story whose members
        # drift apart does not pull in everything near its centre
        sizes = np.array([len(s.members) for s in open_stories], dtype=np.float64)
        cosines = sums @ vector / sizes
        order = np.argsort(-cosines)[: self.settings.candidates]
        n_seen = len(self._assignments) + 1
        return [
            (open_stories[i], self._score(features, open_stories[i], float(cosines[i]), n_seen))
            for i in order
        ]

    def _score(self, features: ArticleFeatures, story: _Story, meaning: float, n_seen: int) -> float:
        settings = self.settings
        entity_weight = 1.0 - settings.embedding_weight - settings.lexical_weight
        score = settings.embedding_weight * meaning
        if entity_weight > 0.0:
            score += entity_weight * self._profile_cosine(features.entities, story.entities, story, n_seen)
        if settings.lexical_weight > 0.0:
            score += settings.lexical_weight * self._lexical_cosine(features.lemmas, story, n_seen)
        if settings.year_penalty > 0.0 and features.years:
            named = set(features.years)
            apart = sum(c for years, c in story.years.items() if named.isdisjoint(years))
            score -= settings.year_penalty * apart / len(story.members)
        return score

    def _idf(self, key: str, n_seen: int) -> float:
        # smoothed: an entity never seen before still counts, as the rarest kind
        return math.log((1 + n_seen) / (1 + self._df[key])) + 1.0

    def _profile_cosine(
        self, keys: Sequence[str], profile: Counter[str], story: _Story, n_seen: int
    ) -> float:
        """IDF-weighted cosine of an article's keys with a story's profile (members per key)."""
        if not keys or not profile:
            return 0.0
        n = len(story.members)
        dot = 0.0
        article_norm = 0.0
        for key in keys:
            w = self._idf(key, n_seen) ** 2
            article_norm += w
            if key in profile:
                dot += w * profile[key] / n
        # mean squared norm of the members' key vectors: with the mean dot product
        # above this gives (nearly) the average cosine with the members
        story_norm = sum(self._idf(k, n_seen) ** 2 * c / n for k, c in profile.items())
        return dot / math.sqrt(article_norm * story_norm)

    def _lexical_cosine(self, lemmas: Sequence[tuple[str, int]], story: _Story, n_seen: int) -> float:
        """Like the entity cosine, with term weights: a word a report repeats is what it is about."""
        if not lemmas or not story.lemma_sum:
            return 0.0
        n = len(story.members)
        dot = 0.0
        article_norm = 0.0
        for key, count in lemmas:
            idf = self._idf(key, n_seen)
            w = _term_weight(count) * idf
            article_norm += w * w
            if key in story.lemma_sum:
                dot += w * idf * story.lemma_sum[key] / n
        story_norm = sum(self._idf(k, n_seen) ** 2 * sq / n for k, sq in story.lemma_sq.items())
        return dot / math.sqrt(article_norm * story_norm)

    def _in_window(self, story: _Story, day: dt.date | None) -> bool:
        if day is None or story.first is None or story.last is None:
            return True
        gap = dt.timedelta(days=self.settings.max_gap_days)
        return story.first - gap <= day <= story.last + gap


def story_state(story_id: str, members: Sequence[ArticleFeatures]) -> StoryState:
    """The state of a story made of ``members`` (after a merge or split by hand)."""
    if not members:
        raise InputError("a story needs at least one article", input=story_id, stage="stories")
    story = _Story(story_id, len(members[0].vector))
    for features in members:
        story.add(features, np.asarray(features.vector, dtype=np.float64))
    return story.state()


def next_story_id(existing: Iterable[str]) -> str:
    """The id of a new story after ``existing`` ones (``story-N``, one past the highest)."""
    return f"story-{1 + max((_story_number(s) for s in existing), default=0)}"


def _term_weight(count: int) -> float:
    # sublinear: the tenth "fire" says less than the first
    return 1.0 + math.log(count)


def _story_number(story_id: str) -> int:
    head, _, tail = story_id.rpartition("-")
    return int(tail) if head == "story" and tail.isdigit() else 0


# --- features ----------------------------------------------------------------------------


def article_features(
    articles: Sequence[Article],
    embedder: Embedder,
    *,
    docs: Sequence[Doc | None] | None = None,
    settings: ClusterSettings | None = None,
) -> list[ArticleFeatures]:
    """Lead vectors, entity keys, content lemmas, years and dates of ``articles``, embedded in one batch.

    ``docs`` are their spaCy parses in the same order (a ``None`` is parsed here).
    """
    settings = settings or ClusterSettings()
    given = list(docs) if docs is not None else [None] * len(articles)
    if len(given) != len(articles):
        raise InputError(f"{len(articles)} articles but {len(given)} parsed documents", stage="stories")
    published = [_published(a) for a in articles]  # refuse a bad date before the slow work
    from storydiff.analysis.nlp import parse_many

    fresh = iter(parse_many(a.text for a, d in zip(articles, given, strict=True) if d is None))
    parsed = [d if d is not None else next(fresh) for d in given]
    leads = [_lead_text(a, d, settings.lead_sentences) for a, d in zip(articles, parsed, strict=True)]
    vectors = embedder.encode(leads)
    return [
        ArticleFeatures(
            id=a.id,
            vector=tuple(float(x) for x in v),
            entities=entity_keys(d),
            published=day,
            lemmas=lemma_keys(d),
            years=year_mentions(d),
        )
        for a, d, v, day in zip(articles, parsed, vectors, published, strict=True)
    ]


def _lead_text(article: Article, doc: Doc, n: int) -> str:
    """The title and the first ``n`` sentences that read as prose (what the report is about)."""
    title = (article.title or "").strip()
    sentences = [s.text.strip() for s in _prose_sentences(doc) if s.text.strip() != title][:n]
    if title:
        sentences.insert(0, title)
    return " ".join(sentences) or article.text[:LEAD_FALLBACK_CHARS]


def _sentences(doc: Doc) -> Iterable[Span]:
    from storydiff.analysis.nlp import content_sentences

    return content_sentences(doc)


def _prose_sentences(doc: Doc) -> list[Span]:
    """Sentences with a verb and a few words: datelines, bylines, link lines and kickers are skipped."""
    return [
        s
        for s in _sentences(doc)
        if not _is_link_line(s)
        and sum(t.is_alpha for t in s) >= MIN_LEAD_WORDS
        and any(t.pos_ in {"VERB", "AUX"} for t in s)
    ]


def _is_link_line(sent: Span) -> bool:
    return any(t.like_url or t.lower_ in {"http", "https", "www"} for t in sent)


def entity_keys(doc: Doc) -> tuple[str, ...]:
    """The distinct entity keys of a parsed article: lower-cased names, people by surname."""
    keys: dict[str, None] = {}
    links = [s for s in _sentences(doc) if _is_link_line(s)]
    for ent in doc.ents:
        # a link line names its outlet and the URL's words, not the event
        if ent.label_ not in ENTITY_LABELS or any(s.start <= ent.start < s.end for s in links):
            continue
        words = [t.lower_ for t in ent if not t.is_punct and t.lower_ not in {"the", "'s", "’s"}]
        if not words:
            continue
        # "Tara Reid", "Reid" and "Ms Reid" are one person
        text = words[-1] if ent.label_ == "PERSON" else " ".join(words)
        keys[f"{ent.label_}:{text}"] = None
    return tuple(keys)


def lemma_keys(doc: Doc) -> tuple[tuple[str, int], ...]:
    """The content lemmas of a parsed article (nouns, names, verbs, numbers), prefixed ``w:``, with counts."""
    keys: Counter[str] = Counter()
    for sent in _sentences(doc):
        if _is_link_line(sent):
            continue
        for tok in sent:
            if (
                tok.pos_ in LEXICAL_POS
                and not tok.is_stop
                and (tok.is_alpha or tok.like_num)
                and len(tok.text) > 1
            ):
                keys[f"w:{tok.lemma_.lower()}"] += 1
    return tuple(keys.items())


def year_mentions(doc: Doc) -> tuple[int, ...]:
    """The distinct years a parsed article names in its date expressions, ascending."""
    years = {
        int(tok.text)
        for tok in doc
        if tok.ent_type_ == "DATE"
        and len(tok.text) == 4
        and tok.text.isdigit()
        and FIRST_YEAR <= int(tok.text) <= LAST_YEAR
    }
    return tuple(sorted(years))


def _published(article: Article) -> dt.date | None:
    if article.published is None:
        return None
    try:
        return dt.date.fromisoformat(article.published[:10])
    except ValueError as exc:
        raise InputError(
            f"published date {article.published!r} is not an ISO date (YYYY-MM-DD)",
            input=article.id,
            stage="stories",
        ) from exc


# --- whole collections -------------------------------------------------------------------


def cluster_articles(
    articles: Sequence[Article],
    docs: Sequence[Doc | None] | None = None,
    settings: ClusterSettings | None = None,
    *,
    embedder: Embedder | None = None,
) -> dict[str, str]:
    """Cluster ``articles`` into stories, feeding them one by one; article id -> story id.

    The feed order is publication order when every article is dated (ties keep
    the given order), otherwise the given order. Embedding is batched, but each
    decision still sees only the articles fed before it.
    """
    settings = settings or ClusterSettings()
    features = article_features(articles, embedder or default_embedder(), docs=docs, settings=settings)
    clusterer = StoryClusterer(settings)
    for f in feed_order(features):
        clusterer.add_features(f)
    return clusterer.assignments()


def feed_order(features: Sequence[ArticleFeatures]) -> list[ArticleFeatures]:
    """Publication order when every article is dated (stable), else the given order."""
    if features and all(f.published is not None for f in features):
        return sorted(features, key=lambda f: f.published or dt.date.min)
    return list(features)
