"""A review's preparation on its card: the family's answers to the school's questions, and the
learner's confidence set against their intention (with where they disagree, for staff)."""

from __future__ import annotations

import reflex as rx

from ilp_app.components.forms import labelled
from ilp_app.components.i18n import t, tf
from ilp_app.domain.coaching import MAX_ANSWER, MAX_CHECK_TOPIC
from ilp_app.state.reviews import ReviewState

_INTENTIONS = (("yes", t("Yes")), ("not_sure", t("Not sure")), ("no", t("No")))


def _hidden(r: rx.Var) -> rx.Component:
    return rx.el.input(type="hidden", name="review_id", value=r.id)


def _prep_form(r: rx.Var) -> rx.Component:
    rid = r.id.to_string()
    return rx.form(
        _hidden(r),
        rx.vstack(
            rx.foreach(
                r.prep.questions,
                lambda q, i: labelled(
                    q,
                    "prep-" + rid + "-" + i.to_string(),
                    rx.text_area(
                        id="prep-" + rid + "-" + i.to_string(),
                        name="answer-" + i.to_string(),
                        default_value=r.prep.mine[i],
                        max_length=MAX_ANSWER,
                        rows="2",
                        width="100%",
                    ),
                ),
            ),
            rx.button(t("Save my answers"), type="submit", variant="soft"),
            spacing="2",
            width="100%",
        ),
        on_submit=ReviewState.prepare,
        aria_label=t("Prepare for the meeting"),
        key=rid + r.prep.mine.join("|"),
        width="100%",
    )


def _answers(r: rx.Var) -> rx.Component:
    return rx.cond(
        r.prep.answers.length() > 0,
        rx.box(
            rx.foreach(
                r.prep.answers,
                lambda a: rx.box(
                    rx.text(rx.text.strong(a.author), " · ", a.question, size="1"),
                    rx.text(a.answer, size="2", white_space="pre-wrap"),
                    class_name="log-entry",
                    role="listitem",
                ),
            ),
            role="list",
            aria_label=t("Answers before the meeting"),
            width="100%",
        ),
    )


def _set_check_form(r: rx.Var) -> rx.Component:
    rid = r.id.to_string()
    return rx.form(
        _hidden(r),
        rx.vstack(
            labelled(
                t("How confident are you about …"),
                "check-about-" + rid,
                rx.input(
                    id="check-about-" + rid,
                    name="confidence_about",
                    default_value=r.prep.confidence_about,
                    max_length=MAX_CHECK_TOPIC,
                    placeholder=t("e.g. passing Year 9 maths"),
                    width="100%",
                ),
            ),
            labelled(
                t("Do you plan to …"),
                "check-plan-" + rid,
                rx.input(
                    id="check-plan-" + rid,
                    name="plan_to",
                    default_value=r.prep.plan_to,
                    max_length=MAX_CHECK_TOPIC,
                    placeholder=t("e.g. choose the science track"),
                    width="100%",
                ),
            ),
            rx.button(t("Ask the learner"), type="submit", variant="soft"),
            spacing="2",
            width="100%",
        ),
        on_submit=ReviewState.set_check,
        aria_label=t("Confidence and plans"),
        key=rid + r.prep.confidence_about + r.prep.plan_to,
        width="100%",
    )


def _choice(name: str, value: str, label, rid: rx.Var, checked) -> rx.Component:
    field_id = "check-" + name + "-" + rid + "-" + value
    return rx.el.label(
        rx.el.input(
            type="radio",
            name=name,
            value=value,
            id=field_id,
            default_checked=checked,
            required=True,
        ),
        " ",
        label,
        html_for=field_id,
        class_name="choice",
        style={
            "min_height": "44px",
            "display": "inline-flex",
            "align_items": "center",
            "gap": "0.25rem",
        },
    )


def _check_form(r: rx.Var) -> rx.Component:
    rid = r.id.to_string()
    return rx.form(
        _hidden(r),
        rx.vstack(
            rx.el.fieldset(
                rx.el.legend(
                    tf("How confident are you about %(topic)s?", topic=r.prep.confidence_about)
                ),
                rx.hstack(
                    *[
                        _choice("confidence", str(n), str(n), rid, r.prep.confidence == n)
                        for n in range(1, 6)
                    ],
                    wrap="wrap",
                    spacing="3",
                ),
                class_name="choice-set",
            ),
            rx.el.fieldset(
                rx.el.legend(tf("Do you plan to %(plan)s?", plan=r.prep.plan_to)),
                rx.hstack(
                    *[
                        _choice("intention", value, label, rid, r.prep.intention == value)
                        for value, label in _INTENTIONS
                    ],
                    wrap="wrap",
                    spacing="3",
                ),
                class_name="choice-set",
            ),
            rx.button(t("Save"), type="submit", variant="soft"),
            spacing="2",
            width="100%",
        ),
        on_submit=ReviewState.answer_check,
        aria_label=t("My confidence and plans"),
        key=rid + r.prep.confidence.to_string() + r.prep.intention,
        width="100%",
    )


def _check_result(r: rx.Var) -> rx.Component:
    return rx.cond(
        r.prep.confidence > 0,
        rx.vstack(
            rx.text(
                tf(
                    "Confident about %(topic)s: %(score)s of 5 · Plans to %(plan)s: %(answer)s",
                    topic=r.prep.confidence_about,
                    score=r.prep.confidence.to_string(),
                    plan=r.prep.plan_to,
                    answer=r.prep.intention_label,
                ),
                size="2",
            ),
            rx.cond(
                r.prep.disagreement != "",
                rx.callout(
                    r.prep.disagreement,
                    icon="message-circle-question",
                    color_scheme="amber",
                    variant="surface",
                    size="1",
                ),
            ),
            spacing="1",
            width="100%",
        ),
    )


def review_prep_block(r: rx.Var) -> rx.Component:
    shows = (
        (r.prep.questions.length() > 0)
        | (r.prep.answers.length() > 0)
        | r.prep.can_check
        | r.prep.can_set_check
        | (r.prep.confidence > 0)
    )
    return rx.cond(
        shows,
        rx.vstack(
            rx.heading(t("Before the meeting"), as_="h4", size="3"),
            _answers(r),
            _check_result(r),
            rx.cond(r.prep.questions.length() > 0, _prep_form(r)),
            rx.cond(r.prep.can_check, _check_form(r)),
            rx.cond(r.prep.can_set_check, _set_check_form(r)),
            spacing="2",
            width="100%",
        ),
    )
