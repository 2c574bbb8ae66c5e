"""Learner home: my current plan, built for a phone and for a lesson."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.layout import app_shell, loading
from ilp_app.components.plan_view import plan_or_message
from ilp_app.state.plan import PlanState

ROUTE = routes.LEARNER
TITLE = "My plan · ILP"
ON_LOAD = PlanState.load_mine


def page() -> rx.Component:
    return app_shell(loading(PlanState.loaded, plan_or_message()), heading="My plan")
