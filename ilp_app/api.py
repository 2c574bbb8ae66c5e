"""HTTP routes beside the Reflex event socket: file downloads (a review's .ics, a group's CSV report,
printable PDF plans, a finished group print).

A download link cannot go through a Reflex event, so this is a plain GET on the backend. It
authenticates from the same ``ilp_session`` cookie the pages use (resolved on the server by
``services.auth.current_user``) and authorises through the same services as every event.
Answers are never cached, and a refusal says nothing about what was asked for.

Wiring: ``add_routes(app)`` on the ``rx.App`` (in ``ilp_app.py``, after creating it). It adds a
Starlette app holding these routes to ``app.api_transformer``: Reflex mounts its own backend
under it, so everything else is served as before.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from ilp_app import routes
from ilp_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from ilp_app.domain.parsing import parse_id
from ilp_app.services import auth
from ilp_app.services.auth import CurrentUser
from ilp_app.services.print_files import PRINT_FILE_PATH, print_file_take
from ilp_app.services.printing import PLAN_PDF_PATH, group_pdf, plan_pdf
from ilp_app.services.reports import group_report_csv
from ilp_app.services.review_calendar import review_ics
from ilp_app.services.uow import unit_of_work
from ilp_app.web import add_transformer

REVIEW_ICS_PATH = routes.API_REVIEW_ICS

_NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def review_ics_url(review_id) -> str:
    """Where a review's invitation is downloaded (``review_id`` may be a number or a frontend var)."""
    return routes.url_for(routes.API_REVIEW_ICS, review_id=review_id)


_SAFE_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}")


def attachment(filename: object) -> str:
    """The Content-Disposition of a download named ``filename``, whatever characters the name holds.

    A plain ASCII name is sent as it is. Any other (a quote, a line break, a non-ASCII letter from
    a person's or group's name) could break the header or make the server fail: it is sent as an
    ASCII stand-in, with the exact name percent-encoded beside it (RFC 6266 ``filename*``).
    """
    name = filename if isinstance(filename, str) else ""
    if _SAFE_FILENAME.fullmatch(name):
        return f'attachment; filename="{name}"'
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    plain = re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-.")[:150] or "download"
    exact = quote("".join(c for c in name if unicodedata.category(c)[0] != "C")[:150], safe="")
    return f'attachment; filename="{plain}"' + (f"; filename*=UTF-8''{exact}" if exact else "")


def _refusal(status: int, text: str) -> Response:
    return PlainTextResponse(text, status_code=status, headers=_NO_STORE)


def _download(token: object, produce, *, media_type: str) -> Response:
    """Run ``produce(session, me) -> (filename, bytes)`` for whoever holds the session ``token``.

    200 with the file; 401 without a valid session; 403 when the person may not see it (audited);
    404 when it does not exist. Refusals carry a fixed text only, and nothing is cached.
    """
    try:
        with unit_of_work() as s:
            me = auth.current_user(session=s, token=token)
            if me is None:
                return _refusal(401, "Please sign in.")
            filename, data = produce(s, me)
    except NotSignedIn:
        return _refusal(401, "Please sign in.")
    except PermissionDenied:
        return _refusal(403, "You do not have access to that.")
    except (NotFound, ValidationFailed):
        return _refusal(404, "Not found.")
    return Response(
        data,
        media_type=media_type,
        headers={**_NO_STORE, "Content-Disposition": attachment(filename)},
    )


def ics_response(token: object, review_id: object, *, client_ip: str = "") -> Response:
    """A review's .ics invitation."""

    def produce(s, me: CurrentUser):
        text = review_ics(session=s, actor=me.actor, review_id=review_id, client_ip=client_ip)
        return f"review-{parse_id(review_id, what='review')}.ics", text.encode("utf-8")

    return _download(token, produce, media_type="text/calendar; charset=utf-8")


def csv_response(token: object, group_id: object, *, client_ip: str = "") -> Response:
    """A group's report as CSV, with a byte-order mark so spreadsheets read the names' diacritics."""

    def produce(s, me: CurrentUser):
        filename, text = group_report_csv(
            session=s, actor=me.actor, group_id=group_id, client_ip=client_ip
        )
        return filename, ("\ufeff" + text).encode("utf-8")

    return _download(token, produce, media_type="text/csv; charset=utf-8")


def pdf_response(token: object, plan_id: object, client_ip: str = "") -> Response:
    """One plan as a printable PDF (family notes only)."""
    return _download(
        token,
        lambda s, me: plan_pdf(session=s, actor=me.actor, plan_id=plan_id, client_ip=client_ip),
        media_type="application/pdf",
    )


def group_pdf_response(token: object, group_id: object, client_ip: str = "") -> Response:
    """Every current plan of a group in one PDF, each on a new page, rendered for this request."""
    return _download(
        token,
        lambda s, me: group_pdf(session=s, actor=me.actor, group_id=group_id, client_ip=client_ip),
        media_type="application/pdf",
    )


def print_file_response(token: object, key: object, client_ip: str = "") -> Response:
    """A group print rendered in the background, for the same person *and* session that asked for it."""
    return _download(
        token,
        lambda s, me: print_file_take(
            session=s, actor=me.actor, session_id=me.session_id, key=key, client_ip=client_ip
        ),
        media_type="application/pdf",
    )


def _endpoint(respond, param: str):
    """A sync GET endpoint (Starlette runs it in a worker thread, off the pages' event loop)."""

    def endpoint(request: Request) -> Response:
        client_ip = request.client.host if request.client else ""
        return respond(
            request.cookies.get(routes.SESSION_COOKIE),
            request.path_params.get(param),
            client_ip=client_ip,
        )

    return endpoint


GROUP_CSV_PATH = routes.API_GROUP_CSV


def group_csv_url(group_id) -> str:
    return routes.url_for(routes.API_GROUP_CSV, group_id=group_id)


GROUP_PDF_PATH = routes.API_GROUP_PDF


def group_pdf_url(group_id) -> str:
    return routes.url_for(routes.API_GROUP_PDF, group_id=group_id)


def http_routes() -> list[Route]:
    # Imported here: that module builds on this one's helpers.
    from ilp_app.api_privacy import privacy_routes
    from ilp_app.web.auth_routes import auth_routes

    return [
        *auth_routes(),
        *privacy_routes(),
        Route(
            REVIEW_ICS_PATH,
            _endpoint(ics_response, "review_id"),
            methods=["GET"],
            name="review_ics",
        ),
        Route(
            GROUP_CSV_PATH, _endpoint(csv_response, "group_id"), methods=["GET"], name="group_csv"
        ),
        Route(PLAN_PDF_PATH, _endpoint(pdf_response, "plan_id"), methods=["GET"], name="plan_pdf"),
        Route(
            GROUP_PDF_PATH,
            _endpoint(group_pdf_response, "group_id"),
            methods=["GET"],
            name="group_pdf",
        ),
        Route(
            PRINT_FILE_PATH,
            _endpoint(print_file_response, "key"),
            methods=["GET"],
            name="print_file",
        ),
    ]


def add_routes(app) -> None:
    """Serve :func:`http_routes` from ``app``: an ``rx.App`` (through its API transformer) or a Starlette app."""
    if isinstance(app, Starlette):
        for route in http_routes():
            app.router.routes.append(route)
        return
    # Reflex mounts its own backend (events, ping, uploads) inside this app, after these routes.
    add_transformer(app, Starlette(routes=http_routes()))
