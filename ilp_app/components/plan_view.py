"""The plan on screen: focus areas, goals, tasks, reflections, notes and the log.

Built for a phone first (one column, large tap targets) and widening on larger screens. What
a person may do comes from ``PlanState.plan.can``; the server checks again on every event.
User text is always rendered as text.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.components.i18n import t
from ilp_app.components.plan_dialog import edit_dialog
from ilp_app.components.plan_goals import add_focus_area_form, focus_area_section
from ilp_app.components.plan_header import other_plans, plan_header
from ilp_app.components.plan_notes import (
    handover_section,
    history_section,
    log_section,
    notes_section,
)
from ilp_app.components.plan_parts import CAN, P
from ilp_app.components.plan_proposals import proposals_section
from ilp_app.components.plan_tasks import reopen_confirm, undo_bar
from ilp_app.components.reviews import reviews_section
from ilp_app.state.plan import PlanState
from ilp_app.state.plan_tick import TAP_PENDING


def area_jump_links() -> rx.Component:
    """Links to each focus area, so a keyboard need not Tab through every goal before it."""
    return rx.cond(
        P.focus_areas.length() > 1,
        rx.el.nav(
            rx.text(t("Jump to: "), size="2", color_scheme="gray", as_="span"),
            rx.foreach(
                P.focus_areas,
                # The link also moves focus into the area, so the next Tab is inside it.
                lambda area: rx.el.a(
                    area.name,
                    href="#area-" + area.id.to_string(),
                    class_name="tap-link rt-Text rt-r-size-2 rt-Link",
                    on_click=rx.call_script(
                        "document.getElementById('area-" + area.id.to_string() + "')?.focus()"
                    ),
                ),
            ),
            aria_label=t("Focus areas"),
            class_name="jump-links",
        ),
    )


def template_suggestion() -> rx.Component:
    """For whoever edits the plan: the template for the learner's year, a transition year's
    first with why, to bring into the plan (for instance one just continued into a new period)."""
    s = PlanState.suggestion
    return rx.cond(
        CAN.edit & (s.template_id > 0),
        rx.callout.root(
            rx.callout.icon(rx.icon("sparkles", size=16)),
            rx.vstack(
                rx.text(rx.text.strong("Suggested: "), s.name, ". ", s.reason, size="2"),
                rx.button(
                    "Add its focus areas to this plan",
                    size="2",
                    variant="soft",
                    on_click=PlanState.add_suggested_template(s.template_id),
                ),
                spacing="2",
            ),
            color_scheme="blue",
            variant="surface",
            width="100%",
        ),
    )


def plan_body() -> rx.Component:
    return rx.vstack(
        plan_header(),
        template_suggestion(),
        handover_section(),
        other_plans(),
        area_jump_links(),
        rx.foreach(P.focus_areas, focus_area_section),
        rx.cond(
            (P.focus_areas.length() == 0) & ~CAN.edit,
            rx.text(t("No goals yet."), color_scheme="gray"),
        ),
        add_focus_area_form(),
        proposals_section(),
        rx.cond(~P.staff, reviews_section()),
        notes_section(),
        log_section(),
        history_section(),
        TAP_PENDING,  # the browser's own mark of a tap on its way (see plan_tick)
        # Another screen changed this plan: said politely, once, to screen readers.
        rx.el.div(
            PlanState.live_note,
            role="status",
            aria_live="polite",
            class_name="visually-hidden",
        ),
        edit_dialog(),
        reopen_confirm(),
        undo_bar(),
        spacing="4",
        width="100%",
    )


def plan_or_message() -> rx.Component:
    return rx.cond(
        PlanState.has_plan,
        plan_body(),
        rx.callout(PlanState.empty_message, icon="info", color_scheme="gray", variant="surface"),
    )
