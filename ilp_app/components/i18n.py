"""Words in components: ``t("Sign out")`` instead of ``"Sign out"``.

A compiled page is the same for everyone, so a component cannot pick its language when it is
compiled. ``t(msgid)`` compiles to a lookup of ``msgid`` in the tab's catalogue
(:attr:`LocaleState.catalog`, public text) that falls back to the English msgid; when the tab's
language changes, every ``t()`` on the page re-renders at once. ``pybabel extract`` finds the
``t``/``tn`` calls (``babel.cfg``), so the msgid goes into the catalogues like any other.

Text the server builds (toasts, labels in view models) uses :func:`ilp_app.i18n.gettext`.
"""

from __future__ import annotations

import json

import reflex as rx
from reflex_base.components.component import field
from reflex_base.utils.imports import ImportVar
from reflex_base.vars.base import VarData

from ilp_app.i18n import LANGUAGES
from ilp_app.i18n.compile import plural_expression
from ilp_app.state.locale import LocaleState


def _data(*vars_: rx.Var) -> VarData | None:
    return VarData.merge(*(v._get_all_var_data() for v in vars_))


def t(msgid: str) -> rx.Var[str]:
    """``msgid`` in the tab's language (English when the catalogue has no translation)."""
    catalog = LocaleState.catalog
    key = json.dumps(msgid)
    return rx.Var(
        _js_expr=f"({catalog}?.[{key}] || {key})", _var_type=str, _var_data=_data(catalog)
    ).to(str)


def tf(msgid: str, **values: rx.Var | str) -> rx.Var[str]:
    """A whole sentence with named parts filled in the browser, so a translation may put them
    where its language needs them: ``tf("Progress of %(name)s's plan", name=child.name)``.
    """
    text = t(msgid)
    for key, value in values.items():
        part = value if isinstance(value, rx.Var) else rx.Var.create(value)
        text = rx.Var(
            _js_expr=f"({text}).replaceAll({json.dumps(f'%({key})s')}, String({part}))",
            _var_type=str,
            _var_data=_data(text, part),
        ).to(str)
    return text


def tv(msgid: rx.Var) -> rx.Var[str]:
    """A msgid held in a var (an option's English label from a state) in the tab's language.

    The label must be marked for the catalogue where it is defined (``N_("Only me")``).
    """
    catalog = LocaleState.catalog
    return rx.Var(
        _js_expr=f"({catalog}?.[{msgid}] || {msgid})",
        _var_type=str,
        _var_data=_data(catalog, msgid),
    ).to(str)


def _plural_index_js() -> str:
    """A JS function (lang, n) -> plural form index, from each catalogue's Plural-Forms header.

    The headers are the project's own (committed .po files), so their C expressions are
    trusted code; they are also valid JavaScript.
    """
    cases = " ".join(
        f"case {json.dumps(code)}: return Number({plural_expression(code)});"
        for code in LANGUAGES
        if code != "en"
    )
    return f"((lang, n) => {{ switch (lang) {{ {cases} default: return Number(n != 1); }} }})"


def tn(singular: str, plural: str, n: rx.Var | int) -> rx.Var[str]:
    """The form of ``singular``/``plural`` for the count ``n``, with ``%(num)d`` filled in.

    ``tn("%(num)d task", "%(num)d tasks", State.count)`` reads "1 oppgave", "3 oppgaver".
    """
    catalog, lang = LocaleState.catalog, LocaleState.lang
    count = n if isinstance(n, rx.Var) else rx.Var.create(n)
    key = json.dumps(f"{singular}\x00{plural}")
    one, other = json.dumps(singular), json.dumps(plural)
    expr = (
        f"((c, lang, n) => {{ const f = c?.[{key}]?.split('\\x00'); "
        f"const s = f ? (f[{_plural_index_js()}(lang, n)] ?? f[f.length - 1]) "
        f": (n == 1 ? {one} : {other}); "
        f"return s.replaceAll('%(num)d', String(n)); }})({catalog}, {lang}, {count})"
    )
    return rx.Var(_js_expr=expr, _var_type=str, _var_data=_data(catalog, lang, count)).to(str)


def _intl_locales() -> str:
    return json.dumps(
        {code: lang.babel_locale.replace("_", "-") for code, lang in LANGUAGES.items()}
    )


def local_day(iso_day: rx.Var) -> rx.Var[str]:
    """A calendar day from a view model ("2026-11-27", also a form value) as the tab's language
    writes it: "27. nov. 2026" / "27 Nov 2026" (the same CLDR patterns Babel uses on the server).

    A day has no time zone: it is written as that day, wherever the browser is. Anything that is
    not an ISO day is shown as it is.
    """
    lang = LocaleState.lang
    expr = (
        f"((d, lang) => {{ const m = /^(\\d{{4}})-(\\d{{2}})-(\\d{{2}})$/.exec(d ?? ''); "
        f"if (!m) return d ?? ''; "
        f"return new Intl.DateTimeFormat({_intl_locales()}[lang] ?? 'en-GB', "
        f"{{day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC'}})"
        f".format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]))); }})({iso_day}, {lang})"
    )
    return rx.Var(_js_expr=expr, _var_type=str, _var_data=_data(iso_day, lang)).to(str)


class _DocumentLanguage(rx.Fragment):
    """Keeps ``<html lang>`` and ``<html dir>`` on the tab's language (screen readers,
    hyphenation, right-to-left layout), and the window title in it."""

    # Read by the hook only: never rendered as a prop of the fragment.
    page_title: rx.Var[str] = field(default=rx.Var.create(""), is_javascript_property=False)

    def add_imports(self):
        return {"react": [ImportVar(tag="useEffect")]}

    def add_hooks(self) -> list[str | rx.Var]:
        lang, dir_, title = LocaleState.lang, LocaleState.dir, self.page_title
        # English keeps each page's own compiled title; another language titles the window with
        # the page's translated heading.
        return [
            rx.Var(
                _js_expr=(
                    f"useEffect(() => {{ document.documentElement.lang = {lang}; "
                    f"document.documentElement.dir = {dir_}; "
                    f"if ({lang} !== 'en' && {title}) document.title = {title} + ' · ILP'; }}, "
                    f"[{lang}, {dir_}, {title}])"
                ),
                _var_data=_data(lang, dir_, title),
            )
        ]


def document_language(title: str | rx.Var = "") -> rx.Component:
    """Put once on every page (the page frames do), with the page's heading as ``title``."""
    title_var = title if isinstance(title, rx.Var) else rx.Var.create(title)
    return _DocumentLanguage.create(page_title=title_var)


def language_menu_items() -> list[rx.Component]:
    """The account menu's languages: one item each, named in itself, the current one ticked."""
    return [
        rx.menu.item(
            rx.cond(
                LocaleState.lang == code,
                rx.icon("check", size=14, aria_hidden="true"),
                rx.box(width="14px"),
            ),
            lang.name,
            lang=code,
            on_click=LocaleState.choose(code),
        )
        for code, lang in LANGUAGES.items()
    ]


def language_switch(*, id_prefix: str = "lang") -> rx.Component:
    """A labelled select of every language, each named in itself; choosing applies at once."""
    select_id = f"{id_prefix}-select"
    return rx.hstack(
        rx.el.label(
            rx.icon("languages", size=16, aria_hidden="true"),
            t("Language"),
            html_for=select_id,
            class_name="language-label",
        ),
        rx.el.select(
            *(rx.el.option(lang.name, value=code, lang=code) for code, lang in LANGUAGES.items()),
            id=select_id,
            value=LocaleState.lang,
            on_change=LocaleState.choose,
            class_name="language-select",
        ),
        align="center",
        spacing="2",
        class_name="language-switch",
    )
