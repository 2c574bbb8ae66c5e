"""The learner context header of a plan page, and the mentor's "Edit context" dialog.

Name and pronouns, tutor group and classes with their course and year, then the context items as
a definition list. Staff see a "Staff only" badge on items the family does not see; the family's
copy of the page never holds those items at all. User text is always rendered as text.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.components.forms import form_error, labelled
from ilp_app.components.i18n import t, tv
from ilp_app.services.plans.learner_context import MAX_LABEL, MAX_VALUE
from ilp_app.state.learner_context import LearnerContextState as C


def _select(field_id: str, name: str, options: rx.Var, default: rx.Var) -> rx.Component:
    return rx.el.select(
        rx.foreach(options, lambda o: rx.el.option(tv(o["label"]), value=o["value"])),
        id=field_id,
        name=name,
        default_value=default,
        class_name="role-select",
        style={"width": "100%"},
    )


def pronouns_badge(pronouns: rx.Var, visibility: rx.Var) -> rx.Component:
    """The pronouns; for staff, marked when the learner shares them with staff only."""
    return rx.cond(
        pronouns != "",
        rx.cond(
            visibility == "staff",
            rx.badge(
                rx.icon("eye-off", size=12, aria_hidden="true"),
                rx.el.span(t("Pronouns, shared with staff only: "), class_name="visually-hidden"),
                pronouns,
                variant="soft",
                color_scheme="orange",
                title=t("Pronouns shared with staff only"),
            ),
            rx.badge(
                rx.el.span(t("Pronouns: "), class_name="visually-hidden"),
                pronouns,
                variant="soft",
                color_scheme="gray",
            ),
        ),
    )


def staff_only_badge() -> rx.Component:
    return rx.badge(
        rx.icon("eye-off", size=12, aria_hidden="true"),
        t("Staff only"),
        color_scheme="orange",
        variant="soft",
        size="1",
    )


def groups_line() -> rx.Component:
    """Tutor group and year; for staff also the classes with their course."""
    return rx.cond(
        C.groups.length() > 0,
        rx.el.ul(
            rx.foreach(
                C.groups,
                lambda g: rx.el.li(rx.text(g.summary, size="2", color_scheme="gray", as_="span")),
            ),
            aria_label=t("Groups"),
            style={
                "display": "flex",
                "flex_wrap": "wrap",
                "gap": "0.25rem 1rem",
                "list_style": "none",
                "margin": "0",
                "padding": "0",
            },
        ),
        rx.cond(C.year != "", rx.text(C.year, size="2", color_scheme="gray")),
    )


def context_item_row(item: rx.Var) -> rx.Component:
    return rx.el.div(
        rx.el.dt(
            rx.text(item.heading, weight="medium", size="2", as_="span"),
            rx.cond(item.staff_only & C.staff_view, staff_only_badge()),
            style={
                "display": "flex",
                "flex_wrap": "wrap",
                "align_items": "center",
                "gap": "0.4rem",
            },
        ),
        rx.el.dd(
            rx.text(item.value, size="2", white_space="pre-wrap"), style={"margin": "0.1rem 0 0 0"}
        ),
        class_name="context-item",
        style={"padding": "0.35rem 0", "border_top": "1px solid var(--gray-a4)"},
    )


def context_items() -> rx.Component:
    return rx.cond(
        C.items.length() > 0,
        rx.el.dl(
            rx.foreach(C.items, context_item_row),
            aria_label=t("About the learner"),
            style={"margin": "0", "width": "100%"},
        ),
    )


# --- the "Edit context" dialog ---


def _pronouns_control() -> rx.Component:
    return rx.cond(
        C.pronouns != "",
        rx.hstack(
            rx.el.label(
                t("Who sees the pronouns ("),
                C.pronouns,
                ")",
                html_for="context-pronouns-visibility",
                class_name="field-label",
            ),
            rx.el.select(
                rx.foreach(
                    C.visibility_options, lambda o: rx.el.option(tv(o["label"]), value=o["value"])
                ),
                id="context-pronouns-visibility",
                value=C.pronouns_visibility,
                on_change=C.set_pronouns_visibility,
                class_name="role-select",
            ),
            align="center",
            wrap="wrap",
            spacing="2",
            width="100%",
        ),
    )


def _editor_item(item: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(item.heading, weight="medium", size="2"),
            rx.badge(
                item.visibility_label,
                variant="soft",
                size="1",
                color_scheme=rx.cond(item.staff_only, "orange", "green"),
            ),
            wrap="wrap",
            spacing="2",
            align="center",
        ),
        rx.text(item.value, size="2", white_space="pre-wrap", style={"overflow_wrap": "anywhere"}),
        rx.hstack(
            rx.button(
                rx.icon("pencil", size=14),
                t("Edit"),
                size="1",
                variant="soft",
                type="button",
                on_click=C.start_edit(item.id),
                aria_label=t("Edit: ") + item.heading,
            ),
            rx.button(
                rx.icon("trash-2", size=14),
                t("Remove"),
                size="1",
                variant="soft",
                color_scheme="red",
                type="button",
                on_click=C.remove_item(item.id),
                aria_label=t("Remove: ") + item.heading,
            ),
            spacing="2",
            margin_top="0.25rem",
        ),
        class_name="note",
        role="listitem",
    )


def _item_form() -> rx.Component:
    values = C.form_values
    return rx.form(
        rx.vstack(
            rx.heading(
                rx.cond(C.edit_item_id > 0, t("Change the item"), t("Add an item")),
                as_="h3",
                size="3",
            ),
            form_error(C.form_error),
            labelled(
                t("Kind of information"),
                "context-kind",
                _select("context-kind", "kind", C.kind_options, values["kind"]),
            ),
            labelled(
                t("Label"),
                "context-label",
                rx.input(
                    id="context-label",
                    name="label",
                    default_value=values["label"],
                    max_length=MAX_LABEL,
                    width="100%",
                ),
                hint=t("Required for “Other”, e.g. “Interests”; optional otherwise."),
            ),
            labelled(
                t("Details"),
                "context-value",
                rx.text_area(
                    id="context-value",
                    name="value",
                    default_value=values["value"],
                    required=True,
                    max_length=MAX_VALUE,
                    rows="3",
                    width="100%",
                ),
            ),
            labelled(
                t("Who can see it"),
                "context-visibility",
                _select(
                    "context-visibility", "visibility", C.visibility_options, values["visibility"]
                ),
            ),
            rx.hstack(
                rx.cond(
                    C.edit_item_id > 0,
                    rx.button(
                        t("Cancel change"),
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=C.cancel_edit,
                    ),
                ),
                rx.button(t("Save item"), type="submit"),
                justify="end",
                width="100%",
                spacing="2",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=C.save_item,
        key="context-form-" + C.form_version.to_string(),
        width="100%",
    )


def edit_context_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Edit context: "), C.display_name),
            rx.dialog.description(
                t("What staff should know, and what the learner and parents also see."),
                size="2",
                color_scheme="gray",
            ),
            rx.vstack(
                _pronouns_control(),
                rx.box(
                    rx.foreach(C.items, _editor_item),
                    role="list",
                    aria_label=t("Context items"),
                    width="100%",
                ),
                _item_form(),
                rx.hstack(
                    rx.button(
                        t("Done"),
                        variant="soft",
                        color_scheme="gray",
                        type="button",
                        on_click=C.close_editor,
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
                margin_top="0.75rem",
            ),
            max_width="36rem",
        ),
        open=C.editing,
        on_open_change=lambda _open: C.close_editor(),
    )


# --- the header ---


def learner_context_header(
    learner_id: rx.Var, fallback_name: rx.Var, *badges: rx.Component
) -> rx.Component:
    """The learner's name, pronouns, groups and context items for the plan of ``learner_id``.

    Until the context of that learner is loaded (or if it could not be), only ``fallback_name``
    is shown. ``badges`` follow the name (e.g. the plan's status).
    """
    ready = C.shown_learner_id == learner_id
    return rx.vstack(
        rx.hstack(
            rx.heading(rx.cond(ready, C.display_name, fallback_name), as_="h2", size="6"),
            rx.cond(ready, pronouns_badge(C.pronouns, C.pronouns_visibility)),
            *badges,
            align="center",
            wrap="wrap",
            spacing="2",
        ),
        rx.cond(
            ready,
            rx.vstack(
                groups_line(),
                context_items(),
                rx.cond(
                    C.can_edit,
                    rx.button(
                        rx.icon("user-pen", size=14),
                        t("Edit context"),
                        size="1",
                        variant="soft",
                        on_click=C.open_editor,
                    ),
                ),
                rx.cond(C.can_edit, edit_context_dialog()),
                spacing="2",
                width="100%",
            ),
        ),
        spacing="2",
        width="100%",
        class_name="learner-context",
    )
