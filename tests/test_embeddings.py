"""The sentence embedders: the int8 ONNX model agrees with PyTorch's, and its cache heals itself."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from storydiff.compare.embeddings import (
    DIM,
    MODEL_ID,
    THREADS_ENV,
    OnnxMiniLMEmbedder,
    TorchMiniLMEmbedder,
    default_embedder,
    make_embedder,
)
from storydiff.compare.onnxmodel import cache_dir, cached_model
from storydiff.errors import SettingsError

pytestmark = pytest.mark.slow

# Sentences written for this test, in the shapes news copy takes.
SENTENCES = [
    "At least 14 people were injured when a bus overturned on the ring road on Tuesday morning.",
    "Police said the driver, a 52-year-old man, had been taken to hospital.",
    "The regional governor said 2,300 homes were left without power after the storm.",
    "“We are doing everything we can,” the mayor told reporters outside the town hall.",
    "Officials denied that the dam had been damaged.",
    "Shares in the company fell 8% after it cut its forecast for the year.",
    "The ministry put the number of evacuees at about 600.",
    "Rescue teams worked through the night.",
    "Fire",
    "The talks, due to resume in Geneva on 3 March, were postponed without a new date.",
    "A spokesman for the airline declined to comment on the cause of the delay, citing an inquiry.",
    "Residents were told to boil their drinking water until further notice.",
]
# Cosine of each ONNX sentence vector to PyTorch's: the float graph gives the same
# vectors; int8 gives 0.97 and up on these sentences (mean 0.99 on 468 sentences of
# news reports; the lowest there was 0.955).
MIN_COSINE = {"fp32": 0.9999, "int8": 0.97}
# How far the similarity of two sentences moves from PyTorch's (int8: 0.053 at most on
# this table; over 468 sentences of news reports 0.011 on average, 0.091 at most).
MAX_PAIR_DIFFERENCE = {"fp32": 1e-4, "int8": 0.08}
MEAN_PAIR_DIFFERENCE = {"fp32": 1e-5, "int8": 0.02}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache folder of this test's own, with the model built into it once."""
    folder = tmp_path_factory.mktemp("model-cache")
    OnnxMiniLMEmbedder(cache_dir=folder)  # the float model; the int8 one is built by its first test
    return folder


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_onnx_agrees_with_torch(built: Path, precision: str) -> None:
    onnx = OnnxMiniLMEmbedder(cache_dir=built, precision=precision).encode(SENTENCES)
    torch = TorchMiniLMEmbedder().encode(SENTENCES)
    assert onnx.shape == torch.shape == (len(SENTENCES), DIM)
    assert onnx.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-5)
    cosines = (onnx * torch).sum(axis=1)
    assert cosines.min() > MIN_COSINE[precision], dict(zip(SENTENCES, cosines.round(3), strict=True))
    moved = np.abs(onnx @ onnx.T - torch @ torch.T)
    assert moved.max() < MAX_PAIR_DIFFERENCE[precision]
    assert moved.mean() < MEAN_PAIR_DIFFERENCE[precision]


@pytest.mark.parametrize("precision", ["fp32", "int8"])
def test_order_and_neighbours_do_not_change_a_vector(built: Path, precision: str) -> None:
    # float: batches of 3 padded to other lengths; int8 (one sentence a call): other neighbours
    whole = OnnxMiniLMEmbedder(cache_dir=built, precision=precision).encode(SENTENCES)
    batch = None if precision == "int8" else 3
    small = OnnxMiniLMEmbedder(cache_dir=built, precision=precision, batch_size=batch)
    np.testing.assert_allclose(small.encode(SENTENCES[::-1])[::-1], whole, atol=1e-5)
    np.testing.assert_allclose(small.encode(SENTENCES[2:4]), whole[2:4], atol=1e-5)


def test_empty_input_gives_an_empty_matrix(built: Path) -> None:
    assert OnnxMiniLMEmbedder(cache_dir=built).encode([]).shape == (0, DIM)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[: p.stat().st_size // 2]), id="truncated"),
        pytest.param(lambda p: p.with_suffix(".sha256").unlink(), id="hash-missing"),
    ],
)
def test_a_damaged_cache_is_rebuilt(tmp_path: Path, built: Path, damage: Callable[[Path], object]) -> None:
    # a copy of the built cache, damaged, then opened: rebuilt and cached again, same vectors, no error
    for file in built.iterdir():
        (tmp_path / file.name).write_bytes(file.read_bytes())
    (model,) = tmp_path.glob("*-fp32-*.onnx")
    damage(model)
    embedder = OnnxMiniLMEmbedder(cache_dir=tmp_path)
    assert embedder.model_path == model
    assert model.with_suffix(".sha256").read_text() == hashlib.sha256(model.read_bytes()).hexdigest()
    expected = OnnxMiniLMEmbedder(cache_dir=built).encode(SENTENCES[:3])
    np.testing.assert_allclose(embedder.encode(SENTENCES[:3]), expected, atol=1e-6)


def test_a_model_onnxruntime_refuses_is_rebuilt(tmp_path: Path, built: Path) -> None:
    # bytes whose hash matches but which are no ONNX model: the runtime's refusal means rebuild
    (model,) = built.glob("*-fp32-*.onnx")
    junk = tmp_path / model.name
    junk.write_bytes(b"not a model")
    junk.with_suffix(".sha256").write_text(hashlib.sha256(b"not a model").hexdigest())
    refused: list[bytes] = []

    def check(data: bytes) -> None:
        refused.append(data)
        raise RuntimeError("onnxruntime: invalid protobuf")

    data, path = cached_model(tmp_path, check=check)
    assert refused == [b"not a model"]
    assert path == junk
    assert data == junk.read_bytes() != b"not a model"
    assert junk.with_suffix(".sha256").read_text() == hashlib.sha256(data).hexdigest()


def test_an_unwritable_cache_still_embeds(tmp_path: Path, built: Path) -> None:
    # a file where the cache folder should be: nothing can be written there, the model is built anyway
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    embedder = OnnxMiniLMEmbedder(cache_dir=blocked / "cache")
    expected = OnnxMiniLMEmbedder(cache_dir=built).encode(SENTENCES[:2])
    np.testing.assert_allclose(embedder.encode(SENTENCES[:2]), expected, atol=1e-6)


def test_cache_folder_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYDIFF_CACHE_DIR", str(tmp_path / "here"))
    assert cache_dir() == tmp_path / "here"
    monkeypatch.delenv("STORYDIFF_CACHE_DIR")
    assert cache_dir().name == "storydiff"


def test_the_default_is_onnx_and_torch_stays_selectable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STORYDIFF_EMBEDDER", raising=False)
    assert isinstance(default_embedder(), OnnxMiniLMEmbedder)
    monkeypatch.setenv("STORYDIFF_EMBEDDER", "torch")
    assert isinstance(default_embedder(), TorchMiniLMEmbedder)


def test_an_unknown_precision_is_a_one_line_error() -> None:
    with pytest.raises(SettingsError, match="unknown model precision 'int4'; use one of fp32, int8"):
        OnnxMiniLMEmbedder(precision="int4")


def test_an_unknown_embedder_is_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYDIFF_EMBEDDER", "word2vec")
    with pytest.raises(
        SettingsError, match=r"unknown sentence embedder 'word2vec' .*use one of onnx, onnx-int8, torch"
    ):
        default_embedder()
    with pytest.raises(SettingsError):
        make_embedder("")


def test_embedders_name_their_model_for_stored_vectors() -> None:
    # float ONNX and torch give the same vectors: one name; int8 vectors are filed apart
    from storydiff.corpus.ingest import embedding_model

    assert embedding_model(TorchMiniLMEmbedder()) == embedding_model(OnnxMiniLMEmbedder()) == MODEL_ID
    assert embedding_model(OnnxMiniLMEmbedder(precision="int8")) == f"{MODEL_ID}-int8"


def _threading(embedder: OnnxMiniLMEmbedder) -> tuple[int, str]:
    """The session's thread count and whether its idle threads spin, as onnxruntime holds them."""
    options = embedder._session.get_session_options()
    return options.intra_op_num_threads, options.get_session_config_entry("session.intra_op.allow_spinning")


def test_a_worker_uses_its_share_of_the_cores_and_a_lone_process_all(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(THREADS_ENV, raising=False)
    assert _threading(OnnxMiniLMEmbedder(cache_dir=built)) == (0, "0")  # every core
    monkeypatch.setenv(THREADS_ENV, "1")
    assert _threading(OnnxMiniLMEmbedder(cache_dir=built)) == (1, "0")  # a worker's share
    monkeypatch.setenv(THREADS_ENV, "many")  # not a count: as if unset
    assert _threading(OnnxMiniLMEmbedder(cache_dir=built)) == (0, "0")
    assert _threading(OnnxMiniLMEmbedder(cache_dir=built, threads=2)) == (2, "0")


def test_limiting_a_workers_threads_does_not_import_torch() -> None:
    probe = (
        "import os, sys\n"
        "from storydiff.corpus.ingest import limit_threads\n"
        "limit_threads(1)\n"
        f"print(os.environ[{THREADS_ENV!r}], os.environ['OMP_NUM_THREADS'], 'torch' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["1", "1", "False"]
