"""Choose a new password through a reset link (its token is in the URL's fragment)."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.forms import form_error, labelled_input, native_form
from ilp_app.components.i18n import t
from ilp_app.components.layout import auth_card, provider_buttons
from ilp_app.state.login import PasswordResetState

ROUTE = routes.PASSWORD_RESET
TITLE = "Choose your password · ILP"
ON_LOAD = PasswordResetState.load_reset


def page() -> rx.Component:
    return auth_card(
        native_form(
            rx.vstack(
                rx.heading(t("Choose your password"), as_="h1", size="6"),
                rx.text(
                    t("Use at least "),
                    PasswordResetState.min_length,
                    t(
                        " characters. A short sentence you can remember works well; common "
                        "passwords are refused. Your other devices will be signed out."
                    ),
                    size="2",
                    color_scheme="gray",
                ),
                form_error(PasswordResetState.error),
                # Filled from the link's fragment by /a11y.js: the token is never in a URL
                # a server sees, and it is posted with the form.
                rx.el.input(type="hidden", name="token", custom_attrs={"data-from-fragment": ""}),
                labelled_input(
                    t("New password"),
                    name="new_password",
                    type_="password",
                    autocomplete="new-password",
                    max_length=PasswordResetState.max_length,
                ),
                labelled_input(
                    t("Repeat new password"),
                    name="confirm_password",
                    type_="password",
                    autocomplete="new-password",
                    max_length=PasswordResetState.max_length,
                ),
                rx.button(t("Save and sign in"), type="submit", size="3", width="100%"),
                provider_buttons(PasswordResetState.providers),
                rx.link(
                    t("Ask for a new link"),
                    href=routes.PASSWORD_FORGOT,
                    size="2",
                    class_name="tap-link",
                ),
                spacing="4",
                width="100%",
            ),
            action=routes.AUTH_RESET,
        ),
    )
