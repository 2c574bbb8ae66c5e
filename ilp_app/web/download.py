"""What every file download shares: the session check, fixed refusals, safe names, no caching.

A download link cannot go through a Reflex event, so each file is a plain GET on the backend. It
authenticates from the same session cookie the pages use (resolved on the server by
``services.access.auth.current_user``) and authorises through the same services as every event.
Answers are never cached, and a refusal says nothing about what was asked for.
"""

from __future__ import annotations

import contextvars
import re
import unicodedata
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ilp_app import routes
from ilp_app.domain.errors import NotFound, NotSignedIn, PermissionDenied, ValidationFailed
from ilp_app.i18n import choose_language, negotiate, use_language
from ilp_app.services.access import auth
from ilp_app.services.uow import unit_of_work

NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}

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


def refusal(status: int, text: str) -> Response:
    return PlainTextResponse(text, status_code=status, headers=NO_STORE)


#: The language the request's browser asks for (``Accept-Language``), for a reader who chose none.
_browser_language: contextvars.ContextVar[str] = contextvars.ContextVar(
    "browser_language", default=""
)


def download(token: object, produce, *, media_type: str = "") -> Response:
    """Run ``produce(session, me) -> (filename, bytes)`` for whoever holds the session ``token``.

    Without ``media_type``, ``produce`` names the type itself: ``(filename, bytes, media_type)``.
    The file is written in the reader's language (their choice, their browser's, the school's).

    200 with the file; 401 without a valid session; 403 when the person may not see it (audited);
    404 when it does not exist. Refusals carry a fixed text only, and nothing is cached.
    """
    try:
        with unit_of_work() as s:
            me = auth.current_user(session=s, token=token)
            if me is None:
                return refusal(401, "Please sign in.")
            language = choose_language(
                chosen=me.language, browser=_browser_language.get(), school=me.school_language
            )
            with use_language(language):
                produced = produce(s, me)
            filename, data = produced[:2]
            media_type = media_type or produced[2]
    except NotSignedIn:
        return refusal(401, "Please sign in.")
    except PermissionDenied:
        return refusal(403, "You do not have access to that.")
    except (NotFound, ValidationFailed):
        return refusal(404, "Not found.")
    return Response(
        data,
        media_type=media_type,
        headers={**NO_STORE, "Content-Disposition": attachment(filename)},
    )


def endpoint(respond, param: str):
    """A sync GET endpoint (Starlette runs it in a worker thread, off the pages' event loop)."""

    def answer(request: Request) -> Response:
        client_ip = request.client.host if request.client else ""
        _browser_language.set(negotiate(request.headers.get("accept-language", "")) or "")
        return respond(
            request.cookies.get(routes.SESSION_COOKIE),
            request.path_params.get(param),
            client_ip=client_ip,
        )

    return answer
