"""storydiff: compare news reports of one event, claim by claim, with evidence.

The library behind the ``storydiff`` command::

    from storydiff import run, render
    report = run(["a.txt", "b.html"])
    print(render(report, "markdown"))
"""

from .errors import InputError, NoArticlesError, StorydiffError
from .pipeline import analyze_articles, compare_articles, demo_paths, run
from .records import (
    Analysis,
    Article,
    Attribution,
    Claim,
    DateMention,
    Finding,
    Quantity,
    Rejection,
    Report,
    Sentence,
    Statement,
)
from .render import RENDERERS, render, report_from_dict, report_to_dict
from .settings import Settings
from .sources import load_inputs

__version__ = "0.1.0"

__all__ = [
    "RENDERERS",
    "Analysis",
    "Article",
    "Attribution",
    "Claim",
    "DateMention",
    "Finding",
    "InputError",
    "NoArticlesError",
    "Quantity",
    "Rejection",
    "Report",
    "Sentence",
    "Settings",
    "Statement",
    "StorydiffError",
    "__version__",
    "analyze_articles",
    "compare_articles",
    "demo_paths",
    "load_inputs",
    "render",
    "report_from_dict",
    "report_to_dict",
    "run",
]
