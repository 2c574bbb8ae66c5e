"""Change one's own password."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.forms import form_error, labelled_input, native_form
from ilp_app.components.i18n import t
from ilp_app.components.layout import app_shell
from ilp_app.state.login import PasswordState

ROUTE = routes.PASSWORD
TITLE = "Change password · ILP"
ON_LOAD = PasswordState.load


def page() -> rx.Component:
    return app_shell(
        rx.card(
            native_form(
                rx.vstack(
                    rx.cond(
                        PasswordState.required,
                        rx.callout(
                            t(
                                "Your password was reset by an administrator. Choose a new one to continue."
                            ),
                            icon="key-round",
                            color_scheme="amber",
                            width="100%",
                        ),
                    ),
                    rx.text(
                        t("Use at least "),
                        PasswordState.min_length,
                        t(
                            " characters. A short sentence you can "
                            "remember works well; common passwords are refused."
                        ),
                        size="2",
                        color_scheme="gray",
                    ),
                    form_error(PasswordState.error),
                    labelled_input(
                        t("Current password"),
                        name="current_password",
                        type_="password",
                        autocomplete="current-password",
                    ),
                    labelled_input(
                        t("New password"),
                        name="new_password",
                        type_="password",
                        autocomplete="new-password",
                        max_length=PasswordState.max_length,
                    ),
                    labelled_input(
                        t("Repeat new password"),
                        name="confirm_password",
                        type_="password",
                        autocomplete="new-password",
                        max_length=PasswordState.max_length,
                    ),
                    rx.button(t("Change password"), type="submit", size="3"),
                    spacing="4",
                    width="100%",
                ),
                action=routes.PASSWORD_CHANGE,
            ),
            max_width="28rem",
        ),
        heading=t("Change password"),
    )
