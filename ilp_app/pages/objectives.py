"""The school's learning-objective library: frameworks as browsable trees, search, and for
administrators a CASE import and the school's own objectives."""

from __future__ import annotations

import reflex as rx

from ilp_app import routes
from ilp_app.components.admin_nav import admin_nav
from ilp_app.components.admin_ui import dialog_actions
from ilp_app.components.forms import form_error, labelled
from ilp_app.components.layout import app_shell, empty_note, loading
from ilp_app.domain.case_package import MAX_PACKAGE_BYTES
from ilp_app.services.school.objectives import MAX_CODE, MAX_QUERY, MAX_STATEMENT, MAX_SUBJECT, OWN
from ilp_app.state.case_import import UPLOAD_ID
from ilp_app.state.objectives import ObjectivesState

ROUTE = routes.OBJECTIVES
TITLE = "Objective library · ILP"
ON_LOAD = ObjectivesState.load

S = ObjectivesState
TAP = {"min_height": "36px"}


def _framework_picker() -> rx.Component:
    return labelled(
        "Framework",
        "objective-framework",
        rx.el.select(
            rx.foreach(
                S.frameworks,
                lambda f: rx.el.option(
                    f.title, " (", f.objectives.to_string(), ")", value=f.id.to_string()
                ),
            ),
            id="objective-framework",
            value=S.framework_id.to_string(),
            on_change=S.choose_framework,
            class_name="role-select",
            style={"max_width": "100%"},
        ),
    )


def _framework_details() -> rx.Component:
    chosen = lambda f: rx.cond(  # noqa: E731
        f.id == S.framework_id,
        rx.text(
            rx.cond(f.subject != "", f.subject + " · ", ""),
            rx.cond(f.version != "", "version " + f.version + " · ", ""),
            rx.cond(f.adoption_status != "", f.adoption_status + " · ", ""),
            f.objectives.to_string(),
            " objectives",
            rx.cond(f.archived > 0, ", " + f.archived.to_string() + " archived", ""),
            rx.cond(f.imported_at != "", " · imported " + f.imported_at, ""),
            size="2",
            color_scheme="gray",
        ),
    )
    return rx.foreach(S.frameworks, chosen)


def _tools() -> rx.Component:
    return rx.flex(
        rx.box(_framework_picker(), min_width="min(20rem, 100%)", flex="1"),
        rx.box(
            labelled(
                "Find by code or words",
                "objective-search",
                rx.input(
                    id="objective-search",
                    type="search",
                    value=S.query,
                    max_length=MAX_QUERY,
                    placeholder="e.g. OC.2 or presentation",
                    on_change=S.search.debounce(300),
                    width="100%",
                ),
            ),
            min_width="min(16rem, 100%)",
            flex="1",
        ),
        rx.el.label(
            rx.el.input(type="checkbox", checked=S.show_archived, on_change=S.set_show_archived),
            " Show archived",
            class_name="checkbox-line",
            style={
                "min_height": "36px",
                "display": "flex",
                "align_items": "center",
                "gap": "0.35rem",
            },
        ),
        gap="0.75rem",
        wrap="wrap",
        align="end",
        width="100%",
    )


def _tree_row(row: rx.Var) -> rx.Component:
    toggle = rx.box(
        rx.cond(
            row.has_children,
            rx.icon_button(
                rx.cond(
                    row.expanded,
                    rx.icon("chevron-down", size=16),
                    rx.icon("chevron-right", size=16),
                ),
                size="2",
                variant="ghost",
                on_click=S.toggle(row.id),
                aria_expanded=row.expanded,
                aria_label="Parts of " + row.code,
                style={"margin": "0"},
            ),
        ),
        width="32px",
        flex_shrink="0",
    )
    own_tools = rx.cond(
        S.can_manage & row.own,
        rx.hstack(
            rx.button(
                "Edit",
                size="1",
                variant="soft",
                on_click=S.open_edit(row.id),
                aria_label="Edit " + row.code,
            ),
            rx.cond(
                row.archived,
                rx.button(
                    "Restore",
                    size="1",
                    variant="soft",
                    color_scheme="green",
                    on_click=S.set_archived(row.id, False),
                    aria_label="Restore " + row.code,
                ),
                rx.button(
                    "Archive",
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.set_archived(row.id, True),
                    aria_label="Archive " + row.code,
                ),
            ),
            spacing="2",
        ),
    )
    return rx.el.li(
        rx.hstack(
            toggle,
            rx.vstack(
                rx.hstack(
                    rx.badge(row.code, variant=rx.cond(row.match, "solid", "outline"), size="2"),
                    rx.text(
                        rx.cond(row.item_type != "", row.item_type, row.subject),
                        size="1",
                        color_scheme="gray",
                    ),
                    rx.cond(
                        row.archived, rx.badge("Archived", color_scheme="gray", variant="soft")
                    ),
                    spacing="2",
                    wrap="wrap",
                    align="center",
                ),
                rx.text(
                    row.statement, size="2", weight=rx.cond(row.depth == 0, "medium", "regular")
                ),
                own_tools,
                spacing="1",
                min_width="0",
                flex="1",
            ),
            align="start",
            spacing="2",
            width="100%",
        ),
        style={
            "padding_inline_start": row.indent,
            "padding_top": "0.4rem",
            "padding_bottom": "0.4rem",
            "border_bottom": "1px solid var(--gray-a4)",
            "list_style": "none",
        },
        aria_level=row.depth + 1,
    )


def _tree() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(S.framework_title, as_="h2", size="5"),
            rx.spacer(),
            rx.button("Expand all", size="1", variant="soft", on_click=S.expand_all, style=TAP),
            rx.button("Collapse all", size="1", variant="soft", on_click=S.collapse_all, style=TAP),
            wrap="wrap",
            align="center",
            width="100%",
            spacing="2",
        ),
        _framework_details(),
        rx.cond(
            S.query != "",
            rx.text("Matching objectives: ", S.matches.to_string(), size="2", role="status"),
        ),
        rx.cond(
            S.rows.length() == 0,
            empty_note(
                rx.cond(S.query != "", "No objectives match the search.", "No objectives here yet.")
            ),
            rx.el.ul(
                rx.foreach(S.rows, _tree_row),
                aria_label="Objectives of " + S.framework_title,
                style={"padding": "0", "margin": "0", "width": "100%"},
            ),
        ),
        rx.cond(
            S.hidden_rows > 0,
            rx.text(
                S.hidden_rows.to_string(),
                " more objectives are not shown: search to narrow the list.",
                size="2",
            ),
        ),
        spacing="2",
        width="100%",
    )


def _objective_dialog() -> rx.Component:
    values = S.dialog_values
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.dialog == "add", "New objective", "Edit objective")),
            rx.dialog.description(
                "An objective of the school's own, offered to mentors for goals.", size="2"
            ),
            rx.form(
                rx.vstack(
                    form_error(S.dialog_error),
                    labelled(
                        "Code",
                        "objective-code",
                        rx.input(
                            id="objective-code",
                            name="code",
                            required=True,
                            max_length=MAX_CODE,
                            default_value=values["code"],
                            placeholder="e.g. NOR-8-06",
                            width="100%",
                        ),
                    ),
                    labelled(
                        "Statement",
                        "objective-statement",
                        rx.text_area(
                            id="objective-statement",
                            name="statement",
                            required=True,
                            rows="3",
                            max_length=MAX_STATEMENT,
                            default_value=values["statement"],
                            width="100%",
                        ),
                    ),
                    labelled(
                        "Subject (optional)",
                        "objective-subject",
                        rx.input(
                            id="objective-subject",
                            name="subject",
                            max_length=MAX_SUBJECT,
                            default_value=values["subject"],
                            width="100%",
                        ),
                    ),
                    dialog_actions("Save objective", on_cancel=S.close_dialog),
                    spacing="3",
                ),
                on_submit=S.submit_dialog,
            ),
        ),
        open=S.dialog != "",
        on_open_change=lambda _open: S.close_dialog(),
    )


def _report() -> rx.Component:
    return rx.cond(
        S.report_status != "",
        rx.callout.root(
            rx.callout.icon(
                rx.icon(rx.cond(S.report_status == "done", "circle-check", "triangle-alert"))
            ),
            rx.vstack(
                rx.foreach(S.report_lines, lambda line: rx.text(line, size="2")),
                rx.cond(
                    S.report_findings.length() > 0,
                    rx.el.ul(
                        rx.foreach(
                            S.report_findings,
                            lambda f: rx.el.li(
                                rx.text(
                                    rx.cond(f.severity == "error", "Error: ", "Note: "),
                                    rx.cond(f.path != "", rx.el.code(f.path), ""),
                                    rx.cond(f.path != "", " ", ""),
                                    f.message,
                                    size="2",
                                ),
                            ),
                        ),
                        style={
                            "margin": "0",
                            "padding_inline_start": "1.2rem",
                            "max_height": "16rem",
                            "overflow_y": "auto",
                        },
                    ),
                ),
                rx.button("Close report", size="1", variant="soft", on_click=S.clear_report),
                spacing="2",
                width="100%",
            ),
            color_scheme=rx.cond(S.report_status == "done", "green", "red"),
            role=rx.cond(S.report_status == "done", "status", "alert"),
            width="100%",
        ),
    )


def _import_section() -> rx.Component:
    chosen = rx.selected_files(UPLOAD_ID)
    return rx.el.section(
        rx.heading("Import a CASE package", as_="h2", size="4"),
        rx.text(
            "A CASE 1.0 JSON package (CFDocument, CFItems and CFAssociations), up to "
            f"{MAX_PACKAGE_BYTES // (1024 * 1024)} MB. Importing the same framework again updates it: goals keep "
            "their links, and standards no longer in it are archived.",
            size="2",
            color_scheme="gray",
        ),
        rx.upload(
            rx.vstack(
                rx.icon("file-json", size=20, aria_hidden="true"),
                rx.text("Drop the JSON file here, or"),
                rx.button("Choose a file", type="button", variant="soft", size="2"),
                align="center",
                spacing="1",
            ),
            id=UPLOAD_ID,
            accept={"application/json": [".json"]},
            max_files=1,
            multiple=False,
            max_size=MAX_PACKAGE_BYTES,
            disabled=S.importing,
            custom_attrs={"data-upload-label": "CASE package (.json)"},
            border="1px dashed var(--gray-a8)",
            border_radius="8px",
            padding="1rem",
            width="100%",
            aria_label="CASE package file",
        ),
        rx.cond(
            chosen.length() > 0,
            rx.text("Chosen: ", rx.foreach(chosen, lambda name: rx.text.strong(name)), size="2"),
        ),
        rx.hstack(
            rx.button(
                rx.icon("file-up", size=16),
                "Import the package",
                loading=S.importing,
                disabled=chosen.length() == 0,
                on_click=S.import_case(rx.upload_files_chunk(upload_id=UPLOAD_ID)),
            ),
            rx.button(
                "Clear",
                type="button",
                variant="soft",
                color_scheme="gray",
                on_click=rx.clear_selected_files(UPLOAD_ID),
            ),
            spacing="2",
            wrap="wrap",
        ),
        _report(),
        rx.cond(
            S.runs.length() > 0,
            rx.el.details(
                rx.el.summary(rx.text("Recent imports", as_="span", weight="medium")),
                rx.el.ul(
                    rx.foreach(
                        S.runs,
                        lambda r: rx.el.li(
                            rx.text(r.started_at, " · ", r.filename, " · ", r.summary, size="2")
                        ),
                    ),
                    style={"padding_inline_start": "1.2rem"},
                ),
            ),
        ),
        style={
            "display": "flex",
            "flex_direction": "column",
            "gap": "0.6rem",
            "width": "100%",
            "padding": "1rem",
            "border": "1px solid var(--gray-a5)",
            "border_radius": "8px",
        },
    )


def _admin_tools() -> rx.Component:
    return rx.cond(
        S.can_manage,
        rx.vstack(
            _import_section(),
            rx.hstack(
                rx.button(
                    rx.icon("plus", size=16),
                    "Add an objective",
                    variant="soft",
                    on_click=S.open_add,
                ),
                rx.cond(
                    S.framework_id != OWN,
                    rx.text(
                        "Objectives you add are listed under “The school's own objectives”.",
                        size="1",
                        color_scheme="gray",
                    ),
                ),
                wrap="wrap",
                align="center",
                spacing="2",
            ),
            _objective_dialog(),
            spacing="3",
            width="100%",
        ),
    )


def page() -> rx.Component:
    return app_shell(
        loading(
            S.loaded,
            rx.vstack(
                rx.cond(S.can_manage, admin_nav()),
                rx.text(
                    "Standards and competence aims mentors link goals to. Open an objective to see its parts, "
                    "or search by code or words.",
                    size="2",
                    color_scheme="gray",
                ),
                _tools(),
                _admin_tools(),
                _tree(),
                spacing="4",
                width="100%",
            ),
        ),
        heading="Objective library",
    )
