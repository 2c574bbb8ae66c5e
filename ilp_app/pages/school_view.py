"""The school at a glance, for administrators: figures, the lists behind them, and CSV."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.admin_ui import admin_page
from ilp_app.components.school_view import attention, export_link, figure_list, plans_by_group
from ilp_app.state.school_view import SchoolViewState

ROUTE = routes.ADMIN_SCHOOL_VIEW
TITLE = "School view · ILP"
ON_LOAD = SchoolViewState.load


def page() -> rx.Component:
    return admin_page(
        "School view",
        SchoolViewState.loaded,
        rx.text("This period: ", SchoolViewState.period_name, size="2"),
        export_link(),
        plans_by_group(),
        attention(),
        figure_list(),
    )
