"""Parent home: my children, and only mine."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.layout import app_shell, empty_note, loading
from ilp_app.components.people import learner_list
from ilp_app.state.homes import ParentHomeState

ROUTE = routes.PARENT
TITLE = "My children · ILP"
ON_LOAD = ParentHomeState.load


def page() -> rx.Component:
    return app_shell(
        loading(
            ParentHomeState.loaded,
            rx.vstack(
                rx.cond(
                    ParentHomeState.period,
                    rx.text("Current period: ", ParentHomeState.period.name, size="2", color_scheme="gray"),
                ),
                rx.cond(
                    ParentHomeState.children.length() == 0,
                    empty_note("No children are linked to your account yet. Ask the school to link them."),
                    learner_list(ParentHomeState.children),
                ),
                spacing="4",
                width="100%",
            ),
        ),
        heading="My children",
    )
