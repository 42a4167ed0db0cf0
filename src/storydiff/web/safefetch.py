"""Fetching a URL a web user gave: public addresses only, checked on every hop.

The web app fetches pages its users name (the compare page, ``POST /api/compare``,
``POST /api/ingest``). Unguarded, that would let anyone who can reach the app
read what only the server can reach: its own ports (127.0.0.1), the private
network (10/8, 172.16/12, 192.168/16, fc00::/7) and the cloud metadata service
(169.254.169.254). :class:`AddressPolicy` says which addresses may be fetched
(:mod:`.addresses`, which loads no HTTP client, so that the app starts without
httpx); :class:`GuardedTransport` applies it to every request a client sends:

1. the scheme must be ``http`` or ``https``;
2. the host is resolved (through the policy's injectable ``resolver``) and
   **every** address of the answer is checked: one refused address refuses the
   host, since the connection could land on any of them;
3. the connection goes to a checked address: the URL is rewritten to that IP
   while the ``Host`` header and the TLS server name (SNI, and so the
   certificate check) stay the host's, so a second DNS answer cannot swap in
   another address between the check and the connection (DNS rebinding);
4. a redirect is a new request through the same transport, so each hop is
   resolved and checked again; a redirect to another scheme (``file:``,
   ``ftp:``) is refused by name (:func:`make_safe_client`'s response hook);
   at most ``settings.max_redirects`` hops.

The rest (timeouts, the size limit while the body streams in, error messages)
is the :class:`~storydiff.inputs.fetch.Fetcher`'s, used over the guarded client: one
download path for the whole project.

Tests reach a loopback server only through :attr:`AddressPolicy.allow`, an
explicit allow-list that is empty by default and that the command line never
sets.
"""

from __future__ import annotations

import httpx

from storydiff.errors import FetchError, InputError
from storydiff.inputs.fetch import Fetcher, FetchResult
from storydiff.settings import Settings
from storydiff.web.addresses import (
    SCHEMES,
    AddressPolicy,
    IPAddress,
    IPNetwork,
    Resolver,
    _Refused,
    _scheme_reason,
    refusal,
    system_resolver,
)

__all__ = [
    "SCHEMES",
    "AddressPolicy",
    "GuardedTransport",
    "IPAddress",
    "IPNetwork",
    "Resolver",
    "check_url",
    "make_safe_client",
    "refusal",
    "safe_fetch",
    "system_resolver",
]


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().split("\n", 1)[0] or type(exc).__name__


def check_url(url: str, policy: AddressPolicy) -> list[IPAddress]:
    """Check a user-given URL before anything is fetched: scheme, host, every address it resolves to.

    Raises :class:`FetchError` with ``input`` set to the URL.
    """
    try:
        return policy._checked(httpx.URL(url))
    except (httpx.InvalidURL, UnicodeError) as exc:  # UnicodeError: a lone surrogate in the address
        raise FetchError(f"is not a valid address ({_first_line(exc)}); check the URL", input=url) from None
    except _Refused as why:
        raise FetchError(f"refused: {why}" if why.refused else str(why), input=url) from None


class GuardedTransport(httpx.BaseTransport):
    """An HTTP transport that connects only to addresses :class:`AddressPolicy` allows.

    Each request is resolved and checked, then sent to the checked IP with the
    original ``Host`` header and TLS server name. Connections are not kept
    alive: they are pooled by IP, and a TLS connection made for one host must
    never carry a request for another host at the same address.
    """

    def __init__(self, policy: AddressPolicy, *, verify: bool = True) -> None:
        self.policy = policy
        self._inner = httpx.HTTPTransport(
            verify=verify, trust_env=False, limits=httpx.Limits(max_keepalive_connections=0)
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send ``request`` to the first checked address that accepts the connection."""
        url = request.url
        addresses = self.policy.addresses(url)
        extensions = dict(request.extensions)
        if url.scheme == "https":
            extensions["sni_hostname"] = url.raw_host.decode("ascii")
        error: httpx.ConnectError | None = None
        for address in addresses:
            pinned = httpx.Request(
                request.method,
                url.copy_with(host=str(address)),
                headers=request.headers,  # carries Host: the name, not the IP
                stream=request.stream,
                extensions=extensions,
            )
            try:
                return self._inner.handle_request(pinned)
            except httpx.ConnectError as exc:
                error = exc  # the next address of the same host may answer
        assert error is not None, "addresses() returns at least one address"
        raise error

    def close(self) -> None:
        """Close the connections."""
        self._inner.close()


def _refuse_other_schemes(response: httpx.Response) -> None:
    """Response hook: a redirect to ``file:``, ``ftp:``... is refused with a message, not followed."""
    if not response.has_redirect_location:
        return
    location = response.headers["location"]
    target = response.url.join(location)
    if target.scheme not in SCHEMES:
        # the Location as sent: httpx writes file:///etc/passwd as file:/etc/passwd
        raise FetchError(
            f"refused the redirect from {response.url} to {location}: {_scheme_reason(target.scheme)}"
        )


def make_safe_client(settings: Settings, policy: AddressPolicy) -> httpx.Client:
    """An HTTP client for user-given URLs: guarded transport, no proxies from the environment.

    Timeouts, user agent and the redirect limit come from ``settings``, as for
    :func:`storydiff.inputs.fetch.make_client`. The caller closes it.
    """
    return httpx.Client(
        transport=GuardedTransport(policy),
        timeout=settings.timeout,
        follow_redirects=True,
        max_redirects=settings.max_redirects,
        trust_env=False,
        headers={
            "User-Agent": settings.user_agent,
            "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1",
        },
        event_hooks={"response": [_refuse_other_schemes]},
    )


def safe_fetch(url: str, settings: Settings, policy: AddressPolicy) -> FetchResult:
    """Fetch one user-given URL through the guard: checked first, then every hop; no retries.

    Raises :class:`FetchError` (refused address or scheme, unreachable, HTTP
    error) or :class:`~storydiff.errors.InputTooLarge`, with ``input`` set to ``url``.
    """
    check_url(url, policy)
    try:
        with make_safe_client(settings, policy) as client, Fetcher(settings, client, retries=0) as fetcher:
            return fetcher.get(url)
    except InputError as err:
        err.input = err.input or url
        raise
