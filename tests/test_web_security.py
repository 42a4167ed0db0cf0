"""Hostile input against the web app, through the real server.

* Markup in article text, titles and outlets (``tests/fixtures/web/hostile.jsonl``, an invented
  crane collapse) is shown as inert text on every page; every answer carries the CSP.
* URLs users give are refused when they lead to this machine, a private network, the cloud
  metadata address or another scheme: on the first hop, on every redirect, whatever DNS says.

No network beyond loopback: host names resolve through an injected table (``RESOLVED``). The
"public" test site listens on 127.0.0.2, which the app refuses like any loopback address; the
tests reach it only through the policy's allow-list of exactly that address, so 127.0.0.1 (where
``secret`` listens and must never be reached) stays refused.
"""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from loopback import serving
from storydiff.compare.scorer import SCORER_ENV, load_scorer
from storydiff.corpus.store import open_store
from storydiff.errors import FetchError, InputTooLarge
from storydiff.settings import Settings
from storydiff.web import AddressPolicy, WebSettings
from storydiff.web.app import CSP
from storydiff.web.safefetch import make_safe_client, refusal, safe_fetch
from test_fetch import Loopback, Route, _handler
from test_web import FIXTURES, TOKEN, corpus_of, error_of, live_server

HOSTILE = FIXTURES / "web" / "hostile.jsonl"
WEB = Path(__file__).resolve().parent.parent / "src" / "storydiff" / "web"
SITE_HOST = "127.0.0.2"
ALLOWED = ipaddress.ip_network(f"{SITE_HOST}/32")
RESOLVED = {
    "news.example": [SITE_HOST],  # the allowed test site, by name
    "intranet.example": ["192.168.1.20"],
    "metadata.example": ["169.254.169.254"],
    "mixed.example": ["93.184.216.34", "10.1.2.3"],  # one public and one private answer
    "v6-private.example": ["fd12:3456::5"],
}
PAGE = (FIXTURES / "web" / "ferry-a.txt").read_text(encoding="utf-8").encode()
SHORT = Settings(max_bytes=2_000, timeout=2.0, max_redirects=5)


def table_resolver(table: dict[str, list[str]]):
    """A resolver answering from ``table``; a name not in it is not found, as DNS would say."""

    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise FetchError(f"could not connect: host not found ({host}); check the address")
        return table[host]

    return resolve


POLICY = AddressPolicy(resolver=table_resolver(RESOLVED), allow=(ALLOWED,))


@contextlib.contextmanager
def http_server(host: str) -> Iterator[Loopback]:
    """test_fetch's loopback server (routes, hit counts, request headers), listening on ``host``."""
    stop = threading.Event()
    state = Loopback()
    with contextlib.ExitStack() as stack:
        try:
            state.base = stack.enter_context(
                serving(_handler(state, stop), host, stop=stop, poll_interval=0.01)
            )
        except OSError:
            pytest.skip(f"cannot listen on {host} (only Linux routes all of 127/8 to loopback)")
        yield state


@pytest.fixture
def secret() -> Iterator[Loopback]:
    """A server on 127.0.0.1 standing for what only the app's machine can reach: never to be hit."""
    with http_server("127.0.0.1") as state:
        state.serve("/secret", body=b"the admin password")
        yield state


@pytest.fixture
def site(secret: Loopback) -> Iterator[Loopback]:
    """The allowed test site, with a report and redirects to places that must be refused."""
    with http_server(SITE_HOST) as state:
        port = state.base.rsplit(":", 1)[1]
        state.serve("/report.txt", body=PAGE, content_type="text/plain; charset=utf-8")
        state.serve("/big.txt", body=b"word " * 1_000, content_type="text/plain")
        state.serve("/loop", status=302, headers={"Location": "/loop"}, body=b"")
        for path, target in {
            "/to-loopback": f"{secret.base}/secret",
            "/to-metadata": "http://169.254.169.254/latest/meta-data/iam/",
            "/to-metadata-by-name": "http://metadata.example/latest/meta-data/",
            "/to-file": "file:///etc/passwd",
            "/to-named-site": f"http://news.example:{port}/report.txt",
        }.items():
            state.serve(path, status=302, headers={"Location": target}, body=b"")
        yield state


@pytest.fixture
def guarded(tmp_path: Path) -> Iterator[httpx.Client]:
    """A server over an empty corpus with the test policy (allow-list and table resolver), no token."""
    db = tmp_path / "news.db"
    open_store(db).close()
    with live_server(WebSettings(db=str(db), policy=POLICY)) as url, httpx.Client(base_url=url) as client:
        yield client


# --------------------------------------------------------------------------- hostile markup


class _Tags(HTMLParser):
    """Every start tag of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags_of(page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser.tags


def assert_inert(page: str) -> None:
    """No script but the app's own file, no image, no event handler, no javascript: link, no inline style."""
    tags = tags_of(page)
    assert [a.get("src") for t, a in tags if t == "script"] == ["/static/storydiff.js"]
    assert not [t for t, _ in tags if t in {"img", "iframe", "object", "embed", "style", "base"}]
    handlers = [(t, name) for t, attrs in tags for name in attrs if name.startswith("on")]
    assert handlers == []
    assert not [
        a for _, attrs in tags for a in attrs.values() if a and a.strip().lower().startswith("javascript:")
    ]
    assert not [t for t, attrs in tags if "style" in attrs]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    # a scorer that shows every proposed pair as a conflict, so the page highlights evidence
    eager = tmp_path_factory.mktemp("scorer") / "eager.json"
    eager.write_text(dataclasses.replace(load_scorer(), threshold=1e-9, floor=1e-12).to_json())
    with pytest.MonkeyPatch.context() as env:
        env.setenv(SCORER_ENV, str(eager))
        db = corpus_of(tmp_path_factory.mktemp("hostile") / "news.db", HOSTILE)
        with live_server(WebSettings(db=str(db))) as url, httpx.Client(base_url=url, timeout=60) as client:
            yield client


@pytest.mark.slow
def test_markup_in_articles_is_inert_on_the_stories_and_story_pages(hostile: httpx.Client) -> None:
    [story] = hostile.get("/api/stories").json()["stories"]
    assert story["title"] == "Crane collapse at Tollmere docks <script>alert(1)</script>"  # stored as given
    listing = hostile.get("/").text
    page = hostile.get(f"/stories/{story['id']}").text
    for html in (listing, page):
        assert_inert(html)
        assert "Crane collapse at Tollmere docks &lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert (
            "Dock &lt;script&gt;alert(5)&lt;/script&gt; Wire" in html
        )  # the outlet, in the filter or the texts
    # the text of the reports, highlighted where the conflict (4 against 7 workers) is
    assert "&lt;img src=x onerror=alert(2)&gt;" in page
    assert (
        "&lt;a href=&quot;javascript:alert(4)&quot; onclick=&quot;alert(6)&quot;&gt;details&lt;/a&gt;" in page
    )
    assert "Tollmere crane falls, &lt;img src=x onerror=alert(3)&gt; seven hurt" in page
    assert (
        sum(
            page.count(f'<{tag} class="finding {c}"')
            for tag in ("section", "article")
            for c in ("conflict", "possible")
        )
        == 1
    )
    # and the report downloaded as one HTML file
    assert_download = hostile.get(f"/stories/{story['id']}/report.html").text
    assert "<script>" not in assert_download
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in assert_download


def test_templates_never_mark_data_safe() -> None:
    report = WEB.parent / "report"  # the report body the pages include, and the standalone file
    for template in [*(WEB / "templates").glob("*.html"), *(report / "templates").glob("*.html")]:
        text = template.read_text(encoding="utf-8")
        assert "|safe" not in text.replace(" ", ""), template.name
        assert "style=" not in text, template.name  # the CSP allows no inline style
        assert "<script>" not in text, template.name  # nor inline script
    # the one pre-built HTML the pages get is storydiff.report.view's escaped highlighting; the
    # standalone file (html.py) adds its own stylesheet and policy, constants of the package
    users = sorted(
        p.relative_to(WEB.parent).as_posix()
        for p in [*WEB.glob("*.py"), *report.glob("*.py")]
        if "Markup(" in p.read_text(encoding="utf-8")
    )
    assert users == ["report/html.py", "report/view.py"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/"),
        ("GET", "/compare"),
        ("GET", "/stories/story-1"),  # a 404 page
        ("GET", "/no/such/page"),
        ("GET", "/static/storydiff.css"),
        ("GET", "/static/storydiff.js"),
        ("GET", "/openapi.json"),
        ("GET", "/api/stories"),
        ("GET", "/api/stories/story-1"),  # a 404 in JSON
        ("POST", "/api/compare"),  # a 422 in JSON
    ],
)
def test_every_answer_carries_the_security_headers(guarded: httpx.Client, method: str, path: str) -> None:
    response = guarded.request(method, path)
    assert response.headers["content-security-policy"] == (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    if response.headers["content-type"].startswith("text/html"):
        assert_inert(response.text)


# --------------------------------------------------------------------------- URLs users give


@pytest.mark.parametrize(
    ("url", "message"),
    [
        # this machine
        (
            "http://127.0.0.1:8000/admin",
            "http://127.0.0.1:8000/admin: refused: 127.0.0.1 is a loopback address (this machine); "
            "storydiff fetches public web pages only; save the page and paste its text instead",
        ),
        ("http://[::1]:8000/", "refused: ::1 is a loopback address (this machine)"),
        (
            "http://[::ffff:127.0.0.1]/",
            "refused: ::ffff:7f00:1 (127.0.0.1) is a loopback address",
        ),  # IPv4 in IPv6
        ("http://0.0.0.0/", "refused: 0.0.0.0 is the unspecified address"),
        # the private network
        ("http://10.0.0.5/wiki", "refused: 10.0.0.5 is a private network address"),
        ("https://172.16.4.4/", "refused: 172.16.4.4 is a private network address"),
        # the cloud metadata service
        (
            "http://169.254.169.254/latest/meta-data/",
            "refused: 169.254.169.254 is a link-local address (where cloud metadata services answer)",
        ),
        ("http://[fe80::1]/", "refused: fe80::1 is a link-local address"),
        # names are judged by what they resolve to, every answer of it
        (
            "http://intranet.example/reports",
            "refused: 192.168.1.20 (resolved from intranet.example) is a private network address",
        ),
        (
            "http://mixed.example/",
            "refused: 10.1.2.3 (resolved from mixed.example) is a private network address",
        ),
        (
            "http://v6-private.example/",
            "refused: fd12:3456::5 (resolved from v6-private.example) is a private",
        ),
        (
            "http://nowhere.example/",
            "http://nowhere.example/: could not connect: host not found (nowhere.example)",
        ),
        # other schemes
        (
            "file:///etc/passwd",
            "file:///etc/passwd: refused: file: addresses cannot be fetched, only http and https",
        ),
        ("ftp://ftp.example/report.txt", "refused: ftp: addresses cannot be fetched, only http and https"),
        ("gopher://127.0.0.1:6379/_INFO", "refused: gopher: addresses cannot be fetched"),
    ],
)
def test_urls_aimed_inside_are_refused(guarded: httpx.Client, url: str, message: str) -> None:
    response = guarded.post("/api/compare", json={"texts": ["A pasted report."], "urls": [url]})
    assert response.status_code == 422
    assert message in str(error_of(response)["message"])


@pytest.mark.parametrize(
    ("path", "message"),
    [
        # a redirect to this machine
        ("/to-loopback", "/secret: 127.0.0.1 is a loopback address (this machine)"),
        # to the metadata address, by number and by name
        (
            "/to-metadata",
            "refused http://169.254.169.254/latest/meta-data/iam/: 169.254.169.254 is a link-local",
        ),
        ("/to-metadata-by-name", "169.254.169.254 (resolved from metadata.example) is a link-local address"),
        # to a file
        ("/to-file", "to file:///etc/passwd: file: addresses cannot be fetched, only http and https"),
    ],
)
def test_a_redirect_from_an_allowed_site_to_inside_is_refused(
    guarded: httpx.Client, site: Loopback, secret: Loopback, path: str, message: str
) -> None:
    url = site.url(path)
    with pytest.raises(FetchError) as caught:
        safe_fetch(url, SHORT, POLICY)
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{url}: ")
    response = guarded.post("/api/compare", json={"texts": ["A pasted report."], "urls": [url]})
    assert response.status_code == 422
    assert message in str(error_of(response)["message"])
    assert site.hits[path] == 2  # the allowed first hop was fetched, each time
    assert secret.hits["/secret"] == 0


def test_the_allowed_site_is_fetched_at_the_checked_address_under_its_own_name(site: Loopback) -> None:
    result = safe_fetch(site.url("/to-named-site"), SHORT, POLICY)
    assert result.content == PAGE
    assert result.url.startswith("http://news.example:")  # the name, not the address
    # the connection went to the address the table gave; the Host header kept the name
    assert site.headers_of("/report.txt")[0]["host"] == result.url.split("/")[2]


def test_dns_rebinding_cannot_swap_in_another_address(site: Loopback, secret: Loopback) -> None:
    answers = iter([[SITE_HOST], ["127.0.0.1"]])  # checked public first, then rebound to this machine

    def rebinding(host: str, port: int) -> list[str]:
        return next(answers, ["127.0.0.1"])

    port = site.base.rsplit(":", 1)[1]
    with pytest.raises(FetchError, match=r"refused http://news\.example:\d+/report\.txt: 127\.0\.0\.1"):
        safe_fetch(f"http://news.example:{port}/report.txt", SHORT, AddressPolicy(rebinding, (ALLOWED,)))
    assert secret.hits["/secret"] == 0
    assert site.hits["/report.txt"] == 0


def test_the_transport_itself_refuses_without_the_first_check(secret: Loopback) -> None:
    with make_safe_client(SHORT, POLICY) as client, pytest.raises(FetchError) as caught:
        client.get(f"{secret.base}/secret")
    assert str(caught.value).startswith(f"refused {secret.base}/secret: 127.0.0.1 is a loopback address")
    assert secret.hits["/secret"] == 0


def test_size_redirect_and_time_limits_still_apply(site: Loopback) -> None:
    with pytest.raises(InputTooLarge, match=r"over the 2\.0 kB limit"):
        safe_fetch(site.url("/big.txt"), SHORT, POLICY)
    with pytest.raises(FetchError, match=r"too many redirects \(more than 5\)"):
        safe_fetch(site.url("/loop"), SHORT, POLICY)
    assert site.hits["/loop"] == 6
    site.serve("/slow", Route(delay=2.0))
    with pytest.raises(FetchError, match=r"timed out after 0\.3 s"):
        safe_fetch(site.url("/slow"), Settings(timeout=0.3), POLICY)


def test_an_ingest_records_a_refused_redirect_as_rejected(guarded: httpx.Client, site: Loopback) -> None:
    response = guarded.post("/api/ingest", json={"url": site.url("/to-metadata")})
    assert response.status_code == 200, response.text
    summary = response.json()
    assert (summary["new"], summary["rejected"]) == (0, 1)
    [rejection] = summary["rejections"]
    assert rejection["input"] == site.url("/to-metadata")
    assert "169.254.169.254 is a link-local address" in rejection["reason"]


@pytest.mark.slow
def test_with_the_token_an_allowed_page_is_ingested(tmp_path: Path, site: Loopback) -> None:
    paragraphs = "".join(f"<p>{line}</p>" for line in PAGE.decode().split("---")[2].strip().splitlines())
    site.serve(
        "/ferry.html",
        body=(
            "<!DOCTYPE html><html><head><title>Ferry runs aground off Skarby</title>"
            '<meta property="og:site_name" content="Coastal Herald"></head>'
            f"<body><article><h1>Ferry runs aground off Skarby</h1>{paragraphs}</article></body></html>"
        ).encode(),
    )
    db = tmp_path / "news.db"
    open_store(db).close()
    web = WebSettings(db=str(db), policy=POLICY, token=TOKEN)
    with live_server(web) as url, httpx.Client(base_url=url, timeout=120) as client:
        auth = {"authorization": f"Bearer {TOKEN}"}
        response = client.post("/api/ingest", json={"url": site.url("/ferry.html")}, headers=auth)
        assert response.status_code == 200, response.text
        summary = response.json()
        assert (summary["new"], summary["rejected"], summary["status"]) == (1, 0, "done")
        [story] = client.get("/api/stories").json()["stories"]
        assert story["id"] == summary["stories"][0]
        assert [item["url"] for item in story["items"]] == [site.url("/ferry.html")]
        again = client.post("/api/ingest", json={"url": site.url("/ferry.html")}, headers=auth).json()
        assert (again["new"], again["duplicate"]) == (0, 1)  # stored once


def test_ingest_takes_only_web_addresses(guarded: httpx.Client) -> None:
    # a path on the server's disk is no URL: harvest would read it as a local file
    response = guarded.post("/api/ingest", json={"url": "/etc/passwd"})
    assert response.status_code == 422
    assert "refused: an address without http:// or https:// cannot be fetched" in str(
        error_of(response)["message"]
    )


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("93.184.216.34", None),  # public
        ("2606:4700:4700::1111", None),  # public IPv6
        ("127.8.9.10", "a loopback address (this machine)"),  # all of 127/8
        ("::ffff:10.0.0.1", "a private network address"),  # IPv4-mapped
        ("2002:7f00:1::", "a loopback address (this machine)"),  # 6to4 wrapping 127.0.0.1
        ("192.168.0.1", "a private network address"),
        ("172.31.255.255", "a private network address"),
        ("fc00::1", "a private network address"),
        ("fec0::1", "a site-local address (a deprecated private range)"),  # Python calls it global
        ("169.254.0.1", "a link-local address (where cloud metadata services answer)"),
        ("fe80::abcd", "a link-local address (where cloud metadata services answer)"),
        ("224.0.0.251", "a multicast address"),
        ("ff02::1", "a multicast address"),
        ("0.0.0.0", "the unspecified address"),
        ("::", "the unspecified address"),
        ("100.64.0.1", "not a public internet address"),  # carrier-grade NAT
        ("240.0.0.1", "a private network address"),  # reserved (class E), which Python counts as private
    ],
)
def test_which_addresses_are_refused(address: str, reason: str | None) -> None:
    assert refusal(ipaddress.ip_address(address)) == reason


# --------------------------------------------------------------------------- requests from elsewhere


def test_a_name_pointed_at_this_machine_is_refused(guarded: httpx.Client) -> None:
    # DNS rebinding against the app itself: another site's name resolving to 127.0.0.1
    response = guarded.get("/api/stories", headers={"host": "attacker.example"})
    assert response.status_code == 400
    assert error_of(response)["message"] == (
        "this server answers to 127.0.0.1 or localhost, not 'attacker.example'; open it at http://127.0.0.1 "
        "(a name pointed at this machine by other DNS is refused)"
    )
    assert guarded.get("/api/stories", headers={"host": "localhost:8000"}).status_code == 200


@pytest.mark.parametrize(
    ("headers", "sender"),
    [
        # a browser says where the request comes from
        ({"sec-fetch-site": "cross-site", "origin": "https://attacker.example"}, "https://attacker.example"),
        # a sandboxed or no-referrer page sends Origin: null, but the fetch metadata still tells
        ({"sec-fetch-site": "cross-site", "origin": "null"}, "cross-site"),
        # another server on this machine (another port) is the same site, not this origin
        ({"sec-fetch-site": "same-site", "origin": "http://127.0.0.1:9999"}, "http://127.0.0.1:9999"),
        # an older browser without fetch metadata: the Origin alone
        ({"origin": "https://attacker.example"}, "https://attacker.example"),
    ],
)
def test_a_write_from_another_sites_page_is_refused(
    guarded: httpx.Client, headers: dict[str, str], sender: str
) -> None:
    response = guarded.post("/api/ingest", json={"url": "https://news.example/"}, headers=headers)
    assert response.status_code == 403
    assert str(error_of(response)["message"]).startswith(f"a page of {sender} tried to send this request")


@pytest.mark.parametrize(
    "headers",
    [
        # this server's own form, as Chromium sends it under Referrer-Policy: no-referrer
        {"sec-fetch-site": "same-origin", "origin": "null"},
        # a program: no browser headers at all
        {},
    ],
)
def test_writes_from_this_servers_pages_and_programs_get_through(
    guarded: httpx.Client, headers: dict[str, str]
) -> None:
    response = guarded.post("/api/compare", json={}, headers=headers)
    assert response.status_code == 422  # past the guard, to the checks of the call itself
