"""Forgot your password? Ask for a link by mail (the answer is the same for every address)."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.forms import labelled_input, native_form
from ilp_app.components.i18n import t
from ilp_app.components.layout import auth_card
from ilp_app.state.login import PasswordResetState

ROUTE = routes.PASSWORD_FORGOT
TITLE = "Forgot your password · ILP"
ON_LOAD = PasswordResetState.load_forgot


def page() -> rx.Component:
    return auth_card(
        rx.vstack(
            rx.heading(t("Forgot your password?"), as_="h1", size="6"),
            rx.cond(
                PasswordResetState.sent,
                rx.callout(
                    t(
                        "If an account uses that address, we have sent it a link to choose a new "
                        "password. The link works once, for 60 minutes. Nothing arrived? Check the "
                        "spam folder, or ask your school."
                    ),
                    icon="mail-check",
                    role="status",
                    width="100%",
                ),
                rx.text(
                    t(
                        "Type the email address you sign in with. We will send it a link to choose "
                        "a new password."
                    ),
                    size="2",
                ),
            ),
            native_form(
                rx.vstack(
                    labelled_input(
                        t("Email"), name="email", type_="email", autocomplete="username"
                    ),
                    rx.button(t("Send me a link"), type="submit", size="3", width="100%"),
                    spacing="4",
                    width="100%",
                ),
                action=routes.AUTH_FORGOT,
                width="100%",
            ),
            rx.link(t("Back to sign in"), href=routes.LOGIN, size="2", class_name="tap-link"),
            spacing="4",
            width="100%",
        ),
    )
