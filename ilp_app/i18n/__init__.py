"""Languages: gettext catalogues (Babel), the active language, and local dates and numbers.

See docs/translations.md. In server code::

    from ilp_app.i18n import gettext as _, ngettext
    raise ValidationFailed(_("That title is too long."))

Components use :func:`ilp_app.components.i18n.t` instead (the browser's language can change
after the page was compiled).
"""

from ilp_app.i18n.languages import (
    LANGUAGES,
    SOURCE_LANGUAGE,
    choose_language,
    negotiate,
    parse_language,
)
from ilp_app.i18n.runtime import N_, active_language, gettext, ngettext, use_language

__all__ = [
    "LANGUAGES",
    "N_",
    "SOURCE_LANGUAGE",
    "active_language",
    "choose_language",
    "gettext",
    "negotiate",
    "parse_language",
    "ngettext",
    "use_language",
]
