"""HTTP routes beside the Reflex event socket: file downloads (a review's .ics, a group's CSV report).

A download link cannot go through a Reflex event, so this is a plain GET on the backend. It
authenticates from the same ``ilp_session`` cookie the pages use (resolved on the server by
``services.auth.current_user``) and authorises through ``services.reviews.review_ics``, like
every event. Answers are never cached, and a refusal says nothing about the review.

Wiring: ``add_routes(app)`` on the ``rx.App`` (in ``ilp_app.py``, after creating it). It adds a
Starlette app holding these routes to ``app.api_transformer``: Reflex mounts its own backend
under it, so everything else is served as before.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ilp_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from ilp_app.services import auth
from ilp_app.services.reports import group_report_csv
from ilp_app.services.reviews import review_ics
from ilp_app.services.uow import unit_of_work

SESSION_COOKIE = "ilp_session"  # the name SessionState gives its rx.Cookie
REVIEW_ICS_PATH = "/api/reviews/{review_id}.ics"

_NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def review_ics_url(review_id) -> str:
    """Where a review's invitation is downloaded (``review_id`` may be a number or a frontend var)."""
    return f"/api/reviews/{review_id}.ics"


def _refusal(status: int, text: str) -> Response:
    return PlainTextResponse(text, status_code=status, headers=_NO_STORE)


def ics_response(token: object, review_id: object, *, client_ip: str = "") -> Response:
    """The HTTP answer for one .ics download by whoever holds the session ``token``.

    200 with the calendar; 401 without a valid session; 403 when the person may not see the
    review (audited); 404 when there is no such review. Refusals carry a fixed text only.
    """
    try:
        with unit_of_work() as s:
            me = auth.current_user(session=s, token=token)
            if me is None:
                return _refusal(401, "Please sign in.")
            text = review_ics(session=s, actor=me.actor, review_id=review_id, client_ip=client_ip)
    except NotSignedIn:
        return _refusal(401, "Please sign in.")
    except PermissionDenied:
        return _refusal(403, "You do not have access to that.")
    except (NotFound, ValidationFailed):
        return _refusal(404, "Not found.")
    rid = int(str(review_id).strip())
    return Response(
        text.encode("utf-8"),
        media_type="text/calendar; charset=utf-8",
        headers={**_NO_STORE, "Content-Disposition": f'attachment; filename="review-{rid}.ics"'},
    )


def csv_response(token: object, group_id: object, *, client_ip: str = "") -> Response:
    """The group report as CSV for whoever holds the session ``token`` (401/403/404 as for .ics)."""
    try:
        with unit_of_work() as s:
            me = auth.current_user(session=s, token=token)
            if me is None:
                return _refusal(401, "Please sign in.")
            filename, text = group_report_csv(session=s, actor=me.actor, group_id=group_id, client_ip=client_ip)
    except NotSignedIn:
        return _refusal(401, "Please sign in.")
    except PermissionDenied:
        return _refusal(403, "You do not have access to that.")
    except (NotFound, ValidationFailed):
        return _refusal(404, "Not found.")
    # A byte-order mark so spreadsheet programs read the names' diacritics as UTF-8.
    return Response(("\ufeff" + text).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={**_NO_STORE, "Content-Disposition": f'attachment; filename="{filename}"'})


def group_csv_endpoint(request: Request) -> Response:
    """GET /api/groups/{group_id}/report.csv (sync: runs in a worker thread)."""
    client_ip = request.client.host if request.client else ""
    return csv_response(request.cookies.get(SESSION_COOKIE), request.path_params.get("group_id"),
                        client_ip=client_ip)


def review_ics_endpoint(request: Request) -> Response:
    """GET /api/reviews/{review_id}.ics. Sync on purpose: Starlette runs it in a worker thread,
    so the database work never blocks the event loop that serves the pages."""
    client_ip = request.client.host if request.client else ""
    return ics_response(request.cookies.get(SESSION_COOKIE), request.path_params.get("review_id"),
                        client_ip=client_ip)


GROUP_CSV_PATH = "/api/groups/{group_id}/report.csv"


def group_csv_url(group_id) -> str:
    return f"/api/groups/{group_id}/report.csv"


def routes() -> list[Route]:
    return [
        Route(REVIEW_ICS_PATH, review_ics_endpoint, methods=["GET"], name="review_ics"),
        Route(GROUP_CSV_PATH, group_csv_endpoint, methods=["GET"], name="group_csv"),
    ]


def add_routes(app) -> None:
    """Serve :func:`routes` from ``app``: an ``rx.App`` (through its API transformer) or a Starlette app."""
    if isinstance(app, Starlette):
        for route in routes():
            app.router.routes.append(route)
        return
    existing = app.api_transformer
    if existing is None:
        transformers = []
    elif isinstance(existing, list | tuple):
        transformers = list(existing)
    else:
        transformers = [existing]
    # Reflex mounts its own backend (events, ping, uploads) inside this app, after these routes.
    app.api_transformer = [*transformers, Starlette(routes=routes())]
