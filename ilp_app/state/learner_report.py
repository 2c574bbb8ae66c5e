"""One learner across periods (/learners/[learner_id]), for whoever may see that learner.

The id in the URL only selects: the service decides whether this viewer may see the learner,
and which of their plans. Public vars hold that viewer's overview only, and are emptied when a
request is refused.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.errors import DomainError, NotFound, ValidationFailed
from ilp_app.services.reports import learner_report
from ilp_app.services.reports.learner_report import LearnerOverview
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop
from ilp_app.state.session import SessionState

#: Which charts may show their numbers as a table (the keys the page uses).
TABLE_KEYS = ("tasks", "activity", "ratings")


class LearnerReportState(SessionState):
    loaded: bool = False
    overview: LearnerOverview | None = None
    message: str = ""  # why there is nothing to show (an id that names no learner)
    open_tables: list[str] = []

    @rx.var
    def has_overview(self) -> bool:
        return self.overview is not None

    def _show(self, learner_id: object) -> list | None:
        me = self._current()
        try:
            with unit_of_work() as s:
                overview = learner_report.learner_overview(
                    session=s,
                    actor=me.actor if me else None,
                    learner_id=learner_id,
                    client_ip=self._client_ip(),
                )
        except (NotFound, ValidationFailed) as error:
            # Nothing to see and nothing changed: say so on the page.
            self.reset()
            self.message, self.loaded = error.message, True
            return None
        except (
            DomainError
        ) as error:  # refused (and audited): nothing of this learner stays on screen
            self.reset()
            return self._refusal(me, error)
        if self.overview is None or self.overview.learner_id != overview.learner_id:
            self.open_tables = []
        self.overview, self.message, self.loaded = overview, "", True
        return None

    @rx.event
    @off_loop
    def load(self):
        """The learner named in the URL (never trusted: the service authorises every load)."""
        return self._show(self.learner_id)

    @rx.event
    def toggle_table(self, key: str):
        """Show or hide a chart's numbers as a table."""
        if key not in TABLE_KEYS:
            return
        self.open_tables = (
            [k for k in self.open_tables if k != key]
            if key in self.open_tables
            else [*self.open_tables, key]
        )
