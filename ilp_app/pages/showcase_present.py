"""The showcase presented full screen on a projector: one slide per goal, keys and taps."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.i18n import t
from ilp_app.components.showcase import presentation
from ilp_app.state.showcase import ShowcaseState as S

ROUTE = routes.SHOWCASE_PRESENT
TITLE = "Showcase · ILP"
ON_LOAD = S.load


def page() -> rx.Component:
    return rx.cond(
        S.loaded & S.view,
        presentation(),
        rx.el.main(
            rx.heading(t("Showcase of learning"), as_="h1", class_name="visually-hidden"),
            rx.center(rx.spinner(size="3"), padding="3rem", aria_label=t("Loading")),
            id="main",
        ),
    )
