"""Which address a request came from, given how many reverse proxies stand in front of the app."""

from __future__ import annotations


def client_address(*, peer: str, forwarded_for: str | None, trusted_hops: int) -> str:
    """The client's address, derived exactly as Reflex derives it for the event socket.

    ``X-Forwarded-For`` is written by whoever sends the request, so it is believed only as far
    as the configured proxies vouch for it: each trusted proxy appends the address it received
    the request from, so the entry ``trusted_hops`` from the right is the one the outermost
    trusted proxy saw. Entries further left are the client's own claims and never used.

    Args:
        peer: the address of the connection's other end (the nearest proxy, if any).
        forwarded_for: the ``X-Forwarded-For`` header, or None when absent.
        trusted_hops: how many trusted proxies append to the header (0: ignore the header).

    Returns:
        The client's address; ``peer`` when no proxy is trusted or the header is too short to
        hold the trusted entry (as Reflex does).
    """
    if trusted_hops <= 0 or not forwarded_for:
        return peer
    entries = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    if len(entries) < trusted_hops:
        return peer
    return entries[-trusted_hops]
