"""The language of a tab: which catalogue its components read, and ``<html lang>``/``dir``.

The catalogue is public text (the same for everyone reading that language), so it may sit in a
public var; English sends none (the msgids are English). The event guard calls
:meth:`LocaleState._follow` before every event, so the tab always reads the language the person
chose (``User.language``), else the one this tab chose on a signed-out page, else the browser's
``Accept-Language``, else the school's default; and server-side text built during the event
(toasts, labels) uses the same language (:data:`ilp_app.i18n.active_language`).
"""

from __future__ import annotations

import asyncio
import logging

import reflex as rx
from reflex.state import OnLoadInternalState

from ilp_app.i18n import LANGUAGES, N_, active_language, choose_language, gettext, negotiate
from ilp_app.i18n.languages import direction
from ilp_app.i18n.runtime import client_catalogue
from ilp_app.services.access.auth import CurrentUser
from ilp_app.services.access.languages import MSG_UNKNOWN_LANGUAGE, language_choose
from ilp_app.services.uow import unit_of_work

log = logging.getLogger("ilp.state")

MSG_NOT_SAVED = N_("Your language could not be saved. Please try again.")


def _accept_language(router_data: dict) -> str:
    headers = router_data.get("headers", {}) if isinstance(router_data, dict) else {}
    if not isinstance(headers, dict):
        return ""
    value = headers.get("accept-language") or headers.get("accept_language") or ""
    return value if isinstance(value, str) else ""


class LocaleState(rx.State):
    """What the tab's components read their words from. Holds nothing private."""

    lang: str = "en"
    dir: str = "ltr"
    #: msgid -> translation in ``lang`` (empty for English). See ilp_app.components.i18n.t.
    catalog: dict[str, str] = {}
    #: Chosen on a signed-out page of this tab (the sign-in page's switch); "" for none.
    _tab_choice: str = ""

    def _follow(self, me: CurrentUser | None) -> str:
        """Show the language ``me`` reads in this tab; returns it (and makes it active)."""
        code = choose_language(
            chosen=me.language if me else "",
            browser=self._tab_choice or negotiate(_accept_language(self.router_data)) or "",
            school=me.school_language if me else "",
        )
        self._show(code)
        return code

    def _show(self, code: str) -> None:
        active_language.set(code)
        if code != self.lang:
            self.lang = code
            self.dir = direction(code)
            self.catalog = client_catalogue(code)

    @rx.event
    async def choose(self, language: str):
        """The language switch: the person's choice when signed in, this tab's otherwise.

        The open page then runs its ``on_load`` again, so text the server built (labels, times)
        follows at once, without a reload or signing out.
        """
        from ilp_app.state.session import current_event_user

        if not isinstance(language, str) or language not in LANGUAGES:
            return rx.toast.error(gettext(MSG_UNKNOWN_LANGUAGE))
        found = current_event_user.get()
        me = found[1] if found is not None else None
        if me is not None:
            try:
                await asyncio.to_thread(self._save, me, language)
            except Exception:
                log.exception("could not save a language choice")
                return rx.toast.error(gettext(MSG_NOT_SAVED))
        self._tab_choice = language
        self._show(language)
        # Reflex's own "run this page's on_load handlers" (what a navigation runs).
        return OnLoadInternalState.on_load_internal

    def _save(self, me: CurrentUser, language: str) -> None:
        with unit_of_work() as s:
            language_choose(
                session=s,
                actor=me.actor,
                language=language,
                client_ip=self.router.session.client_ip or "",
            )
