"""SQLModel tables: the one place the schema is declared.

Every timestamp is stored in UTC (see :class:`UTCDateTime`). Rows never leave the server:
states copy what a page needs into small view models, so a password hash or a private note
cannot reach a browser by accident.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored as UTC and always read back as an aware UTC datetime.

    SQLite keeps no time zone, PostgreSQL does; this makes both behave the same.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _ts(*, nullable: bool = False, index: bool = False, default: bool = True):
    return Field(
        default_factory=utcnow if default else None,
        sa_type=UTCDateTime,
        nullable=nullable,
        index=index,
    )


class Site(SQLModel, table=True):
    """A school (or one site of a school) that may run ILPs."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    ilp_enabled: bool = True
    created_at: datetime = _ts()
    # The OneRoster org this site was imported from (its ``sourcedId``), when it was.
    source_id: str | None = Field(default=None, max_length=255)
    # The overview's status: days without activity before a learner is amber, and red.
    quiet_amber_days: int = 7
    quiet_red_days: int = 21
    # No mail to families between these hours (school time); held until the morning.
    mail_quiet_from: int = 21
    mail_quiet_until: int = 7
    # Whether a task a learner adds under one of their goals waits for the mentor (or is added).
    learner_tasks_need_approval: bool = True
    # False until the school first edits its transition years: until then the defaults apply.
    transition_years_set: bool = False
    # The language of people who have chosen none and whose browser asks for none we speak.
    default_language: str = Field(default="en", max_length=10)


class TransitionYear(SQLModel, table=True):
    """A year the school marks as a transition year, with why (shown with its suggestions)."""

    __tablename__ = "transition_year"
    __table_args__ = (sa.UniqueConstraint("site_id", "year_label"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    year_label: str = Field(max_length=50)  # a group year, e.g. "Year 9"
    reason: str = Field(max_length=200)


class User(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    email: str = Field(max_length=254)
    full_name: str = Field(max_length=200)
    preferred_name: str = Field(default="", max_length=100)
    pronouns: str = Field(default="", max_length=50)
    is_active: bool = True
    # Never return the hash when serialising for the frontend: states use view models instead.
    password_hash: str | None = Field(default=None, max_length=255)
    must_change_password: bool = False
    password_changed_at: datetime | None = _ts(nullable=True, default=False)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    # Whether the learner's pronouns are shown to their parents (staff always see them).
    pronouns_visibility: str = Field(default="family", max_length=10)  # "staff" | "family"
    # Roster import: the external key (OneRoster ``sourcedId``) and the record's last change there.
    source_id: str | None = Field(default=None, max_length=255)
    source_modified_at: datetime | None = _ts(nullable=True, default=False)
    # Set when the roster retired the account (``tobedeleted``): disabled, nothing deleted.
    retired_at: datetime | None = _ts(nullable=True, default=False)
    # Set when an administrator erased (anonymised) the person's personal data.
    erased_at: datetime | None = _ts(nullable=True, default=False)
    # The language the person chose ("en", "nb", "nn"); "" until they choose one.
    language: str = Field(default="", max_length=10)

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name


# Email addresses are unique whatever their case; the typed casing is kept for display.
sa.Index("uq_user_email_lower", sa.func.lower(User.__table__.c.email), unique=True)
sa.Index("uq_user_site_source", User.__table__.c.site_id, User.__table__.c.source_id, unique=True)


class RoleGrant(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("user_id", "role"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=20)


class Period(SQLModel, table=True):
    """An academic period (term, semester or year) a plan covers."""

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    name: str = Field(max_length=100)
    starts_on: date
    ends_on: date
    source_id: str | None = Field(default=None, max_length=255)
    retired_at: datetime | None = _ts(nullable=True, default=False)
    # "term" (learners' plans) or "school_year" (staff plans); periods overlap only across kinds.
    kind: str = Field(default="term", max_length=20)


class Group(SQLModel, table=True):
    """A tutor group (with a mentor) or a subject class (with teachers)."""

    __tablename__ = "learner_group"

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    name: str = Field(max_length=100)
    kind: str = Field(default="tutor", max_length=20)  # "tutor" | "class"
    year_label: str = Field(default="", max_length=50)
    # The course or subject the group follows, e.g. "Mathematics 8" (shown in a learner's context).
    course: str = Field(default="", max_length=200)
    source_id: str | None = Field(default=None, max_length=255)
    retired_at: datetime | None = _ts(nullable=True, default=False)


class Enrollment(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("group_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    group_id: int = Field(foreign_key="learner_group.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    role: str = Field(max_length=20)  # "learner" | "teacher"
    source_id: str | None = Field(default=None, max_length=255)


class MentorAssignment(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("mentor_id", "learner_id"),)

    id: int | None = Field(default=None, primary_key=True)
    mentor_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    learner_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = _ts()


class SupervisorAssignment(SQLModel, table=True):
    """A staff member's supervisor, who mentors their own (staff) plan. One per staff member."""

    __tablename__ = "supervisor_assignment"

    id: int | None = Field(default=None, primary_key=True)
    supervisor_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    staff_id: int = Field(foreign_key="user.id", unique=True, ondelete="CASCADE")
    created_at: datetime = _ts()


class Guardianship(SQLModel, table=True):
    __table_args__ = (sa.UniqueConstraint("parent_id", "learner_id"),)

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    learner_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    relationship_label: str = Field(default="", max_length=50)
    # True when the link came from a roster import (the roster then owns it and may retire it).
    from_roster: bool = False


class AuthSession(SQLModel, table=True):
    """A server-side sign-in. Only a keyed hash of the browser's token is stored."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    active_role: str = Field(max_length=20)
    created_at: datetime = _ts()
    last_seen_at: datetime = _ts()
    revoked_at: datetime | None = _ts(nullable=True, default=False)
    revoke_reason: str = Field(default="", max_length=40)
    client_ip: str = Field(default="", max_length=64)


#: ``LoginAttempt.client_ip`` of the row that counts an account's failures from every address.
ANY_ADDRESS = ""


class LoginAttempt(SQLModel, table=True):
    """Failed sign-ins counted per account and per (address, account), to throttle guessing.

    One row per key: ``client_ip`` is the address for a per-address count, or
    :data:`ANY_ADDRESS` for the account's count from every address. Rows are changed only by
    compare-and-set updates, so parallel attempts never lose a count.
    """

    __table_args__ = (sa.UniqueConstraint("email_key", "client_ip", name="uq_loginattempt_key"),)

    id: int | None = Field(default=None, primary_key=True)
    email_key: str = Field(max_length=254)
    client_ip: str = Field(max_length=64)
    failures: int = 0
    at: datetime = _ts(index=True)  # the latest failure


class AuditEvent(SQLModel, table=True):
    """Who did (or tried to do) what. Never holds a password or a session token."""

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(index=True)
    actor_user_id: int | None = Field(default=None, index=True)
    action: str = Field(max_length=60, index=True)
    outcome: str = Field(max_length=20)  # "ok" | "denied" | "failed"
    target_type: str = Field(default="", max_length=40)
    target_id: str = Field(default="", max_length=64)
    detail: str = Field(default="", max_length=2000)
    client_ip: str = Field(default="", max_length=64)


# --- Plans ---------------------------------------------------------------------------------


class FocusAreaOption(SQLModel, table=True):
    """The school's catalogue of focus areas (competences) mentors pick from."""

    __tablename__ = "focus_area_option"
    __table_args__ = (sa.UniqueConstraint("site_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    name: str = Field(max_length=80)
    description: str = Field(default="", max_length=300)
    position: int = 0
    archived: bool = False


class ObjectiveFramework(SQLModel, table=True):
    """A published set of standards (a CASE ``CFDocument``) the objective library holds."""

    __tablename__ = "objective_framework"
    __table_args__ = (sa.UniqueConstraint("site_id", "case_identifier"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    case_identifier: str = Field(max_length=255)
    title: str = Field(max_length=500)
    creator: str = Field(default="", max_length=300)
    version: str = Field(default="", max_length=100)
    subject: str = Field(default="", max_length=300)
    adoption_status: str = Field(default="", max_length=50)
    uri: str = Field(default="", max_length=2000)
    last_change: str = Field(default="", max_length=40)  # CASE ``lastChangeDateTime`` as given
    imported_at: datetime = _ts()


class LearningObjective(SQLModel, table=True):
    """A learning objective from the school's library, e.g. a curriculum competence aim.

    Objectives entered by hand have only a code and a statement; those imported from a CASE
    package keep their CASE identifier, their place in the framework's hierarchy and its type.
    """

    __tablename__ = "learning_objective"
    __table_args__ = (
        sa.UniqueConstraint("site_id", "code"),
        sa.UniqueConstraint("site_id", "case_identifier"),
    )

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    code: str = Field(max_length=60)
    statement: str = Field(max_length=1000)
    subject: str = Field(default="", max_length=100)
    framework_id: int | None = Field(default=None, foreign_key="objective_framework.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="learning_objective.id", index=True)
    case_identifier: str | None = Field(default=None, max_length=255)
    item_type: str = Field(default="", max_length=100)  # CASE ``CFItemType``, e.g. "Standard"
    position: int = 0
    archived: bool = False  # no longer in its framework; kept because goals may link to it


class Plan(SQLModel, table=True):
    """One learner's Individual Learning Plan for one period."""

    __table_args__ = (sa.UniqueConstraint("learner_id", "period_id"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    learner_id: int = Field(foreign_key="user.id", index=True)
    period_id: int = Field(foreign_key="period.id", index=True)
    status: str = Field(default="draft", max_length=10)
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    activated_at: datetime | None = _ts(nullable=True, default=False)
    locked_at: datetime | None = _ts(nullable=True, default=False)
    # Each change to the plan's content makes a new version; acknowledgements name the version.
    version: int = 1
    previous_plan_id: int | None = Field(default=None, foreign_key="plan.id")
    template_id: int | None = Field(default=None, foreign_key="plan_template.id")
    template_revision: int = 0
    # The assignment rule that made this plan, when a rule made it.
    rule_id: int | None = Field(default=None, foreign_key="assignment_rule.id", index=True)
    # "learner", or "staff": a staff member's own plan (``learner_id`` is then that staff member),
    # read only by them, their supervisor and administrators.
    kind: str = Field(default="learner", max_length=10, index=True)


class PlanFocusArea(SQLModel, table=True):
    __tablename__ = "plan_focus_area"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=80)
    position: int = 0
    template_item_id: int | None = Field(default=None, foreign_key="template_item.id")


class Goal(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    focus_area_id: int = Field(foreign_key="plan_focus_area.id", index=True, ondelete="CASCADE")
    statement: str = Field(max_length=500)
    success_criteria: str = Field(default="", max_length=1000)
    target_date: date | None = None
    position: int = 0
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    carried_from_goal_id: int | None = Field(default=None, foreign_key="goal.id")
    template_item_id: int | None = Field(default=None, foreign_key="template_item.id")
    # The learner whose accepted proposal it was; None for a goal staff wrote.
    added_by_id: int | None = Field(default=None, foreign_key="user.id")


class GoalObjective(SQLModel, table=True):
    __tablename__ = "goal_objective"

    goal_id: int = Field(foreign_key="goal.id", primary_key=True, ondelete="CASCADE")
    objective_id: int = Field(
        foreign_key="learning_objective.id", primary_key=True, ondelete="CASCADE"
    )


class GoalRating(SQLModel, table=True):
    """A dated 1–5 rating of a goal, by the learner (self-assessment) or by the mentor."""

    __tablename__ = "goal_rating"

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True, ondelete="CASCADE")
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    rater_id: int = Field(foreign_key="user.id")
    kind: str = Field(max_length=10)  # "self" | "mentor"
    score: int
    rated_at: datetime = _ts()
    # Asked when a learner rates themselves 1 or 2 (coaching: from zero to here, and what next).
    how_got_here: str = Field(default="", max_length=1000)
    next_step: str = Field(default="", max_length=1000)


class Task(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    goal_id: int = Field(foreign_key="goal.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=200)
    due_date: date | None = None
    status: str = Field(default="not_started", max_length=20)
    position: int = 0
    status_changed_by_id: int | None = Field(default=None, foreign_key="user.id")
    status_changed_at: datetime | None = _ts(nullable=True, default=False)
    created_at: datetime = _ts()
    carried_from_task_id: int | None = Field(default=None, foreign_key="task.id")
    carry_reason: str = Field(default="", max_length=500)  # why it was not done in the last period
    template_item_id: int | None = Field(default=None, foreign_key="template_item.id")
    # The learner who added it (their own task, or their accepted proposal); None for staff.
    added_by_id: int | None = Field(default=None, foreign_key="user.id")


class Proposal(SQLModel, table=True):
    """A learner's proposal of a goal (under a focus area) or a task (under one of their goals).

    What the learner wrote is kept as written; what the mentor accepted is the goal or task made
    from it (``result_id``), so "accepted with changes" can show both.
    """

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="user.id")
    kind: str = Field(max_length=10)  # "goal" | "task"
    focus_area_id: int | None = Field(
        default=None, foreign_key="plan_focus_area.id", ondelete="CASCADE"
    )
    goal_id: int | None = Field(default=None, foreign_key="goal.id", ondelete="CASCADE")
    text: str = Field(max_length=500)  # the goal's statement or the task's title
    success_criteria: str = Field(default="", max_length=1000)
    target_date: date | None = None  # a goal's target date or a task's due date
    status: str = Field(default="pending", max_length=20)
    decline_reason: str = Field(default="", max_length=300)
    decided_by_id: int | None = Field(default=None, foreign_key="user.id")
    decided_at: datetime | None = _ts(nullable=True, default=False)
    result_id: int | None = None  # the goal or task made from it
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class CoachingPrompt(SQLModel, table=True):
    """One of the school's coaching prompts or sentence starters for a situation."""

    __tablename__ = "coaching_prompt"

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    situation: str = Field(max_length=20)  # see domain.coaching.Situation
    kind: str = Field(max_length=10)  # "prompt" | "starter"
    text: str = Field(max_length=300)
    position: int = 0


class TaskLink(SQLModel, table=True):
    """A learning resource for a task: a title and an http(s) address."""

    __tablename__ = "task_link"

    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id", index=True, ondelete="CASCADE")
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    title: str = Field(max_length=120)
    url: str = Field(max_length=2000)


class Reflection(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    goal_id: int = Field(foreign_key="goal.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="user.id")
    body: str = Field(max_length=5000)
    created_at: datetime = _ts()


class PlanLogEntry(SQLModel, table=True):
    """The plan's discussion thread, open to mentor, teachers, learner and parents."""

    __tablename__ = "plan_log_entry"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="user.id")
    body: str = Field(max_length=2000)
    created_at: datetime = _ts()


class PlanNote(SQLModel, table=True):
    """A staff note with a visibility chosen per note ("private", "staff" or "family")."""

    __tablename__ = "plan_note"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="user.id")
    body: str = Field(max_length=5000)
    visibility: str = Field(default="staff", max_length=10)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    # A handover note for the learner's next mentor: always "staff", pinned on their plans.
    handover: bool = False


# --- Notifications ---------------------------------------------------------------------------


class Notification(SQLModel, table=True):
    """Something that happened on a plan, for one person. Repeats within minutes fold into one."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    plan_id: int | None = Field(default=None, foreign_key="plan.id", ondelete="CASCADE")
    kind: str = Field(max_length=30)
    text: str = Field(max_length=300)
    count: int = 1
    created_at: datetime = _ts(index=True)
    read_at: datetime | None = _ts(nullable=True, default=False)


# --- Plan lifecycle: templates, reviews, acknowledgements, history --------------------------


class PlanTemplate(SQLModel, table=True):
    """A school's reusable plan structure (never any learner's data)."""

    __tablename__ = "plan_template"

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=1000)
    # The kind of plan it makes ("learner" | "staff"): never crossed, so a staff member's
    # professional goals never become a child's plan, nor the other way round.
    plan_kind: str = Field(default="learner", max_length=10)
    archived: bool = False
    revision: int = 1
    created_by_id: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class PlanTemplateYear(SQLModel, table=True):
    """A group year a template suits ("Year 9"); a template without any suits every year."""

    __tablename__ = "plan_template_year"

    template_id: int = Field(foreign_key="plan_template.id", primary_key=True, ondelete="CASCADE")
    year_label: str = Field(max_length=50, primary_key=True)


class TemplateItem(SQLModel, table=True):
    """One piece of a template: a focus area, goal, task or link, in a tree by ``parent_id``."""

    __tablename__ = "template_item"

    id: int | None = Field(default=None, primary_key=True)
    template_id: int = Field(foreign_key="plan_template.id", index=True, ondelete="CASCADE")
    parent_id: int | None = Field(default=None, foreign_key="template_item.id")
    kind: str = Field(max_length=10)  # "area" | "goal" | "task" | "link"
    position: int = 0
    text: str = Field(max_length=500)  # name, statement or title
    detail: str = Field(default="", max_length=2000)  # success criteria, or a link's URL
    objective_codes: str = Field(
        default="", max_length=500
    )  # comma-separated learning-objective codes
    revision: int = 1  # the template revision that last changed this item
    removed: bool = False  # kept so plans made from it can be told it was removed


class TemplateUpdateDecision(SQLModel, table=True):
    """A mentor's answer to one change in a plan's template: pulled in, or dismissed."""

    __tablename__ = "template_update_decision"
    __table_args__ = (sa.UniqueConstraint("plan_id", "template_item_id", "revision"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    template_item_id: int = Field(foreign_key="template_item.id")
    revision: int
    decision: str = Field(max_length=10)  # "accepted" | "dismissed"
    decided_by_id: int = Field(foreign_key="user.id")
    decided_at: datetime = _ts()


class AssignmentRule(SQLModel, table=True):
    """An administrator's rule: learners matching a condition get a plan from a template.

    The condition's parts are optional and all must hold: a year, a group, a kind of context
    item the learner has. Only active rules run after a roster import.
    """

    __tablename__ = "assignment_rule"

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    name: str = Field(max_length=120)
    status: str = Field(default="draft", max_length=10)  # "draft" | "active"
    template_id: int = Field(foreign_key="plan_template.id")
    year_label: str = Field(default="", max_length=50)
    # Groups are retired, never deleted: a rule never loses its group and widens to everyone.
    group_id: int | None = Field(default=None, foreign_key="learner_group.id")
    context_kind: str = Field(default="", max_length=30)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    last_applied_at: datetime | None = _ts(nullable=True, default=False)


class Review(SQLModel, table=True):
    """A review meeting about a learner's plan."""

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    learner_id: int = Field(foreign_key="user.id", index=True)
    plan_id: int | None = Field(default=None, foreign_key="plan.id")
    starts_at: datetime = _ts(default=False)
    duration_minutes: int = 30
    location: str = Field(default="", max_length=200)
    online_url: str = Field(default="", max_length=2000)
    attendee_ids: str = Field(default="", max_length=500)  # comma-separated user ids
    status: str = Field(default="scheduled", max_length=12)  # "scheduled" | "held" | "cancelled"
    summary: str = Field(default="", max_length=5000)
    decisions: str = Field(default="", max_length=5000)
    new_targets: str = Field(default="", max_length=5000)
    created_by_id: int = Field(foreign_key="user.id")
    created_at: datetime = _ts()
    held_at: datetime | None = _ts(nullable=True, default=False)
    # Asking one thing two ways: "How confident are you about …?" and "Do you plan to …?".
    confidence_about: str = Field(default="", max_length=200)
    plan_to: str = Field(default="", max_length=200)


class ReviewComment(SQLModel, table=True):
    """What the learner or a parent wants to raise before the meeting."""

    __tablename__ = "review_comment"

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="user.id")
    body: str = Field(max_length=2000)
    created_at: datetime = _ts()


class ReviewAnswer(SQLModel, table=True):
    """An answer given before a review: to one of the school's questions (by the learner or a
    parent), or the learner's confidence (1–5) and intention (yes / not sure / no)."""

    __tablename__ = "review_answer"
    __table_args__ = (
        sa.UniqueConstraint("review_id", "author_id", "kind", "question", name="uq_review_answer"),
    )

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True, ondelete="CASCADE")
    author_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    kind: str = Field(max_length=12)  # "prep" | "confidence" | "intention"
    question: str = Field(max_length=300)
    answer: str = Field(max_length=1000)
    updated_at: datetime = _ts()


class PlanAcknowledgement(SQLModel, table=True):
    """Someone acknowledged (signed) a given version of a plan."""

    __tablename__ = "plan_acknowledgement"
    __table_args__ = (sa.UniqueConstraint("plan_id", "version", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    version: int
    user_id: int = Field(foreign_key="user.id")
    role: str = Field(max_length=20)  # mentor | learner | parent
    at: datetime = _ts()


class PlanChange(SQLModel, table=True):
    """One change to a plan's content: who, when, what before and after."""

    __tablename__ = "plan_change"

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    version: int  # the plan version this change produced
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    at: datetime = _ts(index=True)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=20)
    entity_id: int | None = None
    before: str = Field(default="", max_length=6000)
    after: str = Field(default="", max_length=6000)
    # For changes to notes: the note's author and visibility, so history is filtered like notes.
    note_author_id: int | None = None
    note_visibility: str = Field(default="", max_length=10)


# --- Administration: learner context, imports, retention -------------------------------------


class LearnerContextItem(SQLModel, table=True):
    """One fact about a learner shown in the header of their plan, with who may see it.

    Kinds: "prior_attainment", "support_needs", or "other" (with a label of its own).
    Visibility: "staff" (staff only) or "family" (also the learner and their parents).
    """

    __tablename__ = "learner_context_item"

    id: int | None = Field(default=None, primary_key=True)
    learner_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=30)
    label: str = Field(default="", max_length=80)
    value: str = Field(max_length=2000)
    visibility: str = Field(default="staff", max_length=10)
    position: int = 0
    updated_by_id: int | None = Field(default=None, foreign_key="user.id")
    updated_at: datetime = _ts()


class ImportRun(SQLModel, table=True):
    """One roster or standards import: what was uploaded, what the validation found, what changed."""

    __tablename__ = "import_run"

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    kind: str = Field(max_length=20)  # "oneroster" | "case"
    filename: str = Field(default="", max_length=255)
    started_by_id: int | None = Field(default=None, foreign_key="user.id")
    started_at: datetime = _ts(index=True)
    finished_at: datetime | None = _ts(nullable=True, default=False)
    status: str = Field(default="running", max_length=12)  # running | invalid | failed | done
    summary: str = Field(
        default="", sa_type=sa.Text
    )  # JSON: counts created/updated/retired/unchanged
    report: str = Field(
        default="", sa_type=sa.Text
    )  # JSON: the validation findings per file and row


class RetentionRule(SQLModel, table=True):
    """How long one kind of record is kept at a site; ``keep_days`` None keeps it for good."""

    __tablename__ = "retention_rule"
    __table_args__ = (sa.UniqueConstraint("site_id", "record_type"),)

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    record_type: str = Field(max_length=40)
    keep_days: int | None = None
    updated_at: datetime = _ts()


# --- Mail and account links ---------------------------------------------------------------


class OutgoingMail(SQLModel, table=True):
    """A message in the outbox: written in the transaction that decided to send it, sent later
    by the mail sender (which retries with backoff), so an event never waits for the mail server.
    """

    __tablename__ = "outgoing_mail"

    id: int | None = Field(default=None, primary_key=True)
    site_id: int = Field(foreign_key="site.id", index=True)
    kind: str = Field(max_length=30)  # "password_reset" | "invitation" | ...
    to_address: str = Field(max_length=254)
    subject: str = Field(max_length=200)
    text_body: str = Field(max_length=20000)
    html_body: str = Field(max_length=40000)
    message_id: str = Field(max_length=200, unique=True)  # the same on every attempt
    status: str = Field(default="queued", max_length=10, index=True)  # queued|sending|sent|failed
    attempts: int = 0
    next_attempt_at: datetime = _ts(index=True)
    claimed_at: datetime | None = _ts(nullable=True, default=False)
    sent_at: datetime | None = _ts(nullable=True, default=False)
    last_error: str = Field(default="", max_length=300)
    created_at: datetime = _ts()
    # One-click unsubscribe (RFC 8058) for mail a family may stop; "" for account mail.
    list_unsubscribe: str = Field(default="", max_length=500)


class AccountToken(SQLModel, table=True):
    """A single-use link into an account (a password reset): only its keyed hash is stored."""

    __tablename__ = "account_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=20)  # "password_reset"
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _ts()
    expires_at: datetime = _ts(default=False)
    used_at: datetime | None = _ts(nullable=True, default=False)


# --- School accounts (OpenID Connect) -----------------------------------------------------


class ExternalIdentity(SQLModel, table=True):
    """A person's account at the school's provider: its issuer and subject, linked once."""

    __tablename__ = "external_identity"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject", name="uq_external_identity"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    issuer: str = Field(max_length=255)
    subject: str = Field(max_length=255)
    created_at: datetime = _ts()


class OidcLogin(SQLModel, table=True):
    """One sign-in started at a provider: what the callback must match, used once."""

    __tablename__ = "oidc_login"

    id: int | None = Field(default=None, primary_key=True)
    state_hash: str = Field(max_length=64, unique=True)
    provider: str = Field(max_length=40)
    nonce: str = Field(max_length=100)
    code_verifier: str = Field(max_length=128)
    created_at: datetime = _ts()
    used_at: datetime | None = _ts(nullable=True, default=False)


# --- Mail to families -----------------------------------------------------------------------


class FamilyMailChoice(SQLModel, table=True):
    """How often a parent hears by mail about one child: instant, daily, weekly or off.

    No row means the default (weekly).
    """

    __tablename__ = "family_mail_choice"
    __table_args__ = (sa.UniqueConstraint("parent_id", "learner_id", name="uq_family_mail_choice"),)

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    learner_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    cadence: str = Field(default="weekly", max_length=10)
    updated_at: datetime = _ts()


class DigestSent(SQLModel, table=True):
    """A digest queued for a parent and child for one day or week: never queued twice."""

    __tablename__ = "digest_sent"
    __table_args__ = (
        sa.UniqueConstraint("parent_id", "learner_id", "period_key", name="uq_digest_sent"),
    )

    id: int | None = Field(default=None, primary_key=True)
    parent_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    learner_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    period_key: str = Field(max_length=20)  # "day:2026-12-02" | "week:2026-W49"
    covered_from: datetime = _ts(default=False)
    created_at: datetime = _ts()


class Evidence(SQLModel, table=True):
    """A photo, PDF, audio clip or link showing learning towards a goal (or one of its tasks).

    A file's bytes live outside the database and outside every public folder, under the random
    ``storage_name``; they are served only through the authorised download.
    """

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True, ondelete="CASCADE")
    goal_id: int = Field(foreign_key="goal.id", index=True, ondelete="CASCADE")
    # A deleted task leaves its evidence on the goal.
    task_id: int | None = Field(default=None, foreign_key="task.id", ondelete="SET NULL")
    # The plan's owner, whose quota the file counts against.
    owner_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=10)  # photo | pdf | audio | link
    title: str = Field(max_length=120)
    url: str = Field(default="", max_length=2000)
    storage_name: str = Field(default="", max_length=64)
    media_type: str = Field(default="", max_length=40)
    size_bytes: int = 0
    added_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()
    approved_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    approved_at: datetime | None = _ts(nullable=True, default=False)


class Showcase(SQLModel, table=True):
    """The year-end showcase of one plan, composed by its owner."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", unique=True, ondelete="CASCADE")
    closing_reflection: str = Field(default="", max_length=3000)
    shared_with_family: bool = False
    updated_at: datetime = _ts()


class ShowcaseItem(SQLModel, table=True):
    """One thing the owner chose: a goal (a slide), or a reflection or evidence shown on it."""

    __tablename__ = "showcase_item"
    __table_args__ = (sa.UniqueConstraint("showcase_id", "kind", "ref_id"),)

    id: int | None = Field(default=None, primary_key=True)
    showcase_id: int = Field(foreign_key="showcase.id", index=True, ondelete="CASCADE")
    goal_id: int = Field(foreign_key="goal.id", ondelete="CASCADE")
    kind: str = Field(max_length=12)  # goal | reflection | evidence
    ref_id: int
    position: int = 0
