"""Preparing a review on the plan page: the family's answers, and the learner's confidence
against their intention. Mixed into ``ReviewState``, whose ``_run`` calls the service for the
signed-in person; the services decide who may do what."""

from __future__ import annotations

import reflex as rx

from ilp_app.i18n import N_
from ilp_app.services.reviews import review_prep


class ReviewPrepEvents(rx.State, mixin=True):
    @rx.event
    async def prepare(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        async for event in self._run(
            review_prep.review_prepare,
            success=N_("Your answers are saved for the meeting."),
            review_id=form.get("review_id"),
            answers={
                k: v for k, v in form.items() if isinstance(k, str) and k.startswith("answer-")
            },
        ):
            yield event

    @rx.event
    async def set_check(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        async for event in self._run(
            review_prep.review_check_set,
            success=N_("Saved: the learner is asked before the meeting."),
            review_id=form.get("review_id"),
            confidence_about=form.get("confidence_about", ""),
            plan_to=form.get("plan_to", ""),
        ):
            yield event

    @rx.event
    async def answer_check(self, form_data: dict):
        form = form_data if isinstance(form_data, dict) else {}
        async for event in self._run(
            review_prep.review_check_answer,
            success=N_("Thank you: your answers are saved."),
            review_id=form.get("review_id"),
            confidence=form.get("confidence"),
            intention=form.get("intention"),
        ):
            yield event
