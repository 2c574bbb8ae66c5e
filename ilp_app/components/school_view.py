"""The parts of the school view: figures that open their lists, and the list on show."""

from __future__ import annotations

import reflex as rx

from ilp_app.components.admin_school import section
from ilp_app.components.admin_ui import TOUCH
from ilp_app.state.school_view import SchoolViewState as S
from ilp_app.web.files import SCHOOL_VIEW_CSV_PATH


def _figure_button(label, kind: str, key, title) -> rx.Component:
    return rx.button(
        label,
        variant="soft",
        size="2",
        style=TOUCH,
        on_click=S.open_list(kind, key),
        # The visible count first, then what it counts: the name holds the text seen.
        aria_label=label + ": " + title,
    )


def _table(caption: str, headers: tuple[str, ...], rows: rx.Var, row) -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.el.caption(caption, class_name="visually-hidden"),
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
            rx.table.body(rx.foreach(rows, row)),
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )


def plans_by_group() -> rx.Component:
    return section(
        "Learners with an active plan",
        _table(
            "Learners with an active plan, per year and group",
            ("Year", "Group", "Active plans", "Share"),
            S.groups,
            lambda g: rx.table.row(
                rx.table.cell(g["year"]),
                rx.table.row_header_cell(g["group"]),
                rx.table.cell(
                    _figure_button(g["count"], "group", g["id"], "Learners of " + g["group"])
                ),
                rx.table.cell(g["percent"]),
            ),
        ),
        intro="Per tutor group, this period. Each count opens its learners.",
    )


def attention() -> rx.Component:
    return section(
        "Needs attention",
        rx.flex(
            rx.vstack(
                rx.text("Plans still in draft", size="2"),
                _figure_button(S.drafts.to_string(), "drafts", "", "Plans still in draft"),
            ),
            rx.vstack(
                rx.text("Plan versions not acknowledged by families", size="2"),
                _figure_button(
                    S.unacknowledged.to_string(),
                    "unacknowledged",
                    "",
                    "Plan versions not acknowledged by families",
                ),
            ),
            rx.vstack(
                rx.text("Learners with no activity for 4 weeks", size="2"),
                _figure_button(
                    S.quiet.to_string(), "quiet", "", "Learners with no activity for 4 weeks"
                ),
            ),
            wrap="wrap",
            spacing="5",
        ),
        rx.heading("Reviews overdue (no review in 6 months), per mentor", as_="h3", size="3"),
        _table(
            "Reviews overdue per mentor",
            ("Mentor", "Learners"),
            S.overdue,
            lambda m: rx.table.row(
                rx.table.row_header_cell(m["mentor"]),
                rx.table.cell(
                    _figure_button(
                        m["count"], "overdue", m["id"], "Reviews overdue for " + m["mentor"]
                    )
                ),
            ),
        ),
    )


def figure_list() -> rx.Component:
    return rx.cond(
        S.list_title != "",
        section(
            "Behind the figure",
            rx.heading(S.list_title, as_="h3", size="3"),
            rx.cond(
                S.list_rows.length() == 0,
                rx.text("Nobody.", size="2"),
                rx.el.ul(
                    rx.foreach(
                        S.list_rows,
                        lambda r: rx.el.li(rx.text(r["name"], weight="medium"), " — ", r["detail"]),
                    ),
                    aria_label=S.list_title,
                ),
            ),
        ),
    )


def export_link() -> rx.Component:
    return rx.link(
        rx.icon("download", size=14, aria_hidden="true"),
        " Download the school view (CSV)",
        href=SCHOOL_VIEW_CSV_PATH,
        is_external=True,
        style=TOUCH | {"display": "inline-flex", "align_items": "center"},
    )
