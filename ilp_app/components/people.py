"""Cards and lists that show people and groups."""

from __future__ import annotations

import reflex as rx

from ilp_app import routes
from ilp_app.components.i18n import t


def detail_line(label: str, value: rx.Var) -> rx.Component:
    return rx.cond(
        value != "",
        rx.text(rx.text.strong(f"{label}: "), value, size="2", color_scheme="gray"),
    )


def plan_summary(row: rx.Var, no_plan: rx.Component | None = None) -> rx.Component:
    """The learner's current plan: status, progress and a link; or what to do without one."""
    return rx.cond(
        row.plan_id > 0,
        rx.vstack(
            rx.hstack(
                rx.badge(
                    row.plan_status_label,
                    color_scheme=rx.match(
                        row.plan_status, ("active", "green"), ("locked", "gray"), "amber"
                    ),
                    variant="soft",
                ),
                rx.text(
                    row.plan_completed, t(" of "), row.plan_total, t(" tasks completed"), size="2"
                ),
                wrap="wrap",
                spacing="2",
                align="center",
            ),
            rx.progress(
                value=row.plan_percent, max=100, aria_label=t("Plan progress of ") + row.name
            ),
            rx.link(
                t("Open plan"),
                rx.el.span(t(" of "), row.name, class_name="visually-hidden"),
                href=routes.plan_url(row.plan_id),
                weight="medium",
            ),
            spacing="1",
            width="100%",
        ),
        no_plan
        if no_plan is not None
        else rx.text(t("No plan for this period yet."), size="2", color_scheme="gray"),
    )


def learner_card(row: rx.Var, no_plan=None) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(row.name, as_="h3", size="4"),
                rx.cond(
                    row.pronouns != "", rx.badge(row.pronouns, variant="soft", color_scheme="gray")
                ),
                align="center",
                wrap="wrap",
            ),
            rx.cond(
                row.name != row.full_name, rx.text(row.full_name, size="2", color_scheme="gray")
            ),
            detail_line(t("Group"), row.groups),
            detail_line(t("Mentor"), row.mentors),
            detail_line(t("Parents"), row.guardians),
            detail_line(t("Why you see them"), row.why),
            plan_summary(row, no_plan(row) if no_plan else None),
            rx.link(
                t("All plans and progress"),
                href=routes.learner_report_url(row.id),
                size="2",
                aria_label=t("All plans and progress of ") + row.name,
            ),
            spacing="1",
        ),
        role="listitem",
    )


def learner_list(rows: rx.Var, no_plan=None) -> rx.Component:
    """Learner cards; ``no_plan(row)`` builds what to show for a learner without a plan."""
    return rx.box(
        rx.foreach(rows, lambda row: learner_card(row, no_plan)),
        class_name="card-grid",
        role="list",
        width="100%",
    )


def group_overview_links(groups: rx.Var) -> rx.Component:
    """The live overview of each of my groups: the first thing on a staff home, big enough to
    hit on a classroom screen. Each link's name starts with its visible text."""
    return rx.el.nav(
        rx.heading(t("Live overview"), as_="h2", size="4", id="live-overview-heading"),
        rx.box(
            rx.foreach(
                groups,
                lambda g: rx.link(
                    rx.icon("layout-dashboard", size=22, aria_hidden="true"),
                    rx.box(
                        rx.text(t("Live overview of "), g.name, weight="bold", size="3"),
                        rx.text(g.learner_count, t(" learners"), size="2", color_scheme="gray"),
                    ),
                    href=routes.group_url(g.id),
                    class_name="overview-link",
                    data_kind=g.kind,
                ),
            ),
            class_name="overview-links",
        ),
        aria_labelledby="live-overview-heading",
        width="100%",
    )
