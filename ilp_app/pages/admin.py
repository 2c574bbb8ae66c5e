"""Administrator console: accounts, new accounts, temporary passwords, disabling."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.accounts_table import accounts_table, bulk_actions, filters, pager
from ilp_app.components.admin_nav import admin_nav
from ilp_app.components.admin_ui import (
    dialog_actions,
    search_field,
    temporary_password_dialog,
)
from ilp_app.components.forms import form_error, labelled, labelled_input
from ilp_app.components.layout import app_shell, loading
from ilp_app.components.staff_plans import staff_sections
from ilp_app.state.admin import ROLE_FIELD_PREFIX, AdminState
from ilp_app.state.staff_plans import StaffPlansState

ROUTE = routes.ADMIN
TITLE = "Administration · ILP"
ON_LOAD = [AdminState.load, StaffPlansState.load]


def password_dialog() -> rx.Component:
    return temporary_password_dialog(
        name=AdminState.dialog_user_name,
        error=AdminState.dialog_error,
        busy=AdminState.busy,
        is_open=AdminState.dialog_user_id != 0,
        on_close=AdminState.close_password_dialog,
        on_submit=AdminState.set_temporary_password,
        user_id=AdminState.dialog_user_id,
    )


def role_checkboxes(checked=None) -> rx.Component:
    """The roles as checkboxes named ``role-<role>``; ``checked(value)`` gives each one's start."""
    return rx.el.fieldset(
        rx.el.legend("Roles", class_name="field-label"),
        rx.foreach(
            AdminState.role_choices,
            lambda r: rx.el.label(
                rx.el.input(
                    type="checkbox",
                    name=ROLE_FIELD_PREFIX + r["value"],
                    default_checked=checked(r["value"]) if checked else False,
                ),
                " ",
                r["label"],
                class_name="checkbox-line",
                style={"min_height": "32px"},
            ),
        ),
        class_name="objective-fieldset",
    )


def pronoun_audience_select(field_id: str, default=None) -> rx.Component:
    return labelled(
        "Pronouns shown to",
        field_id,
        rx.el.select(
            rx.el.option("Staff and family", value="family"),
            rx.el.option("Staff only", value="staff"),
            id=field_id,
            name="pronouns_visibility",
            default_value=default if default is not None else "family",
            class_name="role-select",
        ),
    )


def create_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("New account"),
            rx.dialog.description(
                "Without a temporary password the account cannot sign in until you set one.",
                size="2",
            ),
            rx.form(
                rx.vstack(
                    form_error(AdminState.create_error),
                    labelled_input(
                        "Full name", name="full_name", max_length=200, autocomplete="off"
                    ),
                    labelled_input(
                        "Preferred name (optional)",
                        name="preferred_name",
                        max_length=100,
                        required=False,
                        autocomplete="off",
                    ),
                    labelled_input(
                        "Email", name="email", type_="email", max_length=254, autocomplete="off"
                    ),
                    labelled_input(
                        "Pronouns (optional)",
                        name="pronouns",
                        max_length=50,
                        required=False,
                        autocomplete="off",
                    ),
                    pronoun_audience_select("new-pronouns-visibility"),
                    role_checkboxes(),
                    labelled_input(
                        "Temporary password (optional)",
                        name="new_password",
                        max_length=128,
                        required=False,
                        autocomplete="off",
                    ),
                    dialog_actions(
                        "Create account", on_cancel=AdminState.close_create, loading=AdminState.busy
                    ),
                    spacing="3",
                ),
                on_submit=AdminState.create_account,
            ),
            max_width="32rem",
        ),
        open=AdminState.create_open,
        on_open_change=lambda _open: AdminState.close_create(),
    )


def page() -> rx.Component:
    return app_shell(
        admin_nav(),
        staff_sections(),
        loading(
            AdminState.loaded,
            rx.vstack(
                rx.hstack(
                    search_field("Find an account", AdminState.query, AdminState.search),
                    rx.button(
                        rx.icon("user-plus", size=16),
                        "New account",
                        on_click=AdminState.open_create,
                    ),
                    align="end",
                    wrap="wrap",
                    spacing="3",
                    width="100%",
                ),
                filters(),
                bulk_actions(),
                rx.cond(
                    AdminState.total == 0,
                    rx.text("No accounts match.", size="2"),
                    accounts_table(),
                ),
                pager(),
                password_dialog(),
                create_dialog(),
                spacing="4",
                width="100%",
            ),
        ),
        heading="Accounts",
    )
