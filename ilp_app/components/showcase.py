"""The showcase on screen: the owner's composer, the slides as anyone allowed sees them, and the
full-screen presentation."""

from __future__ import annotations

import reflex as rx

from ilp_app.components.downloads import BACKEND_ORIGIN
from ilp_app.components.evidence import EXTERNAL_REL
from ilp_app.components.i18n import t, tf
from ilp_app.domain.evidence import MAX_CLOSING_REFLECTION
from ilp_app.state.showcase import ShowcaseState as S

_TAP = {"min_height": "44px"}


def _check(label: rx.Var, checked: rx.Var, on_change) -> rx.Component:
    return rx.box(
        rx.checkbox(label, checked=checked, on_change=on_change, size="3"),
        style={**_TAP, "display": "flex", "align_items": "center"},
    )


def goal_choice(goal) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                _check(goal.statement, goal.chosen, lambda _v: S.toggle("goal", goal.goal_id)),
                rx.spacer(),
                rx.cond(
                    goal.chosen,
                    rx.hstack(
                        rx.icon_button(
                            rx.icon("arrow-up", size=18),
                            aria_label=tf("Move earlier: %(text)s", text=goal.statement),
                            variant="soft",
                            size="3",
                            on_click=S.move(goal.goal_id, "up"),
                        ),
                        rx.icon_button(
                            rx.icon("arrow-down", size=18),
                            aria_label=tf("Move later: %(text)s", text=goal.statement),
                            variant="soft",
                            size="3",
                            on_click=S.move(goal.goal_id, "down"),
                        ),
                        spacing="2",
                    ),
                ),
                width="100%",
                align="center",
                wrap="wrap",
            ),
            rx.cond(
                goal.reflections.length() > 0,
                rx.vstack(
                    rx.text(t("Reflections"), weight="bold", size="2"),
                    rx.foreach(
                        goal.reflections,
                        lambda r: _check(r.text, r.chosen, lambda _v: S.toggle("reflection", r.id)),
                    ),
                    spacing="1",
                    padding_left="1.5rem",
                ),
            ),
            rx.cond(
                goal.evidence.length() > 0,
                rx.vstack(
                    rx.text(t("Approved evidence"), weight="bold", size="2"),
                    rx.foreach(
                        goal.evidence,
                        lambda e: _check(e.text, e.chosen, lambda _v: S.toggle("evidence", e.id)),
                    ),
                    spacing="1",
                    padding_left="1.5rem",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def composer() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Choose what to show"), as_="h2", size="5"),
        rx.text(
            t(
                "Each goal you choose becomes one slide, in this order. Only what you tick is shown."
            ),
            size="2",
            color_scheme="gray",
        ),
        rx.foreach(S.view.choices, goal_choice),
        rx.el.label(t("Closing reflection"), html_for="closing", class_name="field-label"),
        rx.text_area(
            id="closing",
            value=S.closing,
            on_change=S.set_closing,
            max_length=MAX_CLOSING_REFLECTION,
            rows="5",
            width="100%",
            placeholder=t("Looking back on the year, I…"),
        ),
        rx.el.label(
            rx.switch(checked=S.shared, on_change=S.set_shared, size="3"),
            t("Share with my family"),
            style={**_TAP, "display": "flex", "gap": "0.6rem", "align_items": "center"},
        ),
        rx.button(t("Save"), on_click=S.save, style=_TAP),
        rx.cond(
            S.error != "",
            rx.callout(S.error, icon="triangle-alert", color_scheme="red", role="alert"),
        ),
        spacing="3",
        width="100%",
    )


def piece(e, *, large: bool = False) -> rx.Component:
    """A piece of evidence on a slide."""
    src = BACKEND_ORIGIN + e.url
    return rx.match(
        e.kind,
        (
            "photo",
            rx.image(
                src=src,
                alt=e.title,
                class_name="slide-photo" if large else "",
                style={} if large else {"max_width": "100%", "max_height": "240px"},
            ),
        ),
        ("audio", rx.el.audio(controls=True, src=src, preload="none", aria_label=e.title)),
        ("pdf", rx.el.a(e.title, " (PDF)", href=src)),
        rx.el.a(e.title, href=e.url, target="_blank", rel=EXTERNAL_REL),
    )


def slide_body(slide, *, large: bool = False) -> rx.Component:
    heading_size = "9" if large else "5"
    return rx.vstack(
        rx.text(slide.focus_area, class_name="slide-area" if large else "", color_scheme="gray"),
        rx.heading(slide.statement, as_="h2", size=heading_size),
        rx.cond(
            slide.success_criteria != "",
            rx.text(
                t("Success looks like: "),
                slide.success_criteria,
                class_name="slide-success" if large else "",
                size="3",
            ),
        ),
        rx.foreach(
            slide.reflections,
            lambda r: rx.el.blockquote(r, class_name="slide-quote" if large else "reflection"),
        ),
        rx.flex(
            rx.foreach(slide.evidence, lambda e: piece(e, large=large)),
            gap="1rem",
            wrap="wrap",
            align="center",
        ),
        spacing="4" if large else "2",
        width="100%",
    )


def slides_preview() -> rx.Component:
    return rx.vstack(
        rx.heading(t("The slides"), as_="h2", size="5"),
        rx.cond(
            S.view.slides.length() > 0,
            rx.foreach(S.view.slides, lambda s: rx.card(slide_body(s), width="100%")),
            rx.callout(t("No goals chosen yet."), icon="info", color_scheme="gray"),
        ),
        rx.cond(
            S.view.closing_reflection != "",
            rx.card(
                rx.heading(t("Looking back"), as_="h3", size="4"),
                rx.text(S.view.closing_reflection, white_space="pre-wrap"),
                width="100%",
            ),
        ),
        spacing="3",
        width="100%",
    )


def presentation() -> rx.Component:
    """Full screen: large type, arrow keys, and tap zones on either side."""
    return rx.el.main(
        rx.box(
            rx.cond(
                S.on_title,
                rx.vstack(
                    rx.heading(t("Showcase of learning"), as_="h1", class_name="slide-title"),
                    rx.text(S.view.owner_name, class_name="slide-owner"),
                    rx.text(S.view.period_name, class_name="slide-area"),
                    align="center",
                    justify="center",
                    height="100%",
                ),
                rx.fragment(
                    rx.heading(
                        tf("Showcase of learning: %(name)s", name=S.view.owner_name),
                        as_="h1",
                        class_name="visually-hidden",
                    ),
                    rx.cond(
                        S.on_closing,
                        rx.vstack(
                            rx.heading(t("Looking back"), as_="h2", size="9"),
                            rx.text(S.view.closing_reflection, class_name="slide-quote"),
                            spacing="5",
                        ),
                        rx.cond(S.slide, slide_body(S.slide, large=True)),
                    ),
                ),
            ),
            class_name="slide",
            aria_live="polite",
        ),
        rx.hstack(
            rx.button(
                rx.icon("chevron-left", size=28),
                t("Previous"),
                size="4",
                variant="soft",
                on_click=S.previous_slide,
                disabled=S.on_title,
            ),
            rx.text(
                rx.cond(
                    S.slide_count > 0,
                    tf(
                        "Slide %(num)s of %(total)s",
                        num=(S.slide_index + 1).to_string(),
                        total=S.slide_count.to_string(),
                    ),
                    "",
                ),
                class_name="slide-position",
            ),
            rx.button(
                rx.icon("maximize", size=24),
                t("Full screen"),
                size="4",
                variant="ghost",
                on_click=rx.call_script(
                    "document.documentElement.requestFullscreen && "
                    "document.documentElement.requestFullscreen()"
                ),
            ),
            rx.button(
                t("Next"),
                rx.icon("chevron-right", size=28),
                size="4",
                on_click=S.next_slide,
            ),
            justify="between",
            align="center",
            width="100%",
            class_name="slide-controls",
        ),
        rx.window_event_listener(on_key_down=S.key),
        id="main",
        class_name="presentation",
    )
