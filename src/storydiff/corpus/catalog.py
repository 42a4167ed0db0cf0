"""The corpus's story list as a table, Markdown or JSON: what ``storydiff stories`` prints.

The three renderers are registered as the ``stories`` kind of the one output
registry (:mod:`storydiff.report.registry`); the CLI offers its formats and
the web API calls its JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from io import StringIO
from typing import TYPE_CHECKING

from storydiff.corpus.search import COUNTED_EXACTLY, StorySearch
from storydiff.report.codec import iso_day
from storydiff.report.registry import register, renderer
from storydiff.report.safety import terminal_text, without_raw_controls

if TYPE_CHECKING:  # the store brings the analysis with it: `storydiff stories` does not need it
    from storydiff.corpus.store import Store, StoredArticle, StoryRow

__all__ = [
    "CATALOG_SCHEMA",
    "ListedStory",
    "StoryPage",
    "article_dict",
    "list_stories",
    "page_of_stories",
    "render_catalog",
]

CATALOG_SCHEMA = "storydiff.corpus.stories/1"
# Table width when not printing to a terminal (files, pipes, tests): wide enough
# for a headline and the counts without wrapping most rows.
TABLE_WIDTH = 120
TITLE_CHARS = 60


@dataclass(frozen=True, slots=True)
class ListedStory:
    """A story row with its articles, as listed."""

    row: StoryRow
    articles: tuple[StoredArticle, ...]


@dataclass(frozen=True, slots=True)
class StoryPage:
    """One page of the stories a search finds, with what the page around it says.

    ``matched`` is exact unless ``more``: then more than ``matched`` stories match
    and there are more than ``pages`` pages.
    """

    stories: tuple[StoryRow, ...]
    total: int  # stories in the corpus
    matched: int
    more: bool
    page: int  # the page shown: the asked one, or the last there is
    pages: int
    outlets: tuple[str, ...]  # every outlet of the stories' articles, to filter by


def page_of_stories(
    store: Store,
    search: StorySearch,
    number: int = 1,
    *,
    page_size: int,
    counted_exactly: int = COUNTED_EXACTLY,
) -> StoryPage:
    """Page ``number`` (from 1) of the stories ``search`` finds, as the web app's story list shows it.

    The matches are counted as far as the asked page's end and at least
    ``counted_exactly``; past that the page says "more than" (counting every
    match of a common word reads each one).
    """
    total = store.count_stories()
    matched, more = total, False
    if search.active:
        counted = max(counted_exactly, number * page_size)
        matched = store.count_stories(search, at_most=counted)
        more = matched > counted
        matched = min(matched, counted)
    pages = max(1, math.ceil(matched / page_size))
    shown = min(number, pages)
    rows = store.search_stories(search, limit=page_size, offset=(shown - 1) * page_size)
    return StoryPage(
        stories=tuple(rows),
        total=total,
        matched=matched,
        more=more,
        page=shown,
        pages=pages,
        outlets=tuple(store.outlets()),
    )


def list_stories(store: Store, rows: Sequence[StoryRow] | None = None) -> list[ListedStory]:
    """Every story of the corpus (or these ``rows``) with its articles, most recently updated first."""
    return [
        ListedStory(row, tuple(store.story_articles(row.id)))
        for row in (store.stories() if rows is None else rows)
    ]


def article_dict(stored: StoredArticle) -> dict[str, object]:
    """A stored article's id, title, path, URL, source, outlet, date and the article it copies."""
    a = stored.article
    return {
        "id": stored.id,
        "title": a.title,
        "path": a.path,
        "url": a.url,
        "source": stored.source,
        "outlet": a.outlet,
        "published": iso_day(a.published) if a.published else None,
        "copy_of": stored.origin,
    }


def _story_dict(story: ListedStory) -> dict[str, object]:
    r = story.row
    return {
        "id": r.id,
        "title": r.title,
        "articles": r.articles,
        "outlets": r.outlets,
        "origins": r.origins,
        "conflicts": r.conflicts,
        "first_published": r.first_published,
        "last_published": r.last_published,
        "created": r.created,
        "updated": r.updated,
        "report_made": r.report_made,
        "items": [article_dict(a) for a in story.articles],
    }


@register("stories", "json")
def render_catalog_json(stories: Sequence[ListedStory]) -> str:
    """The stories and their articles as JSON (schema ``storydiff.corpus.stories/1``)."""
    data = {"schema": CATALOG_SCHEMA, "stories": [_story_dict(s) for s in stories]}
    return without_raw_controls(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"


def _short(text: str | None, limit: int = TITLE_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _conflicts(row: StoryRow) -> str:
    return "—" if row.conflicts is None else str(row.conflicts)


@register("stories", "table")
def render_catalog_table(stories: Sequence[ListedStory]) -> str:
    """The stories as a plain-text table: counts, conflicts, dates."""
    from rich.console import Console  # here, not at the top: the web app never prints a table
    from rich.table import Table
    from rich.text import Text

    table = Table(show_edge=False, header_style="bold")
    for name, justify in (
        ("story", "left"),
        ("title", "left"),
        ("articles", "right"),
        ("outlets", "right"),
        ("origins", "right"),
        ("conflicts", "right"),
        ("published", "left"),
        ("updated", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for s in stories:
        r = s.row
        span = r.first_published or "undated"
        if r.last_published and r.last_published != r.first_published:
            span = f"{r.first_published} → {r.last_published}"
        cells = (
            r.id,
            _short(r.title) or "(untitled)",
            str(r.articles),
            str(r.outlets),
            str(r.origins),
            _conflicts(r),
            span,
            r.updated.replace("T", " ")[:16],
        )
        # Text cells, never str: a stored title is not rich markup ("[/bold]" would not print)
        table.add_row(*(Text(terminal_text(cell)) for cell in cells))
    buffer = StringIO()
    console = Console(
        file=buffer, width=TABLE_WIDTH, no_color=True, highlight=False, emoji=False, markup=False
    )
    if not stories:
        return "no stories yet: add articles with `storydiff ingest INPUTS --db DB`\n"
    console.print(table)
    return buffer.getvalue()


def _md(text: str | None) -> str:
    return terminal_text(text or "").replace("|", "\\|").replace("\n", " ")


@register("stories", "markdown")
def render_catalog_markdown(stories: Sequence[ListedStory]) -> str:
    """The stories as a Markdown table."""
    lines = [
        "| story | title | articles | outlets | origins | conflicts | first published | last published |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for s in stories:
        r = s.row
        lines.append(
            f"| {r.id} | {_md(_short(r.title))} | {r.articles} | {r.outlets} | {r.origins} | "
            f"{_conflicts(r)} | {r.first_published or '—'} | {r.last_published or '—'} |"
        )
    return "\n".join(lines) + "\n"


def render_catalog(stories: Sequence[ListedStory], fmt: str) -> str:
    """Render the story list in ``fmt`` (table, markdown or json)."""
    text: str = renderer("stories", fmt)(stories)
    return text
