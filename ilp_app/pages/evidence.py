"""A plan's evidence of learning, for anyone who may read the plan (families: approved only)."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.evidence import add_evidence_form, evidence_card
from ilp_app.components.i18n import t
from ilp_app.components.layout import app_shell, empty_note, loading
from ilp_app.components.live import heartbeat
from ilp_app.services.live.live_registry import PERSONAL_HEARTBEAT_SECONDS
from ilp_app.state.evidence import EvidenceState as S

ROUTE = routes.EVIDENCE
TITLE = "Evidence of learning · ILP"
ON_LOAD = S.load


def _back_links() -> rx.Component:
    style = {"min_height": "44px", "display": "inline-flex", "align_items": "center"}
    return rx.hstack(
        rx.link(t("Back to the plan"), href=routes.plan_url(S.shown_plan_id), style=style),
        rx.link(t("Showcase"), href=routes.showcase_url(S.shown_plan_id), style=style),
        spacing="5",
        wrap="wrap",
    )


def page() -> rx.Component:
    return app_shell(
        heartbeat(S.heartbeat, seconds=PERSONAL_HEARTBEAT_SECONDS),
        loading(
            S.loaded,
            rx.vstack(
                _back_links(),
                rx.cond(S.can_add, add_evidence_form()),
                rx.heading(t("Evidence so far"), as_="h2", size="5"),
                rx.cond(
                    S.items.length() > 0,
                    rx.vstack(rx.foreach(S.items, evidence_card), spacing="3", width="100%"),
                    empty_note(t("No evidence yet.")),
                ),
                spacing="4",
                width="100%",
            ),
        ),
        heading=t("Evidence of learning"),
    )
