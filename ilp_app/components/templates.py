"""Templates on screen: the library, one template's tree, applying it, and a plan's updates from it.

Phone first: one column, cards that wrap, native selects, and labelled fields. What a person may
do comes from the states' view models; the server checks again on every event.
"""

from __future__ import annotations

import reflex as rx

from ilp_app import routes
from ilp_app.components.forms import form_error, labelled
from ilp_app.components.transitions import template_years_field
from ilp_app.domain.plans import (
    MAX_FOCUS_AREA,
    MAX_GOAL_STATEMENT,
    MAX_LINK_TITLE,
    MAX_SUCCESS_CRITERIA,
    MAX_TASK_TITLE,
    MAX_URL,
)
from ilp_app.domain.templates import (
    MAX_OBJECTIVE_CODES_TEXT,
    MAX_TEMPLATE_DESCRIPTION,
    MAX_TEMPLATE_NAME,
)
from ilp_app.state.template_updates import TemplateUpdatesState
from ilp_app.state.templates import TemplateLibraryState

LIB = TemplateLibraryState
UPD = TemplateUpdatesState


def _text(
    label: str,
    name: str,
    *,
    prefix: str,
    max_length: int,
    default=None,
    required: bool = True,
    type_: str = "text",
    placeholder: str = "",
) -> rx.Component:
    field_id = f"{prefix}{name}"
    return labelled(
        label,
        field_id,
        rx.input(
            id=field_id,
            name=name,
            type=type_,
            required=required,
            max_length=max_length,
            default_value=default,
            placeholder=placeholder,
            width="100%",
        ),
    )


def _area(
    label: str,
    name: str,
    *,
    prefix: str,
    max_length: int,
    default=None,
    required: bool = False,
    rows: str = "3",
) -> rx.Component:
    field_id = f"{prefix}{name}"
    return labelled(
        label,
        field_id,
        rx.text_area(
            id=field_id,
            name=name,
            required=required,
            rows=rows,
            max_length=max_length,
            default_value=default,
            width="100%",
        ),
    )


def _meta_fields(prefix: str, values=None) -> rx.Component:
    get = (lambda key: values[key]) if values is not None else (lambda _key: None)  # noqa: E731
    return rx.fragment(
        _text(
            "Template name",
            "name",
            prefix=prefix,
            max_length=MAX_TEMPLATE_NAME,
            default=get("name"),
        ),
        _area(
            "Description",
            "description",
            prefix=prefix,
            max_length=MAX_TEMPLATE_DESCRIPTION,
            default=get("description"),
        ),
        (
            template_years_field()
            if values is None
            # Staff are in no group year: a staff template has none to choose.
            else rx.cond(values["plan_kind"] != "staff", template_years_field(values["years"]))
        ),
    )


# --- on the plan page -------------------------------------------------------------------------------


def save_as_template_form() -> rx.Component:
    """For mentors and administrators on a plan page: save this plan's structure as a school template."""
    return rx.cond(
        UPD.can_save_template & (UPD.shown_plan_id > 0),
        rx.el.section(
            rx.el.details(
                rx.el.summary(rx.text("Save this plan as a template", weight="medium", as_="span")),
                rx.text(
                    "Only the structure is saved: focus areas, goals with what success looks like and their "
                    "learning objectives, tasks and links. Progress, dates, ratings, notes, reflections and the "
                    "log stay in the plan, and the learner's name is replaced with “the learner”.",
                    size="2",
                    color_scheme="gray",
                    margin_y="0.5rem",
                ),
                rx.form(
                    rx.el.input(type="hidden", name="plan_id", value=UPD.shown_plan_id),
                    rx.vstack(
                        _meta_fields("save-template-"),
                        rx.button(rx.icon("copy-plus", size=16), "Save as template", type="submit"),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=LIB.save_plan_as_template,
                    reset_on_submit=True,
                ),
            ),
            class_name="focus-area",
            aria_label="Save as template",
        ),
    )


def _accept_button(update: rx.Var) -> rx.Component:
    accept = UPD.accept(update.template_item_id, update.revision)
    plain = rx.button(
        rx.icon("check", size=16),
        "Accept",
        size="2",
        on_click=accept,
        aria_label="Accept: " + update.description,
    )
    # A removal can take reflections and ratings with it: it is confirmed first.
    confirmed = rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("check", size=16),
                "Accept",
                size="2",
                color_scheme="red",
                aria_label="Accept: " + update.description,
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Remove it from this plan?"),
            rx.alert_dialog.description(update.description, "."),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button("Remove", color_scheme="red", on_click=accept)),
                justify="end",
                spacing="2",
            ),
        ),
    )
    return rx.cond(update.change == "removed", confirmed, plain)


def template_update_row(update: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.badge(
                update.change_label,
                color_scheme=rx.match(update.change, ("new", "green"), ("removed", "red"), "amber"),
                variant="soft",
            ),
            rx.badge(update.kind_label, variant="outline", color_scheme="gray"),
            spacing="2",
            wrap="wrap",
        ),
        rx.text(update.description, size="2", margin_top="0.25rem"),
        rx.cond(
            (update.change != "removed") & (update.detail != ""),
            rx.text(
                rx.match(update.kind, ("link", "Address: "), "What success looks like: "),
                update.detail,
                size="1",
                color_scheme="gray",
                word_break="break-word",
            ),
        ),
        rx.hstack(
            _accept_button(update),
            rx.button(
                "Dismiss",
                size="2",
                variant="soft",
                color_scheme="gray",
                on_click=UPD.dismiss(update.template_item_id, update.revision),
                aria_label="Dismiss: " + update.description,
            ),
            spacing="2",
            margin_top="0.5rem",
            wrap="wrap",
        ),
        class_name="note",
        role="listitem",
    )


def template_updates_section() -> rx.Component:
    """For the plan's mentor: the template this plan came from, and its changes to accept or dismiss."""
    return rx.cond(
        (UPD.template_name != "") & UPD.can_decide,
        rx.el.section(
            rx.heading("Updates from template", as_="h2", size="5"),
            rx.text(
                "This plan was made from the template “",
                UPD.template_name,
                "”. Changes to the template reach the plan only when you accept them, one by one.",
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                UPD.updates.length() > 0,
                rx.box(rx.foreach(UPD.updates, template_update_row), role="list", width="100%"),
                rx.text("No updates are waiting.", size="2"),
            ),
            class_name="focus-area",
        ),
    )


# --- the library ----------------------------------------------------------------------------------


def _kind_badge(plan_kind: rx.Var) -> rx.Component:
    """Which plans a template makes: learners' plans or staff plans."""
    return rx.badge(
        rx.cond(plan_kind == "staff", "Staff plan", "Learner plan"),
        color_scheme=rx.cond(plan_kind == "staff", "violet", "blue"),
        variant="outline",
    )


def template_card(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(row.name, as_="h3", size="4"),
                _kind_badge(row.plan_kind),
                rx.foreach(row.years, lambda y: rx.badge(y, variant="soft")),
                rx.cond(row.archived, rx.badge("Archived", color_scheme="gray", variant="outline")),
                align="center",
                wrap="wrap",
                spacing="2",
            ),
            rx.cond(
                row.description != "", rx.text(row.description, size="2", white_space="pre-wrap")
            ),
            rx.text(
                row.areas,
                " focus areas · ",
                row.goals,
                " goals · ",
                row.tasks,
                " tasks · used by ",
                row.plans,
                " plans",
                size="1",
                color_scheme="gray",
            ),
            rx.text(
                "Updated ",
                row.updated_at,
                rx.cond(row.created_by != "", " · made by " + row.created_by, ""),
                size="1",
                color_scheme="gray",
            ),
            rx.hstack(
                rx.button(
                    "Open",
                    size="2",
                    on_click=LIB.open_template(row.id),
                    aria_label="Open " + row.name,
                ),
                rx.cond(
                    ~row.archived
                    # Staff templates start staff plans (from the staff member's home) only.
                    & (row.plan_kind == "learner")
                    & ((LIB.learner_choices.length() + LIB.group_choices.length()) > 0),
                    rx.button(
                        rx.icon("users", size=14),
                        "Apply",
                        size="2",
                        variant="soft",
                        on_click=LIB.open_dialog("apply", row.id, {"name": row.name}),
                        aria_label="Apply " + row.name,
                    ),
                ),
                rx.button(
                    "Duplicate",
                    size="2",
                    variant="soft",
                    color_scheme="gray",
                    on_click=LIB.duplicate(row.id),
                    aria_label="Duplicate " + row.name,
                ),
                rx.cond(
                    row.archived,
                    rx.button(
                        "Restore",
                        size="2",
                        variant="ghost",
                        on_click=LIB.unarchive(row.id),
                        aria_label="Restore " + row.name,
                    ),
                    rx.button(
                        "Archive",
                        size="2",
                        variant="ghost",
                        color_scheme="gray",
                        on_click=LIB.archive(row.id),
                        aria_label="Archive " + row.name,
                    ),
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
            width="100%",
        ),
        role="listitem",
    )


def template_list() -> rx.Component:
    return rx.vstack(
        rx.checkbox(
            "Show archived templates", checked=LIB.show_archived, on_change=LIB.set_show_archived
        ),
        rx.cond(
            LIB.rows.length() == 0,
            rx.callout(
                "No templates yet. Open a plan and choose “Save this plan as a template”.",
                icon="info",
                color_scheme="gray",
                variant="surface",
            ),
            rx.box(
                rx.foreach(LIB.rows, template_card),
                class_name="card-grid",
                role="list",
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


# --- one template's tree -----------------------------------------------------------------------------


def _item_tools(
    item: rx.Var, kind: str, edit_values: dict, child: tuple[str, str] | None
) -> rx.Component:
    """Edit, remove and (where items hang below) add-below buttons, each naming the item."""
    tools = [
        rx.icon_button(
            rx.icon("pencil", size=14),
            size="1",
            variant="ghost",
            on_click=LIB.open_dialog("edit", item.id, {"kind": kind, **edit_values}),
            aria_label="Edit: " + item.text,
        ),
    ]
    if child is not None:
        child_kind, child_label = child
        tools.append(
            rx.button(
                rx.icon("plus", size=14),
                child_label,
                size="1",
                variant="soft",
                on_click=LIB.open_dialog("add", item.id, {"kind": child_kind}),
                aria_label=f"{child_label} to: " + item.text,
            )
        )
    tools.append(
        rx.alert_dialog.root(
            rx.alert_dialog.trigger(
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    aria_label="Remove: " + item.text,
                )
            ),
            rx.alert_dialog.content(
                rx.alert_dialog.title("Remove “", item.text, "” from the template?"),
                rx.alert_dialog.description(
                    "Everything under it goes too. Plans made from the template keep it "
                    "until their mentor accepts the removal."
                ),
                rx.hstack(
                    rx.alert_dialog.cancel(
                        rx.button("Keep it", variant="soft", color_scheme="gray")
                    ),
                    rx.alert_dialog.action(
                        rx.button("Remove", color_scheme="red", on_click=LIB.remove_item(item.id))
                    ),
                    justify="end",
                    spacing="2",
                ),
            ),
        )
    )
    return rx.hstack(*tools, spacing="1", wrap="wrap", align="center")


def _link_row(link: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.link(
            rx.icon("external-link", size=14),
            link.text,
            href=link.url,
            is_external=True,
            rel="noopener noreferrer",
            size="2",
        ),
        _item_tools(link, "link", {"text": link.text, "detail": link.url}, None),
        align="center",
        spacing="2",
        wrap="wrap",
        role="listitem",
    )


def _task_row(task: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.text(task.text, weight="medium", size="2"),
            _item_tools(task, "task", {"text": task.text}, ("link", "Add link")),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        rx.box(rx.foreach(task.links, _link_row), role="list", padding_inline_start="1rem"),
        class_name="task-row",
        role="listitem",
    )


def _goal_card(goal: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(goal.text, as_="h4", size="3"),
            rx.cond(
                goal.success_criteria != "",
                rx.text(rx.text.strong("Success looks like: "), goal.success_criteria, size="2"),
            ),
            rx.cond(
                goal.objective_codes != "",
                rx.text(
                    "Learning objectives: ", goal.objective_codes, size="1", color_scheme="gray"
                ),
            ),
            _item_tools(
                goal,
                "goal",
                {
                    "text": goal.text,
                    "detail": goal.success_criteria,
                    "objective_codes": goal.objective_codes,
                },
                ("task", "Add task"),
            ),
            rx.box(
                rx.foreach(goal.tasks, _task_row), role="list", class_name="task-list", width="100%"
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _area_section(area: rx.Var) -> rx.Component:
    return rx.el.section(
        rx.hstack(
            rx.heading(area.text, as_="h3", size="4"),
            _item_tools(area, "area", {"text": area.text}, ("goal", "Add goal")),
            align="center",
            spacing="2",
            wrap="wrap",
            width="100%",
        ),
        rx.vstack(rx.foreach(area.goals, _goal_card), spacing="2", width="100%"),
        class_name="focus-area",
    )


def _plans_made() -> rx.Component:
    return rx.el.section(
        rx.heading("Plans made from it", as_="h3", size="4"),
        rx.cond(
            LIB.selected_plans.length() == 0,
            rx.text("None that you can see yet.", size="2", color_scheme="gray"),
            rx.box(
                rx.foreach(
                    LIB.selected_plans,
                    lambda p: rx.hstack(
                        rx.link(
                            p.learner_name,
                            rx.el.span("'s plan", class_name="visually-hidden"),
                            href=routes.plan_url(p.plan_id),
                            weight="medium",
                        ),
                        rx.text(
                            p.period_name, " · ", p.status_label, size="2", color_scheme="gray"
                        ),
                        rx.cond(
                            p.pending > 0,
                            rx.badge(
                                p.pending, " updates waiting", color_scheme="amber", variant="soft"
                            ),
                        ),
                        spacing="2",
                        wrap="wrap",
                        align="center",
                        role="listitem",
                    ),
                ),
                role="list",
                width="100%",
            ),
        ),
        class_name="focus-area",
    )


def template_editor() -> rx.Component:
    """The open template: its details, its tree with editing tools, and the plans made from it."""
    t = LIB.selected
    return rx.cond(
        LIB.has_selection,
        rx.el.section(
            rx.vstack(
                rx.hstack(
                    rx.heading(t.name, as_="h2", size="6"),
                    _kind_badge(t.plan_kind),
                    rx.foreach(t.years, lambda y: rx.badge(y, variant="soft")),
                    rx.badge("Revision ", t.revision, variant="outline", color_scheme="gray"),
                    align="center",
                    wrap="wrap",
                    spacing="2",
                ),
                rx.cond(
                    t.description != "", rx.text(t.description, size="2", white_space="pre-wrap")
                ),
                rx.hstack(
                    rx.button(
                        rx.icon("pencil", size=14),
                        "Edit details",
                        size="2",
                        variant="soft",
                        on_click=LIB.open_dialog(
                            "meta",
                            t.id,
                            {
                                "name": t.name,
                                "description": t.description,
                                "years": t.years.join("\n"),
                                "plan_kind": t.plan_kind,
                            },
                        ),
                    ),
                    rx.button(
                        rx.icon("plus", size=14),
                        "Add focus area",
                        size="2",
                        variant="soft",
                        on_click=LIB.open_dialog("add", 0, {"kind": "area"}),
                    ),
                    rx.button(
                        "Close",
                        size="2",
                        variant="ghost",
                        color_scheme="gray",
                        on_click=LIB.close_template,
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
                rx.foreach(t.areas, _area_section),
                _plans_made(),
                spacing="3",
                width="100%",
            ),
            aria_label="Template",
            id="template-editor",
        ),
    )


# --- dialogs: details, items --------------------------------------------------------------------------


def _item_fields() -> rx.Component:
    values = LIB.dialog_values
    prefix = "template-item-"
    return rx.match(
        values["kind"],
        (
            "area",
            _text(
                "Focus area",
                "text",
                prefix=prefix,
                max_length=MAX_FOCUS_AREA,
                default=values["text"],
            ),
        ),
        (
            "goal",
            rx.fragment(
                _area(
                    "Goal",
                    "text",
                    prefix=prefix,
                    max_length=MAX_GOAL_STATEMENT,
                    default=values["text"],
                    required=True,
                    rows="2",
                ),
                _area(
                    "What success looks like",
                    "detail",
                    prefix=prefix,
                    max_length=MAX_SUCCESS_CRITERIA,
                    default=values["detail"],
                    rows="2",
                ),
                _text(
                    "Learning objectives (codes, separated by commas)",
                    "objective_codes",
                    prefix=prefix,
                    max_length=MAX_OBJECTIVE_CODES_TEXT,
                    required=False,
                    default=values["objective_codes"],
                    placeholder="e.g. NOR-8-03, MAT-8-05",
                ),
            ),
        ),
        (
            "task",
            _text("Task", "text", prefix=prefix, max_length=MAX_TASK_TITLE, default=values["text"]),
        ),
        (
            "link",
            rx.fragment(
                _text(
                    "Link title",
                    "text",
                    prefix=prefix,
                    max_length=MAX_LINK_TITLE,
                    default=values["text"],
                ),
                _text(
                    "Address (https://…)",
                    "detail",
                    prefix=prefix,
                    max_length=MAX_URL,
                    type_="url",
                    default=values["detail"],
                ),
            ),
        ),
        rx.fragment(),
    )


def template_dialog() -> rx.Component:
    """Edit a template's details, or add or edit one of its items."""
    kinds = (("area", "focus area"), ("goal", "goal"), ("task", "task"), ("link", "link"))
    kind = LIB.dialog_values["kind"]
    title = rx.match(
        LIB.dialog,
        ("meta", "Template details"),
        ("add", rx.match(kind, *[(k, f"Add a {label}") for k, label in kinds], "Add an item")),
        ("edit", rx.match(kind, *[(k, f"Edit {label}") for k, label in kinds], "Edit item")),
        "",
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.form(
                rx.vstack(
                    form_error(LIB.dialog_error),
                    rx.cond(
                        LIB.dialog == "meta",
                        _meta_fields("template-meta-", LIB.dialog_values),
                        _item_fields(),
                    ),
                    rx.hstack(
                        rx.button(
                            "Cancel",
                            variant="soft",
                            color_scheme="gray",
                            type="button",
                            on_click=LIB.close_dialog,
                        ),
                        rx.button("Save", type="submit"),
                        justify="end",
                        width="100%",
                        spacing="2",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=LIB.submit_dialog,
                key=LIB.dialog + "-" + LIB.dialog_target.to_string(),
            ),
            max_width="36rem",
        ),
        open=(LIB.dialog == "meta") | (LIB.dialog == "add") | (LIB.dialog == "edit"),
        on_open_change=lambda _open: LIB.close_dialog(),
    )


# --- applying ---------------------------------------------------------------------------------------


def _apply_progress() -> rx.Component:
    return rx.cond(
        LIB.applying,
        rx.vstack(
            rx.text(
                "Making plans… ",
                LIB.apply_done,
                " of ",
                LIB.apply_total,
                " learners",
                size="2",
                role="status",
                aria_live="polite",
            ),
            rx.progress(
                value=LIB.apply_percent, max=100, aria_label="Applying the template", width="100%"
            ),
            spacing="1",
            width="100%",
        ),
    )


def apply_summary() -> rx.Component:
    """What applying did: plans made, and who was skipped and why."""
    return rx.vstack(
        rx.callout(
            LIB.summary_title,
            icon="circle-check",
            color_scheme="green",
            role="status",
            width="100%",
        ),
        rx.cond(
            LIB.summary_skipped.length() > 0,
            rx.vstack(
                rx.heading("Skipped", as_="h3", size="3"),
                rx.box(
                    rx.foreach(
                        LIB.summary_skipped,
                        lambda s: rx.text(
                            rx.text.strong(s["name"]), ": ", s["reason"], size="2", role="listitem"
                        ),
                    ),
                    role="list",
                ),
                spacing="1",
                width="100%",
            ),
        ),
        rx.cond(
            LIB.summary_created.length() > 0,
            rx.el.details(
                rx.el.summary("Plans made (", LIB.summary_created.length(), ")"),
                rx.box(
                    rx.foreach(
                        LIB.summary_created,
                        lambda c: rx.box(
                            rx.link(
                                c["name"],
                                href=routes.plan_url(c["plan_id"]),
                                size="2",
                                aria_label="Open the new plan of " + c["name"],
                            ),
                            role="listitem",
                        ),
                    ),
                    role="list",
                    padding_top="0.5rem",
                ),
                width="100%",
            ),
        ),
        rx.hstack(rx.button("Done", on_click=LIB.close_dialog), justify="end", width="100%"),
        spacing="3",
        width="100%",
    )


def apply_dialog() -> rx.Component:
    """Choose a learner or a whole group, apply in one go, watch progress, read the summary."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Apply “", LIB.dialog_values["name"], "”"),
            rx.dialog.description(
                "Makes a draft plan for the current period for each learner who has none yet. Dates are left "
                "empty; the plans are independent copies that remember this template.",
                size="2",
            ),
            rx.cond(
                LIB.has_summary,
                apply_summary(),
                rx.form(
                    rx.vstack(
                        form_error(LIB.dialog_error),
                        labelled(
                            "Apply to",
                            "apply-target",
                            rx.el.select(
                                rx.el.option(
                                    "Choose a learner or a group", value="", disabled=True
                                ),
                                rx.el.optgroup(
                                    rx.foreach(
                                        LIB.group_choices,
                                        lambda g: rx.el.option(
                                            g.name, value="group-" + g.id.to_string()
                                        ),
                                    ),
                                    label="Whole group",
                                ),
                                rx.el.optgroup(
                                    rx.foreach(
                                        LIB.learner_choices,
                                        lambda learner: rx.el.option(
                                            learner.name, value="learner-" + learner.id.to_string()
                                        ),
                                    ),
                                    label="One learner",
                                ),
                                id="apply-target",
                                name="target",
                                required=True,
                                default_value="",
                                class_name="role-select",
                                disabled=LIB.applying,
                            ),
                        ),
                        _apply_progress(),
                        rx.hstack(
                            rx.button(
                                "Cancel",
                                variant="soft",
                                color_scheme="gray",
                                type="button",
                                on_click=LIB.close_dialog,
                                disabled=LIB.applying,
                            ),
                            rx.button("Apply", type="submit", loading=LIB.applying),
                            justify="end",
                            width="100%",
                            spacing="2",
                        ),
                        spacing="3",
                        width="100%",
                    ),
                    on_submit=LIB.apply_template,
                ),
            ),
            max_width="36rem",
        ),
        open=LIB.dialog == "apply",
        on_open_change=lambda _open: LIB.close_dialog(),
    )
