"""The parts of the rules page: the list of rules, the rule form, and a rule's preview."""

from __future__ import annotations

import reflex as rx

from ilp_app.components.admin_school import section, text_field
from ilp_app.components.admin_ui import TOUCH, dialog_actions, item_list, list_row
from ilp_app.components.forms import form_error, labelled
from ilp_app.domain.assignment_rules import MAX_RULE_NAME, MAX_YEAR_LABEL
from ilp_app.state.admin_rules import AdminRulesState as S


def _select(
    field_id: str, name: str, options: rx.Var, default: rx.Var, *, none: str = ""
) -> rx.Component:
    return rx.el.select(
        *([rx.el.option(none, value="")] if none else []),
        rx.foreach(options, lambda o: rx.el.option(o["label"], value=o["value"])),
        id=field_id,
        name=name,
        default_value=default,
        required=not none,
        class_name="role-select",
        style={"width": "100%", "min_height": "44px"},
    )


def rule_item(r: rx.Var) -> rx.Component:
    return list_row(
        rx.vstack(
            rx.hstack(
                rx.text(r.name, weight="bold"),
                rx.cond(
                    r.status == "active",
                    rx.badge("Active", color_scheme="green"),
                    rx.badge("Draft", color_scheme="gray"),
                ),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.text(
                "Learners ",
                r.condition,
                " get “",
                r.template_name,
                "” · ",
                r.plans_made,
                rx.cond(r.plans_made == 1, " plan made", " plans made"),
                size="2",
                color_scheme="gray",
            ),
            spacing="1",
        ),
        rx.spacer(),
        rx.hstack(
            rx.button(
                "Preview",
                size="2",
                style=TOUCH,
                on_click=S.preview(r.id),
                aria_label="Preview rule " + r.name,
            ),
            rx.button(
                "Edit",
                size="2",
                variant="soft",
                style=TOUCH,
                on_click=S.open_edit(r.id),
                aria_label="Edit rule " + r.name,
            ),
            spacing="2",
        ),
    )


def rules_section() -> rx.Component:
    return section(
        "Rules",
        item_list(S.rules, rule_item, "No rules yet.", cards=False),
        rx.button(
            rx.icon("plus", size=16, aria_hidden="true"),
            "Add a rule",
            variant="soft",
            style=TOUCH,
            on_click=S.open_add,
        ),
        intro="A rule gives every learner it reaches a draft plan from its template for the current "
        "period, with their mentor as mentor. It never makes a second plan for a learner and "
        "never changes an existing one. Active rules run again after each roster import.",
    )


def rule_fields() -> rx.Component:
    v = S.dialog_values
    return rx.vstack(
        text_field("Name", "rule-name", "name", max_length=MAX_RULE_NAME, default_value=v["name"]),
        labelled(
            "Template",
            "rule-template",
            _select("rule-template", "template_id", S.templates, v["template_id"]),
        ),
        labelled(
            "Year",
            "rule-year",
            rx.el.select(
                rx.el.option("Any year", value=""),
                rx.foreach(S.years, lambda y: rx.el.option(y, value=y)),
                id="rule-year",
                name="year_label",
                default_value=v["year_label"],
                class_name="role-select",
                style={"width": "100%", "min_height": "44px"},
            ),
            hint=f"The year of the learner's groups (at most {MAX_YEAR_LABEL} characters).",
        ),
        labelled(
            "Group",
            "rule-group",
            _select("rule-group", "group_id", S.groups, v["group_id"], none="Any group"),
        ),
        labelled(
            "Context lists",
            "rule-context",
            _select(
                "rule-context",
                "context_kind",
                S.context_kinds,
                v["context_kind"],
                none="Anything (no condition)",
            ),
        ),
        labelled(
            "Status",
            "rule-status",
            rx.el.select(
                rx.el.option("Draft: preview only", value="draft"),
                rx.el.option(
                    "Active: may be applied, runs after each roster import", value="active"
                ),
                id="rule-status",
                name="status",
                default_value=v["status"],
                class_name="role-select",
                style={"width": "100%", "min_height": "44px"},
            ),
        ),
        spacing="3",
        width="100%",
        key=S.form_key,
    )


def rule_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.dialog == "edit", "Edit rule", "Add a rule")),
            rx.dialog.description(
                "Every part of the condition you choose must hold; leave a part at “Any” to "
                "match everyone.",
                size="2",
            ),
            rx.form(
                rx.vstack(
                    form_error(S.dialog_error),
                    rule_fields(),
                    dialog_actions("Save rule"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.submit_rule,
            ),
            max_width="min(32rem, 94vw)",
        ),
        open=S.dialog != "",
        on_open_change=S.on_dialog_open_change,
    )


def _preview_table(rows: rx.Var, caption: str, last: str) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.el.caption(caption, style={"text_align": "left", "font_weight": "600"}),
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Learner"),
                    rx.table.column_header_cell("Groups"),
                    rx.table.column_header_cell(last),
                )
            ),
            rx.table.body(
                rx.foreach(
                    rows,
                    lambda r: rx.table.row(
                        rx.table.row_header_cell(r["name"]),
                        rx.table.cell(r["groups"]),
                        rx.table.cell(r["reason"]),
                    ),
                )
            ),
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )


def _apply_progress() -> rx.Component:
    return rx.cond(
        S.applying,
        rx.vstack(
            rx.text(
                "Making plans… ",
                S.apply_done,
                " of ",
                S.apply_total,
                size="2",
                role="status",
                aria_live="polite",
            ),
            rx.progress(
                value=S.apply_percent, max=100, aria_label="Applying the rule", width="100%"
            ),
            spacing="1",
            width="100%",
        ),
    )


def preview_section() -> rx.Component:
    return rx.cond(
        S.preview_name != "",
        section(
            "Preview",
            rx.cond(
                S.result != "",
                rx.callout(S.result, icon="circle-check", color_scheme="green", role="status"),
                rx.text(S.preview_title, role="status"),
            ),
            rx.cond(
                S.preview_assign_count > 0,
                rx.vstack(
                    _preview_table(S.preview_assign, "Would get a plan", "Why"),
                    rx.cond(
                        S.preview_more > 0,
                        rx.text("…and ", S.preview_more, " more.", size="2"),
                    ),
                    _apply_progress(),
                    rx.button(
                        "Apply rule",
                        on_click=S.apply_preview,
                        loading=S.applying,
                        style=TOUCH,
                    ),
                    spacing="2",
                    width="100%",
                ),
            ),
            rx.cond(
                S.preview_skip_count > 0,
                _preview_table(S.preview_skip, "Reached but left as they are", "Why not"),
            ),
        ),
    )
