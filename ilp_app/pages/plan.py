"""One plan, for anyone allowed to read it (mentor, teacher, learner, parent, administrator)."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.layout import app_shell, loading
from ilp_app.components.plan_view import plan_or_message
from ilp_app.state.plan import PlanState

ROUTE = routes.PLAN
TITLE = "Learning plan · ILP"
ON_LOAD = PlanState.load


def page() -> rx.Component:
    return app_shell(loading(PlanState.loaded, plan_or_message()), heading="Learning plan")
