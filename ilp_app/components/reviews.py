"""Review meetings on screen: the plan page's reviews section and the mentor's review dashboard.

One column on a phone. Every input has a visible label tied to it. What a viewer may do comes
with the view models (``can_schedule``, ``r.can_comment``, ``r.can_manage``); the services
check again on every event. User text is always rendered as text.
"""

from __future__ import annotations

import reflex as rx

from ilp_app import routes
from ilp_app.components.downloads import BACKEND_ORIGIN as _BACKEND_ORIGIN
from ilp_app.components.forms import form_error, labelled
from ilp_app.components.i18n import local_day, t
from ilp_app.components.review_prep import review_prep_block
from ilp_app.services.reviews.review_model import (
    DURATION_MAX,
    DURATION_MIN,
    MAX_COMMENT,
    MAX_LOCATION,
    MAX_OUTCOME,
)
from ilp_app.state.reviews import ATTENDEE_FIELD_PREFIX, ReviewState
from ilp_app.web.files import review_ics_url

MAX_URL = 2000


def _status_badge(r: rx.Var) -> rx.Component:
    return rx.badge(
        r.status_label,
        color_scheme=rx.match(r.status, ("held", "green"), ("cancelled", "gray"), "indigo"),
        variant="soft",
        size="2",
    )


def _text_block(label: str | rx.Var, value: rx.Var) -> rx.Component:
    return rx.cond(
        value != "",
        rx.box(
            rx.text(rx.text.strong(label), size="2"),
            rx.text(value, size="2", white_space="pre-wrap"),
        ),
    )


# --- one review ---


def ics_link(r: rx.Var) -> rx.Component:
    return rx.el.a(
        rx.icon("calendar-plus", size=16, aria_hidden="true"),
        t("Download invitation (.ics)"),
        href=_BACKEND_ORIGIN + review_ics_url(r.id),
        download="review-" + r.id.to_string() + ".ics",
        # A document request, not client-side routing: the browser downloads the file.
        reload_document=True,
        class_name="review-ics-link",
        style={
            "display": "inline-flex",
            "align_items": "center",
            "gap": "0.35rem",
            "min_height": "44px",
        },
    )


def _where(r: rx.Var) -> rx.Component:
    return rx.vstack(
        rx.cond(r.location != "", rx.text(rx.text.strong(t("Place: ")), r.location, size="2")),
        rx.cond(
            r.online_url != "",
            rx.text(
                rx.text.strong(t("Online: ")),
                rx.link(
                    r.online_url,
                    href=r.online_url,
                    is_external=True,
                    rel="noopener noreferrer",
                    word_break="break-all",
                ),
                size="2",
            ),
        ),
        spacing="1",
        width="100%",
    )


def _attendees(r: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(rx.text.strong(t("Attending")), size="2"),
        rx.el.ul(
            rx.foreach(
                r.attendees,
                lambda p: rx.el.li(
                    rx.text(p.name, rx.cond(p.role != "", " (" + p.role + ")", ""), size="2")
                ),
            ),
            class_name="review-attendees",
        ),
    )


def _comments(r: rx.Var) -> rx.Component:
    field_id = "review-comment-" + r.id.to_string()
    return rx.vstack(
        rx.cond(
            (r.comments.length() > 0) | r.can_comment,
            rx.heading(t("Comments before the meeting"), as_="h4", size="3"),
        ),
        rx.box(
            rx.foreach(
                r.comments,
                lambda c: rx.box(
                    rx.text(
                        rx.text.strong(c.author), " · ", c.created_at, size="1", color_scheme="gray"
                    ),
                    rx.text(c.body, size="2", white_space="pre-wrap"),
                    class_name="log-entry",
                    role="listitem",
                ),
            ),
            role="list",
            width="100%",
        ),
        rx.cond(
            r.can_comment,
            rx.form(
                # The review travels in a hidden field: a form's submit handler cannot see the loop variable.
                rx.el.input(type="hidden", name="review_id", value=r.id),
                rx.vstack(
                    labelled(
                        t("Your comment for the meeting"),
                        field_id,
                        rx.text_area(
                            id=field_id,
                            name="body",
                            required=True,
                            max_length=MAX_COMMENT,
                            rows="3",
                            placeholder=t("What would you like to talk about?"),
                            width="100%",
                        ),
                    ),
                    rx.button(t("Add comment"), type="submit", variant="soft"),
                    spacing="2",
                    width="100%",
                ),
                on_submit=ReviewState.comment,
                reset_on_submit=True,
                width="100%",
            ),
        ),
        spacing="2",
        width="100%",
    )


def _outcome(r: rx.Var) -> rx.Component:
    return rx.cond(
        r.status == "held",
        rx.vstack(
            rx.heading(t("Outcome"), as_="h4", size="3"),
            _text_block(t("Summary"), r.summary),
            _text_block(t("Decisions"), r.decisions),
            _text_block(t("New targets"), r.new_targets),
            rx.text(t("Recorded "), r.held_at, size="1", color_scheme="gray"),
            spacing="2",
            width="100%",
        ),
    )


def _outcome_form(r: rx.Var) -> rx.Component:
    rid = r.id.to_string()

    def area(label: str | rx.Var, name: str, required: bool) -> rx.Component:
        field_id = "review-" + name + "-" + rid
        return labelled(
            label,
            field_id,
            rx.text_area(
                id=field_id,
                name=name,
                required=required,
                rows="3",
                max_length=MAX_OUTCOME,
                width="100%",
            ),
        )

    return rx.el.details(
        rx.el.summary(
            t("Record the outcome"),
            class_name="field-label",
            style={"cursor": "pointer", "min_height": "44px"},
        ),
        rx.form(
            rx.el.input(type="hidden", name="review_id", value=r.id),
            rx.vstack(
                area(t("Summary"), "summary", True),
                area(t("Decisions"), "decisions", False),
                area(t("New targets"), "new_targets", False),
                rx.text(
                    t("The outcome is also written into the plan log."),
                    size="1",
                    color_scheme="gray",
                ),
                rx.button(t("Record outcome"), type="submit"),
                spacing="2",
                width="100%",
            ),
            on_submit=ReviewState.record_outcome,
            width="100%",
        ),
        width="100%",
    )


def _cancel_button(r: rx.Var) -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("calendar-x", size=14),
                t("Cancel review"),
                size="2",
                variant="soft",
                color_scheme="red",
                type="button",
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("Cancel the review on "), local_day(r.day), "?"),
            rx.alert_dialog.description(t("The learner and parents see that it was cancelled.")),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button(t("Keep it"), variant="soft", color_scheme="gray")
                ),
                rx.alert_dialog.action(
                    rx.button(
                        t("Cancel review"), color_scheme="red", on_click=ReviewState.cancel(r.id)
                    )
                ),
                justify="end",
                spacing="2",
                wrap="wrap",
            ),
            max_width="28rem",
        ),
    )


def review_card(r: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(local_day(r.day), " ", r.time, "–", r.ends_time, as_="h3", size="4"),
                _status_badge(r),
                align="center",
                wrap="wrap",
                spacing="2",
            ),
            rx.text(
                r.starts_at, " · ", r.duration_minutes, t(" minutes"), size="1", color_scheme="gray"
            ),
            _where(r),
            _attendees(r),
            rx.cond(r.status != "cancelled", ics_link(r)),
            review_prep_block(r),
            _comments(r),
            _outcome(r),
            rx.cond(
                r.can_manage,
                rx.vstack(_outcome_form(r), _cancel_button(r), spacing="2", width="100%"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        role="listitem",
    )


# --- scheduling ---


def schedule_form() -> rx.Component:
    """The mentor's form: date and time, duration, place, online link, who attends."""
    return rx.cond(
        ReviewState.can_schedule,
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading(t("Schedule a review"), as_="h3", size="4"),
                    form_error(ReviewState.error),
                    labelled(
                        t("Date and time"),
                        "review-starts-at",
                        rx.input(
                            id="review-starts-at",
                            name="starts_at",
                            type="datetime-local",
                            required=True,
                            min=ReviewState.earliest_start,
                            width="100%",
                        ),
                        hint=t("Times are in ") + ReviewState.time_zone + ".",
                    ),
                    labelled(
                        t("Duration (minutes)"),
                        "review-duration",
                        rx.input(
                            id="review-duration",
                            name="duration",
                            type="number",
                            required=True,
                            min=DURATION_MIN,
                            max=DURATION_MAX,
                            step=5,
                            default_value="30",
                            width="100%",
                        ),
                    ),
                    labelled(
                        t("Place"),
                        "review-location",
                        rx.input(
                            id="review-location",
                            name="location",
                            max_length=MAX_LOCATION,
                            placeholder=t("e.g. Room 204"),
                            width="100%",
                        ),
                    ),
                    labelled(
                        t("Online meeting link"),
                        "review-online-url",
                        rx.input(
                            id="review-online-url",
                            name="online_url",
                            type="url",
                            max_length=MAX_URL,
                            placeholder="https://…",
                            width="100%",
                        ),
                        hint=t("Give a place, an online link, or both."),
                    ),
                    rx.el.fieldset(
                        rx.el.legend(t("Who attends"), class_name="field-label"),
                        rx.box(
                            rx.foreach(
                                ReviewState.attendee_choices,
                                lambda o: rx.el.label(
                                    rx.el.input(
                                        type="checkbox",
                                        name=ATTENDEE_FIELD_PREFIX + o["id"],
                                        default_checked=o["checked"] == "1",
                                    ),
                                    " ",
                                    o["label"],
                                    class_name="checkbox-line",
                                    style={"min_height": "32px"},
                                ),
                            ),
                            class_name="objective-list",
                        ),
                        class_name="objective-fieldset",
                    ),
                    rx.button(
                        rx.icon("calendar-plus", size=16), t("Schedule review"), type="submit"
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=ReviewState.schedule,
                # A new key after each scheduled review gives an empty form.
                key="review-form-" + ReviewState.form_version.to_string(),
                width="100%",
            ),
            width="100%",
        ),
    )


def reviews_section() -> rx.Component:
    """Review meetings of the learner whose plan is shown (loaded by the plan state with the plan)."""
    section = rx.el.section(
        rx.heading(t("Review meetings"), as_="h2", size="5", id="reviews-heading"),
        rx.text(
            t("The mentor meets the learner and parents at least twice a year to review the plan."),
            size="2",
            color_scheme="gray",
        ),
        rx.cond(
            ReviewState.reviews.length() == 0,
            rx.text(t("No review meetings yet."), size="2", color_scheme="gray"),
        ),
        rx.box(
            rx.foreach(ReviewState.reviews, review_card),
            role="list",
            width="100%",
            style={"display": "flex", "flex_direction": "column", "gap": "0.75rem"},
        ),
        schedule_form(),
        class_name="focus-area",
        aria_labelledby="reviews-heading",
    )
    # The plan state loads the reviews of whichever learner's plan it shows.
    return section


# --- the mentor's dashboard ---


def _plan_link(plan_id: rx.Var, name: rx.Var) -> rx.Component:
    return rx.cond(
        plan_id > 0,
        rx.link(
            t("Open plan"),
            rx.el.span(t(" for the review of "), name, class_name="visually-hidden"),
            href=routes.plan_url(plan_id),
            size="2",
        ),
    )


def _due_row(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(row.learner_name, weight="medium"),
        rx.text(
            rx.cond(
                row.last_review != "",
                t("Last review ") + local_day(row.last_review),
                t("Never reviewed"),
            ),
            rx.cond(row.next_review != "", t(" · next on ") + row.next_review, ""),
            size="2",
            color_scheme="gray",
        ),
        _plan_link(row.plan_id, row.learner_name),
        class_name="log-entry",
        role="listitem",
    )


def _upcoming_row(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.text(rx.text.strong(row.starts_at), " · ", row.learner_name, size="2"),
        rx.cond(row.location != "", rx.text(row.location, size="2", color_scheme="gray")),
        rx.cond(row.online_url != "", rx.text(t("Online meeting"), size="2", color_scheme="gray")),
        _plan_link(row.plan_id, row.learner_name),
        class_name="log-entry",
        role="listitem",
    )


def _list_section(
    title: str | rx.Var,
    section_id: str,
    rows: rx.Var,
    row,
    empty: str | rx.Var,
    intro: str | rx.Var = "",
) -> rx.Component:
    return rx.el.section(
        rx.heading(title, as_="h2", size="5", id=section_id),
        rx.text(intro, size="2", color_scheme="gray")
        if isinstance(intro, rx.Var) or intro
        else rx.fragment(),
        rx.cond(
            rows.length() == 0,
            rx.text(empty, size="2", color_scheme="gray"),
            rx.box(rx.foreach(rows, row), role="list", width="100%"),
        ),
        class_name="focus-area",
        aria_labelledby=section_id,
    )


def review_dashboard_section() -> rx.Component:
    """For the mentor home (after ``ReviewState.load_dashboard``): reviews due and upcoming."""
    board = ReviewState.dashboard
    return rx.cond(
        board,
        rx.vstack(
            _list_section(
                t("Reviews due"),
                "reviews-due-heading",
                board.overdue,
                _due_row,
                t("Every learner has had a review in the last 6 months."),
                intro=t("Learners with no review in the last 6 months."),
            ),
            _list_section(
                t("Upcoming reviews"),
                "reviews-upcoming-heading",
                board.upcoming,
                _upcoming_row,
                t("No review meetings are scheduled."),
            ),
            rx.cond(
                board.awaiting_outcome.length() > 0,
                _list_section(
                    t("Outcome to record"),
                    "reviews-outcome-heading",
                    board.awaiting_outcome,
                    _upcoming_row,
                    "",
                ),
            ),
            spacing="4",
            width="100%",
        ),
    )
