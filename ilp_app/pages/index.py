"""The root URL sends people to the home of their role, or to sign in."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.i18n import document_language, t
from ilp_app.state.login import LoginState

ROUTE = routes.INDEX
TITLE = "ILP"
ON_LOAD = LoginState.route_home


def page() -> rx.Component:
    return rx.center(
        document_language(),
        rx.spinner(size="3"),
        rx.link(t("Sign in"), href=routes.LOGIN),
        min_height="60vh",
        direction="column",
        spacing="3",
    )
