"""Who may do what: the one place that decides every access.

States and services call :func:`can` (or :func:`require`) with the signed-in actor, an
action and the object acted on. Ids that arrive from a URL or an event only *select* the
target; whether the actor may touch it is decided here from relationships the server
loaded itself (mentor assignments, group teaching, guardianships).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ilp_app.domain.errors import MSG_DENIED, MSG_NOT_SIGNED_IN, NotSignedIn, PermissionDenied
from ilp_app.domain.plans import NoteVisibility, PlanStatus
from ilp_app.domain.roles import Role


@dataclass(frozen=True)
class Actor:
    """A signed-in person as the server knows them, with the relationships that grant access."""

    user_id: int
    roles: frozenset[Role]
    active_role: Role | None = None
    site_id: int | None = None
    mentee_ids: frozenset[int] = field(default_factory=frozenset)
    taught_learner_ids: frozenset[int] = field(default_factory=frozenset)
    child_ids: frozenset[int] = field(default_factory=frozenset)
    staff_group_ids: frozenset[int] = field(default_factory=frozenset)
    # The staff members whose supervisor this person is (they mentor those staff plans).
    supervisee_ids: frozenset[int] = field(default_factory=frozenset)
    must_change_password: bool = False
    # Whether the actor's site runs ILPs; when it does not, only administration stays open.
    ilp_enabled: bool = True

    def has(self, role: Role) -> bool:
        return role in self.roles

    # Relationships to a learner; each needs the matching role *and* the link in the database.
    def mentors(self, learner_id: int) -> bool:
        return self.has(Role.MENTOR) and learner_id in self.mentee_ids

    def teaches(self, learner_id: int) -> bool:
        return self.has(Role.TEACHER) and learner_id in self.taught_learner_ids

    def parents(self, learner_id: int) -> bool:
        return self.has(Role.PARENT) and learner_id in self.child_ids

    def is_learner(self, learner_id: int) -> bool:
        return self.has(Role.LEARNER) and learner_id == self.user_id

    def is_staff_of(self, learner_id: int) -> bool:
        return self.mentors(learner_id) or self.teaches(learner_id)

    def is_family_of(self, learner_id: int) -> bool:
        return self.is_learner(learner_id) or self.parents(learner_id)

    def owns(self, owner_id: int) -> bool:
        """Whether the plan of ``owner_id`` is this person's own (a learner's, or a staff member's)."""
        return owner_id == self.user_id

    # Staff plans: a staff member's own plan, mentored by their supervisor.
    @property
    def is_staff(self) -> bool:
        return bool(self.roles & STAFF_ROLES)

    def supervises(self, staff_id: int) -> bool:
        return self.is_staff and staff_id in self.supervisee_ids

    def is_self_staff(self, staff_id: int) -> bool:
        return self.is_staff and staff_id == self.user_id

    def is_in_staff_plan(self, staff_id: int) -> bool:
        """The staff member themselves or their supervisor: the two people a staff plan is for."""
        return self.is_self_staff(staff_id) or self.supervises(staff_id)


#: The roles that make someone a member of staff (who may have a staff plan and supervise one).
STAFF_ROLES = frozenset({Role.ADMINISTRATOR, Role.MENTOR, Role.TEACHER})


class Action(StrEnum):
    HOME_VIEW = "home.view"  # target: Role
    ACCOUNT_MANAGE = "account.manage"  # own password, role switch; target: None
    LANGUAGE_CHOOSE = "language.choose"  # the language one reads; target: UserRef (oneself)
    ADMIN_CONSOLE_VIEW = "admin.view"  # target: None
    USER_LIST = "user.list"  # target: None
    USER_MANAGE = "user.manage"  # disable, enable, temporary password; target: UserRef
    LEARNER_VIEW = "learner.view"  # target: LearnerRef
    PLAN_CREATE = "plan.create"  # target: LearnerRef
    PLAN_VIEW = "plan.view"  # target: PlanRef
    PLAN_EDIT = "plan.edit"  # structure: focus areas, goals, tasks, links; target: PlanRef
    PLAN_ACTIVATE = "plan.activate"  # target: PlanRef
    TASK_PROGRESS = "task.progress"  # move a task to its next status; target: PlanRef
    REFLECTION_WRITE = "reflection.write"  # target: PlanRef
    RATING_SELF = "rating.self"  # target: PlanRef
    RATING_MENTOR = "rating.mentor"  # target: PlanRef
    LOG_POST = "log.post"  # target: PlanRef
    NOTE_WRITE = "note.write"  # target: PlanRef
    NOTE_VIEW = "note.view"  # target: NoteRef
    NOTE_EDIT = "note.edit"  # text and visibility; target: NoteRef
    GROUP_VIEW = "group.view"  # the live overview and projector of a group; target: GroupRef
    GROUP_NEXT_PERIOD = (
        "group.next_period"  # start the next period for one's mentees in a group; target: GroupRef
    )
    PLAN_NEXT_PERIOD = (
        "plan.next_period"  # start the next period's plan, locking this one; target: PlanRef
    )
    PLAN_ACKNOWLEDGE = "plan.acknowledge"  # sign a version of the plan; target: PlanRef
    TEMPLATE_MANAGE = "template.manage"  # the school's template library; target: None
    TEMPLATE_APPLY = "template.apply"  # make a learner's plan from a template; target: LearnerRef
    REVIEW_SCHEDULE = (
        "review.schedule"  # schedule a review and record its outcome; target: LearnerRef
    )
    REVIEW_VIEW = "review.view"  # see a learner's reviews; target: LearnerRef
    REVIEW_COMMENT = "review.comment"  # add a comment before the meeting; target: LearnerRef
    SCHOOL_MANAGE = "school.manage"  # site settings, people, links, groups, catalogues, periods, imports; target: None
    OBJECTIVE_LIBRARY_VIEW = "objective.view"  # browse the learning-objective library; target: None
    CONTEXT_ITEM_VIEW = (
        "context.view"  # one item of a learner's context header; target: ContextItemRef
    )
    CONTEXT_EDIT = (
        "context.edit"  # add, change or remove a learner's context items; target: LearnerRef
    )
    LEARNER_EXPORT = (
        "learner.export"  # everything held about a learner, as an archive; target: LearnerRef
    )
    LEARNER_ERASE = (
        "learner.erase"  # erase or anonymise a learner's personal data; target: LearnerRef
    )
    RETENTION_MANAGE = (
        "retention.manage"  # retention periods and running the retention job; target: None
    )
    RULE_MANAGE = (
        "rule.manage"  # rules that assign plans: write, preview and apply them; target: None
    )
    SCHOOL_VIEW = (
        "school.view"  # the whole school's figures and the lists behind them; target: None
    )
    PROPOSAL_CREATE = "proposal.create"  # a learner proposes a goal or task; target: PlanRef
    PROPOSAL_EDIT = "proposal.edit"  # the learner edits or withdraws their own; target: PlanRef
    PROPOSAL_DECIDE = "proposal.decide"  # accept, accept with changes, decline; target: PlanRef
    REVIEW_PREPARE = "review.prepare"  # answer the school's questions before a review; LearnerRef
    REVIEW_CHECK = "review.check"  # the learner's confidence and intention; target: LearnerRef
    REVIEW_PREP_VIEW = "review.prep_view"  # everyone's preparation answers; target: LearnerRef
    EVIDENCE_ADD = "evidence.add"  # attach a file or link to a goal or task; target: PlanRef
    EVIDENCE_VIEW = "evidence.view"  # see (and download) one piece; target: EvidenceRef
    EVIDENCE_APPROVE = "evidence.approve"  # show it to the family; target: EvidenceRef
    EVIDENCE_REMOVE = "evidence.remove"  # target: EvidenceRef
    SHOWCASE_EDIT = "showcase.edit"  # compose, reorder, share one's showcase; target: PlanRef
    SHOWCASE_VIEW = "showcase.view"  # read or present it, print it; target: ShowcaseRef
    HANDOVER_WRITE = (
        "handover.write"  # a handover note for the learner's next mentor; target: PlanRef
    )
    STAFF_PLANS_VIEW = "staff_plans.view"  # a staff member's own plans; target: StaffRef
    STAFF_PLAN_CREATE = "staff_plan.create"  # start a staff plan; target: StaffRef
    SUPERVISOR_CONNECT = (
        "supervisor.connect"  # connect or disconnect a supervisor; target: SupervisionRef
    )


@dataclass(frozen=True)
class UserRef:
    user_id: int


@dataclass(frozen=True)
class LearnerRef:
    learner_id: int


@dataclass(frozen=True)
class StaffRef:
    """A staff member as the owner of staff plans."""

    staff_id: int


@dataclass(frozen=True)
class SupervisionRef:
    """A supervisor for a staff member, as an administrator would connect them."""

    supervisor_id: int
    staff_id: int


@dataclass(frozen=True)
class PlanRef:
    """A plan as the rules see it: whose it is and where it is in its life.

    ``staff`` marks a staff member's own plan: ``learner_id`` is then that staff member, and only
    the staff plan rules apply (never those of learners, teachers or families).
    """

    plan_id: int
    learner_id: int
    status: PlanStatus
    staff: bool = False


@dataclass(frozen=True)
class GroupRef:
    group_id: int


@dataclass(frozen=True)
class ContextItemRef:
    """An item of a learner's context: whose it is and who it is shown to ("staff" or "family")."""

    learner_id: int
    visibility: str


@dataclass(frozen=True)
class EvidenceRef:
    """A piece of evidence: the plan it belongs to, who added it, and whether it is approved."""

    plan: PlanRef
    added_by_id: int | None
    approved: bool


@dataclass(frozen=True)
class ShowcaseRef:
    """A plan's showcase, and whether its owner has shared it with their family."""

    plan: PlanRef
    shared: bool


@dataclass(frozen=True)
class NoteRef:
    learner_id: int
    author_id: int
    visibility: NoteVisibility
    staff: bool = False  # a note on a staff plan (``learner_id`` is the staff member)


def _plan(target: object) -> PlanRef | None:
    ok = (
        isinstance(target, PlanRef)
        and isinstance(target.status, PlanStatus)
        and isinstance(target.staff, bool)
    )
    return target if ok else None


def _learner_plan(target: object) -> PlanRef | None:
    plan = _plan(target)
    return plan if plan is not None and not plan.staff else None


def _staff_plan(target: object) -> PlanRef | None:
    plan = _plan(target)
    return plan if plan is not None and plan.staff else None


def _plan_view(actor: Actor, target: object) -> bool:
    plan = _plan(target)
    if plan is None:
        return False
    lid = plan.learner_id
    if plan.staff:
        # The staff member, their supervisor, and administrators for support (audited).
        return actor.has(Role.ADMINISTRATOR) or actor.is_in_staff_plan(lid)
    if actor.has(Role.ADMINISTRATOR) or actor.is_staff_of(lid):
        return True
    # Families see a plan once the mentor has made it active, and keep seeing it once locked.
    return actor.is_family_of(lid) and plan.status is not PlanStatus.DRAFT


def _plan_rule(*, who, statuses: frozenset[PlanStatus], staff_who=None):
    """A rule over a plan in ``statuses``: ``who`` decides on learners' plans, ``staff_who`` on
    staff plans (None: nobody may do it on a staff plan)."""

    def rule(actor: Actor, target: object) -> bool:
        plan = _plan(target)
        if plan is None or plan.status not in statuses:
            return False
        if plan.staff:
            return staff_who is not None and staff_who(actor, plan.learner_id)
        return who(actor, plan.learner_id)

    return rule


_OPEN = frozenset({PlanStatus.DRAFT, PlanStatus.ACTIVE})
_ACTIVE = frozenset({PlanStatus.ACTIVE})


def _log_post(actor: Actor, target: object) -> bool:
    plan = _plan(target)
    if plan is None or plan.status is PlanStatus.LOCKED:
        return False
    lid = plan.learner_id
    if plan.staff:
        return actor.is_in_staff_plan(lid)
    if actor.is_staff_of(lid):
        return True
    return actor.is_family_of(lid) and plan.status is PlanStatus.ACTIVE


def _note_ok(target: object) -> bool:
    return (
        isinstance(target, NoteRef)
        and isinstance(target.visibility, NoteVisibility)
        and isinstance(target.staff, bool)
    )


def _staff_note_view(actor: Actor, target: NoteRef) -> bool:
    sid = target.learner_id
    if target.author_id == actor.user_id and actor.is_in_staff_plan(sid):
        return True
    if target.visibility is NoteVisibility.PRIVATE:
        return False
    return actor.is_in_staff_plan(sid) or actor.has(Role.ADMINISTRATOR)


def _note_view(actor: Actor, target: object) -> bool:
    if not _note_ok(target):
        return False
    if target.staff:
        return _staff_note_view(actor, target)
    if target.author_id == actor.user_id and actor.is_staff_of(target.learner_id):
        return True
    if target.visibility is NoteVisibility.PRIVATE:
        return False
    staff = actor.is_staff_of(target.learner_id) or actor.has(Role.ADMINISTRATOR)
    if target.visibility is NoteVisibility.STAFF:
        return staff
    return staff or actor.is_family_of(target.learner_id)


def _note_edit(actor: Actor, target: object) -> bool:
    if not _note_ok(target) or target.author_id != actor.user_id:
        return False
    if target.staff:
        return actor.is_in_staff_plan(target.learner_id)
    return actor.is_staff_of(target.learner_id)


def _staff_plans_view(actor: Actor, target: object) -> bool:
    if not isinstance(target, StaffRef):
        return False
    return actor.has(Role.ADMINISTRATOR) or actor.is_in_staff_plan(target.staff_id)


def _supervisor_connect(actor: Actor, target: object) -> bool:
    # Nobody supervises themselves, and an administrator never picks their own supervisor:
    # another administrator does, so a staff plan always has a second pair of eyes.
    return (
        actor.has(Role.ADMINISTRATOR)
        and isinstance(target, SupervisionRef)
        and target.supervisor_id != target.staff_id
        and actor.user_id != target.staff_id
    )


def _learner_view(actor: Actor, target: object) -> bool:
    if not isinstance(target, LearnerRef):
        return False
    lid = target.learner_id
    return (
        actor.has(Role.ADMINISTRATOR)
        or (actor.has(Role.MENTOR) and lid in actor.mentee_ids)
        or (actor.has(Role.TEACHER) and lid in actor.taught_learner_ids)
        or (actor.has(Role.PARENT) and lid in actor.child_ids)
        or (actor.has(Role.LEARNER) and lid == actor.user_id)
    )


def _user_manage(actor: Actor, target: object) -> bool:
    # An administrator may not lock themselves out by disabling or resetting their own account.
    return (
        actor.has(Role.ADMINISTRATOR)
        and isinstance(target, UserRef)
        and target.user_id != actor.user_id
    )


def _admin(actor: Actor, target: object) -> bool:
    return actor.has(Role.ADMINISTRATOR)


def _context_item_view(actor: Actor, target: object) -> bool:
    if not isinstance(target, ContextItemRef):
        return False
    lid = target.learner_id
    if actor.has(Role.ADMINISTRATOR) or actor.is_staff_of(lid):
        return True
    return target.visibility == "family" and actor.is_family_of(lid)


def _learner_export(actor: Actor, target: object) -> bool:
    # A learner or their parent may ask for their own data; the mentor and the school may export it.
    # With ILPs switched off staff see no plan, so a mentor's export would be the way round that;
    # the learner, their parents and the school keep access (the data subject's right).
    if not isinstance(target, LearnerRef):
        return False
    lid = target.learner_id
    mentor = actor.mentors(lid) and actor.ilp_enabled
    return actor.has(Role.ADMINISTRATOR) or mentor or actor.is_family_of(lid)


def _learner_erase(actor: Actor, target: object) -> bool:
    return (
        actor.has(Role.ADMINISTRATOR)
        and isinstance(target, LearnerRef)
        and target.learner_id != actor.user_id
    )


def _evidence(target: object) -> EvidenceRef | None:
    ok = isinstance(target, EvidenceRef) and _plan(target.plan) is not None
    return target if ok and isinstance(target.approved, bool) else None


def _evidence_add(actor: Actor, target: object) -> bool:
    plan = _plan(target)
    if plan is None or plan.status is not PlanStatus.ACTIVE:
        return False
    return actor.is_learner(plan.learner_id) or actor.mentors(plan.learner_id)


def _evidence_view(actor: Actor, target: object) -> bool:
    piece = _evidence(target)
    if piece is None or not _plan_view(actor, piece.plan):
        return False
    lid = piece.plan.learner_id
    # A parent sees a piece only once the mentor has approved it; staff and the learner always.
    if actor.has(Role.ADMINISTRATOR) or actor.is_staff_of(lid) or actor.is_learner(lid):
        return True
    return piece.approved and actor.parents(lid)


def _evidence_approve(actor: Actor, target: object) -> bool:
    piece = _evidence(target)
    return (
        piece is not None
        and piece.plan.status is PlanStatus.ACTIVE
        and actor.mentors(piece.plan.learner_id)
    )


def _evidence_remove(actor: Actor, target: object) -> bool:
    piece = _evidence(target)
    if piece is None or piece.plan.status is not PlanStatus.ACTIVE:
        return False
    lid = piece.plan.learner_id
    own = piece.added_by_id == actor.user_id and _evidence_add(actor, piece.plan)
    return own or actor.mentors(lid)


def _showcase_edit(actor: Actor, target: object) -> bool:
    # Only the plan's owner composes their showcase: a learner, or a staff member with a plan.
    plan = _plan(target)
    return plan is not None and plan.status is PlanStatus.ACTIVE and actor.owns(plan.learner_id)


def _showcase_view(actor: Actor, target: object) -> bool:
    if not isinstance(target, ShowcaseRef) or _plan(target.plan) is None:
        return False
    plan = target.plan
    if actor.owns(plan.learner_id) and plan.status is not PlanStatus.DRAFT:
        return True
    lid = plan.learner_id
    if actor.has(Role.ADMINISTRATOR) or actor.is_staff_of(lid):
        return True
    return target.shared is True and actor.parents(lid) and plan.status is not PlanStatus.DRAFT


_RULES = {
    Action.HOME_VIEW: lambda actor, target: isinstance(target, Role) and actor.has(target),
    Action.ACCOUNT_MANAGE: lambda actor, target: True,
    # Only one's own: a parent chooses theirs, never their child's (nor an administrator anyone's).
    Action.LANGUAGE_CHOOSE: lambda actor, target: (
        isinstance(target, UserRef) and target.user_id == actor.user_id
    ),
    Action.ADMIN_CONSOLE_VIEW: lambda actor, target: actor.has(Role.ADMINISTRATOR),
    Action.USER_LIST: lambda actor, target: actor.has(Role.ADMINISTRATOR),
    Action.USER_MANAGE: _user_manage,
    Action.LEARNER_VIEW: _learner_view,
    Action.PLAN_CREATE: lambda actor, target: (
        isinstance(target, LearnerRef) and actor.mentors(target.learner_id)
    ),
    Action.PLAN_VIEW: _plan_view,
    # On a staff plan the staff member shapes their own goals with their supervisor, who
    # activates it, rates it as its mentor and starts the next school year from it.
    Action.PLAN_EDIT: _plan_rule(
        who=Actor.mentors, statuses=_OPEN, staff_who=Actor.is_in_staff_plan
    ),
    Action.PLAN_ACTIVATE: _plan_rule(
        who=Actor.mentors, statuses=frozenset({PlanStatus.DRAFT}), staff_who=Actor.supervises
    ),
    Action.TASK_PROGRESS: _plan_rule(
        who=lambda a, lid: a.is_learner(lid) or a.mentors(lid),
        statuses=_ACTIVE,
        staff_who=Actor.is_in_staff_plan,
    ),
    Action.REFLECTION_WRITE: _plan_rule(
        who=Actor.is_learner, statuses=_ACTIVE, staff_who=Actor.is_self_staff
    ),
    Action.RATING_SELF: _plan_rule(
        who=Actor.is_learner, statuses=_ACTIVE, staff_who=Actor.is_self_staff
    ),
    Action.RATING_MENTOR: _plan_rule(
        who=Actor.mentors, statuses=_ACTIVE, staff_who=Actor.supervises
    ),
    Action.LOG_POST: _log_post,
    Action.NOTE_WRITE: _plan_rule(
        who=Actor.is_staff_of, statuses=_OPEN, staff_who=Actor.is_in_staff_plan
    ),
    Action.NOTE_VIEW: _note_view,
    Action.NOTE_EDIT: _note_edit,
    # Only the learner's mentor hands over, on a learner's open plan (never on a staff plan).
    Action.HANDOVER_WRITE: _plan_rule(who=Actor.mentors, statuses=_OPEN),
    Action.PLAN_NEXT_PERIOD: _plan_rule(
        who=Actor.mentors, statuses=_ACTIVE, staff_who=Actor.supervises
    ),
    Action.PLAN_ACKNOWLEDGE: _plan_rule(
        who=lambda a, lid: a.mentors(lid) or a.is_family_of(lid),
        statuses=_ACTIVE,
        staff_who=Actor.is_in_staff_plan,
    ),
    Action.TEMPLATE_MANAGE: lambda actor, target: (
        actor.has(Role.MENTOR) or actor.has(Role.ADMINISTRATOR)
    ),
    Action.TEMPLATE_APPLY: lambda actor, target: (
        isinstance(target, LearnerRef) and actor.mentors(target.learner_id)
    ),
    Action.REVIEW_SCHEDULE: lambda actor, target: (
        isinstance(target, LearnerRef) and actor.mentors(target.learner_id)
    ),
    Action.REVIEW_VIEW: _learner_view,
    Action.REVIEW_COMMENT: lambda actor, target: (
        isinstance(target, LearnerRef) and actor.is_family_of(target.learner_id)
    ),
    Action.SCHOOL_MANAGE: _admin,
    Action.OBJECTIVE_LIBRARY_VIEW: lambda actor, target: (
        actor.has(Role.ADMINISTRATOR) or actor.has(Role.MENTOR) or actor.has(Role.TEACHER)
    ),
    Action.CONTEXT_ITEM_VIEW: _context_item_view,
    Action.CONTEXT_EDIT: lambda actor, target: (
        isinstance(target, LearnerRef)
        and (actor.has(Role.ADMINISTRATOR) or actor.mentors(target.learner_id))
    ),
    Action.LEARNER_EXPORT: _learner_export,
    Action.LEARNER_ERASE: _learner_erase,
    Action.RETENTION_MANAGE: _admin,
    Action.RULE_MANAGE: _admin,
    Action.SCHOOL_VIEW: _admin,
    # A learner shapes only their own plan, and only while it is active; a parent never proposes.
    Action.PROPOSAL_CREATE: _plan_rule(who=Actor.is_learner, statuses=_ACTIVE),
    Action.PROPOSAL_EDIT: _plan_rule(who=Actor.is_learner, statuses=_ACTIVE),
    Action.PROPOSAL_DECIDE: _plan_rule(who=Actor.mentors, statuses=_ACTIVE),
    # Before a review the family prepares; only staff read everyone's answers (a parent's
    # answers are not shown to the learner, nor the learner's to a parent).
    Action.REVIEW_PREPARE: lambda actor, target: (
        isinstance(target, LearnerRef) and actor.is_family_of(target.learner_id)
    ),
    Action.REVIEW_CHECK: lambda actor, target: (
        isinstance(target, LearnerRef) and actor.is_learner(target.learner_id)
    ),
    Action.REVIEW_PREP_VIEW: lambda actor, target: (
        isinstance(target, LearnerRef)
        and (actor.has(Role.ADMINISTRATOR) or actor.is_staff_of(target.learner_id))
    ),
    Action.EVIDENCE_ADD: _evidence_add,
    Action.EVIDENCE_VIEW: _evidence_view,
    Action.EVIDENCE_APPROVE: _evidence_approve,
    Action.EVIDENCE_REMOVE: _evidence_remove,
    Action.SHOWCASE_EDIT: _showcase_edit,
    Action.SHOWCASE_VIEW: _showcase_view,
    Action.STAFF_PLANS_VIEW: _staff_plans_view,
    Action.STAFF_PLAN_CREATE: lambda actor, target: (
        isinstance(target, StaffRef) and actor.is_in_staff_plan(target.staff_id)
    ),
    Action.SUPERVISOR_CONNECT: _supervisor_connect,
    Action.GROUP_VIEW: lambda actor, target: (
        isinstance(target, GroupRef)
        and (actor.has(Role.MENTOR) or actor.has(Role.TEACHER))
        and target.group_id in actor.staff_group_ids
    ),
    # Each learner is then checked on their own (PLAN_NEXT_PERIOD); others are skipped.
    Action.GROUP_NEXT_PERIOD: lambda actor, target: (
        isinstance(target, GroupRef)
        and actor.has(Role.MENTOR)
        and target.group_id in actor.staff_group_ids
    ),
}

#: Actions still open to someone who must first replace a temporary password.
_OPEN_BEFORE_PASSWORD_CHANGE = frozenset({Action.ACCOUNT_MANAGE, Action.LANGUAGE_CHOOSE})

#: Actions open at a site that has ILPs switched off: the account, and running the school.
_OPEN_WHEN_ILP_DISABLED = frozenset(
    {
        Action.HOME_VIEW,
        Action.ACCOUNT_MANAGE,
        Action.LANGUAGE_CHOOSE,
        Action.ADMIN_CONSOLE_VIEW,
        Action.USER_LIST,
        Action.USER_MANAGE,
        Action.SCHOOL_MANAGE,
        Action.RETENTION_MANAGE,
        Action.LEARNER_EXPORT,
        Action.LEARNER_ERASE,
        Action.OBJECTIVE_LIBRARY_VIEW,  # the standards library holds no learner's data
    }
)


def can(actor: Actor | None, action: Action, target: object = None) -> bool:
    """Whether ``actor`` may perform ``action`` on ``target``.

    Args:
        actor: the signed-in person, or None when nobody is signed in.
        action: what they want to do.
        target: what they want to do it to (a role, a reference object, or None).

    Returns:
        True only when a rule grants it; unknown actions and anonymous actors are refused.
    """
    if actor is None:
        return False
    if actor.must_change_password and action not in _OPEN_BEFORE_PASSWORD_CHANGE:
        return False
    if not actor.ilp_enabled and action not in _OPEN_WHEN_ILP_DISABLED:
        return False
    rule = _RULES.get(action)
    return bool(rule and rule(actor, target))


def is_support_read(actor: Actor, learner_id: int, *, staff: bool = False) -> bool:
    """Whether ``actor`` reads this learner (or, with ``staff``, this staff member's own plan)
    only as an administrator, for support.

    Such a read is allowed (the rules above grant it) but is always put on record; a person who
    is also the learner's staff or family, or the staff member or their supervisor, reads them
    as that, unrecorded.
    """
    if staff:
        return actor.has(Role.ADMINISTRATOR) and not actor.is_in_staff_plan(learner_id)
    return actor.has(Role.ADMINISTRATOR) and not (
        actor.is_staff_of(learner_id) or actor.is_family_of(learner_id)
    )


def require(actor: Actor | None, action: Action, target: object = None) -> Actor:
    """Like :func:`can`, but raises instead of returning False.

    Raises:
        NotSignedIn: nobody is signed in.
        PermissionDenied: the actor may not do this.
    """
    if actor is None:
        raise NotSignedIn(MSG_NOT_SIGNED_IN)
    if not can(actor, action, target):
        raise PermissionDenied(MSG_DENIED)
    return actor
