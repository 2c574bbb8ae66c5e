"""Parent home: a child switcher, then that child's plan. Only one's own children."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.downloads import download_link
from ilp_app.components.layout import app_shell, empty_note, loading
from ilp_app.components.live import heartbeat
from ilp_app.components.plan_view import plan_or_message
from ilp_app.services.live.live_registry import PERSONAL_HEARTBEAT_SECONDS
from ilp_app.state.plan import PlanState
from ilp_app.web.privacy import learner_export_url

ROUTE = routes.PARENT
TITLE = "My children · ILP"
ON_LOAD = PlanState.load_family


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
            aria_label="Choose a child",
            size="3",
        ),
    )


def child_overview_links() -> rx.Component:
    """Each child's overview across periods: past plans, the plan now, what lies ahead."""
    return rx.el.nav(
        rx.foreach(
            PlanState.children,
            lambda c: rx.link(
                rx.icon("chart-column", size=16, aria_hidden="true"),
                "Overview of ",
                c.name,
                href=routes.learner_report_url(c.id),
                size="2",
                style={
                    "display": "inline-flex",
                    "align_items": "center",
                    "gap": "0.35rem",
                    "min_height": "44px",
                    "margin_right": "1rem",
                },
            ),
        ),
        aria_label="Overviews of my children",
    )


def child_data_links() -> rx.Component:
    """For each child, everything the school holds about them, as a zip of JSON files."""
    return rx.el.nav(
        rx.foreach(
            PlanState.children,
            lambda c: rx.box(
                download_link(
                    "Download everything about " + c.name + " (zip)",
                    learner_export_url(c.id),
                    filename="ilp-learner-" + c.id.to_string() + ".zip",
                )
            ),
        ),
        aria_label="My children's data",
    )


def page() -> rx.Component:
    return app_shell(
        heartbeat(PlanState.heartbeat, seconds=PERSONAL_HEARTBEAT_SECONDS),
        loading(
            PlanState.loaded,
            rx.cond(
                PlanState.children.length() == 0,
                empty_note(
                    "No children are linked to your account yet. Ask the school to link them."
                ),
                rx.vstack(
                    child_switcher(),
                    child_overview_links(),
                    plan_or_message(),
                    child_data_links(),
                    spacing="4",
                    width="100%",
                ),
            ),
        ),
        heading="My children",
    )
