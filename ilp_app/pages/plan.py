"""One plan, for anyone allowed to read it (mentor, teacher, learner, parent, administrator)."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.i18n import t
from ilp_app.components.layout import app_shell, loading
from ilp_app.components.live import heartbeat
from ilp_app.components.plan_view import plan_or_message
from ilp_app.components.templates import save_as_template_form, template_updates_section
from ilp_app.services.live.live_registry import PERSONAL_HEARTBEAT_SECONDS
from ilp_app.state.plan import PlanState
from ilp_app.state.template_updates import TemplateUpdatesState
from ilp_app.state.transitions import SchoolYearsState

ROUTE = routes.PLAN
TITLE = "Learning plan · ILP"
ON_LOAD = [PlanState.load, TemplateUpdatesState.load, SchoolYearsState.load]


def page() -> rx.Component:
    return app_shell(
        heartbeat(PlanState.heartbeat, seconds=PERSONAL_HEARTBEAT_SECONDS),
        loading(
            PlanState.loaded,
            rx.vstack(
                template_updates_section(),
                plan_or_message(),
                save_as_template_form(),
                spacing="4",
                width="100%",
            ),
        ),
        heading=t("Learning plan"),
    )
