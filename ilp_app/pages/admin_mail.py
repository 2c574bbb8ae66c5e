"""Sent mail: what the school's outbox holds (the text too, while no mail server is set)."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.admin_ui import admin_page
from ilp_app.components.layout import empty_note
from ilp_app.state.admin_mail import AdminMailState as S

ROUTE = routes.ADMIN_MAIL
TITLE = "Sent mail · ILP"
ON_LOAD = S.load


def mail_row(m: rx.Var) -> rx.Component:
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                rx.text(m.subject, weight="bold"),
                rx.badge(
                    m.status_label,
                    color_scheme=rx.match(m.status, ("sent", "green"), ("failed", "red"), "amber"),
                    variant="soft",
                ),
                wrap="wrap",
                spacing="2",
                align="center",
            ),
            rx.text("To ", m.to_address, " · queued ", m.created_at, size="2", color_scheme="gray"),
            rx.cond(m.sent_at != "", rx.text("Sent ", m.sent_at, size="2", color_scheme="gray")),
            rx.cond(
                m.last_error != "",
                rx.text("Tried ", m.attempts, " times; last answer: ", m.last_error, size="2"),
            ),
            rx.cond(
                m.text_body != "",
                rx.el.pre(m.text_body, class_name="mail-text"),
            ),
            spacing="1",
            width="100%",
        ),
        class_name="mail-row",
    )


def page() -> rx.Component:
    return admin_page(
        "Sent mail",
        S.loaded,
        rx.cond(
            S.delivering,
            rx.text("Mail is delivered through the school's mail server.", size="2"),
            rx.callout(
                "No mail server is set (ILP_SMTP_URL), so no mail leaves this server. The messages "
                "wait here with their text, so you can follow the links while trying the app.",
                icon="mail-warning",
                color_scheme="amber",
                high_contrast=True,
                width="100%",
            ),
        ),
        rx.cond(
            S.rows.length() == 0,
            empty_note("Nothing has been sent yet."),
            rx.el.ul(rx.foreach(S.rows, mail_row), class_name="mail-list", aria_label="Messages"),
        ),
    )
