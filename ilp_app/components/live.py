"""What a live page shows about its own freshness, and the heartbeat that keeps it fresh."""

from __future__ import annotations

import reflex as rx
from reflex_components_core.core.banner import has_connection_errors

from ilp_app.components.i18n import t
from ilp_app.services.live.live_registry import HEARTBEAT_SECONDS


def heartbeat(on_beat, *, seconds: float = HEARTBEAT_SECONDS) -> rx.Component:
    """Calls ``on_beat`` every few seconds while the page is open (``services.live.live_registry``)."""
    return rx.box(
        rx.moment(interval=int(seconds * 1000), on_change=on_beat),
        display="none",
        aria_hidden="true",
    )


def freshness(last_updated: rx.Var, *, size: str = "2") -> rx.Component:
    """ "Updated 12:04" while connected; "Reconnecting… Last updated 12:04" while not.

    A live page never shows stale numbers as if they were current.
    """
    return rx.cond(
        has_connection_errors,
        rx.callout(
            t("Reconnecting… Last updated ") + last_updated,
            icon="wifi-off",
            color_scheme="amber",
            role="status",
            size="1",
            class_name="live-stale",
        ),
        rx.text(
            t("Updated ") + last_updated,
            size=size,
            color_scheme="gray",
            role="status",
            aria_live="polite",
            class_name="live-fresh",
        ),
    )
