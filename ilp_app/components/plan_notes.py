"""The plan's notes (each with who may see it), its log, and the history of its changes."""

from __future__ import annotations

import reflex as rx

from ilp_app.components.i18n import t, tv
from ilp_app.components.plan_parts import CAN, P, area_field
from ilp_app.domain.plans import MAX_LOG_ENTRY, MAX_NOTE
from ilp_app.state.plan import PlanState


def note_item(note: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.badge(
                note.visibility_label,
                color_scheme=rx.match(
                    note.visibility, ("private", "red"), ("family", "green"), "blue"
                ),
                variant="soft",
            ),
            rx.text(note.author, " · ", note.created_at, size="1", color_scheme="gray"),
            wrap="wrap",
            spacing="2",
            align="center",
        ),
        rx.text(note.body, size="2", white_space="pre-wrap", margin_top="0.25rem"),
        rx.cond(
            note.can_edit,
            rx.hstack(
                rx.el.select(
                    rx.foreach(
                        PlanState.visibility_options,
                        lambda o: rx.el.option(tv(o["label"]), value=o["value"]),
                    ),
                    value=note.visibility,
                    on_change=lambda v: PlanState.set_note_visibility(note.id, v),
                    aria_label=t("Who can see this note"),
                    class_name="role-select",
                ),
                rx.button(
                    t("Delete"),
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    on_click=PlanState.delete_note(note.id),
                ),
                spacing="2",
                margin_top="0.25rem",
                align="center",
            ),
        ),
        class_name="note",
        role="listitem",
    )


def notes_section() -> rx.Component:
    return rx.cond(
        (P.notes.length() > 0) | CAN.write_note,
        rx.el.section(
            rx.heading(t("Notes"), as_="h2", size="5"),
            rx.box(rx.foreach(P.notes, note_item), role="list", width="100%"),
            rx.cond(
                CAN.write_note,
                rx.form(
                    rx.vstack(
                        area_field(t("New note"), "body", max_length=MAX_NOTE, prefix="note-"),
                        rx.hstack(
                            rx.el.label(
                                t("Who can see it"),
                                html_for="note-visibility",
                                class_name="field-label",
                            ),
                            rx.el.select(
                                rx.foreach(
                                    PlanState.visibility_options,
                                    lambda o: rx.el.option(tv(o["label"]), value=o["value"]),
                                ),
                                id="note-visibility",
                                name="visibility",
                                default_value="staff",
                                class_name="role-select",
                            ),
                            rx.button(t("Save note"), type="submit", variant="soft"),
                            align="center",
                            wrap="wrap",
                            spacing="2",
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    on_submit=PlanState.add_note,
                    reset_on_submit=True,
                ),
            ),
            class_name="focus-area",
        ),
    )


def handover_item(note: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(
            rx.text.strong(note.author),
            " · ",
            note.created_at,
            " · ",
            note.period_name,
            size="1",
            color_scheme="gray",
        ),
        rx.text(note.body, size="2", white_space="pre-wrap", margin_top="0.25rem"),
        class_name="note",
        role="listitem",
    )


def handover_section() -> rx.Component:
    """Pinned first for staff: what the learner's earlier mentors handed over, and for the
    mentor, a note for whoever mentors the learner next (staff only)."""
    return rx.cond(
        (P.handovers.length() > 0) | CAN.handover,
        rx.el.section(
            rx.heading("Handover notes", as_="h2", size="5", id="handover-heading"),
            rx.text(
                "From a learner's mentor to the next one, when the learner moves to a new tutor "
                "group or mentor. Staff only.",
                size="2",
                color_scheme="gray",
            ),
            rx.box(
                rx.foreach(P.handovers, handover_item),
                role="list",
                aria_label="Handover notes",
                width="100%",
            ),
            rx.cond(
                CAN.handover,
                rx.form(
                    rx.vstack(
                        area_field(
                            "Handover note for the next mentor",
                            "body",
                            max_length=MAX_NOTE,
                            prefix="handover-",
                            rows="3",
                        ),
                        rx.button("Save handover note", type="submit", variant="soft"),
                        spacing="2",
                        width="100%",
                    ),
                    on_submit=PlanState.add_handover,
                    reset_on_submit=True,
                ),
            ),
            class_name="focus-area",
            aria_labelledby="handover-heading",
        ),
    )


def log_section() -> rx.Component:
    return rx.el.section(
        rx.heading(t("Plan log"), as_="h2", size="5"),
        rx.text(
            t(
                "A conversation about this plan between the mentor, teachers, the learner and parents."
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.box(
            rx.foreach(
                P.log,
                lambda e: rx.box(
                    rx.text(
                        rx.text.strong(e.author), " · ", e.created_at, size="1", color_scheme="gray"
                    ),
                    rx.text(e.body, size="2", white_space="pre-wrap"),
                    class_name="log-entry",
                    role="listitem",
                ),
            ),
            role="list",
            width="100%",
        ),
        rx.cond(
            CAN.post,
            rx.form(
                rx.vstack(
                    area_field(
                        t("Write in the log"),
                        "body",
                        max_length=MAX_LOG_ENTRY,
                        prefix="log-",
                        rows="2",
                    ),
                    rx.button(t("Post"), type="submit", variant="soft"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=PlanState.post_log,
                reset_on_submit=True,
            ),
        ),
        class_name="focus-area",
        id="plan-log",
    )


def history_section() -> rx.Component:
    return rx.el.section(
        rx.heading(t("History"), as_="h2", size="5"),
        rx.cond(
            PlanState.history_open,
            rx.box(
                rx.foreach(
                    PlanState.history,
                    lambda c: rx.box(
                        rx.text(
                            rx.text.strong(c.what),
                            " · ",
                            c.who,
                            " · ",
                            c.at,
                            t(" · version "),
                            c.version,
                            size="2",
                        ),
                        rx.cond(
                            c.before != "",
                            rx.text(t("Before: "), c.before, size="1", color_scheme="gray"),
                        ),
                        rx.cond(
                            c.after != "",
                            rx.text(t("After: "), c.after, size="1", color_scheme="gray"),
                        ),
                        class_name="log-entry",
                        role="listitem",
                    ),
                ),
                role="list",
                width="100%",
            ),
            rx.button(
                t("Show the history of changes"), variant="soft", on_click=PlanState.load_history
            ),
        ),
        class_name="focus-area",
    )
