"""What every comparison step looks up: embeddings of sentences and frames, outlet names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from storydiff.compare.embeddings import Embedder
from storydiff.records import Analysis, Claim, Sentence

__all__ = ["Context", "build_context", "sentence_vectors"]


@dataclass(frozen=True, slots=True)
class Context:
    """Sentence embeddings of all analyses, frame embeddings of the claims that need them,
    and a display name per article (its outlet, else its id)."""

    analyses: tuple[Analysis, ...]
    rows: dict[tuple[str, int], int]
    vectors: np.ndarray
    frame_rows: dict[str, int]
    frame_vectors: np.ndarray
    names: dict[str, str]

    def sim(self, a: Sentence, b: Sentence) -> float:
        """Cosine similarity of two sentences."""
        return float(
            self.vectors[self.rows[(a.article, a.index)]] @ self.vectors[self.rows[(b.article, b.index)]]
        )

    def frame_sim(self, a: Claim, b: Claim) -> float | None:
        """Cosine similarity of two claims' frames; None when either has no frame."""
        ra, rb = self.frame_rows.get(a.frame), self.frame_rows.get(b.frame)
        if ra is None or rb is None:
            return None
        return float(self.frame_vectors[ra] @ self.frame_vectors[rb])

    def name(self, article: str) -> str:
        """How a finding names an article: its outlet when known, else its id."""
        return self.names.get(article, article)

    def with_frames(self, claims: Iterable[Claim], embedder: Embedder) -> Context:
        """A copy that also holds the frame embeddings of ``claims`` (each frame embedded once)."""
        frames = list(dict.fromkeys(c.frame for c in claims if c.frame and c.frame not in self.frame_rows))
        if not frames:
            return self
        rows = dict(self.frame_rows)
        rows.update({f: len(rows) + i for i, f in enumerate(frames)})
        vectors = np.vstack([self.frame_vectors, embedder.encode(frames)])
        return Context(self.analyses, self.rows, self.vectors, rows, vectors, self.names)


def build_context(
    analyses: Sequence[Analysis],
    embedder: Embedder,
    vectors: Mapping[str, np.ndarray] | None = None,
) -> Context:
    """Embed every sentence once and name every article.

    ``vectors`` holds sentence embeddings made earlier (article id -> one row
    per sentence, as :func:`sentence_vectors` makes them): the corpus stores
    them per article, so a story's report does not embed its articles again.
    """
    sentences = [s for a in analyses for s in a.sentences]
    if vectors is not None:
        stacked = sentence_vectors(analyses, embedder, vectors)
        matrix = np.vstack([stacked[a.article.id] for a in analyses]) if analyses else np.zeros((0, 384))
    else:
        matrix = embedder.encode([s.text for s in sentences])
    rows = {(s.article, s.index): i for i, s in enumerate(sentences)}
    dim = matrix.shape[1] if matrix.ndim == 2 else 384
    return Context(tuple(analyses), rows, matrix, {}, np.zeros((0, dim), dtype=np.float32), _names(analyses))


def sentence_vectors(
    analyses: Sequence[Analysis], embedder: Embedder, known: Mapping[str, np.ndarray] | None = None
) -> dict[str, np.ndarray]:
    """Article id -> its sentences' embeddings (one row each), embedding only those not ``known``.

    The missing articles' sentences are embedded in one batch. A known entry
    whose row count does not match its sentences is embedded again.
    """
    known = known or {}
    found = {
        a.article.id: known[a.article.id]
        for a in analyses
        if a.article.id in known and len(known[a.article.id]) == len(a.sentences)
    }
    missing = [a for a in analyses if a.article.id not in found]
    texts = [s.text for a in missing for s in a.sentences]
    fresh = embedder.encode(texts) if texts else np.zeros((0, 384), dtype=np.float32)
    start = 0
    for a in missing:
        found[a.article.id] = fresh[start : start + len(a.sentences)]
        start += len(a.sentences)
    return found


def _names(analyses: Sequence[Analysis]) -> dict[str, str]:
    """Outlet names, made unique: two reports of one outlet become "Outlet (id)"."""
    outlets = [(a.article.id, (a.article.outlet or "").strip()) for a in analyses]
    counts: dict[str, int] = {}
    for _, outlet in outlets:
        if outlet:
            counts[outlet] = counts.get(outlet, 0) + 1
    return {
        article: (outlet if counts.get(outlet) == 1 else f"{outlet} ({article})") if outlet else article
        for article, outlet in outlets
    }
