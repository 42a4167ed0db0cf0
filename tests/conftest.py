"""Shared fixtures: the project's gold cases and, when present, ../shared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "fixtures" / "cases"
DEMO = ROOT / "src" / "storydiff" / "demo"
SHARED = ROOT.parent / "shared"


def case_dirs() -> list[Path]:
    """The gold cases written for the test suite, one folder each."""
    return sorted(p for p in CASES.iterdir() if (p / "gold.json").exists())


def load_gold(folder: Path) -> dict:
    return json.loads((folder / "gold.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ../shared folder beside the checkout; tests that need it skip without it."""
    if not (SHARED / "eval").is_dir():
        pytest.skip("../shared is not present (only in the project's CI)")
    return SHARED
