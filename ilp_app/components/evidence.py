"""Evidence of learning on screen: one card per piece, and the form that adds one."""

from __future__ import annotations

import reflex as rx

from ilp_app.components.downloads import BACKEND_ORIGIN
from ilp_app.components.forms import form_error, labelled
from ilp_app.components.i18n import local_day, t, tf
from ilp_app.domain.evidence import MAX_EVIDENCE_BYTES
from ilp_app.state.evidence import UPLOAD_ID
from ilp_app.state.evidence import EvidenceState as S

_TAP = {"min_height": "44px"}
# Links that leave the app never pass who opened them, nor a handle on this page.
EXTERNAL_REL = "noopener noreferrer nofollow ugc"


def evidence_media(item) -> rx.Component:
    """The piece itself: a photo, a player, a link to the PDF, or the outside link."""
    src = BACKEND_ORIGIN + item.url
    return rx.match(
        item.kind,
        (
            "photo",
            rx.image(
                src=src,
                alt=item.title,
                loading="lazy",
                style={"max_width": "100%", "max_height": "320px", "border_radius": "6px"},
            ),
        ),
        (
            "audio",
            rx.el.audio(
                controls=True, src=src, preload="none", aria_label=item.title, width="100%"
            ),
        ),
        (
            "pdf",
            rx.el.a(
                rx.icon("file-text", size=16, aria_hidden="true"),
                t("Open the PDF"),
                rx.el.span(": ", item.title, class_name="visually-hidden"),
                href=src,
                style={**_TAP, "display": "inline-flex", "align_items": "center", "gap": "0.35rem"},
            ),
        ),
        rx.el.a(
            rx.icon("external-link", size=16, aria_hidden="true"),
            item.url,
            href=item.url,
            target="_blank",
            rel=EXTERNAL_REL,
            style={
                **_TAP,
                "display": "inline-flex",
                "align_items": "center",
                "gap": "0.35rem",
                "word_break": "break-all",
            },
        ),
    )


def evidence_card(item) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(item.title, as_="h3", size="3"),
                rx.badge(item.kind_label, variant="soft", color_scheme="gray"),
                rx.cond(
                    item.approved,
                    rx.badge(t("Approved"), color_scheme="green", variant="soft"),
                    rx.badge(t("Waiting for the mentor"), color_scheme="amber", variant="soft"),
                ),
                rx.cond(item.in_showcase, rx.badge(t("In the showcase"), variant="soft")),
                wrap="wrap",
                align="center",
                spacing="2",
            ),
            rx.text(
                tf(
                    "For %(target)s · added by %(name)s on %(day)s",
                    target=rx.cond(item.task != "", item.task, item.goal),
                    name=item.added_by,
                    day=local_day(item.created_at),
                ),
                size="2",
                color_scheme="gray",
            ),
            evidence_media(item),
            rx.hstack(
                rx.cond(
                    item.can_approve,
                    rx.button(
                        t("Approve"),
                        rx.el.span(" ", item.title, class_name="visually-hidden"),
                        on_click=S.approve(item.id),
                        style=_TAP,
                    ),
                ),
                rx.cond(
                    item.can_showcase,
                    rx.button(
                        rx.cond(
                            item.in_showcase,
                            t("Take out of the showcase"),
                            t("Use in my showcase"),
                        ),
                        rx.el.span(" ", item.title, class_name="visually-hidden"),
                        variant="soft",
                        on_click=S.toggle_showcase(item.id),
                        style=_TAP,
                    ),
                ),
                rx.cond(
                    item.can_remove,
                    rx.button(
                        t("Remove"),
                        rx.el.span(" ", item.title, class_name="visually-hidden"),
                        variant="soft",
                        color_scheme="red",
                        on_click=S.remove(item.id),
                        style=_TAP,
                    ),
                ),
                wrap="wrap",
                spacing="2",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def add_evidence_form() -> rx.Component:
    """Choose the goal or task, a title, then a file or a link."""
    return rx.card(
        rx.vstack(
            rx.heading(t("Add evidence"), as_="h2", size="4"),
            labelled(
                t("For which goal or task"),
                "evidence-target",
                rx.el.select(
                    rx.foreach(S.targets, lambda t: rx.el.option(t.label, value=t.value)),
                    id="evidence-target",
                    value=S.target,
                    on_change=S.set_target,
                    class_name="role-select",
                    style={**_TAP, "width": "100%"},
                ),
            ),
            labelled(
                t("Title"),
                "evidence-title",
                rx.input(
                    id="evidence-title",
                    value=S.title,
                    on_change=S.set_title,
                    max_length=120,
                    size="3",
                    width="100%",
                ),
                hint=t("What it shows, in a few words."),
            ),
            rx.heading(t("A photo, PDF or audio clip"), as_="h3", size="3"),
            rx.upload(
                rx.vstack(
                    rx.button(t("Choose a file"), type="button", variant="soft"),
                    rx.text(
                        tf(
                            "JPEG, PNG, WebP, PDF, MP3, M4A, OGG or WAV, up to %(mb)s MB",
                            mb=str(MAX_EVIDENCE_BYTES // (1024 * 1024)),
                        ),
                        size="2",
                        color_scheme="gray",
                    ),
                    align="center",
                    spacing="2",
                ),
                id=UPLOAD_ID,
                multiple=False,
                max_files=1,
                max_size=MAX_EVIDENCE_BYTES,
                on_drop_rejected=S.reject_files,
                custom_attrs={"data-upload-label": "Evidence file"},
                border="1px dashed var(--gray-8)",
                border_radius="8px",
                padding="1rem",
                width="100%",
            ),
            rx.foreach(
                rx.selected_files(UPLOAD_ID),
                lambda name: rx.text(
                    t("Selected: "),
                    rx.text.strong(name),
                    size="2",
                    style={"word_break": "break-all"},
                ),
            ),
            rx.button(
                rx.icon("upload", size=16),
                t("Add the file"),
                loading=S.uploading,
                on_click=S.upload(rx.upload_files_chunk(upload_id=UPLOAD_ID)),
                style=_TAP,
            ),
            rx.heading(t("Or a link"), as_="h3", size="3"),
            labelled(
                t("Link address"),
                "evidence-url",
                rx.input(
                    id="evidence-url",
                    type="url",
                    value=S.link_url,
                    on_change=S.set_link_url,
                    placeholder="https://",
                    size="3",
                    width="100%",
                ),
            ),
            rx.button(t("Add the link"), variant="soft", on_click=S.add_link, style=_TAP),
            form_error(S.error),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )
