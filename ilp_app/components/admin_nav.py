"""The administrator's sections, as a row of links at the top of every administration page."""

from __future__ import annotations

import reflex as rx

from ilp_app import routes

SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("Accounts", routes.ADMIN, "users"),
    ("School", routes.ADMIN_SCHOOL, "school"),
    ("School view", routes.ADMIN_SCHOOL_VIEW, "chart-column"),
    ("Groups and mentors", routes.ADMIN_GROUPS, "network"),
    ("Roster import", routes.ADMIN_IMPORT, "file-up"),
    ("Objective library", routes.OBJECTIVES, "library"),
    ("Plan templates", routes.TEMPLATES, "layout-template"),
    ("Plan rules", routes.ADMIN_RULES, "list-checks"),
    ("Coaching", routes.ADMIN_COACHING, "message-circle-question"),
    ("Data protection", routes.ADMIN_PRIVACY, "shield"),
    ("Sent mail", routes.ADMIN_MAIL, "mail"),
)


def admin_nav() -> rx.Component:
    return rx.el.nav(
        rx.hstack(
            *[
                rx.link(
                    rx.icon(icon, size=14, aria_hidden="true"),
                    " ",
                    label,
                    href=href,
                    size="2",
                    style={"min_height": "44px", "display": "inline-flex", "align_items": "center"},
                )
                for label, href, icon in SECTIONS
            ],
            spacing="4",
            wrap="wrap",
        ),
        aria_label="Administration sections",
        width="100%",
    )
