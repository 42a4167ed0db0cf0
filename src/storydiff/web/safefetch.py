"""Fetching a URL a web user gave: public addresses only, checked on every hop.

The web app fetches pages its users name (the compare page, ``POST /api/compare``,
``POST /api/ingest``). Unguarded, that would let anyone who can reach the app
read what only the server can reach: its own ports (127.0.0.1), the private
network (10/8, 172.16/12, 192.168/16, fc00::/7) and the cloud metadata service
(169.254.169.254). :class:`AddressPolicy` says which addresses may be fetched;
:class:`GuardedTransport` applies it to every request a client sends:

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

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import httpx

from storydiff.errors import FetchError, InputError
from storydiff.inputs.fetch import Fetcher, FetchResult
from storydiff.settings import Settings

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

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# (host, port) -> the addresses the host resolves to, as strings.
Resolver = Callable[[str, int], Sequence[str]]

SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PUBLIC_ONLY = "storydiff fetches public web pages only; save the page and paste its text instead"


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, by the operating system (``getaddrinfo``), each once."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"could not connect: host not found ({host}: {exc}); check the address") from None
    return list(dict.fromkeys(str(info[4][0]) for info in answers))


def refusal(address: IPAddress) -> str | None:
    """Why ``address`` may not be fetched from (``"a loopback address"``...), or None when it is public.

    An IPv6 address that embeds an IPv4 one (``::ffff:127.0.0.1``, 6to4) is
    judged by the IPv4 address it leads to.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return refusal(embedded)
    # Most specific first: 127.0.0.1 is also "private", 169.254.169.254 also "private".
    if address.is_loopback:
        return "a loopback address (this machine)"
    if address.is_link_local:
        return "a link-local address (where cloud metadata services answer)"
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_private:
        return "a private network address"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        # fec0::/10, deprecated (RFC 3879) but still routed inside some networks; Python
        # counts it neither private nor reserved, and before 3.12.4 global
        return "a site-local address (a deprecated private range)"
    if address.is_reserved:
        return "a reserved address"
    if not address.is_global:
        return "not a public internet address"
    return None


@dataclass(frozen=True, slots=True)
class AddressPolicy:
    """Which hosts may be fetched: public addresses, plus ``allow`` (tests only; empty by default).

    ``resolver`` turns a host name into its addresses; tests pass a function
    answering from a table, so a "host resolving to a private address" needs no
    DNS server.
    """

    resolver: Resolver = system_resolver
    allow: tuple[IPNetwork, ...] = ()

    def addresses(self, url: httpx.URL) -> list[IPAddress]:
        """The checked addresses to connect to for ``url``; FetchError naming the URL and the reason."""
        try:
            return self._checked(url)
        except _Refused as why:
            raise FetchError(f"refused {url}: {why}" if why.refused else f"{url}: {why}") from None

    def _checked(self, url: httpx.URL) -> list[IPAddress]:
        if url.scheme not in SCHEMES:
            raise _Refused(_scheme_reason(url.scheme))
        host = url.raw_host.decode("ascii")
        if not host:
            raise _Refused("the address has no host name; give a full address like https://example.org/story")
        port = url.port or _DEFAULT_PORTS[url.scheme]
        literal = _ip(host)
        found = (
            [literal] if literal is not None else [_ip_or_fail(a, host) for a in self._resolve(host, port)]
        )
        if not found:
            raise _Refused(f"could not connect: host not found ({host}); check the address", refused=False)
        for address in found:
            reason = None if any(address in net for net in self.allow) else refusal(address)
            if reason is not None:
                via = "" if literal is not None else f" (resolved from {host})"
                raise _Refused(f"{_shown(address)}{via} is {reason}; {_PUBLIC_ONLY}")
        return found

    def _resolve(self, host: str, port: int) -> Sequence[str]:
        try:
            return self.resolver(host, port)
        except FetchError as err:
            raise _Refused(err.message, refused=False) from None


class _Refused(Exception):
    """Why a URL cannot be fetched, before the URL is put in front of it.

    ``refused`` is False for a host that is not found: a failure, not a refusal.
    """

    def __init__(self, reason: str, *, refused: bool = True) -> None:
        super().__init__(reason)
        self.refused = refused


def _shown(address: IPAddress) -> str:
    """An address as written in messages; an IPv6 one embedding IPv4 shows that too."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return f"{address} ({embedded})"
    return str(address)


def _ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _ip_or_fail(text: str, host: str) -> IPAddress:
    address = _ip(text)
    if address is None:
        raise _Refused(
            f"could not connect: {host} resolved to {text!r}, which is not an address", refused=False
        )
    return address


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().split("\n", 1)[0] or type(exc).__name__


def _scheme_reason(scheme: str) -> str:
    shown = f"{scheme}: addresses" if scheme else "an address without http:// or https://"
    return f"{shown} cannot be fetched, only http and https; give the page's web address (https://...)"


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
