"""Shared fixtures: the project's gold cases and, when present, ../shared."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pgserver import INSTALL_HINT, fresh_database, start_server
from storydiff.corpus.store import Store, open_store

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


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL server for the session (Debian's package); skips when it is not installed."""
    started = start_server()
    if started is None:
        pytest.skip(INSTALL_HINT)
    url, stop = started
    yield url
    stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    """An empty corpus on each back end: a SQLite file, and a fresh database on the PostgreSQL server.

    Every test that uses it ends by checking the database is consistent.
    """
    if request.param == "sqlite":
        s: Store = open_store(tmp_path / "news.db")
    else:
        s = open_store(fresh_database(request.getfixturevalue("postgres_url")))
    yield s
    assert s.integrity_problems() == []
    s.close()
