"""Printing a whole group: rendered in the background with a progress bar, then one download link."""

from __future__ import annotations

import asyncio
import secrets

import reflex as rx

from ilp_app.domain.errors import DomainError, NotSignedIn
from ilp_app.services.reports import printing
from ilp_app.services.reports.print_files import print_file_url
from ilp_app.state.session import SessionState


def left_out_summary(count: int) -> str:
    """What the page says about learners missing from a group print."""
    if count == 0:
        return ""
    if count == 1:
        return "1 learner has no plan to print:"
    return f"{count} learners have no plan to print:"


class GroupPrintState(SessionState):
    """One viewer's group print. The file itself is held on the server, never in these vars:
    ``print_url`` only names it, and the download checks it is this same session asking.
    """

    print_status: str = ""  # "", "rendering", "ready" (link offered), "taken" (link used)
    print_done: int = 0
    print_total: int = 0
    print_url: str = ""
    print_filename: str = ""
    print_left_out: list[str] = []  # "Name: reason" for each learner not in the file
    print_left_out_summary: str = ""
    _print_job: str = ""  # which print is current; a reset or a new print makes older ones stop

    def _clear_print(self) -> None:
        self._print_job = ""
        self.print_status, self.print_done, self.print_total = "", 0, 0
        self.print_url = self.print_filename = ""
        self.print_left_out, self.print_left_out_summary = [], ""

    @rx.event
    def reset_print(self):
        """Forget any print, and stop one still rendering (on opening a group page)."""
        self._clear_print()

    @rx.event
    def print_taken(self):
        """The link works once: once used, it goes (the summary of who is missing stays)."""
        if self.print_status == "ready":
            self.print_status, self.print_url = "taken", ""

    def _still(self, job: str) -> bool:
        return self._print_job == job

    @rx.event(background=True)
    async def print_group(self):
        """Authorise, lay out each plan off the event loop while counting, then offer the file."""
        async with self:
            if self.print_status == "rendering":
                return
            me = self._current()
            if me is None:
                refusal = self._refusal(me, NotSignedIn("Please sign in again."))
            else:
                refusal = None
                self._clear_print()
                job_id = self._print_job = secrets.token_hex(8)
                self.print_status = "rendering"
                actor, session_id = me.actor, me.session_id
                group_id, client_ip = self.group_id, self._client_ip()
        if refusal is not None:
            yield refusal
            return
        try:
            job = await asyncio.to_thread(
                printing.group_print_start, actor=actor, group_id=group_id, client_ip=client_ip
            )
            async with self:
                if not self._still(job_id):
                    return
                self.print_total = job.total
            while not job.finished:
                await asyncio.to_thread(job.print_next)
                async with self:
                    if not self._still(job_id):
                        return
                    self.print_done = job.done
            key = await asyncio.to_thread(job.store, session_id=session_id)
        except DomainError as error:
            async with self:
                if not self._still(job_id):
                    return
                self._clear_print()
                events = (
                    self._refusal(me, error)
                    if isinstance(error, NotSignedIn)
                    else [rx.toast.error(error.message)]
                )
            yield events
            return
        except Exception as exc:  # nothing is stored: the page offers the button again
            async with self:
                if self._still(job_id):
                    self._clear_print()
                events = self._unexpected(exc)
            yield events
            return
        async with self:
            if self._still(job_id):
                self.print_status = "ready"
                self.print_url = print_file_url(key)
                self.print_filename = job.order.filename
                self.print_left_out = job.all_left_out()
                self.print_left_out_summary = left_out_summary(len(self.print_left_out))
