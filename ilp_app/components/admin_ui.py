"""Pieces the administration pages share: the page frame, lists, a search box and dialog buttons."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from ilp_app.components.admin_nav import admin_nav
from ilp_app.components.forms import form_error, labelled_input
from ilp_app.components.layout import app_shell, empty_note, loading

#: Buttons and links at least this tall are easy to hit on a phone.
TOUCH = {"min_height": "44px"}


def admin_page(
    heading: str, loaded: rx.Var, *children: rx.Component, spacing: str = "4"
) -> rx.Component:
    """An administration page: the sections' links, then ``children`` once the page's data arrived."""
    return app_shell(
        admin_nav(),
        loading(loaded, rx.vstack(*children, spacing=spacing, width="100%", margin_top="1rem")),
        heading=heading,
    )


def item_list(
    rows: rx.Var, render: Callable[[rx.Var], rx.Component], empty: str, *, cards: bool = True
) -> rx.Component:
    """``rows``, each drawn by ``render``, as a grid of cards (or one row under another); ``empty`` if none."""
    return rx.cond(
        rows.length() == 0,
        empty_note(empty),
        rx.box(
            rx.foreach(rows, render),
            role="list",
            width="100%",
            **({"class_name": "card-grid"} if cards else {}),
        ),
    )


def list_row(*children: rx.Component) -> rx.Component:
    """One item of a list drawn row under row, wrapping on a narrow screen."""
    return rx.flex(
        *children,
        role="listitem",
        wrap="wrap",
        spacing="2",
        align="center",
        width="100%",
        padding_y="0.5rem",
        border_bottom="1px solid var(--gray-a4)",
    )


def search_field(label: str, value: rx.Var, on_change) -> rx.Component:
    """A search box under its label; it searches once typing pauses."""
    return rx.el.label(
        rx.text(label, size="2", weight="medium"),
        rx.input(
            placeholder="Name or email",
            value=value,
            type="search",
            on_change=on_change.debounce(250),
            width="100%",
            max_length=100,
        ),
        width="100%",
        max_width="24rem",
    )


def dialog_actions(submit: str | rx.Var, *, on_cancel=None, **submit_props) -> rx.Component:
    """The end of a dialog's form: Cancel (which closes the dialog), then the button that submits."""
    cancel = {"on_click": on_cancel} if on_cancel is not None else {}
    return rx.hstack(
        rx.dialog.close(
            rx.button("Cancel", variant="soft", color_scheme="gray", type="button", **cancel)
        ),
        rx.button(submit, type="submit", **submit_props),
        justify="end",
        wrap="wrap",
        width="100%",
    )


def temporary_password_dialog(
    *,
    name: rx.Var,
    error: rx.Var,
    busy: rx.Var,
    is_open: rx.Var,
    on_close,
    on_submit,
    user_id: rx.Var | None = None,
) -> rx.Component:
    """Set a temporary password for ``name``; ``user_id``, when given, is sent with the form."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Temporary password"),
            rx.dialog.description(
                "For ",
                name,
                ". Their open sessions end now, and they must choose a new "
                "password when they sign in.",
            ),
            rx.form(
                rx.vstack(
                    form_error(error),
                    *(
                        [rx.el.input(type="hidden", name="user_id", value=user_id)]
                        if user_id is not None
                        else []
                    ),
                    labelled_input(
                        "Temporary password", name="password", max_length=128, autocomplete="off"
                    ),
                    dialog_actions("Set password", on_cancel=on_close, loading=busy),
                    spacing="3",
                ),
                on_submit=on_submit,
                reset_on_submit=True,
            ),
        ),
        open=is_open,
        on_open_change=lambda _open: on_close(),
    )
