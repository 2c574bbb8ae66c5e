"""Small pieces the sections of a plan share: the plan and what the viewer may do, as vars;
labelled fields, a progress line and move-up/down buttons.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.components.forms import labelled
from ilp_app.components.i18n import t
from ilp_app.state.plan import PlanState

P = PlanState.plan
CAN = PlanState.plan.can


def text_field(
    label: str,
    name: str,
    *,
    default=None,
    max_length: int,
    required: bool = True,
    type_: str = "text",
    prefix: str = "",
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
            width="100%",
        ),
    )


def area_field(
    label: str,
    name: str,
    *,
    default=None,
    max_length: int,
    required: bool = True,
    prefix: str = "",
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


def progress_line(completed: rx.Var, total: rx.Var, percent: rx.Var, label: str) -> rx.Component:
    return rx.vstack(
        rx.text(completed, t(" of "), total, t(" tasks completed"), size="2", color_scheme="gray"),
        rx.progress(value=percent, max=100, aria_label=label, width="100%"),
        spacing="1",
        width="100%",
    )


def move_buttons(on_up, on_down, what: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon_button(
            rx.icon("arrow-up", size=14),
            size="1",
            variant="ghost",
            on_click=on_up,
            aria_label=t("Move up: ") + what,
        ),
        rx.icon_button(
            rx.icon("arrow-down", size=14),
            size="1",
            variant="ghost",
            on_click=on_down,
            aria_label=t("Move down: ") + what,
        ),
        spacing="1",
    )
