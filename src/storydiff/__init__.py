"""storydiff: compare news reports of one event, claim by claim, with evidence.

The library behind the ``storydiff`` command::

    from storydiff import run, render
    report = run(["a.txt", "b.html"])
    print(render(report, "markdown"))

and of corpus mode::

    from storydiff import open_store, ingest, story_report
    with open_store("news.db") as store:
        ingest(["feeds.opml"], store)
        for row in store.stories():
            print(row.id, row.title, render(story_report(store, row.id), "markdown"))
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from storydiff._imports import hide_torch_from_thinc

if TYPE_CHECKING:
    from storydiff.corpus.ingest import IngestSummary, ingest, merge_stories, split_story, story_report
    from storydiff.corpus.store import Store, open_store
    from storydiff.errors import InputError, NoArticlesError, StoreError, StorydiffError
    from storydiff.inputs.harvest import harvest
    from storydiff.inputs.sources import load_inputs
    from storydiff.pipeline import analyze_articles, compare_articles, demo_paths, run
    from storydiff.records import (
        Analysis,
        Article,
        Attribution,
        Claim,
        DateMention,
        Document,
        Finding,
        KnownItem,
        Origin,
        Quantity,
        Rejection,
        Report,
        Sentence,
        Statement,
        TimelineEntry,
    )
    from storydiff.report.codec import report_from_dict, report_to_dict
    from storydiff.report.registry import RENDERERS, render
    from storydiff.settings import Settings

# Where each public name lives. They are imported on first use (PEP 562), so
# `import storydiff` stays cheap: spaCy, the models and the web stack load only
# when a name that needs them is first touched (`storydiff serve` starts fast).
_HOMES = {
    "storydiff.corpus.ingest": ("IngestSummary", "ingest", "merge_stories", "split_story", "story_report"),
    "storydiff.corpus.store": ("Store", "open_store"),
    "storydiff.errors": ("InputError", "NoArticlesError", "StoreError", "StorydiffError"),
    "storydiff.inputs.harvest": ("harvest",),
    "storydiff.inputs.sources": ("load_inputs",),
    "storydiff.pipeline": ("analyze_articles", "compare_articles", "demo_paths", "run"),
    "storydiff.records": (
        "Analysis",
        "Article",
        "Attribution",
        "Claim",
        "DateMention",
        "Document",
        "Finding",
        "KnownItem",
        "Origin",
        "Quantity",
        "Rejection",
        "Report",
        "Sentence",
        "Statement",
        "TimelineEntry",
    ),
    "storydiff.report.codec": ("report_from_dict", "report_to_dict"),
    "storydiff.report.registry": ("RENDERERS", "render"),
    "storydiff.settings": ("Settings",),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}

hide_torch_from_thinc()

__version__ = "0.1.0"

__all__ = [
    "RENDERERS",
    "Analysis",
    "Article",
    "Attribution",
    "Claim",
    "DateMention",
    "Document",
    "Finding",
    "IngestSummary",
    "InputError",
    "KnownItem",
    "NoArticlesError",
    "Origin",
    "Quantity",
    "Rejection",
    "Report",
    "Sentence",
    "Settings",
    "Statement",
    "Store",
    "StoreError",
    "StorydiffError",
    "TimelineEntry",
    "__version__",
    "analyze_articles",
    "compare_articles",
    "demo_paths",
    "harvest",
    "ingest",
    "load_inputs",
    "merge_stories",
    "open_store",
    "render",
    "report_from_dict",
    "report_to_dict",
    "run",
    "split_story",
    "story_report",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'storydiff' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
