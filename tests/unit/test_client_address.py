"""A request's client address: X-Forwarded-For counts only through the configured proxies."""

from __future__ import annotations

import pytest

from ilp_app.domain.client_address import client_address

PROXY = "10.0.0.2"


def test_without_trusted_proxies_a_spoofed_forwarded_for_is_ignored():
    spoofed = "203.0.113.50"
    assert client_address(peer="198.51.100.7", forwarded_for=spoofed, trusted_hops=0) == (
        "198.51.100.7"
    )


def test_without_a_header_the_peer_is_the_client():
    assert client_address(peer="198.51.100.7", forwarded_for=None, trusted_hops=1) == (
        "198.51.100.7"
    )
    assert client_address(peer="198.51.100.7", forwarded_for="", trusted_hops=1) == "198.51.100.7"


def test_one_trusted_proxy_gives_the_address_it_appended():
    assert client_address(peer=PROXY, forwarded_for="198.51.100.7", trusted_hops=1) == (
        "198.51.100.7"
    )


def test_behind_one_proxy_a_client_cannot_choose_its_address_by_prefilling_the_header():
    # The client sent "X-Forwarded-For: 203.0.113.50"; the proxy appended the real address.
    header = "203.0.113.50, 198.51.100.7"
    assert client_address(peer=PROXY, forwarded_for=header, trusted_hops=1) == "198.51.100.7"


def test_two_trusted_proxies_give_the_address_the_outer_one_appended():
    # CDN saw the client (198.51.100.7) and appended it; nginx appended the CDN (192.0.2.10).
    header = "203.0.113.50, 198.51.100.7, 192.0.2.10"
    assert client_address(peer=PROXY, forwarded_for=header, trusted_hops=2) == "198.51.100.7"


def test_a_header_shorter_than_the_trusted_chain_falls_back_to_the_peer():
    assert client_address(peer=PROXY, forwarded_for="198.51.100.7", trusted_hops=2) == PROXY


@pytest.mark.parametrize(
    "header", [" 198.51.100.7 ", "198.51.100.7,", ", 198.51.100.7", "198.51.100.7 , "]
)
def test_spaces_and_empty_entries_are_ignored(header):
    assert client_address(peer=PROXY, forwarded_for=header, trusted_hops=1) == "198.51.100.7"


@pytest.mark.parametrize("hops", [0, 1, 2, 3])
@pytest.mark.parametrize(
    "header",
    [None, "", "203.0.113.50", "203.0.113.50, 198.51.100.7", "a, b, 192.0.2.10", " , x ,"],
)
def test_the_address_is_the_one_reflex_gives_the_event_socket(monkeypatch, hops, header):
    import reflex.app as reflex_app

    class Config:
        trusted_proxy_hops = hops

    monkeypatch.setattr(reflex_app, "get_config", lambda: Config)
    headers = [] if header is None else [(b"x-forwarded-for", header.encode())]
    environ = {"asgi.scope": {"client": (PROXY, 50000), "headers": headers}}
    socket_data = reflex_app.EventNamespace._build_static_router_data(None, "sid", environ)
    expected = client_address(peer=PROXY, forwarded_for=header, trusted_hops=hops)
    assert socket_data[reflex_app.constants.RouteVar.CLIENT_IP] == expected
