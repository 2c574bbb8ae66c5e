"""Links to files the backend serves (invitations, reports), which must bypass client-side routing."""

from __future__ import annotations

import reflex as rx
from reflex.constants import Dirs
from reflex.vars.base import VarData
from reflex_base.utils.imports import ImportVar

# Where the backend answers, as the browser sees it. In production (one port) this is the page's
# own origin; in development the backend has a port of its own, which a relative link would miss.
BACKEND_ORIGIN = rx.Var(
    _js_expr="getBackendURL(env.PING).origin",
    _var_data=VarData(imports={
        f"$/{Dirs.STATE_PATH}": "getBackendURL",
        "$/env.json": ImportVar(tag="env", is_default=True),
    }),
).to(str)


def download_link(label: str, path: rx.Var | str, *, filename: rx.Var | str, icon: str = "download") -> rx.Component:
    """A document request to ``path`` on the backend: the browser downloads the file."""
    return rx.el.a(
        rx.icon(icon, size=16, aria_hidden="true"),
        label,
        href=BACKEND_ORIGIN + path,
        download=filename,
        reload_document=True,
        style={"display": "inline-flex", "align_items": "center", "gap": "0.35rem", "min_height": "44px"},
    )
