"""The school's plan templates: browse, edit, duplicate, archive, and apply to a learner or a group."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.layout import app_shell, loading
from ilp_app.components.templates import (
    apply_dialog,
    template_dialog,
    template_editor,
    template_list,
)
from ilp_app.state.templates import TemplateLibraryState
from ilp_app.state.transitions import SchoolYearsState

# The integrator moves this into routes.py (as routes.TEMPLATES) and registers the page.
ROUTE = routes.TEMPLATES
TITLE = "Plan templates · ILP"
ON_LOAD = [TemplateLibraryState.load, SchoolYearsState.load]


def page() -> rx.Component:
    return app_shell(
        loading(
            TemplateLibraryState.loaded,
            rx.vstack(
                rx.text(
                    "Plans made from a template are independent copies. When a template improves, each plan "
                    "is offered the changes to accept or dismiss one by one.",
                    size="2",
                    color_scheme="gray",
                ),
                template_editor(),
                template_list(),
                template_dialog(),
                apply_dialog(),
                spacing="4",
                width="100%",
            ),
        ),
        heading="Plan templates",
    )
