"""Which addresses a user-given URL may reach: :class:`AddressPolicy`, public addresses only.

The checks of :mod:`storydiff.web.safefetch` without the HTTP client: the web
app's settings hold a policy, and the app starts without loading httpx (issue
12). Every address a host resolves to is judged by :func:`refusal`; tests reach a
loopback server only through :attr:`AddressPolicy.allow`.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from storydiff.errors import FetchError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "SCHEMES",
    "AddressPolicy",
    "IPAddress",
    "IPNetwork",
    "Resolver",
    "refusal",
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


def _scheme_reason(scheme: str) -> str:
    shown = f"{scheme}: addresses" if scheme else "an address without http:// or https://"
    return f"{shown} cannot be fetched, only http and https; give the page's web address (https://...)"
