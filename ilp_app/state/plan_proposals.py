"""The learner proposes goals and tasks; the mentor accepts, changes or declines them.

Each handler names one service and its arguments (read from the form inside
:meth:`PlanState._perform_form`, so a forged form gets a clear message); the services decide
who may do what, on which plan.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.i18n import N_
from ilp_app.services.plans import proposals


class PlanProposals(rx.State, mixin=True):
    """The plan page's proposal forms (mixed into ``PlanState``, which runs them)."""

    # Which proposal form this tab has open: "goal", "task" or none; and the proposal being
    # edited. Only what this tab shows; nothing private.
    proposing: str = ""
    editing_proposal: int = 0

    @rx.event
    def open_proposal_form(self, which: str):
        self.proposing = which if which in ("goal", "task") and self.proposing != which else ""

    @rx.event
    def edit_proposal_open(self, proposal_id: int):
        self.editing_proposal = proposal_id if isinstance(proposal_id, int) else 0

    @rx.event
    def edit_proposal_close(self):
        self.editing_proposal = 0

    @rx.event
    async def propose_goal(self, form_data: dict):
        events = await self._perform_form(
            form_data,
            lambda f: (
                proposals.proposal_goal_create,
                {
                    "focus_area_id": f.get("focus_area_id"),
                    "statement": f.get("statement"),
                    "success_criteria": f.get("success_criteria", ""),
                    "target_date": f.get("target_date", ""),
                },
            ),
            success=N_("Your goal is proposed. Your mentor will look at it."),
        )
        self._proposal_form_done()
        return events

    @rx.event
    async def propose_task(self, form_data: dict):
        events = await self._perform_form(
            form_data,
            lambda f: (
                proposals.proposal_task_create,
                {
                    "goal_id": f.get("goal_id"),
                    "title": f.get("title"),
                    "due_date": f.get("due_date", ""),
                },
            ),
            success=N_("Your task is saved."),
        )
        self._proposal_form_done()
        return events

    def _proposal_form_done(self) -> None:
        # Closed only once the proposal is in the plan: a refused form stays open to correct.
        if self._last_ok:
            self.proposing = ""

    @rx.event
    async def edit_proposal(self, form_data: dict):
        events = await self._perform_form(
            form_data,
            lambda f: (
                proposals.proposal_edit,
                {
                    "proposal_id": f.get("proposal_id"),
                    "text": f.get("text"),
                    "success_criteria": f.get("success_criteria", ""),
                    "target_date": f.get("target_date", ""),
                },
            ),
            success=N_("Your proposal is changed."),
        )
        if self._last_ok:
            self.editing_proposal = 0
        return events

    @rx.event
    async def withdraw_proposal(self, proposal_id: int):
        return await self._perform(
            proposals.proposal_withdraw,
            proposal_id=proposal_id,
            success=N_("Your proposal is withdrawn."),
        )

    @rx.event
    async def accept_proposal(self, form_data: dict):
        return await self._perform_form(
            form_data,
            lambda f: (
                proposals.proposal_accept,
                {
                    "proposal_id": f.get("proposal_id"),
                    "text": f.get("text"),
                    "success_criteria": f.get("success_criteria", ""),
                    "target_date": f.get("target_date", ""),
                },
            ),
            success=N_("Accepted: it is in the plan now."),
        )

    @rx.event
    async def decline_proposal(self, form_data: dict):
        return await self._perform_form(
            form_data,
            lambda f: (
                proposals.proposal_decline,
                {"proposal_id": f.get("proposal_id"), "reason": f.get("reason")},
            ),
            success=N_("Declined. The learner sees your reason."),
        )
