"""Data protection: how long records are kept, running retention, and a learner's export or erasure."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.admin_ui import admin_page, dialog_actions, item_list, search_field
from ilp_app.components.downloads import download_link
from ilp_app.components.forms import form_error, labelled, labelled_input
from ilp_app.state.admin_privacy import AdminPrivacyState as S
from ilp_app.web.privacy import learner_export_url

ROUTE = routes.ADMIN_PRIVACY
TITLE = "Data protection · ILP"
ON_LOAD = S.load


def rule_card(rule: rx.Var) -> rx.Component:
    field_id = "keep-" + rule.record_type
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(rule.label, as_="h3", size="3"),
                rx.text(rule.description, size="2", color_scheme="gray"),
                rx.text(
                    "Kept now: ",
                    rx.text.strong(rule.keep_text),
                    rx.cond(rule.is_default, " (the default)", " · default: " + rule.default_text),
                    size="2",
                ),
                rx.cond(S.rule_error_type == rule.record_type, form_error(S.rule_error)),
                rx.el.input(type="hidden", name="record_type", value=rule.record_type),
                labelled(
                    "Days to keep " + rule.label.lower(),
                    field_id,
                    rx.input(
                        id=field_id,
                        name="keep_days",
                        default_value=rule.keep_value,
                        input_mode="numeric",
                        pattern="[0-9]*",
                        max_length=5,
                        size="3",
                        width="100%",
                        key=rule.record_type + "-" + rule.keep_value,
                    ),
                ),
                rx.text(
                    "At least ",
                    rule.minimum_text,
                    ". Leave empty to keep them forever.",
                    size="1",
                    color_scheme="gray",
                ),
                rx.button(
                    "Save", type="submit", size="2", aria_label="Save period for " + rule.label
                ),
                spacing="2",
                width="100%",
            ),
            on_submit=S.save_rule,
        ),
        role="listitem",
    )


def retention_section() -> rx.Component:
    return rx.vstack(
        rx.heading("How long records are kept", as_="h2", size="5"),
        rx.text(
            "Older records are deleted by the nightly retention job, or now with the button below.",
            size="2",
        ),
        rx.box(rx.foreach(S.rules, rule_card), class_name="card-grid", role="list", width="100%"),
        rx.button(
            rx.icon("trash-2", size=16, aria_hidden="true"),
            "Run retention now",
            on_click=S.run_retention,
            loading=S.running,
            size="3",
            variant="soft",
            color_scheme="red",
        ),
        rx.box(
            rx.cond(
                S.run_result.length() > 0,
                rx.vstack(
                    rx.heading("Removed just now", as_="h3", size="3"),
                    rx.el.ul(
                        rx.foreach(S.run_result, lambda line: rx.el.li(rx.text(line, size="2")))
                    ),
                    spacing="1",
                ),
            ),
            role="status",
            aria_live="polite",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def learner_card(match: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(match.full_name, as_="h3", size="3"),
            rx.text(match.email, size="2", color_scheme="gray", style={"word_break": "break-all"}),
            rx.badge(
                match.status,
                color_scheme=rx.match(
                    match.status, ("Active", "green"), ("Anonymised", "gray"), "amber"
                ),
            ),
            download_link(
                "Download everything about " + match.full_name + " (zip)",
                learner_export_url(match.id),
                filename="ilp-learner-" + match.id.to_string() + ".zip",
            ),
            rx.hstack(
                rx.cond(
                    ~match.erased,
                    rx.button(
                        "Anonymise",
                        size="2",
                        variant="soft",
                        on_click=S.open_dialog(match.id, "anonymise"),
                        aria_label="Anonymise " + match.full_name,
                    ),
                ),
                rx.button(
                    "Erase",
                    size="2",
                    variant="soft",
                    color_scheme="red",
                    on_click=S.open_dialog(match.id, "erase"),
                    aria_label="Erase " + match.full_name,
                ),
                spacing="2",
                wrap="wrap",
            ),
            spacing="2",
        ),
        role="listitem",
    )


def learners_section() -> rx.Component:
    return rx.vstack(
        rx.heading("A learner's data", as_="h2", size="5"),
        rx.text(
            "Download everything held about a learner, or remove it on request. Anonymising keeps their "
            "plans' shape (goals, tasks, ratings, dates) for the school's figures without any personal "
            "detail; erasing deletes the learner and everything about them.",
            size="2",
        ),
        search_field("Find a learner", S.query, S.search),
        rx.cond(
            S.query.strip() == "",
            rx.fragment(),
            item_list(S.matches, learner_card, "No learners match."),
        ),
        spacing="3",
        width="100%",
    )


def erasure_dialog() -> rx.Component:
    anonymise = S.dialog_mode == "anonymise"
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(anonymise, "Anonymise ", "Erase "), S.dialog_learner_name),
            rx.dialog.description(
                rx.cond(
                    anonymise,
                    "Their names, email, pronouns, password, context, links to parents and mentors, and every "
                    "text written by or about them are removed for good. The plans' structure stays, unnamed.",
                    "The learner's account and everything about them (plans, reviews, notes, history) are deleted "
                    "for good.",
                )
            ),
            rx.form(
                rx.vstack(
                    form_error(S.dialog_error),
                    labelled_input(
                        "Type the learner's full name to confirm",
                        name="confirm_name",
                        autocomplete="off",
                        max_length=200,
                    ),
                    dialog_actions(
                        rx.cond(anonymise, "Anonymise learner", "Erase learner permanently"),
                        on_cancel=S.close_dialog,
                        color_scheme="red",
                        loading=S.busy,
                    ),
                    spacing="3",
                ),
                on_submit=S.confirm_erasure,
                reset_on_submit=False,
            ),
        ),
        open=S.dialog_mode != "",
        on_open_change=lambda _open: S.close_dialog(),
    )


def page() -> rx.Component:
    return admin_page(
        "Data protection",
        S.loaded,
        retention_section(),
        rx.separator(size="4"),
        learners_section(),
        erasure_dialog(),
        spacing="5",
    )
