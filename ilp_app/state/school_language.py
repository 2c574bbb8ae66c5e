"""The school's default language, on the School settings page (administrators only).

The service (:mod:`ilp_app.services.access.languages`) authorises, validates and audits; this
state only selects and forwards, like the rest of the page.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.errors import DomainError, PermissionDenied
from ilp_app.i18n import N_, gettext
from ilp_app.services.access import languages
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop
from ilp_app.state.session import SessionState

MSG_SAVED = N_("Default language saved.")


class SchoolLanguageState(SessionState):
    #: The school's default language code ("" until loaded).
    default_language: str = ""

    @rx.event
    @off_loop
    def load(self):
        me = self._current()
        try:
            with unit_of_work() as s:
                self.default_language = languages.school_language(
                    session=s, actor=me.actor if me else None, client_ip=self._client_ip()
                )
        except DomainError as error:
            self.reset()
            return self._refusal(me, error)
        return None

    @rx.event
    @off_loop
    def save(self, language: str):
        """Nothing changes, and the select shows the saved language again, unless it saved."""
        me = self._current()
        try:
            with unit_of_work() as s:
                code = languages.school_language_set(
                    session=s,
                    actor=me.actor if me else None,
                    language=language,
                    client_ip=self._client_ip(),
                )
        except DomainError as error:
            if me is None or isinstance(error, PermissionDenied):
                self.reset()
                return self._refusal(me, error)
            return rx.toast.error(error.message)
        self.default_language = code
        return rx.toast.success(gettext(MSG_SAVED), duration=2500)
