"""Learner home: my current plan, built for a phone and for a lesson."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.downloads import download_link
from ilp_app.components.i18n import t
from ilp_app.components.layout import app_shell, loading
from ilp_app.components.live import heartbeat
from ilp_app.components.my_tasks import WHOLE_PLAN_ID, my_tasks
from ilp_app.components.plan_view import plan_or_message
from ilp_app.services.live.live_registry import PERSONAL_HEARTBEAT_SECONDS
from ilp_app.state.plan import PlanState
from ilp_app.state.session import SessionState
from ilp_app.web.privacy import MY_EXPORT_URL

ROUTE = routes.LEARNER
TITLE = "My plan · ILP"
ON_LOAD = PlanState.load_mine


def my_overview_link() -> rx.Component:
    """My plans of every period, what I achieved, and what lies ahead."""
    return rx.cond(
        PlanState.has_plan,
        rx.link(
            rx.icon("chart-column", size=16, aria_hidden="true"),
            t("All my plans and progress"),
            href=routes.learner_report_url(PlanState.plan.learner_id),
            size="2",
            style={
                "display": "inline-flex",
                "align_items": "center",
                "gap": "0.35rem",
                "min_height": "44px",
            },
        ),
    )


def my_data_link() -> rx.Component:
    """Everything the school holds about me, as a zip of JSON files."""
    return download_link(
        t("Download everything about ") + SessionState.user_name + t(" (zip)"),
        MY_EXPORT_URL,
        filename="my-ilp-data.zip",
    )


def page() -> rx.Component:
    return app_shell(
        heartbeat(PlanState.heartbeat, seconds=PERSONAL_HEARTBEAT_SECONDS),
        loading(
            PlanState.loaded,
            my_tasks(),
            rx.box(
                my_overview_link(),
                plan_or_message(),
                my_data_link(),
                id=WHOLE_PLAN_ID,
                width="100%",
                style={"scroll_margin_top": "4rem"},
            ),
        ),
        heading=t("My plan"),
    )
