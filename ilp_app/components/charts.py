"""Small accessible charts: CSS bars and inline SVG lines, each with a text alternative.

Every chart is a figure: a visible caption, the graphic as one image (``role="img"``) whose
label states the numbers in a sentence, and a button that shows the same numbers as a table.
Nothing is downloaded or drawn in the browser beyond plain elements, and every chart fits a
375 px phone (the SVG scales to its container; tables scroll inside their own box).
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from ilp_app.components.i18n import t
from ilp_app.domain.learner_report import (
    CHART_HEIGHT,
    CHART_WIDTH,
    PLOT_BOTTOM,
    PLOT_LEFT,
    PLOT_RIGHT,
    RATING_HIGH,
    RATING_LOW,
    rating_y,
)

SELF_COLOUR = "var(--accent-10)"
MENTOR_COLOUR = "var(--amber-11)"
BAR_COLOUR = "var(--accent-9)"
TRACK_COLOUR = "var(--gray-a4)"
AXIS_COLOUR = "var(--gray-a7)"
LABEL_COLOUR = "var(--gray-11)"


def chart_figure(
    *,
    caption: str | rx.Var,
    summary: rx.Var,
    graphic: rx.Component,
    table: rx.Component,
    table_id: str | rx.Var,
    expanded: rx.Var,
    on_toggle,
    name: str | rx.Var,
    legend: rx.Component | None = None,
) -> rx.Component:
    """A chart with its caption, its one-sentence label and a "Show as table" toggle.

    Args:
        caption: the visible caption.
        summary: the numbers in a sentence, read out for the graphic.
        graphic: the drawing.
        table: the same numbers as a table (see :func:`data_table`).
        table_id: the table box's id, for ``aria-controls``.
        expanded: whether the table is shown.
        on_toggle: the event that shows or hides the table.
        name: the chart's name, ending the toggle's accessible name ("Show as table: <name>").
        legend: what the marks mean, shown as text under the graphic.
    """
    return rx.el.figure(
        rx.el.figcaption(rx.text(caption, weight="medium", size="3")),
        rx.box(graphic, role="img", aria_label=summary, width="100%"),
        legend if legend is not None else rx.fragment(),
        rx.button(
            rx.icon(rx.cond(expanded, "chevron-up", "table"), size=16, aria_hidden="true"),
            rx.cond(expanded, t("Hide table"), t("Show as table")),
            rx.el.span(rx.cond(expanded, t(" of "), ": "), name, class_name="visually-hidden"),
            variant="ghost",
            size="2",
            on_click=on_toggle,
            aria_expanded=rx.cond(expanded, "true", "false"),
            aria_controls=table_id,
            min_height="44px",
        ),
        rx.el.div(
            table, id=table_id, hidden=~expanded, style={"overflow_x": "auto", "max_width": "100%"}
        ),
        style={
            "margin": "0",
            "display": "flex",
            "flex_direction": "column",
            "gap": "0.5rem",
            "min_width": "0",
        },
    )


def data_table(
    label: str | rx.Var, headers: list[str], rows: rx.Var, cells: Callable[[rx.Var], list]
) -> rx.Component:
    """A table named ``label``: one header row, then one row per item with ``cells(item)``."""
    return rx.table.root(
        # Names the table itself (Radix puts props on its wrapper); the figure shows the caption.
        rx.el.caption(label, class_name="visually-hidden"),
        rx.table.header(
            rx.table.row(*[rx.table.column_header_cell(h, scope="col") for h in headers])
        ),
        rx.table.body(
            rx.foreach(
                rows, lambda item: rx.table.row(*[rx.table.cell(value) for value in cells(item)])
            )
        ),
        size="1",
        variant="surface",
        width="100%",
    )


def period_bars(rows: rx.Var) -> rx.Component:
    """Horizontal bars, one per period: its name, "5 of 8 (63%)" and a bar as long as the share done."""
    return rx.vstack(
        rx.foreach(
            rows,
            lambda r: rx.box(
                rx.hstack(
                    rx.text(
                        r.label, size="2", weight="medium", style={"overflow_wrap": "anywhere"}
                    ),
                    rx.text(
                        r.completed,
                        t(" of "),
                        r.total,
                        " (",
                        r.percent,
                        "%)",
                        size="2",
                        color_scheme="gray",
                        white_space="nowrap",
                    ),
                    justify="between",
                    width="100%",
                    spacing="2",
                ),
                rx.box(
                    rx.box(
                        height="100%",
                        width=r.percent.to_string() + "%",
                        background=BAR_COLOUR,
                        border_radius="4px",
                    ),
                    height="0.9rem",
                    width="100%",
                    background=TRACK_COLOUR,
                    border_radius="4px",
                    overflow="hidden",
                ),
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def week_columns(rows: rx.Var) -> rx.Component:
    """Vertical columns, one per week, as tall as that week's activity against the busiest week."""
    return rx.box(
        rx.box(
            rx.foreach(
                rows,
                lambda w: rx.box(
                    rx.box(
                        height=w.percent.to_string() + "%",
                        min_height=rx.cond(w.total > 0, "3px", "0"),
                        background=BAR_COLOUR,
                        border_radius="3px 3px 0 0",
                    ),
                    flex="1 1 0",
                    min_width="0",
                    height="100%",
                    display="flex",
                    flex_direction="column",
                    justify_content="flex-end",
                ),
            ),
            display="flex",
            align_items="stretch",
            gap="2px",
            height="7rem",
            width="100%",
            border_bottom=f"1px solid {AXIS_COLOUR}",
        ),
        rx.cond(
            rows.length() > 0,
            rx.hstack(
                rx.text(rows[0].label, size="1", color_scheme="gray"),
                rx.spacer(),
                rx.text(rows[-1].label, size="1", color_scheme="gray"),
                width="100%",
            ),
        ),
        width="100%",
    )


def _score_grid() -> list[rx.Component]:
    marks = []
    for score in range(RATING_LOW, RATING_HIGH + 1):
        y = rating_y(score)
        marks.append(
            rx.el.svg.line(
                x1=str(PLOT_LEFT),
                x2=str(CHART_WIDTH - PLOT_RIGHT),
                y1=str(y),
                y2=str(y),
                stroke=AXIS_COLOUR,
                stroke_width=1,
            )
        )
        marks.append(
            rx.el.svg.text(
                str(score),
                x=str(PLOT_LEFT - 8),
                y=str(y + 4),
                text_anchor="end",
                font_size="11px",
                fill=LABEL_COLOUR,
            )
        )
    return marks


def rating_lines(series: rx.Var) -> rx.Component:
    """Self-rating (solid line, round dots) against mentor rating (dashed line, squares) over time."""
    date_y = CHART_HEIGHT - PLOT_BOTTOM + 18
    rows = series.rows
    return rx.el.svg(
        *_score_grid(),
        rx.el.svg.polyline(
            points=series.mentor_points,
            fill="none",
            stroke=MENTOR_COLOUR,
            stroke_width=2,
            stroke_dasharray="6 4",
        ),
        rx.el.svg.polyline(
            points=series.self_points, fill="none", stroke=SELF_COLOUR, stroke_width=2.5
        ),
        rx.foreach(
            rows,
            lambda r: rx.fragment(
                rx.cond(
                    r.mentor_score > 0,
                    rx.el.svg.rect(
                        x=(r.x - 4).to_string(),
                        y=(r.mentor_y - 4).to_string(),
                        width="8",
                        height="8",
                        fill=MENTOR_COLOUR,
                    ),
                ),
                rx.cond(
                    r.self_score > 0,
                    rx.el.svg.circle(
                        cx=r.x.to_string(), cy=r.self_y.to_string(), r="4.5", fill=SELF_COLOUR
                    ),
                ),
            ),
        ),
        rx.el.svg.text(
            rows[0].day, x=str(PLOT_LEFT), y=str(date_y), font_size="11px", fill=LABEL_COLOUR
        ),
        rx.cond(
            rows.length() > 1,
            rx.el.svg.text(
                rows[-1].day,
                x=str(CHART_WIDTH - PLOT_RIGHT),
                y=str(date_y),
                text_anchor="end",
                font_size="11px",
                fill=LABEL_COLOUR,
            ),
        ),
        view_box=f"0 0 {CHART_WIDTH} {CHART_HEIGHT}",
        width="100%",
        height="auto",
        style={"display": "block", "max_width": "32rem"},
        aria_hidden="true",
        focusable="false",
    )


def rating_legend() -> rx.Component:
    swatch = lambda colour, radius: rx.box(  # noqa: E731
        width="0.8rem", height="0.8rem", background=colour, border_radius=radius, flex_shrink="0"
    )
    return rx.hstack(
        rx.hstack(
            swatch(SELF_COLOUR, "50%"),
            rx.text(t("Self-rating (solid line, dots)"), size="1"),
            align="center",
            spacing="1",
        ),
        rx.hstack(
            swatch(MENTOR_COLOUR, "0"),
            rx.text(t("Mentor rating (dashed line, squares)"), size="1"),
            align="center",
            spacing="1",
        ),
        wrap="wrap",
        spacing="3",
    )
