"""One-click unsubscribe from family mail (RFC 8058): the link in every such mail.

A POST (what mail programs send, with ``List-Unsubscribe=One-Click``) stops the mail about that
child. A GET, which link checkers and previews also make, changes nothing: it shows a button
that posts. The link's signature authorises it; there is no session.
"""

from __future__ import annotations

import asyncio
import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ilp_app import routes
from ilp_app.services.mail.family_mail import unsubscribe
from ilp_app.services.uow import unit_of_work

_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>ILP mail</title></head>
<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5">
<h1 style="font-size:1.4rem">{title}</h1><p>{text}</p>{form}</body></html>"""
NO_STORE = {"Cache-Control": "no-store"}


def _page(title: str, text: str, form: str = "", status: int = 200) -> Response:
    body = _PAGE.format(title=html.escape(title), text=html.escape(text), form=form)
    return HTMLResponse(body, status_code=status, headers=NO_STORE)


def _stop(params: dict) -> bool:
    with unit_of_work() as s:
        return unsubscribe(
            session=s,
            parent_id=params.get("parent_id"),
            learner_id=params.get("learner_id"),
            signature=params.get("signature"),
        )


async def unsubscribe_page(request: Request) -> Response:
    if request.method == "GET":
        form = (
            f'<form method="post" action="{html.escape(request.url.path, quote=True)}">'
            '<button type="submit" style="font-size:1rem;padding:.6rem 1rem">Stop these mails'
            "</button></form>"
        )
        return _page("Stop mail from ILP?", "You will no longer get mail about this child.", form)
    if not await asyncio.to_thread(_stop, dict(request.path_params)):
        return _page(
            "This link does not work", "Change your mail on your home page in ILP.", status=404
        )
    return _page(
        "Done", "You will get no more mail about this child. You can turn it on again in ILP."
    )


def unsubscribe_routes() -> list[Route]:
    return [
        Route(routes.API_UNSUBSCRIBE, unsubscribe_page, methods=["GET", "POST"], name="unsubscribe")
    ]
