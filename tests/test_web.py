"""The web app through a real uvicorn server on 127.0.0.1, over a real SQLite corpus, with httpx.

The corpus is the invented flood and factory-fire reports of ``tests/fixtures/corpus``,
ingested once per module; the compared texts are the invented ferry reports of
``tests/fixtures/web``. :func:`live_server` is reused by the security and browser tests.
"""

from __future__ import annotations

import contextlib
import json
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from click.testing import CliRunner

from pgserver import fresh_database
from storydiff.cli import cli
from storydiff.corpus.catalog import list_stories, render_catalog_json
from storydiff.corpus.ingest import ingest, story_report
from storydiff.corpus.store import Store, open_store
from storydiff.report.codec import report_to_dict
from storydiff.web import WebSettings, create_app
from storydiff.web.app import CSP
from storydiff.web.settings import check_bind

FIXTURES = Path(__file__).parent / "fixtures"
DUMP = FIXTURES / "corpus" / "feed-dump.jsonl"
FERRY = [(FIXTURES / "web" / f"ferry-{side}.txt").read_text(encoding="utf-8") for side in "ab"]
TOKEN = "test-token-0123456789abcdef"
# Seconds a test waits for the server thread to start listening.
START_TIMEOUT = 10.0


# --------------------------------------------------------------------------- the live server


@contextlib.contextmanager
def live_server(web: WebSettings, host: str = "127.0.0.1") -> Iterator[str]:
    """The real app served by uvicorn on a free port of ``host``, in a thread; yields its base URL.

    A loopback address other than 127.0.0.1 that this system cannot listen on skips the test
    (only Linux routes all of 127/8 to loopback).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((host, 0))
    except OSError:
        sock.close()
        pytest.skip(f"cannot listen on {host} (only Linux routes all of 127/8 to loopback)")
    port = sock.getsockname()[1]
    # log_config=None: uvicorn leaves the logging setup (pytest's capture) alone
    server = uvicorn.Server(uvicorn.Config(create_app(web), log_config=None, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


def corpus_of(path: Path, *sources: Path) -> Path:
    """A SQLite corpus at ``path`` holding the ingested ``sources`` (loads the models)."""
    with open_store(path) as store:
        summary = ingest([str(s) for s in sources], store)
        assert summary.stories, "the fixture forms at least one story"
    return path


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return corpus_of(tmp_path_factory.mktemp("web") / "news.db", DUMP)


@pytest.fixture(scope="module")
def corpus_store(corpus_db: Path) -> Iterator[Store]:
    """The test's own connection to the corpus the server reads."""
    with open_store(corpus_db) as s:
        yield s


@pytest.fixture(scope="module")
def base(corpus_db: Path) -> Iterator[str]:
    with live_server(WebSettings(db=str(corpus_db))) as url:
        yield url


@pytest.fixture(scope="module")
def client(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=120) as c:
        yield c


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("empty") / "empty.db"
    open_store(path).close()
    return path


@pytest.fixture(scope="module")
def small(empty_db: Path) -> Iterator[httpx.Client]:
    """A server over an empty corpus with tiny limits (1 kB per text, 3 texts) and a token."""
    web = WebSettings(db=str(empty_db), token=TOKEN, max_text_bytes=1000, max_texts=3)
    with live_server(web) as url, httpx.Client(base_url=url, timeout=30) as c:
        yield c


def error_of(response: httpx.Response) -> dict[str, object]:
    """The error body, after checking it has the one shape and the status it names."""
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert list(body) == ["error"]
    assert sorted(body["error"]) == ["message", "status"]
    assert body["error"]["status"] == response.status_code
    return body["error"]


def _fire(store: Store) -> str:
    [fire] = [r.id for r in store.stories() if "Halvard" in (r.title or "")]
    return fire


# --------------------------------------------------------------------------- the JSON API over the corpus


@pytest.mark.slow
def test_story_list_is_the_catalog_json(client: httpx.Client, corpus_store: Store) -> None:
    response = client.get("/api/stories")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.text == render_catalog_json(list_stories(corpus_store))  # byte for byte the CLI's output


@pytest.mark.slow
def test_story_report_is_the_json_contract(client: httpx.Client, corpus_store: Store) -> None:
    for row in corpus_store.stories():
        response = client.get(f"/api/stories/{row.id}")
        assert response.status_code == 200
        assert response.json() == report_to_dict(story_report(corpus_store, row.id))


@pytest.mark.slow
def test_an_article_with_its_metadata_text_and_story(client: httpx.Client, corpus_store: Store) -> None:
    fire = _fire(corpus_store)
    stored = corpus_store.story_articles(fire)[0]
    body = client.get(f"/api/articles/{stored.id}").json()
    assert body["text"] == stored.article.text
    assert (body["id"], body["url"], body["outlet"], body["published"], body["story"]) == (
        stored.id,
        stored.article.url,
        stored.article.outlet,
        stored.article.published,
        fire,
    )
    assert body["chars"] == len(stored.article.text)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("params", "titles"),
    [
        # a name that only the fire reports mention
        ({"q": "Tomas Reuter"}, {"Fire at Halvard paint factory"}),
        # a quoted phrase, ignoring case
        ({"q": '"river vell"'}, {"Thousands evacuated as Vell floods Port Amsel"}),
        # every word must occur
        ({"q": "Reuter hypothermia"}, set()),
        # both stories have an Amsel Courier report
        (
            {"outlet": "amsel courier"},
            {"Fire at Halvard paint factory", "Thousands evacuated as Vell floods Port Amsel"},
        ),
        # only the flood has a report published on the 6th
        ({"from": "2024-03-06"}, {"Thousands evacuated as Vell floods Port Amsel"}),
        # only the fire has one published on the 4th
        ({"to": "2024-03-04"}, {"Fire at Halvard paint factory"}),
    ],
)
def test_search_by_text_entity_date_and_outlet(
    client: httpx.Client, params: dict[str, str], titles: set[str]
) -> None:
    stories = client.get("/api/stories", params=params).json()["stories"]
    assert {s["title"] for s in stories} == titles


@pytest.mark.slow
def test_compare_two_pasted_texts(client: httpx.Client) -> None:
    response = client.post("/api/compare", json={"texts": FERRY})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["schema"] == "storydiff.report/2"
    assert [a["outlet"] for a in report["articles"]] == ["Coastal Herald", "Island Post"]
    # 12 against 19 passengers in hospital: a conflict or, below the scorer's threshold, a possible one
    [finding] = report["conflicts"] + report["possible"]
    assert {s["value"] for s in finding["statements"]} == {"12", "19"}
    assert 0 < finding["confidence"] <= 1
    assert "story" not in report  # nothing was stored: a plain comparison


# --------------------------------------------------------------------------- the pages


@pytest.mark.slow
def test_pages_show_the_stories_a_story_and_the_form(client: httpx.Client, corpus_store: Store) -> None:
    fire = _fire(corpus_store)
    listing = client.get("/").text
    assert f'href="/stories/{fire}"' in listing
    assert "Fire at Halvard paint factory" in listing
    page = client.get(f"/stories/{fire}").text
    assert '<section id="conflicts"' in page
    assert "firefighter" in page
    assert page.count('<article class="report-text"') == 3  # the three reports side by side
    # each section is listed, conflicts or not (the scored comparison shows few: see test_web_security)
    assert 'href="#conflicts"' in page or "No conflicts" in page
    assert "Who said what" in page
    assert "Revised figures (1)" in page  # the owner's injury count, revised the next day
    assert client.get("/compare").status_code == 200
    missing = client.get("/stories/story-99")
    assert missing.status_code == 404
    assert "there is no story &#39;story-99&#39; in this corpus; see the list of stories at /" in missing.text


def _report_body(html: str) -> str:
    """The part of a page the report template (_report.html) wrote: from its contents list to ``</main>``."""
    return html[html.index('<nav class="toc"') : html.index("</main>")]


@pytest.mark.slow
def test_the_downloaded_html_report_is_the_story_page_from_the_same_template(
    client: httpx.Client, corpus_store: Store
) -> None:
    fire = _fire(corpus_store)
    page = client.get(f"/stories/{fire}").text
    download = client.get(f"/stories/{fire}/report.html").text
    # the same findings, evidence and highlights: finding ids, mark ids, quotes
    for pattern in (
        r'<article class="finding \w+" id="([\w-]+)"',
        r'<mark class="[\w ]+" id="([\w-]+)"',
        r'<a class="evidence" href="#([\w-]+)"',
        r"“([^”<]+)”",
    ):
        shown = re.findall(pattern, _report_body(page))
        assert shown, pattern
        assert re.findall(pattern, _report_body(download)) == shown, pattern
    # and, but for what needs the server, the same HTML: one template, nothing to drift
    server_only = re.compile(r' · <a href="/api/articles/[^"]+">stored text \(JSON\)</a>')
    help_line = re.compile(r'<p id="finding-help" class="help">[^<]*</p>')
    web_body = help_line.sub("", server_only.sub("", _report_body(page)))
    assert server_only.search(_report_body(page))
    assert web_body == help_line.sub("", _report_body(download))
    # the page links the stylesheet the file inlines
    css = client.get("/static/report.css")
    assert css.status_code == 200
    assert '<link rel="stylesheet" href="/static/report.css">' in page
    assert f"<style>{css.text}</style>" in download
    assert "/static/" not in download
    assert "<script" not in download


@pytest.mark.slow
def test_the_compare_page_compares_a_pasted_text_and_a_file_and_offers_the_result(
    client: httpx.Client,
) -> None:
    upload = (FIXTURES / "web" / "ferry-b.txt").read_bytes()
    response = client.post(
        "/compare",
        data={"text": [FERRY[0], "", ""], "urls": ""},
        files={"file": ("ferry-b.txt", upload, "text/plain")},
    )
    assert response.status_code == 200, response.text
    assert "Comparison of 2 reports" in response.text
    [key] = set(re.findall(r'href="/compare/([\w-]+)/report\.json"', response.text))
    as_json = client.get(f"/compare/{key}/report.json")
    assert as_json.headers["content-disposition"] == 'attachment; filename="storydiff-report.json"'
    report = as_json.json()
    assert [a["id"] for a in report["articles"]] == ["text-1", "ferry-b"]  # the file by its name
    assert [a["path"] for a in report["articles"]] == [None, "ferry-b.txt"]
    as_html = client.get(f"/compare/{key}/report.html")
    assert as_html.headers["content-disposition"] == 'attachment; filename="storydiff-report.html"'
    assert as_html.text.startswith("<!DOCTYPE html>")
    gone = client.get("/compare/not-a-key/report.json")
    assert gone.status_code == 404
    assert "this comparison is no longer kept" in gone.text


@pytest.mark.slow
def test_the_story_list_comes_in_pages(corpus_db: Path) -> None:
    with live_server(WebSettings(db=str(corpus_db), page_size=1)) as url:
        first = httpx.get(url + "/").text
        second = httpx.get(url + "/?page=2").text
    assert "Page 1 of 2" in first
    assert 'rel="next" href="/?page=2"' in first
    assert "Page 2 of 2" in second
    assert first.count('<th scope="row">') == second.count('<th scope="row">') == 1


@pytest.mark.parametrize(
    ("form", "upload", "status", "message"),
    [
        # one text over the 1 kB limit of this server, shown on the form with the texts kept
        (
            {"text": ["A short report.", "y" * 1500]},
            ("", b""),
            413,
            "text 2: is 1.5 kB, over the limit of 1.0 kB per text",
        ),
        # an uploaded file over it, told by its real size (only its first kB was read)
        (
            {"text": ["A short report."]},
            ("long.txt", b"z" * 3000),
            413,
            "file long.txt: is 3.0 kB, over the limit of 1.0 kB per text",
        ),
        # one report is no comparison
        (
            {"text": ["A short report.", ""]},
            ("", b""),
            422,
            "1 report given; paste or upload at least 2 reports",
        ),
        # fetching needs the token on a server that has one
        (
            {"text": ["A short report."], "urls": "https://news.example/a"},
            ("", b""),
            401,
            "fetching URLs needs this server&#39;s access token; enter it in the token field",
        ),
    ],
)
def test_the_compare_page_explains_what_it_cannot_use(
    small: httpx.Client, form: dict, upload: tuple[str, bytes], status: int, message: str
) -> None:
    response = small.post("/compare", data=form, files={"file": upload})
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert f'<div class="error-message" role="alert"><p><strong>Could not compare:</strong> {message}' in (
        response.text
    )
    assert "A short report.</textarea>" in response.text  # what was typed is still there


# --------------------------------------------------------------------------- errors: one shape


@pytest.mark.parametrize(
    ("method", "path", "options", "status", "message"),
    [
        # an unknown story
        (
            "GET",
            "/api/stories/story-99",
            {},
            404,
            "there is no story 'story-99' in this corpus; GET /api/stories lists them",
        ),
        # an unknown article
        ("GET", "/api/articles/7", {}, 404, "there is no article 7 in this corpus; GET /api/stories lists"),
        # an article id that is not a number
        ("GET", "/api/articles/seven", {}, 422, "path → article_id: Input should be a valid integer"),
        # a date that is not a date
        ("GET", "/api/stories?from=March", {}, 422, "from: 'March' is not a date; write it as YYYY-MM-DD"),
        # a body that is not JSON
        (
            "POST",
            "/api/compare",
            {"content": b"{texts", "headers": {"content-type": "application/json"}},
            422,
            "the body is not valid JSON",
        ),
        # a body of the wrong shape
        ("POST", "/api/compare", {"json": {"texts": "one text"}}, 422, "texts: Input should be a valid list"),
        # a key the call does not take
        ("POST", "/api/compare", {"json": {"text": ["a"]}}, 422, "text: Extra inputs are not permitted"),
        # nothing to compare
        (
            "POST",
            "/api/compare",
            {"json": {"texts": ["One report."]}},
            422,
            "paste or upload at least 2 reports",
        ),
        # a path the API does not have
        ("GET", "/api/story", {}, 404, "there is no /api/story; the API's calls are listed at /openapi.json"),
        # a method the path does not take
        ("DELETE", "/api/stories", {}, 405, "DELETE is not allowed on /api/stories"),
    ],
)
def test_errors_have_one_json_shape(
    small: httpx.Client, method: str, path: str, options: dict, status: int, message: str
) -> None:
    response = small.request(method, path, **options)
    assert response.status_code == status
    error = error_of(response)
    assert message in str(error["message"])
    assert response.headers["content-security-policy"] == CSP


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # one text over the 1 kB limit of this server
        (
            {"texts": ["short report", "x" * 1001]},
            "text 2: is 1.0 kB, over the limit of 1.0 kB per text; shorten it, or compare it on the "
            "command line (storydiff compare --max-size)",
        ),
        # more texts than the server compares at once
        (
            {"texts": ["a", "b", "c", "d"]},
            "4 texts, files and addresses were given; compare at most 3 at a time",
        ),
    ],
)
def test_oversized_paste_is_413(small: httpx.Client, body: dict, message: str) -> None:
    response = small.post("/api/compare", json=body)
    assert response.status_code == 413
    assert error_of(response)["message"] == message


def test_a_body_over_the_request_limit_is_413_even_streamed(small: httpx.Client) -> None:
    # this server takes 3 texts of 1 kB: at most 3 * 1000 * 3 + 65536 bytes of body
    big = b'{"texts": ["' + b"x" * 80_000 + b'"]}'
    declared = small.post("/api/compare", content=big, headers={"content-type": "application/json"})
    streamed = small.post(
        "/api/compare",
        content=iter([big[:40_000], big[40_000:]]),
        headers={"content-type": "application/json"},
    )
    for response in (declared, streamed):
        assert response.status_code == 413
        assert str(error_of(response)["message"]).startswith("the request is larger than 74.5 kB")


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        # no token at all
        ({}, "no token was given"),
        # the wrong one
        ({"authorization": "Bearer not-the-token"}, "a wrong token was given"),
    ],
)
def test_ingest_and_url_fetching_need_the_token_when_the_server_has_one(
    small: httpx.Client, headers: dict[str, str], problem: str
) -> None:
    ingest_response = small.post("/api/ingest", json={"url": "https://news.example/story"}, headers=headers)
    assert ingest_response.status_code == 401
    assert ingest_response.headers["www-authenticate"] == "Bearer"
    assert error_of(ingest_response)["message"] == (
        f"ingesting needs this server's token and {problem}; send the header 'Authorization: Bearer <token>' "
        "with the --token (STORYDIFF_TOKEN) the server was started with"
    )
    compare_response = small.post("/api/compare", json={"urls": ["https://news.example/a"]}, headers=headers)
    assert compare_response.status_code == 401
    # pasted texts need no token: this request gets as far as counting its inputs
    texts_only = small.post("/api/compare", json={"texts": ["One report."]}, headers=headers)
    assert texts_only.status_code == 422


def test_with_the_token_ingest_goes_on_to_check_the_address(small: httpx.Client) -> None:
    response = small.post(
        "/api/ingest",
        json={"url": "http://127.0.0.1:9/admin"},
        headers={"authorization": f"Bearer {TOKEN}"},
    )
    assert response.status_code == 422
    assert error_of(response)["message"] == (
        "http://127.0.0.1:9/admin: refused: 127.0.0.1 is a loopback address (this machine); "
        "storydiff fetches public web pages only; save the page and paste its text instead"
    )


def test_openapi_describes_the_api(small: httpx.Client) -> None:
    spec = small.get("/openapi.json").json()
    assert set(spec["paths"]) == {
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/articles/{article_id}",
        "/api/compare",
        "/api/ingest",
    }
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "ErrorBody" in spec["components"]["schemas"]
    assert small.get("/docs").status_code == 404  # no Swagger UI: it loads scripts from a CDN


@pytest.mark.slow
@pytest.mark.parametrize(
    ("stored", "message"),
    [
        # a report that is not JSON at all: an error nobody explained, told without its details
        ("{", "the server failed to answer (a bug in storydiff); the server's log has the details"),
        # a report of another schema: the library's own explanation
        ('{"schema": "storydiff.report/9"}', "report schema 'storydiff.report/9' is not supported"),
    ],
)
def test_a_server_failure_is_500_in_the_same_shape(
    corpus_db: Path, tmp_path: Path, stored: str, message: str
) -> None:
    broken = tmp_path / "broken.db"
    with (
        contextlib.closing(sqlite3.connect(corpus_db)) as source,
        contextlib.closing(sqlite3.connect(broken)) as copy,
    ):
        source.backup(copy)
        copy.execute("UPDATE stories SET report = ?", (stored,))
        copy.commit()
    with live_server(WebSettings(db=str(broken))) as url:
        response = httpx.get(url + "/api/stories/story-1")
        page = httpx.get(url + "/stories/story-1")
    assert response.status_code == 500
    assert message in str(error_of(response)["message"])
    assert response.headers["content-security-policy"] == CSP
    assert page.status_code == 500
    assert page.headers["content-security-policy"] == CSP


def test_the_app_reads_a_postgresql_corpus_too(postgres_url: str) -> None:
    with live_server(WebSettings(db=fresh_database(postgres_url))) as url:
        assert httpx.get(url + "/api/stories").json() == {
            "schema": "storydiff.corpus.stories/1",
            "stories": [],
        }
        missing = httpx.get(url + "/api/stories/story-1")
        assert missing.status_code == 404
        assert (
            error_of(missing)["message"]
            == "there is no story 'story-1' in this corpus; GET /api/stories lists them"
        )
        assert httpx.get(url + "/").status_code == 200


# --------------------------------------------------------------------------- serving


@pytest.mark.parametrize(
    ("host", "token", "message"),
    [
        # loopback needs no token
        ("127.0.0.1", None, None),
        ("localhost", None, None),
        ("::1", None, None),
        # any other address does
        (
            "0.0.0.0",
            None,
            "--host 0.0.0.0 is reachable from other machines; give --token (or set STORYDIFF_TOKEN) so that "
            "only you can ingest and fetch, or serve on 127.0.0.1",
        ),
        ("192.168.1.5", TOKEN, None),
        # a token anyone could guess is refused everywhere
        (
            "127.0.0.1",
            "secret",
            "--token is 6 characters long; use 16 or more, e.g. the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe())'",
        ),
    ],
)
def test_bind_check(host: str, token: str | None, message: str | None) -> None:
    if message is None:
        check_bind(host, token)
    else:
        with pytest.raises(Exception, match=re.escape(message)):
            check_bind(host, token)


def test_serve_refuses_a_public_address_without_a_token(tmp_path: Path) -> None:
    runner = CliRunner(env={"STORYDIFF_TOKEN": None, "STORYDIFF_DB": None})
    result = runner.invoke(cli, ["serve", "--db", str(tmp_path / "news.db"), "--host", "0.0.0.0"])
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --host 0.0.0.0 is reachable from other machines; give --token (or set STORYDIFF_TOKEN) so "
        "that only you can ingest and fetch, or serve on 127.0.0.1\n"
    )
    bad_db = runner.invoke(cli, ["serve", "--db", str(tmp_path / "missing" / "news.db")])
    assert bad_db.exit_code == 1
    assert "does not exist; create it or give another path" in bad_db.stderr


def test_the_catalog_of_an_empty_corpus(small: httpx.Client) -> None:
    assert json.loads(small.get("/api/stories").text) == {
        "schema": "storydiff.corpus.stories/1",
        "stories": [],
    }
    assert "No stories yet" in small.get("/").text
