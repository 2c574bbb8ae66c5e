"""The event socket answers only the origins the app is served from."""

import base64
import os
import socket
import uuid
from urllib.parse import urlsplit


def _upgrade_status(base_url: str, origin: str, token: str | None = None) -> int:
    """Status of a websocket upgrade to the event endpoint sent with ``origin``."""
    token = str(uuid.uuid4()) if token is None else token
    url = urlsplit(base_url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET /_event/?EIO=4&transport=websocket&token={token} HTTP/1.1\r\nHost: {url.netloc}\r\nUpgrade: websocket\r\n"
        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
    )
    with socket.create_connection((url.hostname, url.port), timeout=10) as sock:
        sock.sendall(request.encode())
        status_line = sock.recv(1024).split(b"\r\n", 1)[0].decode()
    return int(status_line.split()[1])


def test_a_foreign_origin_cannot_open_the_event_socket(base_url):
    assert _upgrade_status(base_url, base_url) == 101
    assert _upgrade_status(base_url, "http://evil.example") == 403
    assert _upgrade_status(base_url, "http://localhost:1") == 403


def test_the_event_socket_takes_only_a_tabs_own_random_token(base_url):
    assert _upgrade_status(base_url, base_url) == 101
    for token in ("", "group1", "projector1", "learner5", "user1", "roster2", "A" * 36):
        assert _upgrade_status(base_url, base_url, token) == 403, token
