"""The accounts table: filters, sortable columns, ticked rows' bulk actions and the pager."""

from __future__ import annotations

import reflex as rx

from ilp_app import routes
from ilp_app.components.forms import labelled
from ilp_app.state.admin import AdminState


def status_badges(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.cond(
            row.is_active,
            rx.badge("Active", color_scheme="green"),
            rx.badge("Disabled", color_scheme="red"),
        ),
        rx.cond(row.must_change_password, rx.badge("Must change password", color_scheme="amber")),
        rx.cond(~row.has_password, rx.badge("No password yet", color_scheme="gray")),
        spacing="1",
        wrap="wrap",
    )


def _sort_header(label: str, column: str) -> rx.Component:
    sorted_here = AdminState.sort == column
    return rx.table.column_header_cell(
        rx.button(
            label,
            rx.cond(
                sorted_here,
                rx.cond(AdminState.descending, " ↓", " ↑"),
                "",
            ),
            variant="ghost",
            size="1",
            on_click=AdminState.sort_by(column),
            aria_label="Sort by " + label.lower(),
        ),
        aria_sort=rx.cond(
            sorted_here, rx.cond(AdminState.descending, "descending", "ascending"), "none"
        ),
    )


def user_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.checkbox(
                checked=AdminState.ticked.contains(row.id),
                on_change=lambda _: AdminState.toggle_ticked(row.id),
                aria_label="Tick " + row.full_name,
            )
        ),
        rx.table.row_header_cell(
            rx.link(
                row.full_name,
                href=routes.admin_person_url(row.id),
                aria_label="Manage " + row.full_name,
            ),
            rx.cond(
                row.plan_id > 0,
                rx.box(
                    rx.link(
                        "Open plan",
                        rx.el.span(" of ", row.full_name, class_name="visually-hidden"),
                        " (support read, recorded)",
                        href=routes.plan_url(row.plan_id),
                        size="1",
                    )
                ),
            ),
        ),
        rx.table.cell(row.email, style={"word_break": "break-all"}),
        rx.table.cell(row.roles),
        rx.table.cell(row.groups),
        rx.table.cell(status_badges(row)),
        rx.table.cell(
            rx.hstack(
                rx.button(
                    "Temporary password",
                    size="1",
                    variant="soft",
                    on_click=AdminState.open_password_dialog(row.id, row.full_name),
                    aria_label="Set temporary password for " + row.full_name,
                ),
                rx.cond(
                    row.is_active,
                    rx.button(
                        "Disable",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=AdminState.set_active(row.id, False),
                        aria_label="Disable " + row.full_name,
                    ),
                    rx.button(
                        "Enable",
                        size="1",
                        variant="soft",
                        color_scheme="green",
                        on_click=AdminState.set_active(row.id, True),
                        aria_label="Enable " + row.full_name,
                    ),
                ),
                spacing="2",
            )
        ),
    )


def _filter(label: str, which: str, options: rx.Var, value: rx.Var, everyone: str) -> rx.Component:
    field_id = f"filter-{which}"
    return rx.box(
        labelled(
            label,
            field_id,
            rx.el.select(
                rx.el.option(everyone, value=""),
                rx.foreach(options, lambda o: rx.el.option(o["label"], value=o["value"])),
                id=field_id,
                value=value,
                on_change=lambda v: AdminState.set_filter(which, v),
                class_name="role-select",
                style={"min_height": "44px", "width": "100%"},
            ),
        ),
        min_width="10rem",
    )


def filters() -> rx.Component:
    return rx.flex(
        _filter("Role", "role", AdminState.filter_roles, AdminState.role_filter, "Every role"),
        _filter("Group", "group", AdminState.filter_groups, AdminState.group_filter, "Every group"),
        _filter(
            "Status", "status", AdminState.filter_statuses, AdminState.status_filter, "Any status"
        ),
        wrap="wrap",
        spacing="3",
        width="100%",
    )


def bulk_actions() -> rx.Component:
    none_ticked = AdminState.ticked_count == 0
    return rx.el.section(
        rx.flex(
            rx.text("Ticked: ", AdminState.ticked_count, size="2", role="status"),
            rx.button(
                rx.icon("mail", size=16, aria_hidden="true"),
                "Invite the ticked (",
                AdminState.ticked.length(),
                ")",
                variant="soft",
                disabled=none_ticked,
                on_click=AdminState.invite_ticked,
            ),
            rx.button(
                "Disable the ticked",
                variant="soft",
                color_scheme="red",
                disabled=none_ticked,
                on_click=AdminState.disable_ticked,
            ),
            rx.form(
                rx.flex(
                    rx.el.label(
                        "Mentor for the ticked learners",
                        html_for="bulk-mentor",
                        class_name="visually-hidden",
                    ),
                    rx.el.select(
                        rx.el.option("Choose a mentor", value=""),
                        rx.foreach(
                            AdminState.mentors, lambda m: rx.el.option(m["label"], value=m["value"])
                        ),
                        id="bulk-mentor",
                        name="mentor_id",
                        class_name="role-select",
                        style={"min_height": "44px"},
                    ),
                    rx.button(
                        "Connect to the mentor", type="submit", variant="soft", disabled=none_ticked
                    ),
                    spacing="2",
                    wrap="wrap",
                ),
                on_submit=AdminState.connect_ticked,
            ),
            wrap="wrap",
            spacing="3",
            align="center",
        ),
        aria_label="Actions on the ticked accounts",
        width="100%",
    )


def accounts_table() -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.el.caption("Accounts", class_name="visually-hidden"),
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(
                        rx.checkbox(
                            checked=AdminState.page_all_ticked,
                            on_change=AdminState.tick_page,
                            aria_label="Tick every account on this page",
                        )
                    ),
                    _sort_header("Name", "name"),
                    _sort_header("Email", "email"),
                    rx.table.column_header_cell("Roles"),
                    rx.table.column_header_cell("Groups"),
                    rx.table.column_header_cell("Status"),
                    rx.table.column_header_cell("Actions"),
                )
            ),
            rx.table.body(rx.foreach(AdminState.rows, user_row)),
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )


def pager() -> rx.Component:
    return rx.el.nav(
        rx.flex(
            rx.button(
                "Previous page",
                variant="soft",
                disabled=AdminState.page <= 1,
                on_click=AdminState.go_to_page(AdminState.page - 1),
            ),
            rx.text(
                "Page ",
                AdminState.page,
                " of ",
                AdminState.pages,
                " · ",
                AdminState.total,
                " accounts",
                size="2",
                role="status",
            ),
            rx.button(
                "Next page",
                variant="soft",
                disabled=AdminState.page >= AdminState.pages,
                on_click=AdminState.go_to_page(AdminState.page + 1),
            ),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        aria_label="Pages of accounts",
    )
