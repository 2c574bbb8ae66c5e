"""Teacher home: the groups I teach and the learners in them."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.i18n import t
from ilp_app.components.layout import app_shell, empty_note, loading
from ilp_app.components.live import heartbeat
from ilp_app.components.people import group_overview_links, learner_list
from ilp_app.components.staff_plans import staff_sections
from ilp_app.services.live.live_registry import PERSONAL_HEARTBEAT_SECONDS
from ilp_app.state.homes import TeacherHomeState
from ilp_app.state.staff_plans import StaffPlansState

ROUTE = routes.TEACHER
TITLE = "My classes · ILP"
ON_LOAD = [TeacherHomeState.load, StaffPlansState.load]


def page() -> rx.Component:
    return app_shell(
        heartbeat(TeacherHomeState.heartbeat, seconds=PERSONAL_HEARTBEAT_SECONDS),
        loading(
            TeacherHomeState.loaded,
            rx.vstack(
                group_overview_links(TeacherHomeState.groups),
                rx.hstack(
                    rx.link(
                        rx.icon("book-open", size=14),
                        t(" Objective library"),
                        href=routes.OBJECTIVES,
                        size="2",
                    ),
                    wrap="wrap",
                    spacing="3",
                    align="center",
                ),
                staff_sections(),
                rx.el.label(
                    rx.text(t("Find a learner"), size="2", weight="medium"),
                    rx.input(
                        placeholder=t("Name or group"),
                        value=TeacherHomeState.query,
                        on_change=TeacherHomeState.set_query.debounce(200),
                        type="search",
                        width="100%",
                        max_length=100,
                    ),
                    width="100%",
                    max_width="24rem",
                ),
                rx.cond(
                    TeacherHomeState.learners.length() == 0,
                    empty_note(t("You are not teaching any group yet.")),
                    learner_list(TeacherHomeState.visible_learners),
                ),
                spacing="4",
                width="100%",
            ),
        ),
        heading=t("My classes"),
    )
