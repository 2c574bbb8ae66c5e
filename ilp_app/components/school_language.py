"""The School settings page's default language."""

from __future__ import annotations

import reflex as rx

from ilp_app.components.admin_school import section
from ilp_app.components.i18n import t
from ilp_app.i18n import LANGUAGES
from ilp_app.state.school_language import SchoolLanguageState as S


def language_section() -> rx.Component:
    return section(
        t("Default language"),
        rx.el.label(
            t("Language for new people"), html_for="school-language", class_name="field-label"
        ),
        rx.el.select(
            *(rx.el.option(lang.name, value=code, lang=code) for code, lang in LANGUAGES.items()),
            id="school-language",
            value=S.default_language,
            on_change=S.save,
            class_name="language-select",
        ),
        intro=t(
            "People read the language they choose in their account menu. Until they choose, "
            "they read their browser's language when the app speaks it, and this one otherwise."
        ),
    )
