"""Groups: the school's tutor groups and subject classes, and who learns and teaches in each."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.admin_groups import group_detail, group_dialog, group_list
from ilp_app.components.admin_ui import admin_page
from ilp_app.state.admin_groups import AdminGroupsState

ROUTE = routes.ADMIN_GROUPS
TITLE = "Groups · ILP"
ON_LOAD = AdminGroupsState.load


def page() -> rx.Component:
    return admin_page(
        "Groups",
        AdminGroupsState.loaded,
        rx.cond(AdminGroupsState.has_selection, group_detail(), group_list()),
        group_dialog(),
    )
