"""Who is on the other end of a request: the client address behind trusted proxies.

Behind the TLS proxy that production requires every connection comes from the proxy,
so the peer address alone would put the whole city in one abuse-limit bucket. Trusting
X-Forwarded-For from anyone would let a client choose its own address instead. So the
header is read only when the peer is one of the configured proxies
(`TRIAGE_TRUSTED_PROXIES`), from the right: each proxy appends the address it saw, and
the first address that is not a trusted proxy is the client. Anything left of it was
written by the client and is ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

from starlette.requests import HTTPConnection

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_trusted_proxies(value: str) -> tuple[IPNetwork, ...]:
    """'10.0.0.0/8, 192.0.2.7' → networks; a bare address is a one-address network.
    A network with host bits set (a typo such as 10.0.0.1/8) is refused."""
    return tuple(ipaddress.ip_network(part.strip()) for part in value.split(",") if part.strip())


def _address(value: str) -> IPAddress | None:
    """One X-Forwarded-For entry as an address; ports and IPv6 brackets are dropped."""
    value = value.strip()
    if value.startswith("["):  # "[2001:db8::1]:443"
        value = value[1 : value.find("]")] if "]" in value else value
    elif value.count(":") == 1:  # "192.0.2.1:443"
        value = value.split(":", 1)[0]
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _trusted(address: IPAddress, proxies: Sequence[IPNetwork]) -> bool:
    return any(address.version == network.version and address in network for network in proxies)


def client_address(request: HTTPConnection, trusted_proxies: Sequence[IPNetwork]) -> str | None:
    """The client's address: the peer's, unless the peer is a trusted proxy; then the
    rightmost X-Forwarded-For entry that is not itself a trusted proxy."""
    peer = request.client.host if request.client else None
    if peer is None or not trusted_proxies:
        return peer
    peer_address = _address(peer)
    if peer_address is None or not _trusted(peer_address, trusted_proxies):
        return peer
    hops = [
        hop for header in request.headers.getlist("x-forwarded-for") for hop in header.split(",")
    ]
    client = peer_address
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # Garbage in the chain: nothing left of it can be believed. The last hop a
            # trusted proxy vouched for stands in for the client.
            break
        client = address
        if not _trusted(address, trusted_proxies):
            break
    return str(client)
