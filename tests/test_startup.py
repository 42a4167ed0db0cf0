"""Start-up stays cheap: the model libraries load only where they are used (issue 12).

Each case runs in a fresh interpreter, since this test process has imported
everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from storydiff.evaluation.bench import HEAVY_MODULES

# Prints which of the heavy modules are loaded after the statements given in argv[1].
PROBE = """
import json, sys
exec(sys.argv[1])
print(json.dumps([m for m in sys.argv[2:] if m in sys.modules]))
"""


def _loaded_after(statements: str, modules: Sequence[str] = HEAVY_MODULES) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, statements, *modules],
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "statements",
    [
        "import storydiff",  # the package itself
        "import storydiff; storydiff.Settings; storydiff.Report",  # names that need no model
        "import storydiff.cli",  # every command's parser, `storydiff --help`
        "import storydiff.evaluation.bench",  # the bench's constants, which the CLI reads
        "import storydiff.corpus.catalog",  # `storydiff stories`
        # `storydiff serve`: the app, its store and its story pages
        "import storydiff.web.app as a, storydiff.web.settings as w; a.create_app(w.WebSettings(db=':memory:'))",
    ],
)
def test_importing_loads_no_model_library(statements: str) -> None:
    assert _loaded_after(statements) == []


# What `storydiff serve` does not need before a request asks for it: numpy comes with the story
# clusterer and the comparison, httpx with fetching a URL, dateparser with reading a page,
# jinja2 with the first page, rich with printing to a terminal (which the web app never does).
NOT_AT_SERVE = ("numpy", "httpx", "dateparser", "jinja2", "rich", "spacy", "torch", "onnxruntime")


def test_serve_starts_without_numpy_or_httpx(tmp_path: Path) -> None:
    # what the bench's start-up probe times: the app created on a corpus file, as `storydiff serve` does
    db = tmp_path / "corpus.db"
    statements = (
        "from storydiff.web.app import create_app; from storydiff.web.settings import WebSettings; "
        f"create_app(WebSettings(db={str(db)!r}))"
    )
    assert _loaded_after(statements, NOT_AT_SERVE) == []


def test_a_public_name_is_imported_on_first_use() -> None:
    assert _loaded_after("import storydiff; storydiff.run") == ["spacy"]


def test_spacy_does_not_bring_torch() -> None:
    # thinc imports PyTorch when it is installed; storydiff's spaCy pipeline never uses it
    assert _loaded_after(
        "import storydiff.analysis.nlp; import thinc.compat as t; assert not t.has_torch"
    ) == ["spacy"]


@pytest.mark.slow
def test_comparing_reports_never_imports_torch() -> None:
    loaded = _loaded_after(
        "from storydiff.pipeline import demo_paths, run; assert run(demo_paths()[:2]).articles"
    )
    assert set(loaded) == {"spacy", "onnxruntime"}


def test_torch_still_imports_after_spacy() -> None:
    # the hook hides torch from thinc only: the torch embedder can still load it
    assert "torch" in _loaded_after("import storydiff.analysis.nlp; import spacy; import torch")
