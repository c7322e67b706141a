"""The client address behind trusted proxies: from the right of X-Forwarded-For, only
when the peer is a trusted proxy, never what a client wrote itself."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from starlette.requests import Request

from triage.core.client_address import client_address, parse_trusted_proxies

PROXIES = parse_trusted_proxies("10.0.0.0/8, 2001:db8:ffff::/48")


def request_from(peer: str, *forwarded_for: str) -> Request:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded_for]
    return Request({"type": "http", "client": (peer, 4000), "headers": headers})


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "expected"),
    [
        # No proxy configured or an untrusted peer: the header is the client's own words.
        ("203.0.113.7", ["198.51.100.1"], "203.0.113.7"),
        # Through the proxy: the address it appended.
        ("10.0.0.5", ["203.0.113.7"], "203.0.113.7"),
        # A client-written entry left of the proxy's is ignored.
        ("10.0.0.5", ["198.51.100.1, 203.0.113.7"], "203.0.113.7"),
        # Two trusted hops (a load balancer behind the TLS proxy), in one header or two.
        ("10.0.0.5", ["203.0.113.7, 10.1.2.3"], "203.0.113.7"),
        ("10.0.0.5", ["203.0.113.7", "10.1.2.3"], "203.0.113.7"),
        # Ports and IPv6 brackets as some proxies write them.
        ("10.0.0.5", ["203.0.113.7:51234"], "203.0.113.7"),
        ("2001:db8:ffff::1", ["[2001:db8:1::7]:443"], "2001:db8:1::7"),
        # Garbage in the chain: the last hop a trusted proxy vouched for.
        ("10.0.0.5", ["203.0.113.7, not-an-address"], "10.0.0.5"),
        # The proxy without a header: the proxy itself.
        ("10.0.0.5", [], "10.0.0.5"),
    ],
)
def test_client_address(peer: str, forwarded_for: list[str], expected: str) -> None:
    assert client_address(request_from(peer, *forwarded_for), PROXIES) == expected


def test_without_trusted_proxies_the_header_is_never_read() -> None:
    assert client_address(request_from("10.0.0.5", "203.0.113.7"), ()) == "10.0.0.5"


def test_a_bare_address_is_one_proxy() -> None:
    assert parse_trusted_proxies("192.0.2.7") == (ip_network("192.0.2.7/32"),)
    assert parse_trusted_proxies(" ") == ()
