"""The data-protection download: everything held about a learner, as a zip archive.

Served like the other downloads (:mod:`ilp_app.web.download`) (session cookie, no caching, fixed refusal
texts); the archive is built and the request authorised by
:func:`ilp_app.services.privacy.learner_export.learner_export`. ``me`` in place of an id names the
signed-in person, so a learner's home can offer the link without knowing any id.
"""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.responses import Response
from starlette.routing import Route

from ilp_app import routes
from ilp_app.domain.parsing import parse_id
from ilp_app.services.access.auth import CurrentUser
from ilp_app.services.privacy.learner_export import learner_export
from ilp_app.web.download import download, endpoint

LEARNER_EXPORT_PATH = routes.API_LEARNER_EXPORT
MY_EXPORT_URL = routes.API_MY_EXPORT


def learner_export_url(learner_id) -> str:
    """Where a learner's archive is downloaded (``learner_id`` may be a number or a frontend var)."""
    return routes.url_for(routes.API_LEARNER_EXPORT, learner_id=learner_id)


def export_response(token: object, learner_id: object, client_ip: str = "") -> Response:
    """The archive of ``learner_id`` ("me": the signed-in person) for whoever may export it."""

    def produce(s, me: CurrentUser):
        lid = me.actor.user_id if learner_id == "me" else learner_id
        data = learner_export(session=s, actor=me.actor, learner_id=lid, client_ip=client_ip)
        return f"ilp-learner-{parse_id(lid, what='learner')}-{datetime.now(UTC):%Y%m%d}.zip", data

    return download(token, produce, media_type="application/zip")


def privacy_routes() -> list[Route]:
    return [
        Route(
            LEARNER_EXPORT_PATH,
            endpoint(export_response, "learner_id"),
            methods=["GET"],
            name="learner_export",
        )
    ]
