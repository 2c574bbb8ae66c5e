"""Everything the plan page shows, read in one unit of work: the page's read model.

The plan as the viewer may see it, the learner's other plans, and, for whoever may edit it, the
choices its dialogs offer (the school's focus areas and the objectives a goal may link to).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from ilp_app.db.models import Plan
from ilp_app.domain.coaching import LOW_RATING_QUESTIONS, Situation
from ilp_app.domain.permissions import Actor
from ilp_app.domain.plans import STAFF_FOCUS_AREAS
from ilp_app.i18n import gettext
from ilp_app.services.plans import plan_edit, plan_read
from ilp_app.services.plans.plan_read import PlanListItem, PlanView
from ilp_app.services.school.coaching import coaching_for_site
from ilp_app.services.school.objectives import objective_choices
from ilp_app.services.templates.template_suggest import PlanSuggestion, plan_suggestion


@dataclass
class PlanPage:
    plan: PlanView
    other_plans: list[PlanListItem] = field(default_factory=list)
    focus_area_choices: list[str] = field(default_factory=list)
    # Each: id, label, code, statement, path, and the lower-cased text a filter searches.
    objective_choices: list[dict[str, str]] = field(default_factory=list)
    # The school's coaching lines, for the learner who reflects and rates themselves.
    reflection_starters: list[str] = field(default_factory=list)
    low_rating_prompts: list[str] = field(default_factory=list)
    # For whoever edits a learner's plan: the template for the learner's year, and why.
    suggestion: PlanSuggestion | None = None


def plan_page(
    *, session: Session, actor: Actor | None, plan_id: object, client_ip: str = ""
) -> PlanPage:
    """The plan page for ``actor`` (refused, and audited, as :func:`plan_read.plan_view` is)."""
    plan = plan_read.plan_view(session=session, actor=actor, plan_id=plan_id, client_ip=client_ip)
    page = PlanPage(
        plan=plan,
        other_plans=[
            p
            for p in plan_read.plans_of_learner(
                session=session, actor=actor, learner_id=plan.learner_id, staff=plan.staff
            )
            if p.plan_id != plan.id
        ],
    )
    if plan.can.reflect or plan.can.rate_self:
        library = coaching_for_site(session, actor.site_id)
        page.reflection_starters = library.starters[Situation.REFLECT_GOAL.value]
        asked = library.prompts[Situation.RATED_LOW.value][:2]
        # The two answers are kept as "how I got here" and "my next step": always two questions.
        page.low_rating_prompts = [
            *asked,
            *(gettext(q) for q in LOW_RATING_QUESTIONS[len(asked) :]),
        ]
    if plan.can.edit and not plan.staff:
        page.suggestion = plan_suggestion(session=session, plan=session.get(Plan, plan.id))
    if plan.can.edit and plan.staff:
        # A staff plan offers its own structure, not the learners' catalogue or objectives.
        page.focus_area_choices = list(STAFF_FOCUS_AREAS)
    elif plan.can.edit:
        page.focus_area_choices = plan_edit.focus_area_options(session=session, actor=actor)
        # Archived objectives only where a goal of this plan still links to them.
        linked = [o.id for a in plan.focus_areas for g in a.goals for o in g.objectives]
        page.objective_choices = [
            {
                "id": str(o.id),
                "label": f"{o.code} — {o.statement}",
                "code": o.code,
                "statement": o.statement,
                "path": o.path + (" · archived" if o.archived else ""),
                "search": f"{o.code} {o.statement} {o.path}".lower(),
            }
            for o in objective_choices(session=session, actor=actor, keep_ids=linked)
        ]
    return page
