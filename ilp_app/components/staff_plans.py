"""Staff plans on the homes of staff ("My own plan", "My staff") and the administrator's
person page (the supervisor). Staff never appear among learners: these are lists of their own.
"""

from __future__ import annotations

import reflex as rx

from ilp_app import routes
from ilp_app.components.forms import labelled
from ilp_app.components.i18n import t, tf
from ilp_app.state.admin_supervisor import AdminSupervisorState as V
from ilp_app.state.staff_plans import StaffPlansState as S


def staff_plan_status(row: rx.Var, progress_label: rx.Var) -> rx.Component:
    """A staff plan's status and progress; ``progress_label`` names the progress bar."""
    return rx.vstack(
        rx.hstack(
            rx.badge(
                row.status_label,
                color_scheme=rx.match(row.status, ("active", "green"), ("locked", "gray"), "amber"),
                variant="soft",
            ),
            rx.text(row.completed, t(" of "), row.total, t(" tasks completed"), size="2"),
            wrap="wrap",
            spacing="2",
            align="center",
        ),
        rx.progress(value=row.percent, max=100, aria_label=progress_label),
        spacing="1",
        width="100%",
    )


def staff_template_select(label: str, field_id: str) -> rx.Component:
    """Which staff plan template a new staff plan starts from (shown when the school has any)."""
    return rx.cond(
        S.templates.length() > 0,
        labelled(
            label,
            field_id,
            rx.el.select(
                rx.foreach(S.templates, lambda t: rx.el.option(t.name, value=t.id.to_string())),
                id=field_id,
                value=S.template_choice,
                on_change=S.choose_template,
                class_name="role-select",
            ),
        ),
    )


def own_plan_card() -> rx.Component:
    """ "My own plan": the staff member's plan for this school year, beside their work."""
    own = S.own
    return rx.cond(
        S.loaded,
        rx.el.section(
            rx.card(
                rx.vstack(
                    rx.heading(t("My own plan"), as_="h2", size="5", id="own-plan-heading"),
                    rx.text(
                        rx.cond(S.school_year != "", S.school_year, t("No school year yet")),
                        " · ",
                        rx.cond(
                            S.supervisor_name != "",
                            tf("Supervisor: %(name)s", name=S.supervisor_name),
                            t("No supervisor connected yet"),
                        ),
                        size="2",
                        color_scheme="gray",
                    ),
                    rx.cond(
                        own.plan_id > 0,
                        rx.vstack(
                            staff_plan_status(own, t("Progress of my own plan")),
                            rx.link(t("Open my own plan"), href=routes.plan_url(own.plan_id)),
                            spacing="2",
                            width="100%",
                        ),
                        rx.cond(
                            S.school_year != "",
                            rx.vstack(
                                staff_template_select(
                                    t("Template for my own plan"), "own-plan-template"
                                ),
                                rx.button(
                                    rx.icon("plus", size=16),
                                    t("Start my own plan"),
                                    variant="soft",
                                    on_click=S.start_own_plan,
                                ),
                                spacing="2",
                            ),
                            rx.text(
                                t("An administrator adds the school year under School → Periods."),
                                size="2",
                                color_scheme="gray",
                            ),
                        ),
                    ),
                    spacing="2",
                    width="100%",
                ),
                width="100%",
            ),
            aria_labelledby="own-plan-heading",
            width="100%",
        ),
    )


def staff_row(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(row.name, as_="h3", size="4"),
            rx.cond(
                row.plan_id > 0,
                rx.vstack(
                    staff_plan_status(row, tf("Progress of the plan of %(name)s", name=row.name)),
                    rx.link(
                        t("Open plan"),
                        rx.el.span(tf(" of %(name)s", name=row.name), class_name="visually-hidden"),
                        href=routes.plan_url(row.plan_id),
                        weight="medium",
                    ),
                    spacing="2",
                    width="100%",
                ),
                rx.cond(
                    S.school_year != "",
                    rx.button(
                        rx.icon("plus", size=16),
                        t("Start plan"),
                        rx.el.span(
                            tf(" for %(name)s", name=row.name), class_name="visually-hidden"
                        ),
                        variant="soft",
                        size="2",
                        on_click=S.start_plan_for(row.staff_id),
                    ),
                    rx.text(t("No school year yet."), size="2", color_scheme="gray"),
                ),
            ),
            spacing="2",
            width="100%",
        ),
        role="listitem",
        width="100%",
    )


def my_staff_section() -> rx.Component:
    """ "My staff": the staff this person supervises, apart from any learners."""
    return rx.cond(
        S.my_staff.length() > 0,
        rx.el.section(
            rx.heading(t("My staff"), as_="h2", size="5", id="my-staff-heading"),
            rx.text(
                tf("Staff plans for %(year)s: you are their supervisor.", year=S.school_year),
                size="2",
                color_scheme="gray",
            ),
            rx.box(
                staff_template_select(t("Template for new staff plans"), "staff-plan-template"),
                max_width="24rem",
            ),
            rx.box(
                rx.foreach(S.my_staff, staff_row),
                role="list",
                aria_label=t("My staff"),
                class_name="card-grid",
                style={
                    "display": "grid",
                    "gap": "0.75rem",
                    "grid_template_columns": "repeat(auto-fill, minmax(min(18rem, 100%), 1fr))",
                },
            ),
            aria_labelledby="my-staff-heading",
            width="100%",
        ),
    )


def staff_sections() -> rx.Component:
    """Both, for the top of a staff member's home (after ``StaffPlansState.load``)."""
    return rx.vstack(own_plan_card(), my_staff_section(), spacing="4", width="100%")


def supervisor_section() -> rx.Component:
    """The administrator's person page: who supervises this member of staff."""
    view = V.view
    return rx.cond(
        view.is_staff,
        rx.card(
            rx.vstack(
                rx.heading("Supervisor", as_="h2", size="4"),
                rx.text(
                    "The supervisor mentors this person's own staff plan and sees it; "
                    "colleagues, learners and parents never do.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.cond(
                    view.supervisor_id > 0,
                    rx.hstack(
                        rx.text("Supervisor: ", rx.text.strong(view.supervisor_name), size="2"),
                        rx.cond(
                            view.may_change,
                            rx.button(
                                "Disconnect",
                                size="2",
                                variant="soft",
                                color_scheme="red",
                                on_click=V.disconnect,
                                aria_label="Disconnect supervisor " + view.supervisor_name,
                            ),
                        ),
                        align="center",
                        wrap="wrap",
                        spacing="2",
                    ),
                    rx.text("No supervisor connected.", size="2", color_scheme="gray"),
                ),
                rx.cond(
                    view.may_change,
                    rx.form(
                        rx.hstack(
                            rx.box(
                                labelled(
                                    "Choose a supervisor",
                                    "supervisor-select",
                                    rx.el.select(
                                        rx.foreach(
                                            view.choices,
                                            lambda o: rx.el.option(o["label"], value=o["value"]),
                                        ),
                                        id="supervisor-select",
                                        name="supervisor_id",
                                        class_name="role-select",
                                    ),
                                ),
                                flex="1",
                                min_width="12rem",
                            ),
                            rx.button("Connect supervisor", type="submit"),
                            align="end",
                            wrap="wrap",
                            spacing="2",
                            width="100%",
                        ),
                        on_submit=V.connect,
                        width="100%",
                    ),
                    rx.text(
                        "Your own supervisor is connected by another administrator.",
                        size="2",
                        color_scheme="gray",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )
