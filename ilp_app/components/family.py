"""The parent's first screen: one card per child that answers "how is my child doing"."""

from __future__ import annotations

import reflex as rx

from ilp_app import routes
from ilp_app.components.downloads import download_link
from ilp_app.components.i18n import t, tf
from ilp_app.state.family_mail import CADENCE_OPTIONS, FamilyMailState
from ilp_app.state.plan import PlanState
from ilp_app.web.files import review_ics_url
from ilp_app.web.privacy import learner_export_url


def _cadence_option(option: dict[str, str]) -> rx.Component:
    label = option["label"]  # marked where it is defined (CADENCES)
    return rx.el.option(t(label), value=option["value"])


FULL_PLAN_ID = "full-plan"


def _status(s: rx.Var) -> rx.Component:
    return rx.cond(
        s.plan_id != 0,
        rx.vstack(
            rx.hstack(
                rx.badge(
                    s.status_words,
                    color_scheme=rx.match(s.status, ("red", "red"), ("amber", "amber"), "green"),
                    size="3",
                    variant="soft",
                ),
                rx.text(
                    s.completed, t(" of "), s.total, t(" tasks done"), size="2", weight="medium"
                ),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.el.ul(
                rx.foreach(s.reasons, lambda r: rx.el.li(rx.text(r, size="2"))),
                class_name="reason-list",
                aria_label=t("Why"),
            ),
            rx.progress(
                value=s.percent,
                max=100,
                aria_label=tf("Progress of %(name)s's plan", name=s.name),
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        rx.text(t("There is no shared plan for this period yet."), size="2", color_scheme="gray"),
    )


def mail_choice(s: rx.Var) -> rx.Component:
    """How often this parent hears about this child by mail."""
    field_id = "mail-" + s.learner_id.to_string()
    return rx.hstack(
        rx.el.label(t("Mail about "), s.name, html_for=field_id, class_name="field-label"),
        rx.el.select(
            *[_cadence_option(o) for o in CADENCE_OPTIONS],
            id=field_id,
            value=FamilyMailState.choices[s.learner_id.to_string()],
            on_change=lambda v: FamilyMailState.set_choice(s.learner_id.to_string(), v),
            class_name="role-select",
        ),
        align="center",
        wrap="wrap",
        spacing="2",
    )


def child_card(s: rx.Var) -> rx.Component:
    return rx.el.article(
        rx.heading(s.name, as_="h2", size="5", id="child-" + s.learner_id.to_string()),
        _status(s),
        rx.cond(
            s.updates > 0,
            rx.text(
                rx.icon("bell-dot", size=14, aria_hidden="true"),
                " ",
                s.updates,
                rx.cond(s.updates == 1, t(" new update"), t(" new updates")),
                t(" since you last looked"),
                size="2",
            ),
            rx.text(t("Nothing new since you last looked"), size="2", color_scheme="gray"),
        ),
        rx.cond(
            s.review_id != 0,
            rx.hstack(
                rx.text(
                    t("Next review: "),
                    rx.text.strong(s.review_when),
                    rx.cond(s.review_where != "", ", " + s.review_where, ""),
                    size="2",
                ),
                rx.link(
                    rx.icon("calendar-plus", size=14, aria_hidden="true"),
                    t("Add to calendar"),
                    href=review_ics_url(s.review_id),
                    size="2",
                    class_name="tap-link",
                ),
                wrap="wrap",
                align="center",
                spacing="2",
            ),
            rx.text(t("No review meeting planned yet"), size="2", color_scheme="gray"),
        ),
        rx.cond(
            s.mentors != "",
            rx.hstack(
                rx.text(t("Mentor: "), rx.text.strong(s.mentors), size="2"),
                rx.cond(
                    s.plan_id != 0,
                    rx.link(
                        rx.icon("message-square", size=14, aria_hidden="true"),
                        t("Write to the mentor"),
                        rx.el.span(t(" of "), s.name, class_name="visually-hidden"),
                        href=routes.plan_url(s.plan_id) + "#plan-log",
                        size="2",
                        class_name="tap-link",
                    ),
                ),
                wrap="wrap",
                align="center",
                spacing="2",
            ),
        ),
        rx.hstack(
            rx.cond(
                s.plan_id != 0,
                rx.link(
                    t("Full plan"),
                    rx.el.span(t(" of "), s.name, class_name="visually-hidden"),
                    href=routes.plan_url(s.plan_id),
                    size="2",
                    class_name="tap-link",
                ),
            ),
            rx.link(
                rx.icon("chart-column", size=14, aria_hidden="true"),
                t("All periods"),
                rx.el.span(t(" of "), s.name, class_name="visually-hidden"),
                href=routes.learner_report_url(s.learner_id),
                size="2",
                class_name="tap-link",
            ),
            download_link(
                t("Download everything (zip)"),
                learner_export_url(s.learner_id),
                filename="ilp-learner-" + s.learner_id.to_string() + ".zip",
                hidden_suffix=" about " + s.name,
            ),
            wrap="wrap",
            spacing="4",
            align="center",
        ),
        mail_choice(s),
        class_name="child-card",
        aria_labelledby="child-" + s.learner_id.to_string(),
    )


def child_cards() -> rx.Component:
    return rx.box(
        rx.foreach(PlanState.summaries, child_card),
        class_name="child-cards",
        width="100%",
    )
