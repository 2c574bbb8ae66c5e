"""What a person changes on a plan page: ratings, reflections, notes, the plan's structure.

Each handler names one service and its arguments (read from the form inside
:meth:`PlanState._perform_form`, so a forged form gets a clear message); ``PlanState`` runs it
for the signed-in person, shows the plan as it now is, and tells the other screens watching.
The services decide who may do what.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.errors import DomainError
from ilp_app.i18n import N_
from ilp_app.services.plans import handover, history, lifecycle, plan_activity, plan_edit
from ilp_app.services.templates import template_suggest
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop


class PlanEdits(rx.State, mixin=True):
    """The plan page's one-step changes (mixed into ``PlanState``, which runs them)."""

    @rx.event
    async def rate(self, goal_id: int, score: int):
        return await self._perform(
            plan_activity.rating_add, goal_id=goal_id, score=score, success=N_("Rating saved.")
        )

    @rx.event
    async def add_reflection(self, form_data: dict):
        return await self._perform_form(
            form_data,
            lambda f: (
                plan_activity.reflection_add,
                {"goal_id": f.get("goal_id"), "body": f.get("body")},
            ),
            success=N_("Reflection saved."),
        )

    @rx.event
    async def post_log(self, form_data: dict):
        return await self._perform_form(
            form_data,
            lambda f: (plan_activity.log_post, {"plan_id": self._plan_id, "body": f.get("body")}),
            success=N_("Posted."),
        )

    @rx.event
    async def add_note(self, form_data: dict):
        return await self._perform_form(
            form_data,
            lambda f: (
                plan_activity.note_add,
                {
                    "plan_id": self._plan_id,
                    "body": f.get("body"),
                    "visibility": f.get("visibility", ""),
                },
            ),
            success=N_("Note saved."),
        )

    @rx.event
    async def add_handover(self, form_data: dict):
        return await self._perform_form(
            form_data,
            lambda f: (
                handover.handover_note_add,
                {"plan_id": self._plan_id, "body": f.get("body")},
            ),
            success="Handover note saved: the next mentor finds it pinned here.",
        )

    @rx.event
    async def add_suggested_template(self, template_id: int):
        """Bring the template suggested for the learner's year into this plan."""
        return await self._perform(
            template_suggest.template_add_to_plan,
            plan_id=self._plan_id,
            template_id=template_id,
            success="The template's focus areas were added.",
        )

    @rx.event
    async def set_note_visibility(self, note_id: int, visibility: str):
        return await self._perform(
            plan_activity.note_set_visibility,
            note_id=note_id,
            visibility=visibility,
            success=N_("Visibility changed."),
        )

    @rx.event
    async def delete_note(self, note_id: int):
        return await self._perform(
            plan_activity.note_delete, note_id=note_id, success=N_("Note deleted.")
        )

    @rx.event
    async def activate(self):
        return await self._perform(
            plan_edit.plan_activate,
            plan_id=self._plan_id,
            success=N_("The plan is shared with the learner and parents."),
        )

    @rx.event
    async def add_focus_area(self, form_data: dict):
        return await self._perform_form(
            form_data,
            lambda f: (plan_edit.focus_area_add, {"plan_id": self._plan_id, "name": f.get("name")}),
            success=N_("Focus area added."),
        )

    @rx.event
    async def move_focus_area(self, focus_area_id: int, direction: str):
        return await self._perform(
            plan_edit.focus_area_move, focus_area_id=focus_area_id, direction=direction
        )

    @rx.event
    async def delete_focus_area(self, focus_area_id: int):
        return await self._perform(
            plan_edit.focus_area_delete,
            focus_area_id=focus_area_id,
            success=N_("Focus area removed."),
        )

    @rx.event
    async def move_goal(self, goal_id: int, direction: str):
        return await self._perform(plan_edit.goal_move, goal_id=goal_id, direction=direction)

    @rx.event
    async def delete_goal(self, goal_id: int):
        return await self._perform(
            plan_edit.goal_delete, goal_id=goal_id, success=N_("Goal removed.")
        )

    @rx.event
    async def add_task(self, form_data: dict):
        return await self._perform_form(
            form_data,
            lambda f: (
                plan_edit.task_add,
                {
                    "goal_id": f.get("goal_id"),
                    "title": f.get("title"),
                    "due_date": f.get("due_date", ""),
                },
            ),
            success=N_("Task added."),
        )

    @rx.event
    async def move_task(self, task_id: int, direction: str):
        return await self._perform(plan_edit.task_move, task_id=task_id, direction=direction)

    @rx.event
    async def delete_task(self, task_id: int):
        return await self._perform(
            plan_edit.task_delete, task_id=task_id, success=N_("Task removed.")
        )

    @rx.event
    async def delete_link(self, link_id: int):
        return await self._perform(
            plan_edit.link_delete, link_id=link_id, success=N_("Link removed.")
        )

    @rx.event
    async def acknowledge(self):
        return await self._perform(
            lifecycle.plan_acknowledge,
            plan_id=self._plan_id,
            success=N_("Thank you: your acknowledgement of this version is recorded."),
        )

    @rx.event
    async def set_carry_reason(self, form_data: dict):
        return await self._perform_form(
            form_data,
            lambda f: (
                lifecycle.task_reason_set,
                {"task_id": f.get("task_id"), "reason": f.get("reason", "")},
            ),
            success=N_("Saved."),
        )

    @rx.event
    @off_loop
    def load_history(self):
        me = self._current()
        try:
            with unit_of_work() as s:
                self.history = history.plan_history(
                    session=s,
                    actor=me.actor if me else None,
                    plan_id=self._plan_id,
                    client_ip=self._client_ip(),
                )
        except DomainError as error:
            return self._fail(me, error)
        self.history_open = True
        return None
