"""A person's links on the administrator's person page: a mentor's learners, a learner's
mentors and parents, a parent's children.

Only people the server listed on this page can be selected, and every change goes through
the relationships service, which checks the administrator again. Once a link is saved, the
open pages of the people it touches reload by themselves.
"""

from __future__ import annotations

import asyncio

import reflex as rx

from ilp_app.domain.errors import DomainError, PermissionDenied
from ilp_app.domain.parsing import parse_id
from ilp_app.services.school import relationships
from ilp_app.services.school.relationships import GroupOption, PersonLink
from ilp_app.services.uow import unit_of_work
from ilp_app.state import live
from ilp_app.state.blocking import off_loop

MAX_SELECTED = relationships.MAX_BULK


def _disconnected(removed: int) -> str:
    return "Disconnected." if removed else "They were not connected."


class PersonLinks(rx.State, mixin=True):
    """Finding and linking people (mixed into ``AdminPersonState``, which loads the person)."""

    # A mentor's page: find learners, or take a whole group, then connect them all at once.
    learner_query: str = ""
    learner_results: list[PersonLink] = []
    selected: list[PersonLink] = []
    group_choices: list[GroupOption] = []
    # A learner's page: the mentors to choose from.
    mentor_choices: list[PersonLink] = []
    # A parent's page: find a child to link.
    child_query: str = ""
    child_results: list[PersonLink] = []
    child_label: str = ""

    @rx.var
    def selected_ids(self) -> list[int]:
        return [p.id for p in self.selected]

    @rx.var
    def selected_names(self) -> str:
        return ", ".join(p.name for p in self.selected)

    # --- a mentor's learners ---

    def _search(self, query_var: str, results_var: str, value: object):
        """Find learners by ``value`` (kept in ``query_var``) and list them in ``results_var``."""
        query = value[:100] if isinstance(value, str) else ""
        setattr(self, query_var, query)
        me = self._current()
        try:
            with unit_of_work() as s:
                found = relationships.learner_search(
                    session=s,
                    actor=me.actor if me else None,
                    query=query,
                    client_ip=self._client_ip(),
                )
        except PermissionDenied as error:
            return self._refused(me, error)
        except DomainError as error:
            return rx.toast.error(error.message)
        setattr(self, results_var, found)
        return None

    @rx.event
    @off_loop
    def search_learners(self, value: str):
        return self._search("learner_query", "learner_results", value)

    @rx.event
    def toggle_learner(self, learner_id: int):
        """Select or unselect a learner the search found (only people the server listed here)."""
        if learner_id in self.selected_ids:
            self.selected = [p for p in self.selected if p.id != learner_id]
            return
        found = next((p for p in self.learner_results if p.id == learner_id), None)
        if found is not None and len(self.selected) < MAX_SELECTED:
            self.selected = [*self.selected, found]

    @rx.event
    @off_loop
    def select_group(self, group_id: str):
        """Add every learner of one group to the selection."""
        me = self._current()
        try:
            with unit_of_work() as s:
                members = relationships.group_learners(
                    session=s,
                    actor=me.actor if me else None,
                    group_id=group_id,
                    client_ip=self._client_ip(),
                )
        except PermissionDenied as error:
            return self._refused(me, error)
        except DomainError as error:
            return rx.toast.error(error.message)
        have = set(self.selected_ids)
        self.selected = [*self.selected, *(m for m in members if m.id not in have)][:MAX_SELECTED]
        return None

    @rx.event
    def clear_selection(self):
        self.selected = []

    def _mentoring(
        self, connect: bool, mentor_id: object, learner_ids: list, done
    ) -> tuple[bool, list]:
        """Connect (or disconnect) a mentor and learners; once saved, their open pages reload."""
        change = relationships.mentor_connect if connect else relationships.mentor_disconnect
        saved, events = self._change(
            lambda s, actor: change(
                session=s,
                actor=actor,
                mentor_id=mentor_id,
                learner_ids=learner_ids,
                client_ip=self._client_ip(),
            ),
            done,
        )
        if saved:  # the service accepted the ids: whole numbers, which the pushes below key on
            mentor_id, learner_ids = parse_id(mentor_id), [parse_id(i) for i in learner_ids]
            live.roster_changed({mentor_id})
            live.announce(learner_ids=set(learner_ids), user_ids=set())
        return saved, events

    @rx.event
    async def connect_selected(self):
        ids = list(self.selected_ids)
        saved, events = await asyncio.to_thread(
            self._mentoring,
            True,
            self._person_id,
            ids,
            lambda added: (
                f"Connected {added} of {len(ids)} learners."
                + (f" {len(ids) - added} already were." if added < len(ids) else "")
            ),
        )
        if saved:
            self.selected, self.learner_results, self.learner_query = [], [], ""
        return events

    @rx.event
    async def disconnect_mentee(self, learner_id: int):
        return (
            await asyncio.to_thread(
                self._mentoring, False, self._person_id, [learner_id], _disconnected
            )
        )[1]

    # --- a learner's mentors and parents ---

    @rx.event
    async def connect_mentor(self, form_data: dict):
        mentor_id = form_data.get("mentor_id") if isinstance(form_data, dict) else None
        _, events = await asyncio.to_thread(
            self._mentoring,
            True,
            mentor_id,
            [self._person_id],
            lambda added: "Connected to the mentor." if added else "They were already connected.",
        )
        return events

    @rx.event
    async def disconnect_mentor(self, mentor_id: int):
        return (
            await asyncio.to_thread(
                self._mentoring, False, mentor_id, [self._person_id], _disconnected
            )
        )[1]

    def _unlink(self, parent_id: object, learner_id: object, done: str) -> list:
        return self._change(
            lambda s, actor: relationships.guardian_unlink(
                session=s,
                actor=actor,
                parent_id=parent_id,
                learner_id=learner_id,
                client_ip=self._client_ip(),
            ),
            lambda removed: done if removed else "They were not linked.",
        )[1]

    @rx.event
    @off_loop
    def unlink_parent(self, parent_id: int):
        return self._unlink(parent_id, self._person_id, "Parent unlinked.")

    # --- a parent's children ---

    @rx.event
    @off_loop
    def search_children(self, value: str):
        return self._search("child_query", "child_results", value)

    @rx.event
    def set_child_label(self, value: str):
        self.child_label = value[: relationships.MAX_LABEL] if isinstance(value, str) else ""

    @rx.event
    @off_loop
    def link_child(self, learner_id: int):
        parent_id, label = self._person_id, self.child_label
        saved, events = self._change(
            lambda s, actor: relationships.guardian_link(
                session=s,
                actor=actor,
                parent_id=parent_id,
                learner_id=learner_id,
                relationship_label=label,
                client_ip=self._client_ip(),
            ),
            lambda new: "Child linked." if new else "Already linked; the relationship was updated.",
        )
        if saved:
            self.child_results, self.child_query, self.child_label = [], "", ""
        return events

    @rx.event
    @off_loop
    def unlink_child(self, learner_id: int):
        return self._unlink(self._person_id, learner_id, "Child unlinked.")
