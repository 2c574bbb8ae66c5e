"""Every plain HTTP route of the app, served beside the Reflex event socket.

Wiring: ``add_routes(app)`` on the ``rx.App`` (in ``ilp_app.py``, after creating it). It adds a
Starlette app holding these routes to ``app.api_transformer``: Reflex mounts its own backend
under it, so everything else is served as before.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from ilp_app.web import add_transformer
from ilp_app.web.auth_routes import auth_routes
from ilp_app.web.files import file_routes
from ilp_app.web.privacy import privacy_routes
from ilp_app.web.unsubscribe import unsubscribe_routes


def http_routes() -> list[Route]:
    """Sign-in and sign-out, the file downloads and the data-protection archive."""
    return [*auth_routes(), *file_routes(), *privacy_routes(), *unsubscribe_routes()]


def add_routes(app) -> None:
    """Serve :func:`http_routes` from ``app``: an ``rx.App`` (through its API transformer) or a Starlette app."""
    if isinstance(app, Starlette):
        for route in http_routes():
            app.router.routes.append(route)
        return
    # Reflex mounts its own backend (events, ping, uploads) inside this app, after these routes.
    add_transformer(app, Starlette(routes=http_routes()))
