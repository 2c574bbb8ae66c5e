"""Staff plan templates in the browser: a supervisor starts a staff plan from the school's staff
template, and the library tells staff templates from learners' ones."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect
from sqlmodel import Session

from ilp_app.db.models import SupervisorAssignment
from tests.e2e.conftest import PHONE, sign_in, wait_for_path, wait_for_plan
from tests.support.axe import assert_accessible

STAFF = "teacher.norwegian@demo.school"  # Solveig Brekke: a teacher with no staff plan yet


def _one(app_db, sql: str, **params):
    with app_db.connect() as c:
        return c.execute(sa.text(sql), params).scalar_one()


def test_a_supervisor_starts_a_staff_plan_from_the_staff_template(new_page, app_db):
    head = _one(app_db, "SELECT id FROM \"user\" WHERE email = 'head@demo.school'")
    staff = _one(app_db, 'SELECT id FROM "user" WHERE email = :e', e=STAFF)
    template = _one(app_db, "SELECT id FROM plan_template WHERE name = 'Professional year'")
    with Session(app_db) as s:
        s.add(SupervisorAssignment(supervisor_id=head, staff_id=staff))
        s.commit()
    try:
        page = new_page(PHONE)
        sign_in(page, "head@demo.school")
        wait_for_path(page, "/teacher")
        choice = page.get_by_label("Template for new staff plans")
        expect(choice).to_have_value(str(template))
        expect(choice.get_by_role("option")).to_have_text(["Professional year"])
        assert_accessible(page)
        page.get_by_role("button", name="Start plan for Solveig Brekke").click()
        wait_for_plan(page)
        expect(page.get_by_text("Staff plan", exact=True)).to_be_visible()
        for area in ("Professional goals", "Bucket list", "Observations"):
            expect(page.get_by_role("heading", name=area)).to_be_visible()
        expect(page.get_by_text(re.compile("^Try one new teaching approach"))).to_be_visible()
        assert_accessible(page)
        made = _one(
            app_db,
            "SELECT template_id FROM plan WHERE learner_id = :s AND kind = 'staff'",
            s=staff,
        )
        assert made == template
    finally:
        # The app's database is shared by the session's browser tests: leave the demo as it was.
        with app_db.begin() as c:
            c.execute(sa.text("DELETE FROM plan WHERE learner_id = :s"), {"s": staff})
            c.execute(
                sa.text("DELETE FROM supervisor_assignment WHERE staff_id = :s"), {"s": staff}
            )
