"""The HTML pages: the story list, a story's report, the compare form and its result.

Thin, as the CLI is: each view reads its parameters, calls :mod:`.service` or
the library, and fills a template. The templates are Jinja2 with autoescaping
on for everything; the only pre-built HTML they receive is the highlighted
article text from :func:`storydiff.report.view.highlight_text`, escaped there.
A report's body is the template the standalone HTML report renders too
(:mod:`storydiff.report.html`).
Pages work without JavaScript; ``static/storydiff.js`` only adds the
highlighting of a finding's statements across the reports.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException

from storydiff import __version__
from storydiff.corpus.catalog import page_of_stories
from storydiff.errors import StorydiffError
from storydiff.inputs.sizes import format_size
from storydiff.report.html import template_environment
from storydiff.report.registry import render
from storydiff.report.text import plural
from storydiff.report.view import report_view
from storydiff.web.service import (
    StoryQuery,
    Submitted,
    compare_submitted,
    corpus,
    status_of,
    story_or_404,
    story_query,
)
from storydiff.web.settings import WebSettings

if TYPE_CHECKING:
    import jinja2

__all__ = ["error_page", "page", "router", "templates"]

# Text boxes on the compare form; more reports go in as files or URLs.
TEXT_FIELDS = 3
_REASONS = {
    400: "Bad request",
    401: "Token needed",
    403: "Refused",
    404: "Not found",
    405: "Not allowed",
    413: "Too large",
    422: "Cannot use this",
    500: "Server error",
}

router = APIRouter(include_in_schema=False)


def _when(timestamp: str | None) -> str:
    """``2026-11-22T20:44:00+00:00`` as ``2026-11-22 20:44 UTC``."""
    if not timestamp:
        return "—"
    text = timestamp.replace("T", " ")
    return text[:16] + " UTC" if text.endswith("+00:00") else text[:16]


@cache
def templates() -> jinja2.Environment:
    """The pages, and the report body they include from storydiff.report.

    Made by the first page asked for, not at start-up: Jinja2 and the page
    templates are loaded when a page needs them.
    """
    import jinja2

    env = template_environment(jinja2.PackageLoader("storydiff.web", "templates"))
    env.filters["when"] = _when
    env.filters["plural"] = plural
    env.globals["version"] = __version__
    return env


def page(
    name: str, status: int = 200, headers: Mapping[str, str] | None = None, **context: Any
) -> HTMLResponse:
    """Render template ``name`` with ``context`` as an HTML response."""
    return HTMLResponse(templates().get_template(name).render(**context), status, headers=headers)


def error_page(status: int, message: str, headers: Mapping[str, str] | None = None) -> HTMLResponse:
    """The page shown for an error outside the API: what went wrong and how to fix it."""
    return page(
        "error.html", status, headers, code=status, reason=_REASONS.get(status, "Error"), message=message
    )


def _web(request: Request) -> WebSettings:
    web: WebSettings = request.app.state.web
    return web


# --------------------------------------------------------------------------- stories


@router.get("/", response_class=HTMLResponse)
def stories_page(
    request: Request,
    q: str | None = None,
    date_from: Annotated[str | None, Query(alias="from")] = None,
    date_to: Annotated[str | None, Query(alias="to")] = None,
    outlet: str | None = None,
    page_number: Annotated[int, Query(alias="page", ge=1)] = 1,
) -> HTMLResponse:
    """The stories, newest activity first, with the search and filter form; one page of them."""
    web = _web(request)
    error = None
    try:
        query = story_query(q, date_from, date_to, outlet)
    except StorydiffError as exc:
        error, query = str(exc), _without_bad_fields(q, outlet)
    with corpus(web) as store:
        listed = page_of_stories(
            store, query.search, page_number, page_size=web.page_size, counted_exactly=web.counted_exactly
        )
    params = {
        "q": query.q,
        "from": query.date_from or "",
        "to": query.date_to or "",
        "outlet": query.outlet or "",
    }
    return page(
        "stories.html",
        422 if error else 200,
        section="stories",
        stories=listed.stories,
        total=listed.total,
        matched=listed.matched,
        more=listed.more,
        query=query,
        raw={"from": date_from or "", "to": date_to or ""},
        outlets=listed.outlets,
        error=error,
        page=listed.page,
        pages=listed.pages,
        params={k: v for k, v in params.items() if v},
    )


def _without_bad_fields(q: str | None, outlet: str | None) -> StoryQuery:
    """The query without its dates (a bad date or range), or without its words too (too many of them)."""
    try:
        return story_query(q, None, None, outlet)
    except StorydiffError:
        return story_query(None, None, None, outlet)


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> HTMLResponse:
    """One story: conflicts panel, the reports side by side, who said what, the timeline."""
    with corpus(_web(request)) as store:
        row, report = story_or_404(store, story_id, hint="see the list of stories at /")
    return page("story.html", section="stories", row=row, view=report_view(report))


@router.get("/stories/{story_id}/report.html")
def story_download(request: Request, story_id: str) -> Response:
    """A story's report as one self-contained HTML file (``storydiff report --format html``)."""
    with corpus(_web(request)) as store:
        row, report = story_or_404(store, story_id, hint="see the list of stories at /")
    return _download(render(report, "html"), "text/html", f"storydiff-{row.id}.html")


def _download(text: str, mime: str, filename: str) -> Response:
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in filename)
    return Response(
        text,
        media_type=f"{mime}; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{safe}"'},
    )


# --------------------------------------------------------------------------- compare


@router.get("/compare", response_class=HTMLResponse)
def compare_form(request: Request) -> HTMLResponse:
    """The form: pasted texts, URLs, uploaded files."""
    return _compare_page(_web(request))


def _compare_page(
    web: WebSettings,
    status: int = 200,
    *,
    texts: list[str] | None = None,
    urls: str = "",
    error: str | None = None,
    result: Any = None,
    key: str | None = None,
) -> HTMLResponse:
    texts = [t for t in texts or [] if t.strip()]
    fields = texts + [""] * max(TEXT_FIELDS - len(texts), 1 if len(texts) < web.max_texts else 0)
    return page(
        "compare.html",
        status,
        section="compare",
        texts=fields,
        urls=urls,
        error=error,
        view=result,
        key=key,
        token_needed=web.token is not None,
        limit=format_size(web.max_text_bytes),
        max_texts=web.max_texts,
    )


@router.post("/compare", response_class=HTMLResponse)
async def compare_submit(request: Request) -> HTMLResponse:
    """Compare what the form sent, show the report and offer it as HTML and JSON files."""
    web = _web(request)
    try:
        form = await request.form(
            max_files=web.max_texts,
            max_fields=web.max_texts + TEXT_FIELDS + 8,
            # the request's own limit (Guard): a text over the per-text limit then gets the
            # message that names it, not the parser's
            max_part_size=web.max_body_bytes,
        )
    except HTTPException as exc:
        # the form parser's own refusals (a part or the file count over the limit) in our words
        message = f"the form is too large ({exc.detail}); give at most {web.max_texts} reports of " + (
            f"{format_size(web.max_text_bytes)} each"
        )
        return _compare_page(web, 413, error=message)
    texts = [str(v) for v in form.getlist("text") if isinstance(v, str)]
    urls = str(form.get("urls") or "")
    inputs = [Submitted("text", f"text {n}", t) for n, t in enumerate(texts, start=1) if t.strip()]
    for upload in form.getlist("file"):
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read(web.max_text_bytes + 1)  # past the limit, the rest is not needed
            inputs.append(
                Submitted(
                    "file", f"file {upload.filename}", data, name=upload.filename, full_size=upload.size
                )
            )
    await form.close()
    inputs += [Submitted("url", line.strip(), line.strip()) for line in urls.splitlines() if line.strip()]
    if web.token is not None and any(i.kind == "url" for i in inputs):
        given = str(form.get("token") or "")
        if not secrets.compare_digest(given.encode(), web.token.encode()):
            return _compare_page(
                web,
                401,
                texts=texts,
                urls=urls,
                error="fetching URLs needs this server's access token; enter it in the token field "
                "(or paste the reports' texts instead)",
            )
    try:
        report = await run_in_threadpool(compare_submitted, inputs, web)
    except StorydiffError as exc:
        return _compare_page(web, status_of(exc), texts=texts, urls=urls, error=str(exc))
    key = request.app.state.results.put(report)
    return _compare_page(web, texts=texts, urls=urls, result=report_view(report), key=key)


@router.get("/compare/{key}/report.{fmt}")
def compare_download(request: Request, key: str, fmt: str) -> Response:
    """A comparison shown earlier, as a file to keep or share: ``html`` or ``json``."""
    report = request.app.state.results.get(key)
    if fmt not in ("html", "json"):
        raise HTTPException(404, f"there is no report.{fmt}; download report.html or report.json")
    if report is None:
        raise HTTPException(
            404,
            "this comparison is no longer kept (the server keeps the latest few); compare again at /compare",
        )
    mime = "text/html" if fmt == "html" else "application/json"
    return _download(render(report, fmt), mime, f"storydiff-report.{fmt}")
