"""The app's HTTP routes (downloads, calendar files) served in-process to a test client."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from starlette.applications import Starlette

from ilp_app.web.http_routes import add_routes

with warnings.catch_warnings():
    # Starlette 1.x would rather its TestClient used httpx2; httpx (the dev dependency) works.
    warnings.filterwarnings("ignore", message=".*httpx2.*")
    from starlette.testclient import TestClient


@contextmanager
def api_client() -> Iterator[TestClient]:
    """A client of the routes :func:`ilp_app.web.http_routes.add_routes` adds to the app, without the app running."""
    app = Starlette()
    add_routes(app)
    with TestClient(app) as client:
        yield client
