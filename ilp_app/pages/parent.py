"""Parent home: a child switcher, then that child's plan. Only one's own children."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.layout import app_shell, empty_note, loading
from ilp_app.components.plan_view import plan_or_message
from ilp_app.state.plan import PlanState

ROUTE = routes.PARENT
TITLE = "My children · ILP"
ON_LOAD = PlanState.load_family


def child_switcher() -> rx.Component:
    return rx.cond(
        PlanState.children.length() > 1,
        rx.segmented_control.root(
            rx.foreach(PlanState.children,
                       lambda c: rx.segmented_control.item(c.name, value=c.id.to_string())),
            value=PlanState.child_id.to_string(),
            on_change=PlanState.select_child,
            aria_label="Choose a child",
            size="3",
        ),
    )


def page() -> rx.Component:
    return app_shell(
        loading(
            PlanState.loaded,
            rx.cond(
                PlanState.children.length() == 0,
                empty_note("No children are linked to your account yet. Ask the school to link them."),
                rx.vstack(child_switcher(), plan_or_message(), spacing="4", width="100%"),
            ),
        ),
        heading="My children",
    )
