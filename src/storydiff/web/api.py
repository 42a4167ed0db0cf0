"""The JSON API under ``/api``, described at ``/openapi.json``.

=====================  =====================================================================
GET  /api/stories       the story list: ``storydiff stories --format json`` (``storydiff.corpus.stories/1``),
                        optionally searched (``q``, ``from``, ``to``, ``outlet``), paged (``limit``,
                        ``offset``)
GET  /api/stories/{id}  a story's report: ``storydiff report ID --format json`` (``storydiff.report/1``)
GET  /api/articles/{id} a stored article: metadata and text
POST /api/compare       texts and/or URLs -> a report (``storydiff.report/1``); nothing is stored
POST /api/ingest        a URL (page, feed, OPML) -> ingested into the corpus; the run's summary
=====================  =====================================================================

Errors: ``{"error": {"status": <code>, "message": "..."}}`` (see :mod:`.app`).
"""

from __future__ import annotations

import dataclasses
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from storydiff.corpus.catalog import article_dict, list_stories, render_catalog
from storydiff.report.registry import render
from storydiff.web.service import (
    Submitted,
    article_or_404,
    compare_submitted,
    corpus,
    ingest_url,
    story_or_404,
    story_query,
)
from storydiff.web.settings import WebSettings

__all__ = ["ArticleBody", "CompareRequest", "ErrorBody", "IngestBody", "IngestRequest", "router"]

# Paging numbers are bound to the databases' 64-bit integers (the drivers refuse larger ones).
MAX_PAGE = 2**63 - 1


class ErrorDetail(BaseModel):
    """What went wrong."""

    status: int = Field(description="The HTTP status, repeated.")
    message: str = Field(description="What went wrong and how to fix it.")


class ErrorBody(BaseModel):
    """The one shape of every error the API returns."""

    error: ErrorDetail


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    described = {
        401: "A token is needed and was not given, or is wrong.",
        404: "No such story or article.",
        413: "Too many or too large texts.",
        422: "The request or one of its inputs cannot be used; the message names it.",
        500: "The server failed; its log has the details.",
    }
    return {s: {"model": ErrorBody, "description": described[s]} for s in (*statuses, 500)}


_JSON_DOC: dict[str, Any] = {"content": {"application/json": {}}}

router = APIRouter(prefix="/api", tags=["api"])
bearer = HTTPBearer(auto_error=False, description="The --token given to `storydiff serve` (STORYDIFF_TOKEN).")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Security(bearer)]


def _web(request: Request) -> WebSettings:
    web: WebSettings = request.app.state.web
    return web


def _json(text: str) -> Response:
    """A JSON document already rendered by the library, sent as is (byte for byte what the CLI prints)."""
    return Response(text, media_type="application/json")


def require_token(web: WebSettings, credentials: HTTPAuthorizationCredentials | None, action: str) -> None:
    """Refuse ``action`` unless the server has no token or the request carries it."""
    if web.token is None:
        return
    given = credentials.credentials if credentials is not None else ""
    if not secrets.compare_digest(given.encode(), web.token.encode()):
        problem = "a wrong token was given" if credentials is not None else "no token was given"
        raise HTTPException(
            401,
            f"{action} needs this server's token and {problem}; send the header "
            "'Authorization: Bearer <token>' with the --token (STORYDIFF_TOKEN) the server was started with",
            headers={"WWW-Authenticate": "Bearer"},
        )


# --------------------------------------------------------------------------- reading


@router.get(
    "/stories",
    summary="List the stories",
    response_class=Response,
    responses={
        200: {**_JSON_DOC, "description": "The stories (schema storydiff.corpus.stories/1)."},
        **_errors(422),
    },
)
def stories(
    request: Request,
    q: Annotated[
        str | None, Query(description='Words or "quoted phrases" to find in a title or text.')
    ] = None,
    date_from: Annotated[
        str | None, Query(alias="from", description="Published on or after (YYYY-MM-DD).")
    ] = None,
    date_to: Annotated[
        str | None, Query(alias="to", description="Published on or before (YYYY-MM-DD).")
    ] = None,
    outlet: Annotated[str | None, Query(description="Only stories with an article from this outlet.")] = None,
    limit: Annotated[
        int | None, Query(ge=1, le=MAX_PAGE, description="At most this many stories (default: all).")
    ] = None,
    offset: Annotated[int, Query(ge=0, le=MAX_PAGE, description="Skip this many stories first.")] = 0,
) -> Response:
    """Every story with its articles, most recently updated first: ``storydiff stories --format json``."""
    query = story_query(q, date_from, date_to, outlet)
    with corpus(_web(request)) as store:
        listed = list_stories(store, store.search_stories(query.search, limit=limit, offset=offset))
    return _json(render_catalog(listed, "json"))


@router.get(
    "/stories/{story_id}",
    summary="A story's report",
    response_class=Response,
    responses={200: {**_JSON_DOC, "description": "The report (schema storydiff.report/1)."}, **_errors(404)},
)
def story(
    request: Request, story_id: Annotated[str, Path(description="A story id, e.g. story-1.")]
) -> Response:
    """The story's report, exactly ``storydiff report ID --format json``: docs/json-contract.md."""
    with corpus(_web(request)) as store:
        _, report = story_or_404(store, story_id, hint="GET /api/stories lists them")
    return _json(render(report, "json"))


class ArticleBody(BaseModel):
    """A stored article."""

    id: int
    url: str | None = Field(description="Where it was fetched from, if it came from the web.")
    path: str | None = Field(description="The file it was read from, if any.")
    source: str = Field(description="Where it came from: feed > page, dump.jsonl:17, ...")
    title: str | None
    outlet: str | None
    published: str | None = Field(description="YYYY-MM-DD, when known.")
    author: str | None
    language: str | None
    copy_of: int | None = Field(description="The article this one reprints (a wire copy), if any.")
    ingested: str
    story: str | None = Field(description="The story it belongs to, once clustered.")
    chars: int
    text: str = Field(description="The extracted text; every offset of a report points into it.")


class IngestBody(BaseModel):
    """What an ingest did."""

    run: int
    new: int
    duplicate: int
    rejected: int
    copies: int = Field(description="New articles stored as copies (near-duplicates) of earlier ones.")
    analysed: int
    failed: int
    stories: list[str] = Field(description="Stories created or changed.")
    status: str
    rejections: list[dict[str, str]] = Field(description="Each rejected input with the reason.")


@router.get(
    "/articles/{article_id}",
    summary="A stored article",
    response_model=ArticleBody,
    responses=_errors(404, 422),
)
def article(
    request: Request, article_id: Annotated[int, Path(description="An article id from /api/stories.")]
) -> Any:
    """A stored article: where it came from, its metadata, its story and its extracted text."""
    with corpus(_web(request)) as store:
        stored = article_or_404(store, article_id)
        story_id = store.story_of(stored.id)
    a = stored.article
    return {
        **article_dict(stored),
        "author": a.author,
        "language": a.language,
        "ingested": stored.ingested,
        "story": story_id,
        "chars": len(a.text),
        "text": a.text,
    }


# --------------------------------------------------------------------------- comparing and ingesting


class CompareRequest(BaseModel):
    """Reports to compare: pasted texts (optionally opening with --- front matter) and/or URLs."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"texts": ["Two people were hurt ...", "Three people were hurt ..."], "urls": []}]
        },
    )
    texts: list[str] = Field(
        default_factory=list, description="Texts of reports, each at most the size limit."
    )
    urls: list[str] = Field(
        default_factory=list, description="http(s) addresses of reports (public hosts only)."
    )


class IngestRequest(BaseModel):
    """A page, RSS/Atom feed or OPML list to add to the corpus."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"url": "https://example.org/feed"}]}
    )
    url: str = Field(description="An http(s) address on a public host.")


@router.post(
    "/compare",
    summary="Compare reports",
    response_class=Response,
    responses={
        200: {**_JSON_DOC, "description": "The report (schema storydiff.report/1)."},
        **_errors(401, 413, 422),
    },
)
async def compare(
    request: Request,
    body: CompareRequest,
    credentials: Credentials,
) -> Response:
    """Compare two or more reports without touching the corpus (URLs need the token if the server has one)."""
    web = _web(request)
    if body.urls:
        require_token(web, credentials, "comparing URLs (the server fetches them)")
    inputs = [Submitted("text", f"text {n}", t) for n, t in enumerate(body.texts, start=1)]
    inputs += [Submitted("url", u, u) for u in body.urls]
    report = await run_in_threadpool(compare_submitted, inputs, web)
    return _json(render(report, "json"))


@router.post("/ingest", summary="Ingest a URL", response_model=IngestBody, responses=_errors(401, 422))
async def ingest(request: Request, body: IngestRequest, credentials: Credentials) -> Any:
    """Fetch a page, feed or OPML list into the corpus and group it: the run's summary and rejections."""
    web = _web(request)
    require_token(web, credentials, "ingesting")

    def run() -> Any:
        with corpus(web) as store:
            return ingest_url(body.url, store, web)

    result = await run_in_threadpool(run)
    return {
        **dataclasses.asdict(result.summary),
        "rejections": [{"input": r.input, "reason": r.reason} for r in result.rejected],
    }
