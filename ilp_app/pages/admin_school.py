"""School settings: switch ILPs on or off, the school's name, its periods and its focus-area catalogue."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.admin_school import (
    catalogue_section,
    confirm_dialog,
    form_dialog,
    ilp_section,
    name_section,
    periods_section,
    providers_section,
    quiet_hours_section,
    status_section,
)
from ilp_app.components.admin_ui import admin_page
from ilp_app.components.school_language import language_section
from ilp_app.components.transitions import transitions_section
from ilp_app.state.admin_school import AdminSchoolState
from ilp_app.state.school_language import SchoolLanguageState
from ilp_app.state.transitions import AdminTransitionsState

ROUTE = routes.ADMIN_SCHOOL
TITLE = "School settings · ILP"
ON_LOAD = [AdminSchoolState.load, AdminTransitionsState.load, SchoolLanguageState.load]


def page() -> rx.Component:
    return admin_page(
        "School settings",
        AdminSchoolState.loaded,
        ilp_section(),
        periods_section(),
        transitions_section(),
        catalogue_section(),
        status_section(),
        language_section(),
        quiet_hours_section(),
        providers_section(),
        name_section(),
        form_dialog(),
        confirm_dialog(),
    )
