"""One change through a service for the signed-in person, then the page's rows read again.

For small settings sections that keep a few rows (a school's transition years, a person's
supervisor): bad input is said in a toast and changes nothing; a refusal empties the section
and says why.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.errors import DomainError, PermissionDenied
from ilp_app.services.uow import unit_of_work


class ServiceChange(rx.State, mixin=True):
    """Mixed into a ``SessionState`` that defines :meth:`_read`."""

    def _read(self, me) -> None:
        """Read the section's rows for ``me`` (blocking)."""
        raise NotImplementedError

    def _service_arguments(self) -> dict:
        """What every change of this section names besides the person (e.g. whose page it is)."""
        return {}

    def _refused(self, me, error: PermissionDenied) -> list:
        self.reset()
        return self._refusal(me, error)

    def _change(self, service, success: str, **kwargs):
        me = self._current()
        try:
            with unit_of_work() as s:
                service(
                    session=s,
                    actor=me.actor if me else None,
                    client_ip=self._client_ip(),
                    **self._service_arguments(),
                    **kwargs,
                )
            self._read(me)
        except PermissionDenied as error:
            return self._refused(me, error)
        except DomainError as error:
            return rx.toast.error(error.message)
        return rx.toast.success(success)
