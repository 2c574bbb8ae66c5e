"""Roster import: check a OneRoster zip, read the report, import it, see recent imports."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.admin_ui import admin_page
from ilp_app.components.forms import form_error
from ilp_app.components.layout import empty_note
from ilp_app.domain.oneroster import MAX_UPLOAD_BYTES
from ilp_app.state.admin_import import UPLOAD_ID, AdminImportState

ROUTE = routes.ADMIN_IMPORT
TITLE = "Roster import · ILP"
ON_LOAD = AdminImportState.load

S = AdminImportState
COUNT_COLUMNS = (
    ("in_file", "In the file"),
    ("left_out", "Left out"),
    ("created", "Created"),
    ("updated", "Updated"),
    ("adopted", "Matched existing"),
    ("retired", "Retired or removed"),
    ("unchanged", "Unchanged"),
    ("skipped", "Skipped"),
)


def intro() -> rx.Component:
    return rx.vstack(
        rx.text(
            "Bring people, groups, periods and enrollments from your student information system: upload its "
            "OneRoster 1.1 or 1.2 CSV export (one .zip file, at most ",
            MAX_UPLOAD_BYTES // (1024 * 1024),
            " MB). Checking a file changes nothing; the import runs only when you press Import, and either "
            "completes or changes nothing.",
            size="2",
        ),
        rx.text(
            "Students become learners, teachers teachers, parents, guardians and relatives parents (linked to "
            "their children), administrators administrators; classes become groups (homerooms become tutor "
            "groups). Imported people get no password: set a temporary password on the Accounts page for each "
            "person who should sign in. A person without an email address gets a placeholder address ending in "
            "@roster.invalid until the roster gives one. Importing the same file again changes nothing; a "
            "delta file retires people marked tobedeleted without deleting their plans.",
            size="2",
            color_scheme="gray",
        ),
        spacing="2",
        width="100%",
    )


def upload_zone() -> rx.Component:
    return rx.vstack(
        rx.upload(
            rx.vstack(
                rx.icon("file-archive", size=28, aria_hidden="true"),
                rx.button("Choose a zip file", type="button", variant="soft"),
                rx.text("or drop it here", size="2", color_scheme="gray"),
                align="center",
                spacing="2",
            ),
            id=UPLOAD_ID,
            accept={"application/zip": [".zip"], "application/x-zip-compressed": [".zip"]},
            multiple=False,
            max_files=1,
            max_size=MAX_UPLOAD_BYTES,
            on_drop_rejected=S.reject_files,
            custom_attrs={"data-upload-label": "Roster file (OneRoster .zip)"},
            border="1px dashed var(--gray-8)",
            border_radius="8px",
            padding="1.25rem",
            width="100%",
        ),
        rx.foreach(
            rx.selected_files(UPLOAD_ID),
            lambda name: rx.text(
                "Selected: ", rx.text.strong(name), size="2", style={"word_break": "break-all"}
            ),
        ),
        rx.hstack(
            rx.button(
                rx.icon("file-search", size=16),
                "Check file",
                loading=S.checking,
                disabled=S.importing,
                on_click=S.check_file(rx.upload_files_chunk(upload_id=UPLOAD_ID)),
            ),
            rx.button(
                "Clear",
                variant="soft",
                color_scheme="gray",
                disabled=S.importing | S.checking,
                on_click=[S.clear, rx.clear_selected_files(UPLOAD_ID)],
            ),
            spacing="2",
            wrap="wrap",
        ),
        form_error(S.error),
        spacing="3",
        width="100%",
        max_width="40rem",
    )


def counts_table() -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell("Records"),
                    *[rx.table.column_header_cell(label) for _, label in COUNT_COLUMNS],
                )
            ),
            rx.table.body(
                rx.foreach(
                    S.counts,
                    lambda row: rx.table.row(
                        rx.table.row_header_cell(row["kind"]),
                        *[rx.table.cell(row[key]) for key, _ in COUNT_COLUMNS],
                    ),
                )
            ),
            size="1",
            aria_label="What the import changes",
        ),
        overflow_x="auto",
        width="100%",
    )


def severity_badge(label: rx.Var, tone: rx.Var) -> rx.Component:
    return rx.badge(label, color_scheme=rx.match(tone, ("amber", "amber"), "red"))


def findings_table() -> rx.Component:
    return rx.cond(
        S.findings.length() == 0,
        rx.callout("No problems found in the file.", icon="circle-check", color_scheme="green"),
        rx.vstack(
            rx.box(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            *[
                                rx.table.column_header_cell(label)
                                for label in ("Severity", "File", "Lines", "Column", "Problem")
                            ],
                        )
                    ),
                    rx.table.body(
                        rx.foreach(
                            S.findings,
                            lambda f: rx.table.row(
                                rx.table.cell(severity_badge(f["severity"], f["tone"])),
                                rx.table.cell(f["file"]),
                                rx.table.cell(f["line"]),
                                rx.table.cell(f["column"]),
                                rx.table.cell(f["problem"], min_width="16rem"),
                            ),
                        )
                    ),
                    size="1",
                    aria_label="Problems found in the file",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.cond(
                S.findings_more > 0,
                rx.text(
                    "… and ",
                    S.findings_more,
                    " more (the full list is kept with the import record).",
                    size="2",
                    color_scheme="gray",
                ),
            ),
            width="100%",
        ),
    )


def import_controls() -> rx.Component:
    return rx.vstack(
        rx.cond(
            S.report_status == "checked",
            rx.button(
                rx.icon("database", size=16),
                "Import",
                on_click=S.run_import,
                disabled=~S.can_import,
                loading=S.importing,
                color_scheme="green",
            ),
        ),
        rx.cond(
            S.importing,
            rx.vstack(
                rx.progress(
                    value=S.progress_percent, max=100, aria_label="Import progress", width="100%"
                ),
                rx.text(
                    rx.cond(
                        S.progress_total > 0,
                        S.progress_done.to_string()
                        + " of "
                        + S.progress_total.to_string()
                        + " rows written",
                        "Checking the file again before writing…",
                    ),
                    size="2",
                    role="status",
                ),
                width="100%",
                max_width="40rem",
            ),
        ),
        width="100%",
    )


def report() -> rx.Component:
    return rx.cond(
        S.report_status != "",
        rx.card(
            rx.vstack(
                rx.heading(S.report_title, as_="h2", size="4", style={"word_break": "break-word"}),
                rx.callout(
                    S.report_detail,
                    icon=rx.match(S.report_status, ("invalid", "triangle-alert"), "info"),
                    color_scheme=rx.match(
                        S.report_status, ("invalid", "red"), ("done", "green"), "blue"
                    ),
                    role="status",
                    width="100%",
                ),
                rx.cond(S.counts.length() > 0, counts_table()),
                import_controls(),
                rx.heading("Problems found", as_="h3", size="3"),
                findings_table(),
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
    )


def recent_imports() -> rx.Component:
    return rx.vstack(
        rx.heading("Recent imports", as_="h2", size="4"),
        rx.cond(
            S.runs.length() == 0,
            empty_note("No roster has been imported yet."),
            rx.el.ul(
                rx.foreach(
                    S.runs,
                    lambda run: rx.el.li(
                        rx.card(
                            rx.vstack(
                                rx.text(
                                    rx.text.strong(run.filename),
                                    " · ",
                                    run.started_at,
                                    size="2",
                                    style={"word_break": "break-all"},
                                ),
                                rx.text(
                                    run.status_label,
                                    rx.cond(run.started_by != "", " · by " + run.started_by, ""),
                                    size="2",
                                ),
                                rx.cond(
                                    run.summary != "",
                                    rx.text(run.summary, size="2", color_scheme="gray"),
                                ),
                                spacing="1",
                            )
                        )
                    ),
                ),
                class_name="card-grid",
                style={"list_style": "none", "padding": 0, "margin": 0},
                width="100%",
            ),
        ),
        spacing="2",
        width="100%",
    )


def page() -> rx.Component:
    return admin_page(
        "Roster import", S.loaded, intro(), upload_zone(), report(), recent_imports(), spacing="5"
    )
