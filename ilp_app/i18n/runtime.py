"""Server-side translation: gettext with the language of the person being served.

Standard library only (``gettext``, ``contextvars``), so the domain's error messages may use it.
The language is a context variable: the event guard sets it for each event from the tab's
language, an HTTP route (a PDF, a CSV) sets it from the person's, and a job or a mail sets it
from the recipient's (:func:`use_language`). Everything that builds text for a person then just
calls :func:`gettext` / :func:`ngettext`; without a language set, text stays English.

Catalogues are read from compiled ``.mo`` files (``ilp_app/locale/<code>/LC_MESSAGES``), made
from the ``.po`` files by ``make messages`` or at first use when missing or older than the
``.po`` (see :mod:`ilp_app.i18n.compile`).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext as _gettext
from collections.abc import Iterator
from pathlib import Path

from ilp_app.i18n.languages import LANGUAGES, SOURCE_LANGUAGE

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"

#: The language text is built in for the event, request or job being served.
active_language: contextvars.ContextVar[str] = contextvars.ContextVar(
    "active_language", default=SOURCE_LANGUAGE
)


@contextlib.contextmanager
def use_language(code: str) -> Iterator[None]:
    """Build text in ``code`` inside the block (a job writing to each recipient, a PDF)."""
    reset = active_language.set(code if code in LANGUAGES else SOURCE_LANGUAGE)
    try:
        yield
    finally:
        active_language.reset(reset)


@functools.cache
def translations(code: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``code``; English (the msgids themselves) for anything else."""
    if code not in LANGUAGES or code == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    from ilp_app.i18n.compile import compile_if_stale  # Babel: only where a .mo is made

    compile_if_stale(code)
    with open(LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo", "rb") as fp:
        return _gettext.GNUTranslations(fp)


def gettext(message: str) -> str:
    """``message`` in the active language (itself when it has no translation)."""
    if not message:
        return message  # gettext("") would be the catalogue's header
    return translations(active_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form for ``n`` in the active language, by the catalogue's ``Plural-Forms``.

    Use ``%(num)d`` in both forms and fill it in: ``ngettext("%(num)d task", "%(num)d tasks", n) % {"num": n}``.
    """
    return translations(active_language.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it now (a module constant).

    It is translated where it is shown (``gettext(constant)``), in that person's language.
    """
    return message


def client_catalogue(code: str) -> dict[str, str]:
    """Every translation of ``code`` as a plain dict, for the browser's ``t()`` lookups.

    Plural entries are keyed ``"<singular>\\x00<plural>"`` and hold their forms joined with
    ``"\\x00"``. English is the msgids themselves, so its catalogue is empty.
    """
    catalogue = translations(code)
    raw = getattr(catalogue, "_catalog", {})
    plain: dict[str, str] = {}
    plurals: dict[str, list[tuple[int, str]]] = {}
    for key, text in raw.items():
        if isinstance(key, tuple):
            plurals.setdefault(key[0], []).append((key[1], text))
        elif key and text:
            plain[key] = text
    for singular, forms in plurals.items():
        plural = _plural_ids(code).get(singular, "")
        plain[f"{singular}\x00{plural}"] = "\x00".join(text for _, text in sorted(forms))
    return plain


@functools.cache
def _plural_ids(code: str) -> dict[str, str]:
    """singular msgid -> plural msgid (a compiled catalogue keeps only the singular)."""
    from ilp_app.i18n.compile import plural_msgids

    return plural_msgids(code)
