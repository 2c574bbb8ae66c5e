"""Compile the ``.po`` catalogues into ``.mo`` files (Babel), and read their plural forms.

``make messages`` extracts, updates and compiles; ``make install`` and the first use of a
catalogue compile what is missing or stale, so a fresh checkout works without committed ``.mo``
files. Run ``python -m ilp_app.i18n.compile`` to compile every catalogue by hand.
"""

from __future__ import annotations

import functools
import os
import tempfile

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from ilp_app.i18n.languages import LANGUAGES
from ilp_app.i18n.runtime import DOMAIN, LOCALE_DIR


def po_path(code: str):
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(code: str):
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.mo"


def read_catalogue(code: str):
    with open(po_path(code), "rb") as fp:
        return read_po(fp, locale=code, domain=DOMAIN)


def compile_catalogue(code: str) -> None:
    """Write ``code``'s ``.mo`` from its ``.po`` (atomically: a running app never reads half)."""
    catalogue = read_catalogue(code)
    target = mo_path(code)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".messages-", suffix=".mo")
    try:
        with os.fdopen(fd, "wb") as fp:
            write_mo(fp, catalogue, use_fuzzy=False)
        os.replace(tmp, target)
    except BaseException:
        os.unlink(tmp)
        raise


def compile_if_stale(code: str) -> None:
    po, mo = po_path(code), mo_path(code)
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        compile_catalogue(code)


@functools.cache
def plural_msgids(code: str) -> dict[str, str]:
    """singular -> plural msgid of every plural entry of ``code``'s catalogue."""
    return {
        m.id[0]: m.id[1]
        for m in read_catalogue(code)
        if m.id and isinstance(m.id, tuple | list) and len(m.id) > 1
    }


@functools.cache
def plural_expression(code: str) -> str:
    """The C expression of ``code``'s ``Plural-Forms`` header, e.g. ``(n != 1)``."""
    return read_catalogue(code).plural_expr


def main() -> None:
    for code in LANGUAGES:
        if po_path(code).exists():
            compile_catalogue(code)
            print(f"compiled {mo_path(code).relative_to(LOCALE_DIR.parent.parent)}")


if __name__ == "__main__":
    main()
