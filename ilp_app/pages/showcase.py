"""A plan's year-end showcase: the owner composes it; others read what was chosen and shared."""

import reflex as rx

from ilp_app import routes
from ilp_app.components.downloads import download_link
from ilp_app.components.i18n import t
from ilp_app.components.layout import app_shell, loading
from ilp_app.components.live import heartbeat
from ilp_app.components.showcase import composer, slides_preview
from ilp_app.services.live.live_registry import PERSONAL_HEARTBEAT_SECONDS
from ilp_app.state.showcase import ShowcaseState as S

ROUTE = routes.SHOWCASE
TITLE = "Showcase · ILP"
ON_LOAD = S.load


def _links() -> rx.Component:
    style = {"min_height": "44px", "display": "inline-flex", "align_items": "center"}
    plan_id = S.view.plan_id
    return rx.hstack(
        rx.link(t("Back to the plan"), href=routes.plan_url(plan_id), style=style),
        rx.link(t("Evidence of learning"), href=routes.evidence_page_url(plan_id), style=style),
        rx.link(
            rx.icon("presentation", size=16, aria_hidden="true"),
            t("Present"),
            href=routes.showcase_present_url(plan_id),
            style={**style, "gap": "0.35rem"},
        ),
        download_link(
            t("Print (PDF)"),
            routes.url_for(routes.API_SHOWCASE_PDF, plan_id=plan_id),
            filename="showcase.pdf",
            icon="printer",
        ),
        spacing="5",
        wrap="wrap",
        align="center",
    )


def page() -> rx.Component:
    return app_shell(
        heartbeat(S.heartbeat, seconds=PERSONAL_HEARTBEAT_SECONDS),
        loading(
            S.loaded,
            rx.cond(
                S.view,
                rx.vstack(
                    rx.text(S.view.owner_name, " · ", S.view.period_name, color_scheme="gray"),
                    _links(),
                    rx.cond(S.view.can_edit, composer()),
                    slides_preview(),
                    spacing="4",
                    width="100%",
                ),
            ),
        ),
        heading=t("Showcase of learning"),
    )
