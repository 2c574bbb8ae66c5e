"""Every URL of the app, in one place."""

from __future__ import annotations

from ilp_app.domain.roles import Role

INDEX = "/"
LOGIN = "/login"
PASSWORD = "/account/password"
PASSWORD_FORGOT = "/password/forgot"
PASSWORD_RESET = "/password/reset"
ADMIN = "/admin"
MENTOR = "/mentor"
TEACHER = "/teacher"
LEARNER = "/learner"
PARENT = "/parent"
PLAN = "/plans/[plan_id]"
EVIDENCE = "/plans/[plan_id]/evidence"
SHOWCASE = "/plans/[plan_id]/showcase"
SHOWCASE_PRESENT = "/plans/[plan_id]/showcase/present"
GROUP = "/groups/[group_id]"
PROJECTOR = "/groups/[group_id]/projector"
TEMPLATES = "/templates"
LEARNER_REPORT = "/learners/[learner_id]"
OBJECTIVES = "/objectives"
ADMIN_SCHOOL = "/admin/school"
ADMIN_PERSON = "/admin/people/[user_id]"
ADMIN_GROUPS = "/admin/groups"
ADMIN_IMPORT = "/admin/import"
ADMIN_PRIVACY = "/admin/privacy"
ADMIN_MAIL = "/admin/mail"
ADMIN_RULES = "/admin/rules"
ADMIN_SCHOOL_VIEW = "/admin/school-view"
ADMIN_COACHING = "/admin/coaching"

ROLE_HOMES: dict[Role, str] = {
    Role.ADMINISTRATOR: ADMIN,
    Role.MENTOR: MENTOR,
    Role.TEACHER: TEACHER,
    Role.LEARNER: LEARNER,
    Role.PARENT: PARENT,
}


def home_url(role: Role | str | None) -> str:
    """The home page of a role (the sign-in page when there is none)."""
    try:
        return ROLE_HOMES[Role(role)]
    except (ValueError, KeyError):
        return LOGIN


def plan_url(plan_id) -> str:
    """Where one plan is shown (``plan_id`` may be a number or a frontend var)."""
    return f"/plans/{plan_id}"


def evidence_page_url(plan_id) -> str:
    """A plan's evidence of learning (``plan_id`` may be a number or a frontend var)."""
    return f"/plans/{plan_id}/evidence"


def showcase_url(plan_id) -> str:
    return f"/plans/{plan_id}/showcase"


def showcase_present_url(plan_id) -> str:
    return f"/plans/{plan_id}/showcase/present"


def group_url(group_id) -> str:
    return f"/groups/{group_id}"


def projector_url(group_id) -> str:
    return f"/groups/{group_id}/projector"


def admin_person_url(user_id) -> str:
    return f"/admin/people/{user_id}"


def learner_report_url(learner_id) -> str:
    """One learner's overview across periods (``learner_id`` may be a number or a frontend var)."""
    return f"/learners/{learner_id}"


# --- HTTP endpoints beside the pages ---

# Downloads: each pattern is served by a route and built by url_for, so it is written once.
API_REVIEW_ICS = "/api/reviews/{review_id}.ics"
API_GROUP_CSV = "/api/groups/{group_id}/report.csv"
API_GROUP_PDF = "/api/groups/{group_id}/plans.pdf"
API_GROUP_LETTERS = "/api/groups/{group_id}/invitations.pdf"
API_UNSUBSCRIBE = "/api/unsubscribe/{parent_id}/{learner_id}/{signature}"
API_PLAN_PDF = "/api/plans/{plan_id}.pdf"
API_PRINT_FILE = "/api/print/{key}.pdf"
API_LEARNER_EXPORT = "/api/learners/{learner_id}/export.zip"
API_MY_EXPORT = "/api/learners/me/export.zip"
API_SCHOOL_VIEW_CSV = "/api/school/view.csv"
API_EVIDENCE_FILE = "/api/evidence/{evidence_id}"
API_SHOWCASE_PDF = "/api/plans/{plan_id}/showcase.pdf"


def url_for(pattern: str, **params) -> str:
    """The URL of ``pattern`` with its ``{name}`` parts filled in.

    A value may be a number, text or a frontend var (formatting a var embeds it, as an f-string
    would), so pages build links from state and the routes match them from the same pattern.
    """
    return pattern.format(**params)


#: The Reflex event socket (engine.io mounts it here).
EVENT_SOCKET_PATH = "/_event"
#: The session cookie: random, HttpOnly, set only by the sign-in endpoint's response.
SESSION_COOKIE = "ilp_session"
SIGN_IN = "/auth/sign-in"
SIGN_OUT = "/auth/sign-out"
PASSWORD_CHANGE = "/auth/password"
AUTH_FORGOT = "/auth/forgot"
AUTH_RESET = "/auth/reset"
AUTH_OIDC_START = "/auth/oidc/{key}/start"
AUTH_OIDC_CALLBACK = "/auth/oidc/{key}/callback"


def login_url(*, error: str = "", wait_seconds: int = 0) -> str:
    """The sign-in page, showing the refusal named by ``error`` (a code, never free text)."""
    if not error:
        return LOGIN
    return f"{LOGIN}?error={error}" + (f"&wait={wait_seconds}" if wait_seconds else "")


def forgot_url(*, sent: bool = False) -> str:
    return f"{PASSWORD_FORGOT}?sent=1" if sent else PASSWORD_FORGOT


def reset_page_url(*, error: str = "", token: str = "") -> str:
    """The reset page, with a refusal code; the link's token, if any, goes back in the fragment."""
    return (f"{PASSWORD_RESET}?error={error}" if error else PASSWORD_RESET) + (
        f"#{token}" if token else ""
    )


def password_url(*, error: str = "") -> str:
    """The password page, with the refusal named by ``error`` (a code, never free text)."""
    return f"{PASSWORD}?error={error}" if error else PASSWORD
