"""Printed plans: what goes on paper, for whom, and the download route.

A printed plan is handed to the family, so it carries only notes meant for the learner and
parents, whoever prints it: staff and private notes never reach the PDF, even when the person
printing may read them on screen. Everything else comes from ``plan_read.plan_view``, so the
printout is authorised and filtered exactly like the screen.

A group print holds the current plan of every learner of the group that the person printing
may read and that has been shared with the family; everyone else is named on a closing page
with the reason, so nobody is silently missing. :class:`GroupPrint` lays the plans out one
at a time so a page can show progress; ``services.reports.print_files`` then holds the file for one
download by the same session.

Wiring: ``ilp_app.web.files`` serves :data:`PLAN_PDF_PATH`; a "Print plan" link points
at :func:`plan_pdf_url`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlmodel import Session, select

from ilp_app import routes
from ilp_app.db.models import Site, User
from ilp_app.domain.errors import NotFound, PermissionDenied
from ilp_app.domain.permissions import Action, Actor, LearnerRef, can
from ilp_app.domain.plans import NoteVisibility, PlanStatus
from ilp_app.i18n.formatting import machine_times
from ilp_app.pdf.plan_pdf import (
    PlanDocument,
    PrintableFocusArea,
    PrintableGoal,
    PrintableNote,
    PrintablePlan,
    PrintableReflection,
    PrintableTask,
    render_plans,
)
from ilp_app.services.plans.learner_context import family_pronouns
from ilp_app.services.plans.plan_read import PlanView, plan_current_id, plan_view, plans_of_learner
from ilp_app.services.reports.overview import group_authorize, group_learner_ids
from ilp_app.services.reports.print_files import PrintStore, print_file_put
from ilp_app.services.uow import unit_of_work

PLAN_PDF_PATH = routes.API_PLAN_PDF

#: The only note visibility that is ever printed: a printout goes home with the family.
PRINTED_NOTE_VISIBILITY = NoteVisibility.FAMILY.value

# Why a learner of the group is not in its print (shown on the closing page and on screen).
LEFT_OUT_NO_PLAN = "no plan to print"
LEFT_OUT_DRAFT = "the plan is a draft, not yet shared with the family"
LEFT_OUT_REFUSED = "you may not read this plan"
LEFT_OUT_GONE = "the plan is no longer there"


def plan_pdf_url(plan_id) -> str:
    """Where a plan's PDF is downloaded (``plan_id`` may be a number or a frontend var)."""
    return routes.url_for(routes.API_PLAN_PDF, plan_id=plan_id)


def _date(stamp: str) -> str:
    return stamp[:10]  # plan_read gives "YYYY-MM-DD HH:MM UTC"; paper needs the day


def printable_plan(view: PlanView, *, school_name: str, pronouns: str) -> PrintablePlan:
    """The paper version of a plan view: family notes only, nothing else of the staff's.

    ``pronouns`` are those the learner shares with their family (see
    :func:`ilp_app.services.plans.learner_context.family_pronouns`), whoever prints: the copy goes home.
    """
    return PrintablePlan(
        school_name=school_name,
        period_name=view.period_name,
        period_starts=view.period_starts,
        period_ends=view.period_ends,
        learner_name=view.learner_name,
        learner_pronouns=pronouns,
        focus_areas=[
            PrintableFocusArea(
                name=area.name,
                goals=[
                    PrintableGoal(
                        statement=goal.statement,
                        success_criteria=goal.success_criteria,
                        target_date=goal.target_date,
                        self_rating=goal.self_rating,
                        mentor_rating=goal.mentor_rating,
                        objective_codes=[o.code for o in goal.objectives],
                        tasks=[
                            PrintableTask(
                                title=t.title, status_label=t.status_label, due_date=t.due_date
                            )
                            for t in goal.tasks
                        ],
                        reflections=[
                            PrintableReflection(date=_date(r.created_at), text=r.body)
                            for r in goal.reflections
                        ],
                    )
                    for goal in area.goals
                ],
            )
            for area in view.focus_areas
        ],
        notes=[
            PrintableNote(date=_date(n.created_at), text=n.body)
            for n in view.notes
            if n.visibility == PRINTED_NOTE_VISIBILITY
        ],
    )


def _school_name(session: Session, actor: Actor) -> str:
    site = session.get(Site, actor.site_id)
    return site.name if site else ""


def _ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-").lower()[:60] or "x"


def pdf_filename(view: PlanView) -> str:
    """``plan-<learner>-<period>.pdf`` in plain ASCII, safe inside a Content-Disposition header."""
    return f"plan-{_ascii_slug(view.learner_name)}-{_ascii_slug(view.period_name)}.pdf"


def plan_pdf(
    *, session: Session, actor: Actor | None, plan_id: object, client_ip: str = ""
) -> tuple[str, bytes]:
    """One plan as a PDF for the family, if ``actor`` may view it.

    Returns:
        The download file name and the PDF bytes.

    Raises:
        NotSignedIn, PermissionDenied, NotFound, ValidationFailed: as ``plan_read.plan_view``.
    """
    with machine_times():  # paper takes the day of each time (see _date)
        view = plan_view(session=session, actor=actor, plan_id=plan_id, client_ip=client_ip)
    plan = printable_plan(
        view,
        school_name=_school_name(session, actor),
        pronouns=family_pronouns(session=session, learner_id=view.learner_id),
    )
    return pdf_filename(view), render_plans([plan])


@dataclass(frozen=True)
class GroupPrintOrder:
    """What a group print will hold, decided before anything is rendered."""

    group_id: int
    filename: str
    school_name: str
    plans: tuple[tuple[int, str], ...]  # (plan id, learner name), in print order
    left_out: tuple[str, ...]  # "Name: reason" for every learner who is not printed


def group_print_order(
    *, session: Session, actor: Actor | None, group_id: object, client_ip: str = ""
) -> GroupPrintOrder:
    """The current plan of each learner in a group the actor is staff of, by name.

    A learner is left out, and named with the reason, when the actor may not read their plan,
    when they have none, or when it is still a draft (printouts go home to the family).

    Raises:
        NotSignedIn, PermissionDenied, NotFound, ValidationFailed: as ``overview.group_authorize``.
    """
    group = group_authorize(session=session, actor=actor, group_id=group_id, client_ip=client_ip)
    ids = group_learner_ids(session=session, group_id=group.id)
    learners = (
        session.exec(select(User).where(User.id.in_(ids), User.is_active)).all() if ids else []
    )
    plans, left_out = [], []
    for learner in sorted(learners, key=lambda u: (u.display_name.casefold(), u.id)):
        name = learner.display_name
        if not can(actor, Action.LEARNER_VIEW, LearnerRef(learner.id)):
            left_out.append(f"{name}: {LEFT_OUT_REFUSED}")
            continue
        visible = {
            p.plan_id: p.status
            for p in plans_of_learner(session=session, actor=actor, learner_id=learner.id)
        }
        plan_id = (
            plan_current_id(session=session, actor=actor, learner_id=learner.id) if visible else 0
        )
        if not plan_id:
            left_out.append(f"{name}: {LEFT_OUT_NO_PLAN}")
        elif visible[plan_id] == PlanStatus.DRAFT.value:
            left_out.append(f"{name}: {LEFT_OUT_DRAFT}")
        else:
            plans.append((plan_id, name))
    return GroupPrintOrder(
        group_id=group.id,
        filename=f"plans-{_ascii_slug(group.name)}.pdf",
        school_name=_school_name(session, actor),
        plans=tuple(plans),
        left_out=tuple(left_out),
    )


@dataclass
class GroupPrint:
    """A group print laid out one plan at a time, so a page can show how far it has got.

    Each plan is read again, and authorised again, when its turn comes: a plan that has become
    unreadable since the order was made is left out and named, never printed.
    """

    order: GroupPrintOrder
    actor: Actor
    client_ip: str = ""
    done: int = 0
    document: PlanDocument = field(default_factory=PlanDocument)
    left_out: list[str] = field(default_factory=list)
    _data: bytes | None = field(default=None, repr=False)

    @property
    def total(self) -> int:
        return len(self.order.plans)

    @property
    def finished(self) -> bool:
        return self.done >= self.total

    def print_next(self, session: Session | None = None) -> None:
        """Lay out the next plan, reading it in ``session`` or in a unit of work of its own."""
        if session is None:
            with unit_of_work() as own:
                return self.print_next(own)
        plan_id, name = self.order.plans[self.done]
        try:
            with machine_times():  # paper takes the day of each time (see _date)
                view = plan_view(
                    session=session, actor=self.actor, plan_id=plan_id, client_ip=self.client_ip
                )
        except PermissionDenied:
            self.left_out.append(f"{name}: {LEFT_OUT_REFUSED}")
        except NotFound:
            self.left_out.append(f"{name}: {LEFT_OUT_GONE}")
        else:
            self.document.add_plan(
                printable_plan(
                    view,
                    school_name=self.order.school_name,
                    pronouns=family_pronouns(session=session, learner_id=view.learner_id),
                )
            )
        self.done += 1
        return None

    def all_left_out(self) -> list[str]:
        return [*self.order.left_out, *self.left_out]

    def pdf(self) -> bytes:
        """The finished file: every plan laid out, then a closing page naming who is left out."""
        if self._data is None:
            while not self.finished:
                self.print_next()
            self._data = self.document.finish(left_out=self.all_left_out())
        return self._data

    def store(self, *, session_id: int, store: PrintStore | None = None) -> str:
        """Finish the file and hold it for one download by ``session_id``; returns its key."""
        return print_file_put(
            actor=self.actor,
            session_id=session_id,
            group_id=self.order.group_id,
            filename=self.order.filename,
            data=self.pdf(),
            store=store,
        )


def group_print_start(*, actor: Actor | None, group_id: object, client_ip: str = "") -> GroupPrint:
    """Authorise and order a group print in a unit of work of its own (see :func:`group_print_order`)."""
    with unit_of_work() as session:
        order = group_print_order(
            session=session, actor=actor, group_id=group_id, client_ip=client_ip
        )
    return GroupPrint(order=order, actor=actor, client_ip=client_ip)


def group_pdf(
    *,
    session: Session,
    actor: Actor | None,
    group_id: object,
    client_ip: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> tuple[str, bytes]:
    """A whole group print at once (see :func:`group_print_order` for who is in it).

    ``progress(done, total)`` is called after each plan is laid out.
    """
    job = GroupPrint(
        order=group_print_order(
            session=session, actor=actor, group_id=group_id, client_ip=client_ip
        ),
        actor=actor,
        client_ip=client_ip,
    )
    while not job.finished:
        job.print_next(session)
        if progress is not None:
            progress(job.done, job.total)
    return job.order.filename, job.pdf()
