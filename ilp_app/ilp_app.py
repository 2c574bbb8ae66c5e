"""The app object. Pages are registered explicitly, each with its route, title and on_load."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import reflex as rx

from ilp_app import log_limits
from ilp_app.db.engine import DATABASE_THREADS
from ilp_app.pages import (
    admin,
    admin_coaching,
    admin_groups,
    admin_import,
    admin_mail,
    admin_person,
    admin_privacy,
    admin_rules,
    admin_school,
    evidence,
    group,
    index,
    learner,
    learner_report,
    login,
    mentor,
    objectives,
    parent,
    password,
    password_forgot,
    password_reset,
    plan,
    projector,
    school_view,
    showcase,
    showcase_present,
    teacher,
    templates,
)
from ilp_app.services.live.live_registry import registry_for
from ilp_app.services.mail import sender as mail_sender
from ilp_app.settings import get_settings
from ilp_app.state import live
from ilp_app.state.guard import EventGuard, claim_tab, forget_closed_tab
from ilp_app.state.saving import event_failed
from ilp_app.web import add_transformer, headers
from ilp_app.web.http_routes import add_routes
from ilp_app.web.socket_gate import SocketGate

log_limits.install()

app = rx.App(
    stylesheets=["/styles.css"],
    backend_exception_handler=event_failed,
    head_components=[
        rx.el.meta(name="color-scheme", content="light dark"),
        # Focus back to a dialog's opener; names for file drop zones' inputs.
        rx.el.script(src="/a11y.js", defer=True),
    ],
)

add_routes(app)  # sign-in and file downloads, which check the session cookie themselves
# Outermost: the event socket's door (tab tokens only; the session cookie goes in as a digest).
add_transformer(
    app,
    lambda inner: SocketGate(
        inner,
        on_open=lambda token, digest: claim_tab(app, token, digest),
        on_closed=lambda token: forget_closed_tab(app, token),
    ),
)


async def _database_threads() -> None:
    """Database work runs in threads (never on the event loop): give it a pool its own size.

    The default pool has min(32, cores + 4) threads, six on two cores; a lesson's ticks, the
    pages' session checks and the live pushes would queue for them.
    """
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(max_workers=DATABASE_THREADS, thread_name_prefix="ilp-db")
    )


app.register_lifespan_task(_database_threads)
# Before Reflex's own: every event is checked against the session before anything runs.
app.add_middleware(EventGuard(), index=0)
live.bind(
    live.LivePush(
        modify_state=app.modify_state,
        registry=registry_for(get_settings().redis_url),
        is_connected=lambda token: app.event_namespace._token_manager.is_token_connected(token),
    )
)
app.register_lifespan_task(live.started)
app.register_lifespan_task(mail_sender.sender_loop)
# Last of the API transformers: every response, the socket's refusals included, gets the headers.
headers.install(app)

for module in (
    index,
    login,
    password,
    admin,
    mentor,
    teacher,
    learner,
    parent,
    plan,
    group,
    projector,
    templates,
    learner_report,
    admin_school,
    admin_groups,
    admin_person,
    objectives,
    admin_import,
    admin_privacy,
    password_forgot,
    password_reset,
    admin_mail,
    admin_rules,
    school_view,
    admin_coaching,
    evidence,
    showcase,
    showcase_present,
):
    app.add_page(module.page, route=module.ROUTE, title=module.TITLE, on_load=module.ON_LOAD)
