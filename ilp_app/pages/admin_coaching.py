"""Coaching: the school's prompts and sentence starters, and whether learners' own tasks wait."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.admin_ui import admin_page
from ilp_app.components.forms import labelled
from ilp_app.domain.coaching import MAX_PROMPT
from ilp_app.state.admin_coaching import AdminCoachingState as S

ROUTE = routes.ADMIN_COACHING
TITLE = "Coaching · ILP"
ON_LOAD = S.load


def _options(options) -> rx.Component:
    return rx.foreach(options, lambda o: rx.el.option(o["label"], value=o["value"]))


def tasks_section() -> rx.Component:
    return rx.el.section(
        rx.heading("Learners' own tasks", as_="h2", size="5"),
        rx.text(
            "Learners propose goals to their mentor. Their own tasks under a goal can wait for "
            "the mentor too, or be added at once (they then show who added them).",
            size="2",
            color_scheme="gray",
        ),
        rx.hstack(
            rx.switch(
                id="tasks-need-approval",
                checked=S.tasks_need_approval,
                on_change=S.set_tasks_need_approval,
            ),
            rx.el.label(
                "Learners' own tasks wait for the mentor",
                html_for="tasks-need-approval",
                class_name="field-label",
            ),
            align="center",
            spacing="2",
        ),
        class_name="focus-area",
        aria_label="Learners' own tasks",
    )


def add_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            labelled(
                "Situation",
                "coaching-situation",
                rx.el.select(
                    _options(S.situations),
                    id="coaching-situation",
                    name="situation",
                    class_name="role-select",
                ),
            ),
            labelled(
                "Kind",
                "coaching-kind",
                rx.el.select(
                    _options(S.kinds), id="coaching-kind", name="kind", class_name="role-select"
                ),
            ),
            labelled(
                "Text",
                "coaching-text",
                rx.input(
                    id="coaching-text",
                    name="text",
                    required=True,
                    max_length=MAX_PROMPT,
                    width="100%",
                ),
            ),
            rx.button("Add to the library", type="submit"),
            spacing="2",
            width="100%",
        ),
        on_submit=S.add_line,
        key=S.form_key.to_string(),
        aria_label="Add a line",
        width="100%",
    )


def line_row(row: rx.Var) -> rx.Component:
    field_id = "coaching-line-" + row.id.to_string()
    return rx.box(
        rx.hstack(
            rx.badge(row.situation_label, variant="soft"),
            rx.badge(row.kind_label, variant="outline", color_scheme="gray"),
            wrap="wrap",
            spacing="2",
        ),
        rx.form(
            rx.el.input(type="hidden", name="prompt_id", value=row.id),
            rx.hstack(
                rx.el.label("Text", html_for=field_id, class_name="visually-hidden"),
                rx.input(
                    id=field_id,
                    name="text",
                    default_value=row.text,
                    required=True,
                    max_length=MAX_PROMPT,
                    flex="1",
                    min_width="12rem",
                ),
                rx.button("Save", type="submit", variant="soft", aria_label="Save: " + row.text),
                rx.button(
                    "Remove",
                    type="button",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.remove_line(row.id),
                    aria_label="Remove: " + row.text,
                ),
                wrap="wrap",
                spacing="2",
                width="100%",
            ),
            on_submit=S.save_line,
            key=row.id.to_string() + row.text,
            width="100%",
        ),
        role="listitem",
        padding_y="0.5rem",
        border_bottom="1px solid var(--gray-a4)",
        width="100%",
    )


def library_section() -> rx.Component:
    return rx.el.section(
        rx.heading("Coaching library", as_="h2", size="5"),
        rx.text(
            "Questions and sentence starters learners see when they reflect, rate themselves or "
            "prepare a review. Sentence starters appear as buttons that begin the text.",
            size="2",
            color_scheme="gray",
        ),
        add_form(),
        rx.box(rx.foreach(S.rows, line_row), role="list", width="100%"),
        rx.button(
            "Restore the default lines",
            variant="soft",
            color_scheme="gray",
            on_click=S.restore_defaults,
        ),
        class_name="focus-area",
        aria_label="Coaching library",
    )


def page() -> rx.Component:
    return admin_page("Coaching", S.loaded, tasks_section(), library_section())
