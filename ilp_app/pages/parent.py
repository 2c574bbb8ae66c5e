"""Parent home: first how each child is doing (a card each, with that child's actions), then
the full plan of one child at a time. Only one's own children."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.family import FULL_PLAN_ID, child_cards
from ilp_app.components.i18n import t
from ilp_app.components.layout import app_shell, empty_note, loading
from ilp_app.components.live import heartbeat
from ilp_app.components.plan_view import plan_or_message
from ilp_app.services.live.live_registry import PERSONAL_HEARTBEAT_SECONDS
from ilp_app.state.family_mail import FamilyMailState
from ilp_app.state.plan import PlanState

ROUTE = routes.PARENT
TITLE = "My children · ILP"
ON_LOAD = [PlanState.load_family, FamilyMailState.load]


def child_switcher() -> rx.Component:
    return rx.cond(
        PlanState.children.length() > 1,
        rx.segmented_control.root(
            rx.foreach(
                PlanState.children,
                lambda c: rx.segmented_control.item(c.name, value=c.id.to_string()),
            ),
            value=PlanState.child_id.to_string(),
            on_change=PlanState.select_child,
            aria_label=t("Choose a child"),
            size="3",
        ),
    )


def page() -> rx.Component:
    return app_shell(
        heartbeat(PlanState.heartbeat, seconds=PERSONAL_HEARTBEAT_SECONDS),
        loading(
            PlanState.loaded,
            rx.cond(
                PlanState.children.length() == 0,
                empty_note(
                    t("No children are linked to your account yet. Ask the school to link them.")
                ),
                rx.vstack(
                    child_cards(),
                    rx.el.section(
                        rx.heading(
                            rx.cond(PlanState.children.length() > 1, t("Plans"), t("The plan")),
                            as_="h2",
                            size="4",
                            id=FULL_PLAN_ID + "-heading",
                        ),
                        child_switcher(),
                        plan_or_message(),
                        id=FULL_PLAN_ID,
                        aria_labelledby=FULL_PLAN_ID + "-heading",
                        class_name="full-plan",
                    ),
                    spacing="5",
                    width="100%",
                ),
            ),
        ),
        heading=t("My children"),
    )
