"""Links to files the backend serves (invitations, reports, prints), which must bypass client-side routing."""

from __future__ import annotations

import reflex as rx
from reflex.constants import Dirs
from reflex.vars.base import VarData
from reflex_base.utils.imports import ImportVar

from ilp_app.components.i18n import t

# Where the backend answers, as the browser sees it. In production (one port) this is the page's
# own origin; in development the backend has a port of its own, which a relative link would miss.
BACKEND_ORIGIN = rx.Var(
    _js_expr="getBackendURL(env.PING).origin",
    _var_data=VarData(
        imports={
            f"$/{Dirs.STATE_PATH}": "getBackendURL",
            "$/env.json": ImportVar(tag="env", is_default=True),
        }
    ),
).to(str)


def download_link(
    label: str,
    path: rx.Var | str,
    *,
    filename: rx.Var | str,
    icon: str = "download",
    on_click=None,
    hidden_suffix: rx.Var | str = "",
) -> rx.Component:
    """A document request to ``path`` on the backend: the browser downloads the file.

    ``hidden_suffix`` ends the accessible name without showing ("… about Åsa"), where several
    such links share one visible label.
    """
    return rx.el.a(
        rx.icon(icon, size=16, aria_hidden="true"),
        label,
        *(
            []
            if isinstance(hidden_suffix, str) and not hidden_suffix
            else [rx.el.span(hidden_suffix, class_name="visually-hidden")]
        ),
        href=BACKEND_ORIGIN + path,
        download=filename,
        reload_document=True,
        style={
            "display": "inline-flex",
            "align_items": "center",
            "gap": "0.35rem",
            "min_height": "44px",
        },
        **({"on_click": on_click} if on_click is not None else {}),
    )


def render_progress(done: rx.Var, total: rx.Var, *, label: str, running: rx.Var) -> rx.Component:
    """A labelled progress bar with "Rendering 12 of 30…" while ``running``, "30 of 30 ready" after."""
    return rx.vstack(
        rx.progress(value=done, max=rx.cond(total > 0, total, 1), aria_label=label, width="100%"),
        rx.text(
            rx.cond(
                running,
                rx.cond(
                    total > 0,
                    rx.fragment(t("Rendering "), done, t(" of "), total, "…"),
                    t("Preparing…"),
                ),
                rx.fragment(done, t(" of "), total, t(" plans ready.")),
            ),
            size="2",
            aria_live="polite",
        ),
        spacing="1",
        width="100%",
    )
