"""The web app's options in one record, and the check that refuses an unsafe bind."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from storydiff.corpus.search import COUNTED_EXACTLY
from storydiff.errors import SettingsError
from storydiff.settings import DEFAULT_MAX_BYTES, Settings
from storydiff.web.addresses import AddressPolicy

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "LOOPBACK_NAMES",
    "MIN_TOKEN_CHARS",
    "PUBLIC_ONLY",
    "WebSettings",
    "check_bind",
    "is_loopback",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
# Host names that always mean this machine, whatever the resolver says.
LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
# A comparison of more than ten reports is a wall to read, and each text costs
# a few seconds of parsing on the server: ten is the most one request may ask for.
DEFAULT_MAX_TEXTS = 10
# A web user waits for the page: a news site that has not answered in 10 s is
# not going to (the command line waits 20 s, for batch runs).
DEFAULT_FETCH_TIMEOUT = 10.0
# ... and one that trickles its page for longer than this in all is not worth the wait
# (a page of 2 MB at 100 kB/s, a slow mobile link, takes 20 s).
DEFAULT_FETCH_DEADLINE = 30.0
# Stories per page of the list: a screenful or two, and the list stays fast on
# a corpus of thousands.
DEFAULT_PAGE_SIZE = 50
# Comparisons kept for download (HTML, JSON) after their page was shown; each
# holds at most DEFAULT_MAX_TEXTS texts of 2 MB, so memory stays bounded.
DEFAULT_KEPT_RESULTS = 16
# A token anyone could guess in a few tries protects nothing; 16 characters of
# `secrets.token_urlsafe()` carry 96 bits.
MIN_TOKEN_CHARS = 16
# Public addresses only, resolved by the system: what every server uses.
PUBLIC_ONLY = AddressPolicy()


@dataclass(frozen=True, slots=True)
class WebSettings:
    """Everything ``storydiff serve`` needs to know.

    ``db`` is the corpus (SQLite path or PostgreSQL URL). ``token``, when set,
    is required (``Authorization: Bearer ...``) for everything that makes the
    server fetch or write: ``POST /api/ingest`` and comparisons of URLs.
    ``policy`` decides which addresses URLs may point to (tests add a loopback
    allow-list there; nothing else should).
    """

    db: str
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    token: str | None = None
    max_text_bytes: int = DEFAULT_MAX_BYTES
    max_texts: int = DEFAULT_MAX_TEXTS
    fetch_timeout: float = DEFAULT_FETCH_TIMEOUT
    fetch_deadline: float = DEFAULT_FETCH_DEADLINE
    page_size: int = DEFAULT_PAGE_SIZE
    counted_exactly: int = COUNTED_EXACTLY  # a search's matches counted up to this (or the page's end)
    kept_results: int = DEFAULT_KEPT_RESULTS
    policy: AddressPolicy = PUBLIC_ONLY

    @property
    def max_body_bytes(self) -> int:
        """The largest request body accepted: every text at its limit, JSON-escaped.

        ``\\uXXXX`` escapes make non-ASCII text up to three times longer than its
        UTF-8 bytes; 64 kB more covers the form's or JSON's own keys.
        """
        return self.max_texts * self.max_text_bytes * 3 + 65_536

    def fetch_settings(self) -> Settings:
        """The pipeline settings for reading what users give: the size limit per text, the fetch limits."""
        return Settings(
            max_bytes=self.max_text_bytes, timeout=self.fetch_timeout, fetch_deadline=self.fetch_deadline
        )


def is_loopback(host: str) -> bool:
    """Whether binding to ``host`` keeps the server reachable from this machine only."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a name: it may well resolve to a public interface


def check_bind(host: str, token: str | None) -> None:
    """Refuse to serve on a non-loopback address without a token, or with a guessable one."""
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise SettingsError(
            f"--token is {len(token)} characters long; use {MIN_TOKEN_CHARS} or more, e.g. the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe())'"
        )
    if not token and not is_loopback(host):
        raise SettingsError(
            f"--host {host} is reachable from other machines; give --token (or set STORYDIFF_TOKEN) so "
            "that only you can ingest and fetch, or serve on 127.0.0.1"
        )
