"""One learner across periods: past plans and what they achieved, the plan now, what lies ahead, charts."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.charts import (
    chart_figure,
    data_table,
    period_bars,
    rating_legend,
    rating_lines,
    week_columns,
)
from ilp_app.components.downloads import download_link
from ilp_app.components.i18n import t
from ilp_app.components.layout import app_shell, loading
from ilp_app.services.reports.printing import plan_pdf_url
from ilp_app.state.learner_report import LearnerReportState as S

ROUTE = routes.LEARNER_REPORT
TITLE = "Learner overview · ILP"
ON_LOAD = S.load

OV = S.overview


def _muted(*children, **props) -> rx.Component:
    return rx.text(*children, size="2", color_scheme="gray", **props)


def _status_badge(status: rx.Var, label: rx.Var) -> rx.Component:
    return rx.badge(
        label,
        color_scheme=rx.match(status, ("active", "green"), ("locked", "gray"), "amber"),
        variant="soft",
        size="2",
    )


def _plan_links(plan_id: rx.Var, period: rx.Var) -> rx.Component:
    return rx.flex(
        rx.link(
            rx.icon("file-text", size=16, aria_hidden="true"),
            t("Open plan"),
            rx.el.span(t(" for "), period, class_name="visually-hidden"),
            href=routes.plan_url(plan_id),
            weight="medium",
            style={
                "display": "inline-flex",
                "align_items": "center",
                "gap": "0.35rem",
                "min_height": "44px",
            },
        ),
        download_link(
            t("Print ") + period + t(" (PDF)"),
            plan_pdf_url(plan_id),
            filename="plan.pdf",
            icon="printer",
        ),
        wrap="wrap",
        align="center",
        column_gap="1.25rem",
        row_gap="0",
    )


def _section(title: str, *children, label_id: str) -> rx.Component:
    return rx.el.section(
        rx.heading(title, as_="h2", size="5", id=label_id),
        *children,
        aria_labelledby=label_id,
        style={
            "display": "flex",
            "flex_direction": "column",
            "gap": "0.75rem",
            "width": "100%",
            "min_width": "0",
        },
    )


# --- now ---


def present_section() -> rx.Component:
    p = OV.present
    return _section(
        t("Now"),
        rx.cond(
            OV.present,
            rx.card(
                rx.vstack(
                    rx.hstack(
                        rx.heading(p.period_name, as_="h3", size="4"),
                        _status_badge(p.status, p.status_label),
                        wrap="wrap",
                        spacing="2",
                        align="center",
                    ),
                    _muted(p.starts_on, " – ", p.ends_on),
                    rx.text(
                        p.completed,
                        t(" of "),
                        p.total,
                        t(" tasks completed ("),
                        p.percent,
                        "%) · ",
                        p.ongoing,
                        t(" ongoing · "),
                        p.not_started,
                        t(" not started"),
                        size="2",
                    ),
                    rx.progress(
                        value=p.percent,
                        max=100,
                        aria_label=t("Progress of the plan now"),
                        width="100%",
                    ),
                    rx.text(
                        p.goals,
                        t(" goals: "),
                        p.goals_on_track,
                        t(" on track for their target date, "),
                        p.goals_behind,
                        t(" behind"),
                        size="2",
                    ),
                    _plan_links(p.plan_id, p.period_name),
                    spacing="2",
                    width="100%",
                ),
                width="100%",
            ),
            _muted(t("There is no plan for this period to show yet.")),
        ),
        label_id="now",
    )


# --- ahead ---


def _review_item(r: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(
            rx.text.strong(r.starts_at), rx.cond(r.location != "", " · " + r.location, ""), size="2"
        ),
        rx.cond(
            r.online_url != "",
            rx.link(
                t("Online meeting link"),
                href=r.online_url,
                is_external=True,
                rel="noopener noreferrer",
                size="2",
            ),
        ),
    )


def _goal_ahead_item(g: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.text(g.statement, size="2", weight="medium", style={"overflow_wrap": "anywhere"}),
        _muted(
            t("Target "),
            g.target_date,
            " (in ",
            g.days_left,
            " days) · ",
            g.completed,
            " of ",
            g.total,
            " tasks completed · ",
            g.outlook_label,
        ),
        style={"margin_bottom": "0.5rem"},
    )


def ahead_section() -> rx.Component:
    return _section(
        t("Ahead"),
        rx.heading(t("Upcoming reviews"), as_="h3", size="3"),
        rx.cond(
            OV.reviews_ahead.length() > 0,
            rx.el.ul(
                rx.foreach(OV.reviews_ahead, _review_item),
                style={"margin": "0", "padding_inline_start": "1.1rem"},
            ),
            _muted(t("No review meeting is scheduled.")),
        ),
        rx.heading(t("Goals and their target dates"), as_="h3", size="3"),
        rx.cond(
            OV.goals_ahead.length() > 0,
            rx.el.ul(
                rx.foreach(OV.goals_ahead, _goal_ahead_item),
                style={"margin": "0", "padding_inline_start": "1.1rem"},
            ),
            _muted(t("No goal has a target date ahead.")),
        ),
        label_id="ahead",
    )


# --- every period ---


def _achievement(a: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.text(a.statement, size="2", style={"overflow_wrap": "anywhere"}),
            rx.cond(a.achieved, rx.badge(t("Achieved"), color_scheme="green", variant="soft")),
            wrap="wrap",
            spacing="2",
            align="center",
        ),
        _muted(
            a.completed,
            " of ",
            a.total,
            " tasks completed",
            rx.cond(
                a.final_self > 0,
                t(" · final self-rating ") + a.final_self.to_string() + t(" of 5"),
                "",
            ),
            rx.cond(
                a.final_mentor > 0,
                t(" · final mentor rating ") + a.final_mentor.to_string() + t(" of 5"),
                "",
            ),
        ),
        style={"margin_bottom": "0.4rem"},
    )


def _period_card(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(row.period_name, as_="h3", size="4"),
                rx.badge(row.when_label, variant="outline", color_scheme="gray"),
                _status_badge(row.status, row.status_label),
                wrap="wrap",
                spacing="2",
                align="center",
            ),
            _muted(row.starts_on, " – ", row.ends_on),
            rx.text(
                row.completed,
                t(" of "),
                row.total,
                t(" tasks completed ("),
                row.percent,
                "%) · ",
                row.goals_achieved,
                t(" of "),
                row.goals,
                t(" goals with every task done"),
                size="2",
            ),
            rx.cond(
                row.achievements.length() > 0,
                rx.box(
                    rx.heading(t("What was achieved"), as_="h4", size="2"),
                    rx.el.ul(
                        rx.foreach(row.achievements, _achievement),
                        style={"margin": "0.25rem 0 0", "padding_inline_start": "1.1rem"},
                    ),
                    width="100%",
                ),
            ),
            _plan_links(row.plan_id, row.period_name),
            spacing="2",
            width="100%",
        ),
        role="listitem",
        width="100%",
    )


def periods_section() -> rx.Component:
    return _section(
        t("Plans by period"),
        rx.cond(
            OV.periods.length() > 0,
            rx.box(
                rx.foreach(OV.periods, _period_card),
                role="list",
                class_name="card-grid",
                width="100%",
            ),
            _muted(t("No plan has been shared yet.")),
        ),
        label_id="periods",
    )


# --- charts ---


def _open(key: str) -> rx.Var:
    return S.open_tables.contains(key)


def tasks_chart() -> rx.Component:
    return chart_figure(
        caption=t("Tasks completed per period"),
        summary=OV.tasks_summary,
        name="tasks completed per period",
        graphic=period_bars(OV.task_bars),
        table_id="table-tasks",
        expanded=_open("tasks"),
        on_toggle=S.toggle_table("tasks"),
        table=data_table(
            t("Tasks completed per period"),
            ["Period", "Completed", "Tasks", "Done"],
            OV.task_bars,
            lambda b: [b.label, b.completed, b.total, b.percent.to_string() + "%"],
        ),
    )


def activity_chart() -> rx.Component:
    return chart_figure(
        caption=t("Activity per week in ") + OV.activity_period,
        summary=OV.activity_summary,
        name="activity per week",
        graphic=week_columns(OV.activity),
        table_id="table-activity",
        expanded=_open("activity"),
        on_toggle=S.toggle_table("activity"),
        legend=_muted(
            t("Each column is one week: tasks completed, reflections and log posts together.")
        ),
        table=data_table(
            t("Activity per week"),
            ["Week of", "Tasks completed", "Reflections", "Log posts", "Total"],
            OV.activity,
            lambda w: [w.week_of, w.completions, w.reflections, w.log_entries, w.total],
        ),
    )


def _score(value: rx.Var) -> rx.Var:
    return rx.cond(value > 0, value.to_string(), "–")


def rating_chart(series: rx.Var) -> rx.Component:
    return rx.card(
        chart_figure(
            caption=series.statement,
            summary=series.summary,
            name=t("the ratings of ") + series.statement,
            graphic=rating_lines(series),
            legend=rating_legend(),
            table_id="table-ratings-" + series.goal_id.to_string(),
            expanded=_open("ratings"),
            on_toggle=S.toggle_table("ratings"),
            table=data_table(
                t("Ratings of ") + series.statement,
                ["Date", "Self-rating", "Mentor rating"],
                series.rows,
                lambda r: [r.day, _score(r.self_score), _score(r.mentor_score)],
            ),
        ),
        width="100%",
    )


def charts_section() -> rx.Component:
    return _section(
        t("Progress in charts"),
        rx.card(tasks_chart(), width="100%"),
        rx.cond(OV.activity_period != "", rx.card(activity_chart(), width="100%")),
        rx.heading(t("Self-rating and mentor rating per goal"), as_="h3", size="4"),
        rx.cond(
            OV.rating_series.length() > 0,
            rx.box(
                rx.foreach(OV.rating_series, rating_chart), class_name="card-grid", width="100%"
            ),
            _muted(t("No goal has been rated yet.")),
        ),
        label_id="charts",
    )


def overview_body() -> rx.Component:
    return rx.vstack(
        present_section(),
        ahead_section(),
        periods_section(),
        charts_section(),
        spacing="6",
        width="100%",
    )


def page() -> rx.Component:
    return app_shell(
        loading(
            S.loaded,
            rx.cond(
                S.has_overview,
                overview_body(),
                rx.callout(S.message, icon="info", color_scheme="gray", variant="surface"),
            ),
        ),
        heading=rx.cond(S.has_overview, t("Overview of ") + OV.learner_name, t("Learner overview")),
    )
