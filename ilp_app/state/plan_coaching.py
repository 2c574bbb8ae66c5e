"""Coaching on the plan page: sentence starters for reflections, and two questions with a low
self-assessment (how the learner got there from zero, and their next small step).

The school's lines arrive with the page (``PlanState._show_page``); they hold nothing private.
"""

from __future__ import annotations

import reflex as rx

from ilp_app.domain.coaching import LOW_RATING
from ilp_app.i18n import N_
from ilp_app.services.plans import plan_activity


class PlanCoaching(rx.State, mixin=True):
    """Mixed into ``PlanState``, which runs the rating through the services."""

    reflection_starters: list[str] = []
    low_rating_prompts: list[str] = []
    # The goal and score of a low self-assessment this tab is asking about (0: none).
    low_rating_goal: int = 0
    low_rating_score: int = 0

    @rx.event
    async def rate_self(self, goal_id: int, score: int):
        """A learner's own rating: a low one first asks the two questions; others are saved."""
        if isinstance(score, int) and 1 <= score <= LOW_RATING and isinstance(goal_id, int):
            self.low_rating_goal, self.low_rating_score = goal_id, score
            return None
        self.low_rating_goal = self.low_rating_score = 0
        return await self._perform(
            plan_activity.rating_add, goal_id=goal_id, score=score, success=N_("Rating saved.")
        )

    @rx.event
    def low_rating_cancel(self):
        self.low_rating_goal = self.low_rating_score = 0

    @rx.event
    async def rate_low(self, form_data: dict):
        events = await self._perform_form(
            form_data,
            lambda f: (
                plan_activity.rating_add,
                {
                    "goal_id": self.low_rating_goal,
                    "score": self.low_rating_score,
                    "how_got_here": f.get("how_got_here", ""),
                    "next_step": f.get("next_step", ""),
                },
            ),
            success=N_("Rating saved, with your answers."),
        )
        if self._last_ok:
            self.low_rating_goal = self.low_rating_score = 0
        return events
