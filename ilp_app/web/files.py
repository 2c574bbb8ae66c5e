"""The file downloads: a review's .ics, a group's CSV report, printable PDF plans, a finished
group print. Each is a GET that :mod:`ilp_app.web.download` checks and answers."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ilp_app import routes
from ilp_app.domain.parsing import parse_id
from ilp_app.services.access.auth import CurrentUser
from ilp_app.services.access.invitation_letters import group_invitation_letters
from ilp_app.services.evidence.evidence import evidence_file
from ilp_app.services.evidence.showcase import showcase_pdf
from ilp_app.services.reports.print_files import PRINT_FILE_PATH, print_file_take
from ilp_app.services.reports.printing import PLAN_PDF_PATH, group_pdf, plan_pdf
from ilp_app.services.reports.reports import group_report_csv
from ilp_app.services.reviews.review_calendar import review_ics
from ilp_app.services.school.school_view import school_view_csv
from ilp_app.settings import public_origin
from ilp_app.web.download import download, endpoint

REVIEW_ICS_PATH = routes.API_REVIEW_ICS


def review_ics_url(review_id) -> str:
    """Where a review's invitation is downloaded (``review_id`` may be a number or a frontend var)."""
    return routes.url_for(routes.API_REVIEW_ICS, review_id=review_id)


def ics_response(token: object, review_id: object, *, client_ip: str = "") -> Response:
    """A review's .ics invitation."""

    def produce(s, me: CurrentUser):
        text = review_ics(session=s, actor=me.actor, review_id=review_id, client_ip=client_ip)
        return f"review-{parse_id(review_id, what='review')}.ics", text.encode("utf-8")

    return download(token, produce, media_type="text/calendar; charset=utf-8")


def csv_response(token: object, group_id: object, *, client_ip: str = "") -> Response:
    """A group's report as CSV, with a byte-order mark so spreadsheets read the names' diacritics."""

    def produce(s, me: CurrentUser):
        filename, text = group_report_csv(
            session=s, actor=me.actor, group_id=group_id, client_ip=client_ip
        )
        return filename, ("\ufeff" + text).encode("utf-8")

    return download(token, produce, media_type="text/csv; charset=utf-8")


def pdf_response(token: object, plan_id: object, client_ip: str = "") -> Response:
    """One plan as a printable PDF (family notes only)."""
    return download(
        token,
        lambda s, me: plan_pdf(session=s, actor=me.actor, plan_id=plan_id, client_ip=client_ip),
        media_type="application/pdf",
    )


def group_pdf_response(token: object, group_id: object, client_ip: str = "") -> Response:
    """Every current plan of a group in one PDF, each on a new page, rendered for this request."""
    return download(
        token,
        lambda s, me: group_pdf(session=s, actor=me.actor, group_id=group_id, client_ip=client_ip),
        media_type="application/pdf",
    )


def letters_response(token: object, group_id: object, client_ip: str = "") -> Response:
    """Printed invitations for a group's families who have not signed in (administrators)."""
    return download(
        token,
        lambda s, me: group_invitation_letters(
            session=s,
            actor=me.actor,
            group_id=group_id,
            origin=public_origin(""),
            client_ip=client_ip,
        ),
        media_type="application/pdf",
    )


def group_letters_url(group_id) -> str:
    return routes.url_for(routes.API_GROUP_LETTERS, group_id=group_id)


def print_file_response(token: object, key: object, client_ip: str = "") -> Response:
    """A group print rendered in the background, for the same person *and* session that asked for it."""
    return download(
        token,
        lambda s, me: print_file_take(
            session=s, actor=me.actor, session_id=me.session_id, key=key, client_ip=client_ip
        ),
        media_type="application/pdf",
    )


def evidence_response(token: object, evidence_id: object, client_ip: str = "") -> Response:
    """One piece of evidence, for someone who may see it (a parent only once it is approved).

    Always an attachment, never cached, never sniffed: the stored file was checked by content
    when it arrived, and the browser is told not to guess otherwise.
    """
    return download(
        token,
        lambda s, me: evidence_file(
            session=s, actor=me.actor, evidence_id=evidence_id, client_ip=client_ip
        ),
    )


def showcase_pdf_response(token: object, plan_id: object, client_ip: str = "") -> Response:
    """A showcase as a PDF, for whoever may see it (a family once the owner shares it)."""
    return download(
        token,
        lambda s, me: showcase_pdf(session=s, actor=me.actor, plan_id=plan_id, client_ip=client_ip),
        media_type="application/pdf",
    )


GROUP_CSV_PATH = routes.API_GROUP_CSV


def group_csv_url(group_id) -> str:
    return routes.url_for(routes.API_GROUP_CSV, group_id=group_id)


SCHOOL_VIEW_CSV_PATH = routes.API_SCHOOL_VIEW_CSV


def school_view_csv_response(token: object, _unused: object, *, client_ip: str = "") -> Response:
    """The school view's figures as CSV (administrators), with a byte-order mark like the others."""

    def produce(s, me: CurrentUser):
        filename, text = school_view_csv(session=s, actor=me.actor, client_ip=client_ip)
        return filename, ("\ufeff" + text).encode("utf-8")

    return download(token, produce, media_type="text/csv; charset=utf-8")


GROUP_PDF_PATH = routes.API_GROUP_PDF


def group_pdf_url(group_id) -> str:
    return routes.url_for(routes.API_GROUP_PDF, group_id=group_id)


def file_routes() -> list[Route]:
    return [
        Route(
            REVIEW_ICS_PATH,
            endpoint(ics_response, "review_id"),
            methods=["GET"],
            name="review_ics",
        ),
        Route(
            GROUP_CSV_PATH, endpoint(csv_response, "group_id"), methods=["GET"], name="group_csv"
        ),
        Route(
            SCHOOL_VIEW_CSV_PATH,
            endpoint(school_view_csv_response, "none"),
            methods=["GET"],
            name="school_view_csv",
        ),
        Route(PLAN_PDF_PATH, endpoint(pdf_response, "plan_id"), methods=["GET"], name="plan_pdf"),
        Route(
            GROUP_PDF_PATH,
            endpoint(group_pdf_response, "group_id"),
            methods=["GET"],
            name="group_pdf",
        ),
        Route(
            routes.API_GROUP_LETTERS,
            endpoint(letters_response, "group_id"),
            methods=["GET"],
            name="group_letters",
        ),
        Route(
            routes.API_EVIDENCE_FILE,
            endpoint(evidence_response, "evidence_id"),
            methods=["GET"],
            name="evidence_file",
        ),
        Route(
            routes.API_SHOWCASE_PDF,
            endpoint(showcase_pdf_response, "plan_id"),
            methods=["GET"],
            name="showcase_pdf",
        ),
        Route(
            PRINT_FILE_PATH,
            endpoint(print_file_response, "key"),
            methods=["GET"],
            name="print_file",
        ),
    ]
