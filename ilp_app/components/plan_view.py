"""The plan on screen: focus areas, goals, tasks, reflections, notes and the log.

Built for a phone first (one column, large tap targets) and widening on larger screens. What
a person may do comes from ``PlanState.plan.can``; the server checks again on every event.
User text is always rendered as text.
"""

from __future__ import annotations

import reflex as rx

from ilp_app import routes
from ilp_app.components.downloads import download_link
from ilp_app.components.forms import form_error, labelled
from ilp_app.components.learner_context import learner_context_header
from ilp_app.components.reviews import reviews_section
from ilp_app.domain.plans import (
    MAX_GOAL_STATEMENT,
    MAX_LINK_TITLE,
    MAX_LOG_ENTRY,
    MAX_NOTE,
    MAX_REFLECTION,
    MAX_SUCCESS_CRITERIA,
    MAX_TASK_TITLE,
    MAX_URL,
)
from ilp_app.domain.projection import PROJECTION_RULE
from ilp_app.services.printing import plan_pdf_url
from ilp_app.state.plan import CARRY_GOAL_PREFIX, OBJECTIVE_FIELD_PREFIX, REASON_PREFIX, PlanState

P = PlanState.plan
CAN = PlanState.plan.can


def text_field(label: str, name: str, *, default=None, max_length: int, required: bool = True,
               type_: str = "text", prefix: str = "") -> rx.Component:
    field_id = f"{prefix}{name}"
    return labelled(label, field_id, rx.input(id=field_id, name=name, type=type_, required=required,
                                            max_length=max_length, default_value=default, width="100%"))


def area_field(label: str, name: str, *, default=None, max_length: int, required: bool = True,
               prefix: str = "", rows: str = "3") -> rx.Component:
    field_id = f"{prefix}{name}"
    return labelled(label, field_id, rx.text_area(id=field_id, name=name, required=required, rows=rows,
                                                max_length=max_length, default_value=default, width="100%"))


def progress_line(completed: rx.Var, total: rx.Var, percent: rx.Var, label: str) -> rx.Component:
    return rx.vstack(
        rx.text(completed, " of ", total, " tasks completed", size="2", color_scheme="gray"),
        rx.progress(value=percent, max=100, aria_label=label, width="100%"),
        spacing="1",
        width="100%",
    )


def status_badge(status: rx.Var, label: rx.Var) -> rx.Component:
    return rx.badge(label, color_scheme=rx.match(status, ("active", "green"), ("locked", "gray"), "amber"),
                    size="2", variant="soft")


# --- tasks ---


def _status_icon(status: rx.Var) -> rx.Component:
    return rx.match(
        status,
        ("completed", rx.icon("circle-check-big", size=20)),
        ("ongoing", rx.icon("circle-dot", size=20)),
        rx.icon("circle", size=20),
    )


def task_status_control(task: rx.Var) -> rx.Component:
    """One tap moves the task on; for those who only read, the status as a label."""
    color = rx.match(task.status, ("completed", "green"), ("ongoing", "amber"), "gray")
    return rx.cond(
        CAN.tick,
        rx.button(
            _status_icon(task.status), task.status_label,
            on_click=PlanState.tick(task.id, task.status),
            color_scheme=color, variant=rx.cond(task.status == "completed", "solid", "soft"),
            size="3", class_name="tick-button",
            aria_label=task.title + ": " + task.status_label + ". Tap to move it on.",
        ),
        rx.badge(_status_icon(task.status), task.status_label, color_scheme=color, size="2",
                 variant="soft", class_name="tick-badge"),
    )


def _move_buttons(on_up, on_down, what: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon_button(rx.icon("arrow-up", size=14), size="1", variant="ghost", on_click=on_up,
                       aria_label="Move up: " + what),
        rx.icon_button(rx.icon("arrow-down", size=14), size="1", variant="ghost", on_click=on_down,
                       aria_label="Move down: " + what),
        spacing="1",
    )


def carry_reason_form(task: rx.Var) -> rx.Component:
    return rx.form(
        rx.el.input(type="hidden", name="task_id", value=task.id),
        rx.hstack(
            rx.input(name="reason", default_value=task.carry_reason, max_length=500, size="1",
                     placeholder="Why it wasn't done (optional)",
                     aria_label="Why it wasn't done: " + task.title, flex="1"),
            rx.button("Save", size="1", variant="soft", type="submit"),
            width="100%", spacing="1",
        ),
        on_submit=PlanState.set_carry_reason,
        width="100%",
    )


def task_editor_tools(task: rx.Var) -> rx.Component:
    return rx.cond(
        CAN.edit,
        rx.hstack(
            _move_buttons(PlanState.move_task(task.id, "up"), PlanState.move_task(task.id, "down"), task.title),
            rx.icon_button(rx.icon("pencil", size=14), size="1", variant="ghost",
                           on_click=PlanState.open_dialog("task_edit", task.id,
                                                          {"title": task.title, "due_date": task.due_date}),
                           aria_label="Edit task: " + task.title),
            rx.icon_button(rx.icon("link", size=14), size="1", variant="ghost",
                           on_click=PlanState.open_dialog("link_add", task.id, {}),
                           aria_label="Add a link to: " + task.title),
            rx.icon_button(rx.icon("trash-2", size=14), size="1", variant="ghost", color_scheme="red",
                           on_click=PlanState.delete_task(task.id), aria_label="Delete task: " + task.title),
            spacing="1",
            wrap="wrap",
        ),
    )


def task_row(task: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            task_status_control(task),
            rx.vstack(
                rx.text(task.title, weight="medium"),
                rx.hstack(
                    rx.cond(task.due_date != "", rx.text("Due ", task.due_date, size="1", color_scheme="gray")),
                    rx.cond(task.changed_by != "",
                            rx.text(task.status_label, " by ", task.changed_by, ", ", task.changed_at,
                                    size="1", color_scheme="gray")),
                    wrap="wrap",
                    spacing="2",
                ),
                rx.cond(
                    task.carried,
                    rx.vstack(
                        rx.badge(rx.icon("history", size=12), "Carried over from the last period", variant="soft",
                                 color_scheme="violet"),
                        rx.cond(task.carry_reason != "", rx.text("Why it wasn't done: ", task.carry_reason, size="1",
                                                                 color_scheme="gray")),
                        rx.cond(CAN.tick, carry_reason_form(task)),
                        spacing="1",
                    ),
                ),
                rx.foreach(
                    task.links,
                    lambda link: rx.hstack(
                        rx.link(rx.icon("external-link", size=14), link.title, href=link.url, is_external=True,
                                rel="noopener noreferrer", size="2"),
                        rx.cond(CAN.edit, rx.icon_button(
                            rx.icon("x", size=12), size="1", variant="ghost", color_scheme="red",
                            on_click=PlanState.delete_link(link.id), aria_label="Remove link: " + link.title)),
                        align="center",
                        spacing="1",
                    ),
                ),
                spacing="1",
                flex="1",
                min_width="0",
            ),
            align="start",
            spacing="3",
            width="100%",
        ),
        task_editor_tools(task),
        class_name="task-row",
        role="listitem",
    )


def task_add_form(goal: rx.Var) -> rx.Component:
    return rx.cond(
        CAN.edit,
        rx.form(
            rx.el.input(type="hidden", name="goal_id", value=goal.id),
            rx.hstack(
                rx.el.label("New task for: ", goal.statement, html_for="new-task-" + goal.id.to_string(),
                            class_name="visually-hidden"),
                rx.input(id="new-task-" + goal.id.to_string(), name="title", placeholder="Add a task…",
                         required=True, max_length=MAX_TASK_TITLE, flex="1", min_width="10rem"),
                rx.input(name="due_date", type="date", aria_label="Due date (optional)", width="10rem",
                         min=P.period_starts, max=P.period_ends),
                rx.button("Add task", type="submit", variant="soft"),
                wrap="wrap",
                width="100%",
                spacing="2",
            ),
            # The goal travels in a hidden field: a form's submit handler cannot see the loop variable.
            on_submit=PlanState.add_task,
            reset_on_submit=True,
        ),
    )


# --- goals ---


def rating_control(label: str, current: rx.Var, goal: rx.Var, allowed: rx.Var) -> rx.Component:
    """A 1–5 scale: buttons for the person who rates, a read-only value for everyone else."""
    return rx.hstack(
        rx.text(label, size="2", weight="medium", min_width="7rem"),
        rx.cond(
            allowed,
            rx.hstack(
                *[
                    rx.button(
                        str(n), size="2", type="button",
                        variant=rx.cond(current >= n, "solid", "outline"),
                        on_click=PlanState.rate(goal.id, n),
                        aria_label=f"{label} {n} of 5",
                        aria_pressed=rx.cond(current == n, "true", "false"),
                    )
                    for n in range(1, 6)
                ],
                spacing="1",
                role="group",
                aria_label=label,
            ),
            rx.text(rx.cond(current > 0, current.to_string() + " / 5", "not rated yet"), size="2"),
        ),
        align="center",
        wrap="wrap",
        spacing="2",
    )


def reflections(goal: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.foreach(
            goal.reflections,
            lambda r: rx.box(
                rx.text(r.body, size="2", white_space="pre-wrap"),
                rx.text(r.author, " · ", r.created_at, size="1", color_scheme="gray"),
                class_name="reflection",
            ),
        ),
        rx.cond(
            CAN.reflect,
            rx.form(
                rx.el.input(type="hidden", name="goal_id", value=goal.id),
                rx.vstack(
                    rx.el.label("My reflection", html_for="reflection-" + goal.id.to_string(),
                                class_name="field-label"),
                    rx.text_area(id="reflection-" + goal.id.to_string(), name="body", required=True,
                                 max_length=MAX_REFLECTION, placeholder="What went well? What will I try next?",
                                 rows="3", width="100%"),
                    rx.button("Save reflection", type="submit", variant="soft"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=PlanState.add_reflection,
                reset_on_submit=True,
                width="100%",
            ),
        ),
        spacing="2",
        width="100%",
    )


def goal_editor_tools(goal: rx.Var) -> rx.Component:
    return rx.cond(
        CAN.edit,
        rx.hstack(
            _move_buttons(PlanState.move_goal(goal.id, "up"), PlanState.move_goal(goal.id, "down"), goal.statement),
            rx.button(rx.icon("pencil", size=14), "Edit goal", size="1", variant="soft",
                      on_click=PlanState.open_dialog("goal_edit", goal.id, {
                          "statement": goal.statement, "success_criteria": goal.success_criteria,
                          "target_date": goal.target_date,
                          "objectives": goal.objectives.map(lambda o: o.id.to_string()),
                      })),
            rx.button(rx.icon("trash-2", size=14), "Delete", size="1", variant="soft", color_scheme="red",
                      on_click=PlanState.delete_goal(goal.id), aria_label="Delete goal: " + goal.statement),
            spacing="2",
            wrap="wrap",
        ),
    )


def goal_card(goal: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(goal.statement, as_="h3", size="4"),
            rx.cond(goal.success_criteria != "",
                    rx.text(rx.text.strong("Success looks like: "), goal.success_criteria, size="2")),
            rx.cond(goal.target_date != "", rx.text("Target date: ", goal.target_date, size="2", color_scheme="gray")),
            rx.cond(
                goal.carried_from_plan_id > 0,
                rx.link(rx.icon("history", size=14), " Continues a goal from ", goal.carried_from_period,
                        href=routes.plan_url(goal.carried_from_plan_id), size="2"),
            ),
            rx.cond(
                goal.objectives.length() > 0,
                rx.hstack(rx.foreach(goal.objectives, lambda o: rx.tooltip(
                    rx.badge(o.code, variant="outline"), content=o.statement)), wrap="wrap", spacing="1"),
            ),
            rx.foreach(goal.objectives, lambda o: rx.text(o.code, ": ", o.statement, size="1",
                                                          color_scheme="gray", class_name="visually-hidden")),
            progress_line(goal.completed, goal.total, goal.percent, "Progress of this goal"),
            rx.hstack(
                rx.badge(goal.outlook_label, variant="soft",
                         color_scheme=rx.match(goal.outlook, ("on_track", "green"), ("behind", "orange"), "gray")),
                rx.tooltip(rx.icon("info", size=14, aria_label="How this is worked out"), content=PROJECTION_RULE),
                align="center", spacing="1",
            ),
            rx.box(rx.foreach(goal.tasks, task_row), role="list", class_name="task-list", width="100%"),
            task_add_form(goal),
            rating_control("Self-assessment", goal.self_rating, goal, CAN.rate_self),
            rating_control("Mentor rating", goal.mentor_rating, goal, CAN.rate_mentor),
            rx.cond((goal.reflections.length() > 0) | CAN.reflect,
                    rx.heading("Reflections", as_="h4", size="3", margin_top="0.5rem")),
            reflections(goal),
            goal_editor_tools(goal),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


# --- focus areas ---


def focus_area_section(area: rx.Var) -> rx.Component:
    return rx.el.section(
        rx.hstack(
            rx.heading(area.name, as_="h2", size="5"),
            rx.spacer(),
            rx.cond(
                CAN.edit,
                rx.hstack(
                    _move_buttons(PlanState.move_focus_area(area.id, "up"),
                                  PlanState.move_focus_area(area.id, "down"), area.name),
                    rx.icon_button(rx.icon("pencil", size=14), size="1", variant="ghost",
                                   on_click=PlanState.open_dialog("area_rename", area.id, {"name": area.name}),
                                   aria_label="Rename focus area: " + area.name),
                    rx.alert_dialog.root(
                        rx.alert_dialog.trigger(rx.icon_button(rx.icon("trash-2", size=14), size="1", variant="ghost",
                                                               color_scheme="red",
                                                               aria_label="Remove focus area: " + area.name)),
                        rx.alert_dialog.content(
                            rx.alert_dialog.title("Remove ", area.name, "?"),
                            rx.alert_dialog.description("Its goals and tasks are removed too."),
                            rx.hstack(
                                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                                rx.alert_dialog.action(rx.button("Remove", color_scheme="red",
                                                                 on_click=PlanState.delete_focus_area(area.id))),
                                justify="end", spacing="2",
                            ),
                        ),
                    ),
                    spacing="1",
                ),
            ),
            align="center",
            width="100%",
        ),
        progress_line(area.completed, area.total, area.percent, "Progress in " + area.name),
        rx.vstack(rx.foreach(area.goals, goal_card), spacing="3", width="100%"),
        rx.cond(
            CAN.edit,
            rx.button(rx.icon("plus", size=16), "Add a goal", variant="soft",
                      on_click=PlanState.open_dialog("goal_add", area.id, {}),
                      aria_label="Add a goal to " + area.name),
        ),
        class_name="focus-area",
    )


def add_focus_area_form() -> rx.Component:
    return rx.cond(
        CAN.edit,
        rx.form(
            rx.hstack(
                rx.el.label("New focus area", html_for="new-focus-area", class_name="field-label"),
                rx.input(id="new-focus-area", name="name", list="focus-area-choices", required=True,
                         max_length=80, placeholder="e.g. Social competence", flex="1", min_width="12rem"),
                rx.el.datalist(rx.foreach(PlanState.focus_area_choices, lambda c: rx.el.option(value=c)),
                               id="focus-area-choices"),
                rx.button("Add focus area", type="submit", variant="soft"),
                align="center", wrap="wrap", spacing="2", width="100%",
            ),
            on_submit=PlanState.add_focus_area,
            reset_on_submit=True,
        ),
    )


# --- notes and log ---


def note_item(note: rx.Var) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.badge(note.visibility_label, color_scheme=rx.match(note.visibility, ("private", "red"),
                                                                  ("family", "green"), "blue"), variant="soft"),
            rx.text(note.author, " · ", note.created_at, size="1", color_scheme="gray"),
            wrap="wrap", spacing="2", align="center",
        ),
        rx.text(note.body, size="2", white_space="pre-wrap", margin_top="0.25rem"),
        rx.cond(
            note.can_edit,
            rx.hstack(
                rx.el.select(
                    rx.foreach(PlanState.visibility_options,
                               lambda o: rx.el.option(o["label"], value=o["value"])),
                    value=note.visibility,
                    on_change=lambda v: PlanState.set_note_visibility(note.id, v),
                    aria_label="Who can see this note",
                    class_name="role-select",
                ),
                rx.button("Delete", size="1", variant="ghost", color_scheme="red",
                          on_click=PlanState.delete_note(note.id)),
                spacing="2", margin_top="0.25rem", align="center",
            ),
        ),
        class_name="note",
        role="listitem",
    )


def notes_section() -> rx.Component:
    return rx.cond(
        (P.notes.length() > 0) | CAN.write_note,
        rx.el.section(
            rx.heading("Notes", as_="h2", size="5"),
            rx.box(rx.foreach(P.notes, note_item), role="list", width="100%"),
            rx.cond(
                CAN.write_note,
                rx.form(
                    rx.vstack(
                        area_field("New note", "body", max_length=MAX_NOTE, prefix="note-"),
                        rx.hstack(
                            rx.el.label("Who can see it", html_for="note-visibility", class_name="field-label"),
                            rx.el.select(
                                rx.foreach(PlanState.visibility_options,
                                           lambda o: rx.el.option(o["label"], value=o["value"])),
                                id="note-visibility", name="visibility", default_value="staff",
                                class_name="role-select",
                            ),
                            rx.button("Save note", type="submit", variant="soft"),
                            align="center", wrap="wrap", spacing="2",
                        ),
                        spacing="2", width="100%",
                    ),
                    on_submit=PlanState.add_note,
                    reset_on_submit=True,
                ),
            ),
            class_name="focus-area",
        ),
    )


def log_section() -> rx.Component:
    return rx.el.section(
        rx.heading("Plan log", as_="h2", size="5"),
        rx.text("A conversation about this plan between the mentor, teachers, the learner and parents.",
                size="2", color_scheme="gray"),
        rx.box(
            rx.foreach(P.log, lambda e: rx.box(
                rx.text(rx.text.strong(e.author), " · ", e.created_at, size="1", color_scheme="gray"),
                rx.text(e.body, size="2", white_space="pre-wrap"),
                class_name="log-entry", role="listitem",
            )),
            role="list", width="100%",
        ),
        rx.cond(
            CAN.post,
            rx.form(
                rx.vstack(
                    area_field("Write in the log", "body", max_length=MAX_LOG_ENTRY, prefix="log-", rows="2"),
                    rx.button("Post", type="submit", variant="soft"),
                    spacing="2", width="100%",
                ),
                on_submit=PlanState.post_log,
                reset_on_submit=True,
            ),
        ),
        class_name="focus-area",
    )


# --- the dialog for goals, tasks, links and renames ---


def _objective_checkboxes() -> rx.Component:
    """Objectives to link, narrowed by a search on code, words or framework; linked ones always stay in view.

    Every checkbox stays in the form while hidden, so narrowing the list never unlinks anything. The
    search box belongs to no form: Enter in it does not save the goal.
    """
    needle = PlanState.objective_filter.lower()
    return rx.cond(
        PlanState.objective_choices.length() > 0,
        rx.el.fieldset(
            rx.el.legend("Learning objectives", class_name="field-label"),
            labelled("Find by code or words", "dialog-objective-filter",
                     rx.el.input(id="dialog-objective-filter", type="search", form="objective-filter",
                                 max_length=100, placeholder="e.g. OC.2 or presentation", class_name="role-select",
                                 on_change=PlanState.filter_objectives.debounce(200), style={"width": "100%"})),
            rx.box(
                rx.foreach(PlanState.objective_choices, lambda o: rx.el.label(
                    rx.el.input(type="checkbox", name=OBJECTIVE_FIELD_PREFIX + o["id"],
                                default_checked=PlanState.dialog_objectives.contains(o["id"])),
                    " ", rx.el.strong(o["code"]), " — ", o["statement"],
                    rx.el.span(o["path"], style={"display": "block", "font_size": "0.75rem",
                                                 "color": "var(--gray-11)", "padding_left": "1.4rem"}),
                    class_name="checkbox-line",
                    style={"display": rx.cond(o["search"].contains(needle)
                                              | PlanState.dialog_objectives.contains(o["id"]), "block", "none")},
                )),
                class_name="objective-list",
            ),
            rx.link("Browse the objective library", href=routes.OBJECTIVES, size="1", is_external=True),
            class_name="objective-fieldset",
        ),
    )


def _goal_fields() -> rx.Component:
    values = PlanState.dialog_values
    return rx.fragment(
        area_field("Goal", "statement", default=values["statement"], max_length=MAX_GOAL_STATEMENT,
                   prefix="dialog-", rows="2"),
        area_field("What success looks like", "success_criteria", default=values["success_criteria"],
                   max_length=MAX_SUCCESS_CRITERIA, required=False, prefix="dialog-", rows="2"),
        labelled("Target date", "dialog-target_date",
               rx.input(id="dialog-target_date", name="target_date", type="date", default_value=values["target_date"],
                        min=P.period_starts, max=P.period_ends)),
        _objective_checkboxes(),
    )


def _dialog_fields() -> rx.Component:
    values = PlanState.dialog_values
    return rx.match(
        PlanState.dialog,
        ("goal_add", _goal_fields()),
        ("goal_edit", _goal_fields()),
        ("task_edit", rx.fragment(
            text_field("Task", "title", default=values["title"], max_length=MAX_TASK_TITLE, prefix="dialog-"),
            labelled("Due date", "dialog-due_date",
                   rx.input(id="dialog-due_date", name="due_date", type="date", default_value=values["due_date"],
                            min=P.period_starts, max=P.period_ends)),
        )),
        ("link_add", rx.fragment(
            text_field("Link title", "title", max_length=MAX_LINK_TITLE, prefix="dialog-link-"),
            text_field("Address (https://…)", "url", max_length=MAX_URL, type_="url", prefix="dialog-link-"),
        )),
        ("area_rename", text_field("Focus area", "name", default=values["name"], max_length=80, prefix="dialog-")),
        ("next_period", _next_period_fields()),
        rx.fragment(),
    )


def _next_period_fields() -> rx.Component:
    """Choose the goals to carry; unfinished tasks move with them, each with an optional reason."""
    return rx.vstack(
        rx.text("This plan will be locked. Completed tasks stay here; the unfinished tasks of the goals you "
                "carry move to the new plan.", size="2"),
        rx.foreach(P.focus_areas, lambda area: rx.foreach(area.goals, lambda goal: rx.box(
            rx.el.label(
                rx.el.input(type="checkbox", name=CARRY_GOAL_PREFIX + goal.id.to_string(),
                            default_checked=(goal.completed < goal.total) | (goal.total == 0)),
                " Carry forward: ", goal.statement,
                class_name="checkbox-line",
            ),
            rx.foreach(goal.tasks, lambda task: rx.cond(
                task.status != "completed",
                rx.input(name=REASON_PREFIX + task.id.to_string(), max_length=500, size="1",
                         placeholder="Why it wasn't done (optional)",
                         aria_label="Why it wasn't done: " + task.title, margin_left="1.5rem", margin_top="0.25rem"),
            )),
            class_name="carry-goal",
        ))),
        spacing="2", width="100%", max_height="55vh", overflow_y="auto",
    )


def edit_dialog() -> rx.Component:
    title = rx.match(PlanState.dialog, ("goal_add", "New goal"), ("goal_edit", "Edit goal"),
                     ("task_edit", "Edit task"), ("link_add", "Add a link"), ("area_rename", "Rename focus area"),
                     ("next_period", "Start the next period"), "")
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.form(
                rx.vstack(
                    form_error(PlanState.dialog_error),
                    _dialog_fields(),
                    rx.hstack(
                        rx.button("Cancel", variant="soft", color_scheme="gray", type="button",
                                  on_click=PlanState.close_dialog),
                        rx.button("Save", type="submit"),
                        justify="end", width="100%", spacing="2",
                    ),
                    spacing="3", width="100%",
                ),
                on_submit=PlanState.submit_dialog,
                key=PlanState.dialog + "-" + PlanState.dialog_target.to_string(),
            ),
            max_width="36rem",
        ),
        open=PlanState.dialog != "",
        on_open_change=lambda _open: PlanState.close_dialog(),
    )


# --- the whole plan ---


def acknowledgement_block() -> rx.Component:
    """Who signed which version; a new version never waits for signatures of an older one."""
    return rx.vstack(
        rx.hstack(
            rx.badge("Version ", P.version, variant="outline"),
            rx.cond(
                CAN.acknowledge,
                rx.cond(
                    P.acknowledged_current,
                    rx.badge(rx.icon("check", size=12), "You acknowledged this version", color_scheme="green"),
                    rx.button(rx.icon("pen-line", size=14), "Acknowledge this version", size="2",
                              on_click=PlanState.acknowledge),
                ),
            ),
            align="center", wrap="wrap", spacing="2",
        ),
        rx.cond(
            P.acknowledgements.length() > 0,
            rx.el.ul(
                rx.foreach(P.acknowledgements, lambda a: rx.el.li(
                    rx.text(a.who, " (", a.role, ") acknowledged version ", a.version, " on ", a.at,
                            rx.cond(a.current, " — current", " — an earlier version"), size="1",
                            color_scheme="gray"))),
                class_name="ack-list",
            ),
        ),
        spacing="1", width="100%",
    )


def history_section() -> rx.Component:
    return rx.el.section(
        rx.heading("History", as_="h2", size="5"),
        rx.cond(
            PlanState.history_open,
            rx.box(
                rx.foreach(PlanState.history, lambda c: rx.box(
                    rx.text(rx.text.strong(c.what), " · ", c.who, " · ", c.at, " · version ", c.version, size="2"),
                    rx.cond(c.before != "", rx.text("Before: ", c.before, size="1", color_scheme="gray")),
                    rx.cond(c.after != "", rx.text("After: ", c.after, size="1", color_scheme="gray")),
                    class_name="log-entry", role="listitem",
                )),
                role="list", width="100%",
            ),
            rx.button("Show the history of changes", variant="soft", on_click=PlanState.load_history),
        ),
        class_name="focus-area",
    )


def plan_header() -> rx.Component:
    return rx.card(
        rx.vstack(
            learner_context_header(P.learner_id, P.learner_name, status_badge(P.status, P.status_label)),
            rx.text(P.period_name, " · ", P.period_starts, " – ", P.period_ends, size="2", color_scheme="gray"),
            rx.cond(P.why != "", rx.text(rx.text.strong("Why you can see this plan: "), P.why, size="2",
                                         color_scheme="gray", class_name="why-line")),
            progress_line(P.completed, P.total, P.percent, "Progress of the whole plan"),
            rx.hstack(
                rx.badge(P.not_started, " not started", color_scheme="gray", variant="soft"),
                rx.badge(P.ongoing, " ongoing", color_scheme="amber", variant="soft"),
                rx.badge(P.completed, " completed", color_scheme="green", variant="soft"),
                wrap="wrap", spacing="2",
            ),
            rx.cond(P.status == "locked",
                    rx.callout("This plan belongs to a finished period and is locked: it can be read, not changed.",
                               icon="lock", color_scheme="gray", width="100%")),
            acknowledgement_block(),
            download_link("Print plan (PDF)", plan_pdf_url(P.id), filename="plan.pdf", icon="printer"),
            rx.link(rx.icon("chart-column", size=16, aria_hidden="true"), "All plans of ", P.learner_name,
                    href=routes.learner_report_url(P.learner_id), size="2",
                    style={"display": "inline-flex", "align_items": "center", "gap": "0.35rem", "min_height": "44px"}),
            rx.cond(CAN.next_period,
                    rx.button(rx.icon("calendar-arrow-up", size=16), "Start the next period",
                              variant="soft", on_click=PlanState.open_dialog("next_period", 0, {}))),
            rx.cond(CAN.activate,
                    rx.hstack(
                        rx.text("Only staff see this draft.", size="2"),
                        rx.button(rx.icon("send", size=16), "Share with learner and parents",
                                  on_click=PlanState.activate),
                        align="center", wrap="wrap", spacing="3")),
            spacing="2", width="100%",
        ),
        width="100%",
    )


def other_plans() -> rx.Component:
    return rx.cond(
        PlanState.other_plans.length() > 0,
        rx.el.nav(
            rx.text("Other periods: ", size="2", as_="span"),
            rx.foreach(PlanState.other_plans, lambda p: rx.link(
                p.period_name, " (", p.status_label, ")", href=routes.plan_url(p.plan_id), size="2",
                margin_right="0.75rem")),
            aria_label="Other plans of this learner",
        ),
    )


def plan_body() -> rx.Component:
    return rx.vstack(
        plan_header(),
        other_plans(),
        rx.foreach(P.focus_areas, focus_area_section),
        rx.cond((P.focus_areas.length() == 0) & ~CAN.edit, rx.text("No goals yet.", color_scheme="gray")),
        add_focus_area_form(),
        reviews_section(),
        notes_section(),
        log_section(),
        history_section(),
        edit_dialog(),
        spacing="4",
        width="100%",
    )


def plan_or_message() -> rx.Component:
    return rx.cond(
        PlanState.has_plan,
        plan_body(),
        rx.callout(PlanState.empty_message, icon="info", color_scheme="gray", variant="surface"),
    )
