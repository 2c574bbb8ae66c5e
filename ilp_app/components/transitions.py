"""Transition years: the School page's section, and the year select of a template."""

from __future__ import annotations

import reflex as rx

from ilp_app.components.forms import labelled
from ilp_app.domain.transitions import MAX_REASON
from ilp_app.state.transitions import AdminTransitionsState as T
from ilp_app.state.transitions import SchoolYearsState


def transition_row(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.text(row.year_label, weight="bold"),
            rx.text(row.reason, size="2", color_scheme="gray"),
            spacing="0",
            flex="1",
            min_width="12rem",
        ),
        rx.button(
            "Remove",
            size="2",
            variant="soft",
            color_scheme="red",
            on_click=T.remove(row.year_label),
            aria_label="Remove " + row.year_label + " as a transition year",
        ),
        align="center",
        wrap="wrap",
        spacing="2",
        width="100%",
        role="listitem",
    )


def transitions_section() -> rx.Component:
    return rx.el.section(
        rx.card(
            rx.vstack(
                rx.heading("Transition years", as_="h2", size="5"),
                rx.text(
                    "In these years a learner's plan matters most. When a mentor makes a plan for "
                    "a learner in one, the templates made for that year are suggested first, "
                    "with the reason below.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.cond(
                    T.defaults,
                    rx.text(
                        "These are the usual ones (sixth grade, eighth to ninth, twelfth) until "
                        "you change them.",
                        size="1",
                        color_scheme="gray",
                    ),
                ),
                rx.vstack(
                    rx.foreach(T.rows, transition_row),
                    role="list",
                    aria_label="Transition years",
                    spacing="2",
                    width="100%",
                ),
                rx.cond(
                    T.year_choices.length() > 0,
                    rx.form(
                        rx.vstack(
                            labelled(
                                "Year",
                                "transition-year",
                                rx.el.select(
                                    rx.foreach(T.year_choices, lambda y: rx.el.option(y, value=y)),
                                    id="transition-year",
                                    name="year_label",
                                    class_name="role-select",
                                    style={"width": "100%"},
                                ),
                                hint="The years the school's groups are in.",
                            ),
                            labelled(
                                "Why it is a transition year",
                                "transition-reason",
                                rx.input(
                                    id="transition-reason",
                                    name="reason",
                                    max_length=MAX_REASON,
                                    required=True,
                                    width="100%",
                                    placeholder="e.g. Year 9 starts upper-secondary planning.",
                                ),
                            ),
                            rx.button("Save transition year", type="submit", variant="soft"),
                            spacing="2",
                            width="100%",
                        ),
                        on_submit=T.save,
                        reset_on_submit=True,
                        width="100%",
                    ),
                    rx.text(
                        "Give the groups a year (Groups page) to choose transition years from.",
                        size="2",
                        color_scheme="gray",
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        aria_label="Transition years",
    )


def template_years_field(chosen: rx.Var | None = None) -> rx.Component:
    """The years a template suits: any of the years the school's groups are in (none: any year).

    Args:
        chosen: the years already chosen, one per line (none for a new template).
    """

    def year_box(year: rx.Var) -> rx.Component:
        checked = chosen.split("\n").contains(year) if chosen is not None else False
        return rx.el.label(
            rx.el.input(
                type="checkbox",
                # One field per year: a form sends one value per name.
                name="year:" + year,
                default_checked=checked,
                class_name="year-check",
            ),
            " ",
            year,
            class_name="year-chip",
            style={
                "display": "inline-flex",
                "align_items": "center",
                "gap": "0.35rem",
                "padding": "0.35rem 0.7rem",
                "border": "1px solid var(--gray-8)",
                "border_radius": "999px",
                "min_height": "2.5rem",
                "cursor": "pointer",
            },
        )

    return rx.el.fieldset(
        rx.el.legend("Years it suits", class_name="field-label"),
        rx.cond(
            SchoolYearsState.years.length() > 0,
            rx.flex(rx.foreach(SchoolYearsState.years, year_box), wrap="wrap", gap="0.5rem"),
            rx.text("Give the groups a year (Groups page) to choose from.", size="2"),
        ),
        rx.text(
            "None ticked: any year. Templates for a transition year are suggested first for its "
            "learners.",
            size="1",
            color_scheme="gray",
        ),
        style={"border": "none", "padding": "0", "margin": "0", "min_width": "0"},
    )
