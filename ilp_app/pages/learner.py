"""Learner home: my mentor, my groups, the current period."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.layout import app_shell, loading
from ilp_app.components.people import detail_line
from ilp_app.state.homes import LearnerHomeState

ROUTE = routes.LEARNER
TITLE = "Home · ILP"
ON_LOAD = LearnerHomeState.load


def page() -> rx.Component:
    me = LearnerHomeState.me
    return app_shell(
        loading(
            LearnerHomeState.loaded,
            rx.vstack(
                rx.card(
                    rx.vstack(
                        rx.heading("Hello, ", me.name, as_="h2", size="5"),
                        detail_line("School", LearnerHomeState.school),
                        detail_line("Group", me.groups),
                        detail_line("Mentor", me.mentors),
                        rx.cond(
                            LearnerHomeState.period,
                            rx.text(
                                rx.text.strong("Period: "), LearnerHomeState.period.name, " (",
                                LearnerHomeState.period.starts_on, " – ", LearnerHomeState.period.ends_on, ")",
                                size="2", color_scheme="gray",
                            ),
                        ),
                        spacing="2",
                    ),
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
        ),
        heading="My page",
    )
