"""Keeping PyTorch out of the processes that do not use it.

thinc, spaCy's machine-learning library, imports PyTorch in ``thinc.compat``
whenever it is installed, to offer wrappers for PyTorch models. storydiff's
spaCy pipeline holds none, and its sentence embeddings run on onnxruntime, yet
that one import cost every ``storydiff compare`` over a second and about
200 MB before any text was read.

:func:`hide_torch_from_thinc` installs an import hook: while ``thinc.compat``
itself is being imported, ``import torch`` fails as if PyTorch were absent, so
thinc records ``has_torch = False`` and moves on. Nothing else changes: any
later ``import torch`` (the ``torch`` embedder, sentence-transformers) works
as usual, and a process that imported PyTorch first keeps thinc's use of it.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

__all__ = ["hide_torch_from_thinc"]

_GUARDED = "thinc.compat"
_HIDDEN = "torch"


class _ThincWithoutTorch(importlib.abc.MetaPathFinder):
    """Finds ``thinc.compat`` with a loader that hides ``torch`` while the module runs."""

    def __init__(self) -> None:
        self.hiding = False

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if self.hiding and (fullname == _HIDDEN or fullname.startswith(_HIDDEN + ".")):
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        if fullname != _GUARDED:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _HidingLoader(spec.loader, self)
        return spec


class _HidingLoader(importlib.abc.Loader):
    """The real loader of ``thinc.compat``, run with ``torch`` hidden."""

    def __init__(self, loader: Any, finder: _ThincWithoutTorch) -> None:
        self._loader = loader
        self._finder = finder

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._loader.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        self._finder.hiding = True
        try:
            self._loader.exec_module(module)
        finally:
            self._finder.hiding = False


def hide_torch_from_thinc() -> None:
    """Install the hook (once) unless thinc is already imported; see the module docstring."""
    if _GUARDED in sys.modules or any(isinstance(f, _ThincWithoutTorch) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _ThincWithoutTorch())
