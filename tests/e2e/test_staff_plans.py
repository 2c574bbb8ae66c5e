"""Staff plans in the browser: a member of staff opens their own plan from their home, their
supervisor finds it under "My staff", and a parent, a learner or a colleague is refused."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path, wait_for_plan
from tests.e2e.test_forged_events import SocketTap
from tests.support.axe import assert_accessible


def staff_plan_id(app_db, email: str) -> int:
    with app_db.connect() as c:
        return c.execute(
            sa.text(
                'SELECT plan.id FROM plan JOIN "user" u ON u.id = plan.learner_id '
                "WHERE plan.kind = 'staff' AND u.email = :e"
            ),
            {"e": email},
        ).scalar_one()


def test_a_mentor_opens_my_own_plan_from_their_home(new_page, app_db):
    page = new_page(PHONE)
    sign_in(page, "mentor@demo.school")
    wait_for_path(page, "/mentor")
    own = page.get_by_role("region", name="My own plan")
    expect(own).to_contain_text("Supervisor: Henrik Aasen")
    # Beside their work: the mentor's learners are on the same home, no role switch needed.
    expect(page.get_by_role("link", name=re.compile(r"^Open plan of Åsa"))).to_be_visible()
    assert_accessible(page)
    own.get_by_role("link", name="Open my own plan").click()
    wait_for_plan(page)
    assert page.url.rstrip("/").endswith(f"/plans/{staff_plan_id(app_db, 'mentor@demo.school')}")
    expect(page.get_by_text("Staff plan", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Professional goals")).to_be_visible()
    expect(page.get_by_role("heading", name="Observations")).to_be_visible()
    # Not a learner's record: no reviews with families, no learner report.
    expect(page.get_by_role("heading", name="Review meetings")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^All plans of"))).to_have_count(0)
    assert_accessible(page)


def test_the_supervisor_finds_the_plan_under_my_staff(new_page, app_db):
    page = new_page()
    sign_in(page, "head@demo.school")
    wait_for_path(page, "/teacher")
    staff = page.get_by_role("list", name="My staff")
    expect(staff.get_by_role("listitem")).to_have_count(2)
    expect(staff).to_contain_text("Carlos Herrera")
    assert_accessible(page)
    staff.get_by_role("link", name="Open plan of Ingrid Halvorsen").click()
    wait_for_plan(page)
    assert page.url.rstrip("/").endswith(f"/plans/{staff_plan_id(app_db, 'mentor@demo.school')}")
    expect(page.get_by_text("You are their supervisor.")).to_be_visible()
    expect(page.get_by_role("heading", name="Professional goals")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize(
    ("email", "home"),
    [
        ("parent@demo.school", "/parent"),
        ("learner@demo.school", "/learner"),
        # Carlos teaches Mathematics 8 to the same learners Ingrid teaches Science 8.
        ("teacher.math@demo.school", "/teacher"),
    ],
)
def test_a_parent_a_learner_and_a_colleague_are_refused(new_page, app_db, email, home):
    plan_id = staff_plan_id(app_db, "mentor@demo.school")
    page = new_page(PHONE)
    sign_in(page, email)
    wait_for_path(page, home)
    page.goto(f"/plans/{plan_id}")
    expect(page.get_by_text("You do not have access")).to_be_visible()
    wait_for_path(page, home)
    expect(page.get_by_text("Use formative assessment in every Science 8 unit")).to_have_count(0)
    with app_db.connect() as c:
        denied = c.execute(
            sa.text(
                'SELECT count(*) FROM auditevent a JOIN "user" u ON u.id = a.actor_user_id '
                "WHERE a.action = 'plan.view' AND a.outcome = 'denied' "
                "AND a.target_id = :p AND u.email = :e"
            ),
            {"p": str(plan_id), "e": email},
        ).scalar_one()
    assert denied >= 1


STAFF_PLANS_STATE = "ilp_app___state___staff_plans____staff_plans_state"


def test_a_colleague_forging_a_start_of_someone_elses_staff_plan_is_refused(new_page, app_db):
    with app_db.connect() as c:
        head_id = c.execute(
            sa.text("SELECT id FROM \"user\" WHERE email = 'head@demo.school'")
        ).scalar_one()
    page = new_page(PHONE)
    tap = SocketTap(page)
    sign_in(page, "teacher.math@demo.school")
    wait_for_path(page, "/teacher")
    expect(page.get_by_role("region", name="My own plan")).to_be_visible()
    template = tap.events()[-1]
    session_state = next(e["name"] for e in tap.events() if "session_state." in e["name"])
    prefix = session_state[: session_state.index("session_state.") + len("session_state")]
    tap.forge(template, f"{prefix}.{STAFF_PLANS_STATE}.start_plan_for", {"staff_id": head_id})
    expect(page.get_by_text("You do not have access").first).to_be_visible()
    with app_db.connect() as c:
        plans = c.execute(
            sa.text("SELECT count(*) FROM plan WHERE learner_id = :h"), {"h": head_id}
        ).scalar_one()
        denied = c.execute(
            sa.text(
                "SELECT count(*) FROM auditevent WHERE action = 'staff_plan.create' "
                "AND outcome = 'denied' AND target_id = :h"
            ),
            {"h": str(head_id)},
        ).scalar_one()
    assert (plans, denied) == (0, 1)
