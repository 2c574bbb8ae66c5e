"""The top of a plan: whose it is (learner context, why-line), status, progress, acknowledgements,
what the viewer may do with the whole plan, and links to the learner's other plans.
"""

from __future__ import annotations

import reflex as rx

from ilp_app import routes
from ilp_app.components.downloads import download_link
from ilp_app.components.i18n import local_day, t
from ilp_app.components.learner_context import learner_context_header
from ilp_app.components.plan_parts import CAN, P, progress_line
from ilp_app.services.reports.printing import plan_pdf_url
from ilp_app.state.plan import PlanState

_LINK_STYLE = {
    "display": "inline-flex",
    "align_items": "center",
    "gap": "0.35rem",
    "min_height": "44px",
}


def status_badge(status: rx.Var, label: rx.Var) -> rx.Component:
    return rx.badge(
        label,
        color_scheme=rx.match(status, ("active", "green"), ("locked", "gray"), "amber"),
        size="2",
        variant="soft",
    )


def acknowledgement_block() -> rx.Component:
    """Who signed which version; a new version never waits for signatures of an older one."""
    return rx.vstack(
        rx.hstack(
            rx.badge(t("Version "), P.version, variant="outline"),
            rx.cond(
                CAN.acknowledge,
                rx.cond(
                    P.acknowledged_current,
                    rx.badge(
                        rx.icon("check", size=12),
                        t("You acknowledged this version"),
                        color_scheme="green",
                    ),
                    rx.button(
                        rx.icon("pen-line", size=14),
                        t("Acknowledge this version"),
                        size="2",
                        on_click=PlanState.acknowledge,
                    ),
                ),
            ),
            align="center",
            wrap="wrap",
            spacing="2",
        ),
        rx.cond(
            P.acknowledgements.length() > 0,
            rx.el.details(
                rx.el.summary(
                    t("Who acknowledged which version ("), P.acknowledgements.length(), ")"
                ),
                rx.el.ul(
                    rx.foreach(
                        P.acknowledgements,
                        lambda a: rx.el.li(
                            rx.text(
                                a.who,
                                " (",
                                a.role_label,
                                t(") acknowledged version "),
                                a.version,
                                t(" on "),
                                a.at,
                                rx.cond(a.current, t(" — current"), t(" — an earlier version")),
                                size="1",
                                color_scheme="gray",
                            )
                        ),
                    ),
                    class_name="ack-list",
                ),
                class_name="legend",
            ),
        ),
        spacing="1",
        width="100%",
    )


def plan_header() -> rx.Component:
    return rx.card(
        rx.vstack(
            learner_context_header(
                P.learner_id,
                P.learner_name,
                status_badge(P.status, P.status_label),
                rx.cond(P.staff, rx.badge("Staff plan", color_scheme="indigo", variant="soft")),
            ),
            rx.text(
                P.period_name,
                " · ",
                local_day(P.period_starts),
                " – ",
                local_day(P.period_ends),
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                P.why != "",
                rx.text(
                    rx.text.strong(t("Why you can see this plan: ")),
                    P.why,
                    size="2",
                    color_scheme="gray",
                    class_name="why-line",
                ),
            ),
            rx.cond(
                P.made_by_rule != "",
                rx.text(
                    rx.text.strong(t("Made by the rule: ")),
                    P.made_by_rule,
                    size="2",
                    color_scheme="gray",
                ),
            ),
            progress_line(P.completed, P.total, P.percent, t("Progress of the whole plan")),
            rx.hstack(
                rx.badge(P.not_started, t(" not started"), color_scheme="gray", variant="soft"),
                rx.badge(P.ongoing, t(" ongoing"), color_scheme="amber", variant="soft"),
                rx.badge(P.completed, t(" completed"), color_scheme="green", variant="soft"),
                wrap="wrap",
                spacing="2",
            ),
            rx.cond(
                P.status == "locked",
                rx.callout(
                    t(
                        "This plan belongs to a finished period and is locked: it can be read, not changed."
                    ),
                    icon="lock",
                    color_scheme="gray",
                    width="100%",
                ),
            ),
            acknowledgement_block(),
            # A staff plan is not a learner's record: no printed family copy or learner report.
            rx.cond(
                ~P.staff,
                download_link(
                    t("Print plan (PDF)"), plan_pdf_url(P.id), filename="plan.pdf", icon="printer"
                ),
            ),
            rx.hstack(
                rx.link(
                    rx.icon("images", size=16, aria_hidden="true"),
                    t("Evidence of learning"),
                    href=routes.evidence_page_url(P.id),
                    size="2",
                    style=_LINK_STYLE,
                ),
                rx.link(
                    rx.icon("presentation", size=16, aria_hidden="true"),
                    t("Showcase"),
                    href=routes.showcase_url(P.id),
                    size="2",
                    style=_LINK_STYLE,
                ),
                spacing="5",
                wrap="wrap",
            ),
            rx.cond(
                ~P.staff,
                rx.link(
                    rx.icon("chart-column", size=16, aria_hidden="true"),
                    t("All plans of "),
                    P.learner_name,
                    href=routes.learner_report_url(P.learner_id),
                    size="2",
                    style={
                        "display": "inline-flex",
                        "align_items": "center",
                        "gap": "0.35rem",
                        "min_height": "44px",
                    },
                ),
            ),
            rx.cond(
                CAN.next_period,
                rx.button(
                    rx.icon("calendar-arrow-up", size=16),
                    t("Start the next period"),
                    variant="soft",
                    on_click=PlanState.open_dialog("next_period", 0, {}),
                ),
            ),
            rx.cond(
                CAN.activate,
                rx.hstack(
                    rx.text(
                        rx.cond(
                            P.staff,
                            t("Draft: the staff member and you shape it before it starts."),
                            t("Only staff see this draft."),
                        ),
                        size="2",
                    ),
                    rx.button(
                        rx.icon("send", size=16),
                        rx.cond(P.staff, t("Start this plan"), t("Share with learner and parents")),
                        on_click=PlanState.activate,
                    ),
                    align="center",
                    wrap="wrap",
                    spacing="3",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def other_plans() -> rx.Component:
    return rx.cond(
        PlanState.other_plans.length() > 0,
        rx.el.nav(
            rx.text(t("Other periods: "), size="2", as_="span"),
            rx.foreach(
                PlanState.other_plans,
                lambda p: rx.link(
                    p.period_name,
                    " (",
                    p.status_label,
                    ")",
                    href=routes.plan_url(p.plan_id),
                    size="2",
                    margin_inline_end="0.75rem",
                ),
            ),
            aria_label=t("Other plans of this learner"),
        ),
    )
