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
