"""Labelled form fields: every input has a visible label tied to it (found by label in tests, read by screen readers)."""

from __future__ import annotations

import reflex as rx
from reflex_base.components.component import field
from reflex_base.vars.base import Var
from reflex_components_core.el.elements.base import BaseHTML


class NativeForm(BaseHTML):
    """A form the browser itself posts to an HTTP route: no script handles its submit.

    It works the moment the page is visible, before the app's scripts have loaded, and its
    fields go in the request body (``method="post"``), never in a URL. ``rx.el.form`` cannot do
    this: it always prevents the browser's own submit.
    """

    tag = "form"
    action: Var[str] = field(doc="Where the form posts")
    method: Var[str] = field(doc="Always post")


def native_form(*children, action: str, **props) -> rx.Component:
    """A form posting its fields to the HTTP route ``action``."""
    return NativeForm.create(*children, action=action, method="post", **props)


def labelled_input(
    label: str,
    *,
    name: str,
    type_: str = "text",
    autocomplete: str = "",
    required: bool = True,
    **props,
) -> rx.Component:
    field_id = f"field-{name}"
    return rx.vstack(
        rx.el.label(label, html_for=field_id, class_name="field-label"),
        rx.input(
            id=field_id,
            name=name,
            type=type_,
            required=required,
            auto_complete=autocomplete,
            size="3",
            width="100%",
            **props,
        ),
        spacing="1",
        width="100%",
    )


def labelled(label: str, field_id, control: rx.Component, hint: str | rx.Var = "") -> rx.Component:
    """A control under a visible label tied to it by id, with an optional hint below."""
    return rx.vstack(
        rx.el.label(label, html_for=field_id, class_name="field-label"),
        control,
        rx.text(hint, size="1", color_scheme="gray")
        if (not isinstance(hint, str) or hint)
        else rx.fragment(),
        spacing="1",
        width="100%",
    )


def form_error(message: rx.Var) -> rx.Component:
    """An error that screen readers announce as soon as it appears."""
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle-alert", color_scheme="red", role="alert", width="100%"),
    )
