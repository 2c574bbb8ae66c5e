"""Coaching on a goal: sentence starters that begin a reflection, and the two questions a low
self-assessment asks (how the learner got there from zero, and their next small step).
"""

from __future__ import annotations

import reflex as rx

from ilp_app.components.forms import labelled
from ilp_app.components.i18n import t, tf
from ilp_app.domain.coaching import MAX_ANSWER
from ilp_app.state.plan import PlanState

# A starter begins the text (its closing ellipsis becomes a space to write on from), or starts a
# new line after what is written; the text arrives JSON-quoted, so no line of the library can
# break out of the script.
_BEGIN = (
    "(function(t,s){if(!t)return;s=s.replace(/…$/,' ');"
    "t.value=t.value.trim()?t.value.replace(/\\s*$/,'\\n')+s:s;"
    "t.focus();t.setSelectionRange(t.value.length,t.value.length);})"
)


def starter_chips(goal: rx.Var) -> rx.Component:
    """The school's sentence starters; a tap begins the reflection with one."""
    field_id = "reflection-" + goal.id.to_string()
    return rx.cond(
        PlanState.reflection_starters.length() > 0,
        rx.hstack(
            rx.foreach(
                PlanState.reflection_starters,
                lambda starter: rx.button(
                    starter,
                    type="button",
                    size="1",
                    variant="outline",
                    radius="full",
                    on_click=rx.call_script(
                        _BEGIN
                        + "(document.getElementById("
                        + field_id.to_string()
                        + "),"
                        + starter.to_string()
                        + ")"
                    ),
                ),
            ),
            wrap="wrap",
            spacing="2",
            role="group",
            aria_label=t("Sentence starters"),
        ),
    )


def low_rating_questions(goal: rx.Var) -> rx.Component:
    """After a self-assessment of 1 or 2: how did you get here from zero, and what next?"""
    gid = goal.id.to_string()
    return rx.cond(
        PlanState.low_rating_goal == goal.id,
        rx.form(
            rx.vstack(
                rx.text(
                    tf(
                        "You chose %(score)s of 5. Before you save it:",
                        score=PlanState.low_rating_score.to_string(),
                    ),
                    size="2",
                    weight="medium",
                ),
                labelled(
                    PlanState.low_rating_prompts[0],
                    "low-how-" + gid,
                    rx.text_area(
                        id="low-how-" + gid,
                        name="how_got_here",
                        max_length=MAX_ANSWER,
                        rows="2",
                        width="100%",
                    ),
                ),
                labelled(
                    PlanState.low_rating_prompts[1],
                    "low-next-" + gid,
                    rx.text_area(
                        id="low-next-" + gid,
                        name="next_step",
                        max_length=MAX_ANSWER,
                        rows="2",
                        width="100%",
                    ),
                ),
                rx.hstack(
                    rx.button(t("Save my rating"), type="submit"),
                    rx.button(
                        t("Cancel"),
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=PlanState.low_rating_cancel,
                    ),
                    spacing="2",
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=PlanState.rate_low,
            aria_label=t("About my rating"),
            width="100%",
        ),
    )


def low_rating_answers(goal: rx.Var) -> rx.Component:
    return rx.cond(
        (goal.self_how != "") | (goal.self_next != ""),
        rx.box(
            rx.cond(
                goal.self_how != "",
                rx.text(rx.text.strong(t("How I got here: ")), goal.self_how, size="2"),
            ),
            rx.cond(
                goal.self_next != "",
                rx.text(rx.text.strong(t("My next small step: ")), goal.self_next, size="2"),
            ),
            class_name="reflection",
        ),
    )
