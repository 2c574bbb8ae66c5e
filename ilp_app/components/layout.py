"""The frame around every signed-in page: header, navigation, role switcher, sign-out."""

from __future__ import annotations

import reflex as rx

from ilp_app import routes
from ilp_app.components.forms import native_form
from ilp_app.components.i18n import (
    document_language,
    language_menu_items,
    language_switch,
    t,
    tn,
)
from ilp_app.components.live import heartbeat
from ilp_app.services.live.live_registry import INBOX_HEARTBEAT_SECONDS
from ilp_app.state.inbox import InboxState
from ilp_app.state.session import SessionState


def skip_link() -> rx.Component:
    return rx.el.a(t("Skip to content"), href="#main", class_name="skip-link")


def brand() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon("notebook-pen", size=22, aria_hidden="true"),
            rx.text(t("ILP"), weight="bold", size="4"),
            align="center",
            spacing="2",
        ),
        href=routes.INDEX,
        underline="none",
        aria_label=t("ILP home"),
    )


def role_switcher() -> rx.Component:
    """Shown only to people who hold more than one role."""
    return rx.cond(
        SessionState.role_options.length() > 1,
        rx.el.label(
            rx.text(t("View as"), size="2", as_="span", class_name="visually-hidden"),
            rx.el.select(
                rx.foreach(
                    SessionState.role_options,
                    lambda opt: rx.el.option(opt["label"], value=opt["value"]),
                ),
                value=SessionState.active_role,
                on_change=SessionState.switch_role,
                aria_label=t("View as"),
                class_name="role-select",
            ),
        ),
    )


def notification_bell() -> rx.Component:
    """Unread count that updates live; the list opens in a popover."""
    unread = InboxState.unread
    item = lambda n: rx.box(  # noqa: E731
        rx.text(n.text, size="2", weight=rx.cond(n.unread, "bold", "regular")),
        rx.text(
            n.created_at,
            rx.cond(n.count > 1, " · " + tn("%(num)d time", "%(num)d times", n.count), ""),
            size="1",
            color_scheme="gray",
        ),
        on_click=InboxState.mark_read(n.id, n.plan_id),
        class_name="inbox-item",
        role="button",
        tab_index=0,
    )
    return rx.popover.root(
        rx.popover.trigger(
            rx.button(
                rx.icon("bell", size=18),
                rx.cond(
                    unread > 0,
                    rx.badge(
                        unread,
                        color_scheme="red",
                        variant="solid",
                        high_contrast=True,
                        radius="full",
                    ),
                ),
                variant="ghost",
                aria_label=rx.cond(
                    unread > 0,
                    tn("Notifications, %(num)d unread", "Notifications, %(num)d unread", unread),
                    t("Notifications"),
                ),
            ),
        ),
        rx.popover.content(
            rx.hstack(
                rx.heading(t("Notifications"), size="3", as_="h2"),
                rx.spacer(),
                rx.button(
                    t("Mark all as read"),
                    size="1",
                    variant="soft",
                    on_click=InboxState.mark_all_read,
                ),
                align="center",
                width="100%",
            ),
            rx.cond(
                InboxState.items.length() == 0,
                rx.text(t("Nothing yet."), size="2", color_scheme="gray"),
                rx.vstack(
                    rx.foreach(InboxState.items, item),
                    spacing="1",
                    width="100%",
                    class_name="inbox-list",
                ),
            ),
            width="min(24rem, 92vw)",
        ),
        on_open_change=InboxState.open_inbox,
    )


def sign_out_button() -> rx.Component:
    """A form posting to the sign-out route: only an HTTP response can clear the session cookie."""
    return native_form(
        rx.button(t("Sign out"), type="submit", variant="soft", size="2"),
        action=routes.SIGN_OUT,
    )


def header_bar() -> rx.Component:
    return rx.el.header(
        rx.hstack(
            brand(),
            rx.spacer(),
            role_switcher(),
            notification_bell(),
            rx.text(SessionState.user_name, size="2", class_name="hide-narrow", weight="medium"),
            rx.menu.root(
                rx.menu.trigger(
                    rx.button(
                        rx.icon("circle-user", size=18),
                        variant="ghost",
                        aria_label=t("Account menu"),
                    ),
                ),
                rx.menu.content(
                    rx.menu.item(t("Change password"), on_click=rx.redirect(routes.PASSWORD)),
                    rx.menu.separator(),
                    *language_menu_items(),
                ),
            ),
            sign_out_button(),
            heartbeat(InboxState.watch, seconds=INBOX_HEARTBEAT_SECONDS),
            align="center",
            spacing="3",
            width="100%",
        ),
        class_name="app-header",
        on_mount=InboxState.watch,
    )


def ilp_off_notice() -> rx.Component:
    """Why a page shows nothing: the person's school has switched ILPs off."""
    return rx.cond(
        SessionState.ilp_notice != "",
        rx.callout(
            SessionState.ilp_notice,
            icon="info",
            color_scheme="amber",
            variant="surface",
            role="status",
            width="100%",
            margin_bottom="1rem",
        ),
    )


def app_shell(*children: rx.Component, heading: str | rx.Var) -> rx.Component:
    """A signed-in page: header, a main landmark with the page heading, then content."""
    return rx.box(
        document_language(heading),
        skip_link(),
        header_bar(),
        rx.el.main(
            rx.heading(heading, as_="h1", size="7", margin_bottom="1rem"),
            ilp_off_notice(),
            *children,
            id="main",
            class_name="app-main",
        ),
    )


def loading(flag: rx.Var, *children: rx.Component) -> rx.Component:
    """Show ``children`` once the page's data arrived, a spinner until then."""
    return rx.cond(
        flag,
        rx.fragment(*children),
        rx.cond(
            SessionState.ilp_notice != "",
            rx.fragment(),  # refused, with the reason above: nothing is coming
            rx.center(rx.spinner(size="3"), padding="3rem", aria_label=t("Loading")),
        ),
    )


def empty_note(text: str | rx.Var) -> rx.Component:
    return rx.callout(text, icon="info", color_scheme="gray", variant="surface")


def auth_card(content: rx.Component) -> rx.Component:
    """The signed-out pages' one centred card (sign in, forgotten password, new password)."""
    return rx.center(
        document_language(),
        rx.vstack(
            rx.card(content, class_name="auth-card", size="3"),
            # Before signing in, the choice holds for this tab; the browser's language until then.
            language_switch(id_prefix="auth-lang"),
            align="center",
            spacing="3",
        ),
        min_height="100vh",
        padding="1rem",
    )


def provider_buttons(providers: rx.Var) -> rx.Component:
    """ "Sign in with …" for each school sign-in provider (plain links: the browser leaves)."""
    return rx.cond(
        providers.length() > 0,
        rx.vstack(
            rx.text(t("or"), size="2", color_scheme="gray", align="center", width="100%"),
            rx.foreach(
                providers,
                lambda p: rx.el.a(
                    rx.icon("school", size=16, aria_hidden="true"),
                    p["label"],
                    href=p["href"],
                    class_name="provider-button",
                ),
            ),
            spacing="2",
            width="100%",
        ),
    )
