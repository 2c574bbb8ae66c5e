"""Groups: the school's tutor groups and subject classes, and who learns and teaches in each."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.admin_groups import group_detail, group_dialog, group_list
from ilp_app.components.admin_nav import admin_nav
from ilp_app.components.layout import app_shell, loading
from ilp_app.state.admin_groups import AdminGroupsState

ROUTE = routes.ADMIN_GROUPS
TITLE = "Groups · ILP"
ON_LOAD = AdminGroupsState.load


def page() -> rx.Component:
    return app_shell(
        admin_nav(),
        loading(
            AdminGroupsState.loaded,
            rx.box(
                rx.cond(AdminGroupsState.has_selection, group_detail(), group_list()),
                group_dialog(),
                width="100%",
                margin_top="1rem",
            ),
        ),
        heading="Groups",
    )
