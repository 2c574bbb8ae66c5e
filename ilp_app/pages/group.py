"""Live group overview for the mentor and teachers of a group: one row per learner."""

import reflex as rx
from reflex.vars.base import Var

from ilp_app import routes
from ilp_app.components.downloads import download_link, render_progress
from ilp_app.components.i18n import t
from ilp_app.components.layout import app_shell, loading
from ilp_app.components.live import freshness, heartbeat
from ilp_app.domain.overview import ON_TRACK_RULE
from ilp_app.services.reports.overview import OverviewRow
from ilp_app.services.reports.print_files import PRINT_TTL
from ilp_app.state.group import GroupPageState
from ilp_app.state.printing import GroupPrintState
from ilp_app.web.files import group_csv_url

ROUTE = routes.GROUP
TITLE = "Group overview · ILP"
ON_LOAD = [GroupPageState.open_board, GroupPrintState.reset_print]

RAG_COLORS = {"red": "red", "amber": "amber", "green": "green"}


def visible_rows() -> Var:
    """The shared rows, filtered and sorted in the browser by this viewer's own choices."""
    rows, sort, filt = (
        v._js_expr
        for v in (GroupPageState.rows, GroupPageState.sort_key, GroupPageState.filter_key)
    )
    # Which rows are quiet and how statuses order are the overview's rules
    # (``domain.overview``); the rows carry them, so the browser only applies the viewer's choice.
    js = (
        f"[...({rows})].filter((r) => {filt} === 'all'"
        f" || ({filt} === 'quiet' && r.plan_id > 0 && r.quiet)"
        f" || ({filt} === 'no-plan' && r.plan_id === 0)"
        f" || (r.plan_id > 0 && r.rag === {filt}))"
        f".sort((a, b) => {sort} === 'progress' ? (a.percent - b.percent)"
        f" : {sort} === 'activity' ? (b.quiet_order - a.quiet_order)"
        f" : {sort} === 'status' ? (a.status_order - b.status_order)"
        f" : a.name.localeCompare(b.name))"
    )
    deps = Var.create([GroupPageState.rows, GroupPageState.sort_key, GroupPageState.filter_key])
    return Var(
        _js_expr=js, _var_type=list[OverviewRow], _var_data=deps._get_all_var_data()
    ).guess_type()


def rag_badge(row: rx.Var) -> rx.Component:
    label = rx.match(
        row.rag, ("red", t("Needs attention")), ("amber", t("Keep an eye on")), t("On track")
    )
    return rx.badge(
        rx.match(
            row.rag,
            ("red", rx.icon("circle-alert", size=14)),
            ("amber", rx.icon("eye", size=14)),
            rx.icon("circle-check", size=14),
        ),
        label,
        color_scheme=rx.match(row.rag, ("red", "red"), ("amber", "amber"), "green"),
        variant="solid",
        high_contrast=True,  # 4.5:1 text on the fill, in light and dark mode
        size="2",
    )


def area_bars(row: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.foreach(
            row.areas,
            lambda a: rx.hstack(
                rx.text(a.name, size="1", min_width="7.5rem", class_name="area-name"),
                rx.progress(value=a.percent, max=100, aria_label=a.name + " progress", flex="1"),
                rx.text(a.percent, "%", size="1", min_width="2.5rem", text_align="right"),
                align="center",
                width="100%",
                spacing="2",
            ),
        ),
        spacing="1",
        width="100%",
    )


def learner_row(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(row.name, as_="h2", size="4"),
                rx.spacer(),
                rx.cond(
                    row.plan_id > 0,
                    rag_badge(row),
                    rx.badge(t("No shared plan"), color_scheme="gray"),
                ),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.cond(
                (row.plan_id > 0) & (row.rag != "green"),
                rx.text(
                    rx.foreach(
                        row.reasons,
                        lambda reason, i: rx.fragment(rx.cond(i > 0, " · ", ""), reason),
                    ),
                    size="2",
                    weight="medium",
                    class_name="rag-reasons",
                ),
            ),
            rx.cond(
                row.plan_id > 0,
                rx.vstack(
                    rx.hstack(
                        rx.progress(
                            value=row.percent,
                            max=100,
                            aria_label=t("Progress of ") + row.name,
                            flex="1",
                        ),
                        rx.text(row.percent, "%", weight="bold"),
                        align="center",
                        width="100%",
                    ),
                    rx.hstack(
                        rx.badge(
                            row.not_started, t(" not started"), color_scheme="gray", variant="soft"
                        ),
                        rx.badge(row.ongoing, t(" ongoing"), color_scheme="amber", variant="soft"),
                        rx.badge(
                            row.completed, t(" completed"), color_scheme="green", variant="soft"
                        ),
                        rx.badge(
                            row.goals_on_track,
                            t(" goals on track"),
                            color_scheme="green",
                            variant="outline",
                        ),
                        rx.cond(
                            row.goals_behind > 0,
                            rx.badge(
                                row.goals_behind,
                                t(" behind"),
                                color_scheme="red",
                                variant="outline",
                            ),
                        ),
                        wrap="wrap",
                        spacing="1",
                    ),
                    area_bars(row),
                    rx.hstack(
                        rx.text(
                            t("Last activity: "), row.last_activity, size="2", color_scheme="gray"
                        ),
                        rx.text(
                            rx.cond(
                                row.recent_reflection,
                                t("Reflected recently"),
                                t("No recent reflection"),
                            ),
                            size="2",
                            color_scheme="gray",
                        ),
                        rx.link(
                            t("Open plan"),
                            rx.el.span(t(" of "), row.name, class_name="visually-hidden"),
                            href=routes.plan_url(row.plan_id),
                            size="2",
                        ),
                        wrap="wrap",
                        spacing="3",
                    ),
                    spacing="2",
                    width="100%",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        role="listitem",
        data_learner=row.learner_id,
    )


def legend() -> rx.Component:
    """The school's own thresholds, as the board was built with them."""
    return rx.el.details(
        rx.el.summary(t("How the status is decided")),
        rx.vstack(
            rx.foreach(
                GroupPageState.legend,
                lambda item: rx.hstack(
                    rx.badge(
                        item["label"],
                        color_scheme=rx.match(
                            item["rag"], ("red", "red"), ("amber", "amber"), "green"
                        ),
                        variant="solid",
                        high_contrast=True,  # 4.5:1 text on the fill, in light and dark mode
                    ),
                    rx.text(item["text"], size="2"),
                    align="center",
                    wrap="wrap",
                ),
            ),
            rx.text(ON_TRACK_RULE, size="2", color_scheme="gray"),
            rx.text(
                t("Your school's administrator sets the days on the School page."),
                size="2",
                color_scheme="gray",
            ),
            spacing="2",
            padding_top="0.5rem",
        ),
        class_name="legend",
    )


def move_group_button() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("calendar-arrow-up", size=16),
                t("Start the next period for the group"),
                variant="soft",
                loading=GroupPageState.moving,
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(
                t("Start the next period for everyone in "), GroupPageState.group_name, "?"
            ),
            rx.alert_dialog.description(
                t(
                    "Each of your learners gets a plan for the next period with the goals that still have "
                    "unfinished work; their current plans are locked. It happens for everyone or, if anything "
                    "fails, for no one."
                )
            ),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(t("Not now"), variant="soft", color_scheme="gray")
                ),
                rx.alert_dialog.action(
                    rx.button(t("Start the next period"), on_click=GroupPageState.move_group)
                ),
                justify="end",
                spacing="2",
            ),
        ),
    )


def move_summary() -> rx.Component:
    return rx.cond(
        GroupPageState.move_summary.length() > 0,
        rx.card(
            rx.vstack(
                rx.foreach(GroupPageState.move_summary, lambda line: rx.text(line, size="2")),
                rx.button(
                    t("Close"), size="1", variant="soft", on_click=GroupPageState.close_summary
                ),
                spacing="1",
            ),
            role="status",
            width="100%",
        ),
    )


def print_group_button() -> rx.Component:
    return rx.button(
        rx.icon("printer", size=16),
        t("Print group"),
        variant="soft",
        loading=GroupPrintState.print_status == "rendering",
        on_click=GroupPrintState.print_group,
    )


def print_panel() -> rx.Component:
    """Progress while the group's plans render, then the one-time download link and who is missing."""
    status = GroupPrintState.print_status
    rendering = status == "rendering"
    return rx.cond(
        status != "",
        rx.card(
            rx.vstack(
                render_progress(
                    GroupPrintState.print_done,
                    GroupPrintState.print_total,
                    label=t("Rendering the group's plans"),
                    running=rendering,
                ),
                rx.match(
                    status,
                    (
                        "ready",
                        rx.hstack(
                            download_link(
                                t("Download the group PDF"),
                                GroupPrintState.print_url,
                                filename=GroupPrintState.print_filename,
                                icon="file-down",
                                on_click=GroupPrintState.print_taken,
                            ),
                            rx.text(
                                f"The link works once, for {int(PRINT_TTL.total_seconds() // 60)} minutes.",
                                size="1",
                                color_scheme="gray",
                            ),
                            align="center",
                            wrap="wrap",
                            spacing="3",
                        ),
                    ),
                    (
                        "taken",
                        rx.text(t("Downloaded. Print the group again for another copy."), size="2"),
                    ),
                    rx.fragment(),
                ),
                rx.cond(
                    ~rendering & (GroupPrintState.print_left_out.length() > 0),
                    rx.vstack(
                        rx.text(GroupPrintState.print_left_out_summary, size="2", weight="medium"),
                        rx.el.ul(
                            rx.foreach(
                                GroupPrintState.print_left_out,
                                lambda line: rx.el.li(rx.text(line, size="2")),
                            )
                        ),
                        spacing="1",
                    ),
                ),
                spacing="2",
                width="100%",
            ),
            role="region",
            aria_label=t("Group print"),
            width="100%",
        ),
    )


def controls() -> rx.Component:
    return rx.hstack(
        rx.el.label(
            rx.text(t("Sort by"), size="2", weight="medium"),
            rx.el.select(
                rx.el.option(t("Name"), value="name"),
                rx.el.option(t("Progress (lowest first)"), value="progress"),
                rx.el.option(t("Quiet longest first"), value="activity"),
                rx.el.option(t("Status"), value="status"),
                value=GroupPageState.sort_key,
                on_change=GroupPageState.set_sort,
                class_name="role-select",
            ),
        ),
        rx.el.label(
            rx.text(t("Show"), size="2", weight="medium"),
            rx.el.select(
                rx.el.option(t("Everyone"), value="all"),
                rx.el.option(
                    t("No activity for ") + GroupPageState.quiet_days.to_string() + t("+ days"),
                    value="quiet",
                ),
                rx.el.option(t("Needs attention"), value="red"),
                rx.el.option(t("Keep an eye on"), value="amber"),
                rx.el.option(t("On track"), value="green"),
                rx.el.option(t("No shared plan"), value="no-plan"),
                value=GroupPageState.filter_key,
                on_change=GroupPageState.set_filter,
                class_name="role-select",
            ),
        ),
        rx.spacer(),
        print_group_button(),
        download_link(
            t("Export as CSV"),
            group_csv_url(GroupPageState.board_group_id),
            filename="group-" + GroupPageState.group_name + "-report.csv",
            icon="sheet",
        ),
        rx.cond(GroupPageState.can_move, move_group_button()),
        rx.link(
            rx.button(rx.icon("presentation", size=16), t("Projector view"), variant="soft"),
            href=routes.projector_url(GroupPageState.board_group_id),
        ),
        wrap="wrap",
        spacing="4",
        align="end",
        width="100%",
    )


def page() -> rx.Component:
    rows = visible_rows()
    return app_shell(
        loading(
            GroupPageState.loaded,
            rx.vstack(
                rx.hstack(
                    rx.text(
                        GroupPageState.rows.length(),
                        t(" learners · updates live"),
                        size="2",
                        color_scheme="gray",
                    ),
                    freshness(GroupPageState.last_updated),
                    heartbeat(GroupPageState.heartbeat),
                    align="center",
                    spacing="3",
                    wrap="wrap",
                ),
                controls(),
                print_panel(),
                move_summary(),
                legend(),
                rx.cond(
                    rows.length() == 0,
                    rx.text(t("Nobody matches this filter."), color_scheme="gray"),
                ),
                rx.box(
                    rx.foreach(rows, learner_row),
                    role="list",
                    class_name="overview-grid",
                    width="100%",
                ),
                spacing="3",
                width="100%",
                on_unmount=GroupPageState.leave_board,  # leaving the page stops the live updates
            ),
        ),
        heading=rx.cond(
            GroupPageState.group_name != "",
            t("Group ") + GroupPageState.group_name,
            t("Group overview"),
        ),
    )
