"""Cards and lists that show people and groups."""

from __future__ import annotations

import reflex as rx


def detail_line(label: str, value: rx.Var) -> rx.Component:
    return rx.cond(
        value != "",
        rx.text(rx.text.strong(f"{label}: "), value, size="2", color_scheme="gray"),
    )


def learner_card(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(row.name, as_="h3", size="4"),
                rx.cond(row.pronouns != "", rx.badge(row.pronouns, variant="soft", color_scheme="gray")),
                align="center",
                wrap="wrap",
            ),
            rx.cond(row.name != row.full_name, rx.text(row.full_name, size="2", color_scheme="gray")),
            detail_line("Group", row.groups),
            detail_line("Mentor", row.mentors),
            detail_line("Parents", row.guardians),
            spacing="1",
        ),
        role="listitem",
    )


def learner_list(rows: rx.Var) -> rx.Component:
    return rx.box(rx.foreach(rows, learner_card), class_name="card-grid", role="list")


def group_badges(groups: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.foreach(
            groups,
            lambda g: rx.badge(
                g.name, " · ", g.learner_count, " learners",
                color_scheme=rx.cond(g.kind == "tutor", "indigo", "teal"), size="2", variant="soft",
            ),
        ),
        wrap="wrap",
        spacing="2",
    )
