"""Rules that assign plans: write them, preview who they reach, apply them."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.admin_rules import preview_section, rule_dialog, rules_section
from ilp_app.components.admin_ui import admin_page
from ilp_app.state.admin_rules import AdminRulesState

ROUTE = routes.ADMIN_RULES
TITLE = "Plan rules · ILP"
ON_LOAD = AdminRulesState.load


def page() -> rx.Component:
    return admin_page(
        "Plan rules", AdminRulesState.loaded, rules_section(), preview_section(), rule_dialog()
    )
