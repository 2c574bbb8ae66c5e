"""Signing in, out, and changing one's password: plain HTTP form posts, not socket events.

The session cookie is ``HttpOnly``, so only an HTTP response can set or clear it; no script, and
no state variable, ever holds the token. The forms post here natively, so they work before the
page's scripts have loaded, and a password never travels in a URL. Every answer is a 303 to a
page: the next page load opens a new event socket, which carries the new cookie.

A refusal comes back to the form as a short code in the URL (``?error=failed``), never as the
message itself, so nothing a request sends is ever reflected onto the page.
"""

from __future__ import annotations

import asyncio
import hmac
import time
from urllib.parse import parse_qsl

import httpx
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ilp_app import routes
from ilp_app.domain.client_address import client_address as address_of
from ilp_app.domain.errors import DomainError, NotSignedIn
from ilp_app.services.access import auth, oidc, password_reset
from ilp_app.services.uow import unit_of_work
from ilp_app.settings import get_settings

#: A sign-in or password form is a few hundred bytes; anything far larger is not one.
MAX_FORM_BYTES = 16 * 1024

#: Asking for a reset link always takes at least this long, whether or not the address exists.
RESET_ANSWER_FLOOR_S = 0.6
RESET_ERRORS = {
    password_reset.MSG_LINK_INVALID: "link",
    auth.MSG_PASSWORDS_DIFFER: "differ",
}

PASSWORD_ERRORS = {
    auth.MSG_CURRENT_PASSWORD_WRONG: "current",
    auth.MSG_PASSWORDS_DIFFER: "differ",
    auth.MSG_PASSWORD_UNCHANGED: "unchanged",
}


def client_address(request: Request) -> str:
    """The address a request came from: the peer, or the forwarded one behind trusted proxies."""
    return address_of(
        peer=request.client.host if request.client else "",
        forwarded_for=request.headers.get("x-forwarded-for"),
        trusted_hops=get_settings().trusted_proxy_hops,
    )


def same_origin(request: Request) -> bool:
    """Whether a form post comes from one of the app's own pages.

    Browsers send ``Origin`` with every POST; a cross-site form (a login or sign-out forced on
    someone by another site) carries that site's origin and is refused.
    """
    origin = request.headers.get("origin", "")
    return origin in get_settings().public_origins


def _set_session_cookie(response: Response, token: str) -> None:
    settings = get_settings()
    response.set_cookie(
        routes.SESSION_COOKIE,
        token,
        max_age=settings.session_absolute_hours * 3600,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        # Lax: a link from an email or a calendar opens the app signed in; a cross-site POST
        # never carries it (and is refused by the Origin check besides).
        samesite="lax",
    )


def _clear_session_cookie(response: Response) -> None:
    settings = get_settings()
    response.delete_cookie(
        routes.SESSION_COOKIE,
        path="/",
        secure=settings.cookie_secure,
        httponly=True,
        samesite="lax",
    )


async def _form(request: Request) -> dict[str, str] | None:
    """The posted fields, or None when the body is not a small url-encoded form."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=10)
    except (UnicodeDecodeError, ValueError):
        return None
    return dict(pairs)


def _forbidden() -> Response:
    return PlainTextResponse(
        "This form must be sent from the app's own page.",
        status_code=403,
        headers={"Cache-Control": "no-store"},
    )


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})


def _sign_in(email: object, password: object, client_ip: str, old_token: str):
    with unit_of_work() as s:
        result = auth.sign_in(session=s, email=email, password=password, client_ip=client_ip)
        # Whoever signed in here before is signed out: one browser, one session.
        auth.sign_out(session=s, token=old_token)
        return result


async def sign_in(request: Request) -> Response:
    if not same_origin(request):
        return _forbidden()
    form = await _form(request)
    if form is None:
        return _see_other(routes.login_url(error="failed"))
    try:
        # Hashing is deliberately slow: off the event loop, so other people are not held up.
        result = await asyncio.to_thread(
            _sign_in,
            form.get("email"),
            form.get("password"),
            client_address(request),
            request.cookies.get(routes.SESSION_COOKIE, ""),
        )
    except auth.SignInRefused as refusal:
        return _see_other(routes.login_url(error=refusal.code, wait_seconds=refusal.wait_seconds))
    target = routes.PASSWORD if result.must_change_password else routes.home_url(result.home_role)
    response = _see_other(target)
    _set_session_cookie(response, result.token)
    return response


def _sign_out(token: str) -> None:
    with unit_of_work() as s:
        auth.sign_out(session=s, token=token)


async def sign_out(request: Request) -> Response:
    if not same_origin(request):
        return _forbidden()
    await asyncio.to_thread(_sign_out, request.cookies.get(routes.SESSION_COOKIE, ""))
    response = _see_other(routes.login_url(error="signed_out"))
    _clear_session_cookie(response)
    return response


def _password_change(token: str, form: dict, client_ip: str) -> tuple[str, str]:
    """The new session token, and the home page to go on to."""
    with unit_of_work() as s:
        new_token = auth.password_change(
            session=s,
            token=token,
            current_password=form.get("current_password"),
            new_password=form.get("new_password"),
            confirm_password=form.get("confirm_password"),
            client_ip=client_ip,
        )
        me = auth.current_user(session=s, token=new_token)
        return new_token, routes.home_url(me.actor.active_role if me else None)


async def password_change(request: Request) -> Response:
    if not same_origin(request):
        return _forbidden()
    form = await _form(request)
    if form is None:
        return _see_other(routes.password_url(error="current"))
    try:
        token, home = await asyncio.to_thread(
            _password_change,
            request.cookies.get(routes.SESSION_COOKIE, ""),
            form,
            client_address(request),
        )
    except NotSignedIn:
        return _see_other(routes.login_url(error="expired"))
    except DomainError as error:
        return _see_other(routes.password_url(error=PASSWORD_ERRORS.get(error.message, "policy")))
    response = _see_other(home)
    _set_session_cookie(response, token)
    return response


def _reset_request(email: object, origin: str, client_ip: str) -> None:
    with unit_of_work() as s:
        password_reset.password_reset_request(
            session=s, email=email, origin=origin, client_ip=client_ip
        )


async def forgot(request: Request) -> Response:
    """Mail a reset link if the address has an account; the answer never tells which."""
    if not same_origin(request):
        return _forbidden()
    started = time.monotonic()
    form = await _form(request) or {}
    await asyncio.to_thread(
        _reset_request, form.get("email"), request.headers["origin"], client_address(request)
    )
    await asyncio.sleep(max(0.0, RESET_ANSWER_FLOOR_S - (time.monotonic() - started)))
    return _see_other(routes.forgot_url(sent=True))


def _reset(form: dict, client_ip: str) -> tuple[str, str]:
    with unit_of_work() as s:
        done = password_reset.password_reset_complete(
            session=s,
            token=form.get("token"),
            new_password=form.get("new_password"),
            confirm_password=form.get("confirm_password"),
            client_ip=client_ip,
        )
        me = auth.current_user(session=s, token=done.token)
        return done.token, routes.home_url(me.actor.active_role if me else None)


async def reset(request: Request) -> Response:
    """Set a new password through a reset link, then sign in (every other session has ended)."""
    if not same_origin(request):
        return _forbidden()
    form = await _form(request)
    if form is None:
        return _see_other(routes.reset_page_url(error="link"))
    try:
        token, home = await asyncio.to_thread(_reset, form, client_address(request))
    except DomainError as error:
        code = RESET_ERRORS.get(error.message, "policy")
        # Only a link still worth trying goes back to the page (in the fragment, never logged).
        keep = form.get("token", "") if code != "link" else ""
        return _see_other(routes.reset_page_url(error=code, token=keep))
    response = _see_other(home)
    _set_session_cookie(response, token)
    return response


#: The browser's half of a provider sign-in: its state, matched by the callback (10 minutes).
OIDC_COOKIE = "ilp_oidc_state"


def _origin(request: Request) -> str:
    """Where the browser reached the app, if it is one of the app's public origins."""
    here = str(request.base_url).rstrip("/")
    origins = get_settings().public_origins
    return here if here in origins else origins[0]


def _oidc_start(p, origin: str):
    with unit_of_work() as s:
        return oidc.oidc_start(session=s, p=p, origin=origin)


async def oidc_start(request: Request) -> Response:
    """Send the browser to the school's provider (a link on the sign-in page)."""
    p = oidc.provider(request.path_params.get("key"))
    if p is None:
        return _see_other(routes.login_url(error="oidc_failed"))
    try:
        started = await asyncio.to_thread(_oidc_start, p, _origin(request))
    except (DomainError, OSError, ValueError, httpx.HTTPError):  # the provider is away or wrong
        return _see_other(routes.login_url(error="oidc_failed"))
    response = _see_other(started.url)
    response.set_cookie(
        OIDC_COOKIE,
        started.state,
        max_age=int(oidc.LOGIN_LIFETIME.total_seconds()),
        path="/auth/oidc",
        secure=get_settings().cookie_secure,
        httponly=True,
        samesite="lax",  # the provider's redirect back is a top-level GET: the cookie comes along
    )
    return response


def _oidc_finish(p, state: str, code: str, origin: str, client_ip: str):
    with unit_of_work() as s:
        done = oidc.oidc_finish(
            session=s, p=p, state=state, code=code, origin=origin, client_ip=client_ip
        )
        return done.token, routes.home_url(done.home_role)


async def oidc_callback(request: Request) -> Response:
    """The provider sent the browser back with a code: sign in, or say why not."""
    p = oidc.provider(request.path_params.get("key"))
    state = request.query_params.get("state", "")
    expected = request.cookies.get(OIDC_COOKIE, "")
    if p is None or not state or not hmac.compare_digest(state.encode(), expected.encode()):
        return _see_other(routes.login_url(error="oidc_failed"))  # not this browser's sign-in
    try:
        token, home = await asyncio.to_thread(
            _oidc_finish,
            p,
            state,
            request.query_params.get("code", ""),
            _origin(request),
            client_address(request),
        )
    except oidc.OidcRefused as refused:
        response = _see_other(routes.login_url(error=refused.code))
    except (DomainError, OSError, ValueError, httpx.HTTPError):
        response = _see_other(routes.login_url(error="oidc_failed"))
    else:
        response = _see_other(home)
        _set_session_cookie(response, token)
    response.delete_cookie(OIDC_COOKIE, path="/auth/oidc")
    return response


def auth_routes() -> list[Route]:
    return [
        Route(routes.SIGN_IN, sign_in, methods=["POST"], name="sign_in"),
        Route(routes.SIGN_OUT, sign_out, methods=["POST"], name="sign_out"),
        Route(routes.PASSWORD_CHANGE, password_change, methods=["POST"], name="password_change"),
        Route(routes.AUTH_FORGOT, forgot, methods=["POST"], name="password_forgot"),
        Route(routes.AUTH_RESET, reset, methods=["POST"], name="password_reset"),
        Route(routes.AUTH_OIDC_START, oidc_start, methods=["GET"], name="oidc_start"),
        Route(routes.AUTH_OIDC_CALLBACK, oidc_callback, methods=["GET"], name="oidc_callback"),
    ]
