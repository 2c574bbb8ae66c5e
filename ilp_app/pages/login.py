"""Sign-in page.

The form is a plain HTML form posting to the sign-in route: it works the moment it is visible,
before the page's scripts have loaded, and the password never lands in a URL.
"""

import reflex as rx

from ilp_app import routes
from ilp_app.components.forms import form_error, labelled_input, native_form
from ilp_app.components.i18n import t
from ilp_app.components.layout import auth_card, provider_buttons
from ilp_app.state.login import LoginState

ROUTE = routes.LOGIN
TITLE = "Sign in · ILP"
ON_LOAD = LoginState.load


def page() -> rx.Component:
    return auth_card(
        native_form(
            rx.vstack(
                rx.hstack(
                    rx.icon("notebook-pen", size=28, aria_hidden="true"),
                    rx.heading(t("Sign in"), as_="h1", size="7"),
                    align="center",
                ),
                rx.text(t("Individual Learning Plans"), color_scheme="gray", size="2"),
                rx.cond(
                    LoginState.notice != "",
                    rx.callout(LoginState.notice, icon="info", role="status", width="100%"),
                ),
                form_error(LoginState.error),
                labelled_input(t("Email"), name="email", type_="email", autocomplete="username"),
                labelled_input(
                    t("Password"),
                    name="password",
                    type_="password",
                    autocomplete="current-password",
                    max_length=1024,
                ),
                rx.button(t("Sign in"), type="submit", size="3", width="100%"),
                provider_buttons(LoginState.providers),
                rx.link(
                    t("Forgot your password?"),
                    href=routes.PASSWORD_FORGOT,
                    size="2",
                    class_name="tap-link",
                ),
                spacing="4",
                width="100%",
            ),
            action=routes.SIGN_IN,
        ),
    )
