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


def test_the_template_editor_saves_two_years(new_page, app_db):
    name = "Year 8: reading and speaking"
    template = _one(app_db, "SELECT id FROM plan_template WHERE name = :n", n=name)
    page = new_page(PHONE)
    sign_in(page, "mentor@demo.school")
    wait_for_path(page, "/mentor")
    page.goto("/templates")
    page.get_by_role("button", name=f"Open {name}").click()
    editor = page.locator("#template-editor")
    expect(editor.get_by_text("Learner plan", exact=True)).to_be_visible()
    editor.get_by_role("button", name="Edit details").click()
    dialog = page.get_by_role("dialog")
    years = dialog.get_by_role("group", name="Years it suits")
    expect(years.get_by_role("checkbox", name="Year 8")).to_be_checked()
    expect(years.get_by_role("checkbox", name="Year 9")).not_to_be_checked()
    assert_accessible(page)
    years.get_by_role("checkbox", name="Year 9").check()
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_have_count(0)
    expect(editor.get_by_text("Year 9", exact=True)).to_be_visible()
    with app_db.connect() as c:
        saved = (
            c.execute(
                sa.text(
                    "SELECT year_label FROM plan_template_year WHERE template_id = :t "
                    "ORDER BY year_label"
                ),
                {"t": template},
            )
            .scalars()
            .all()
        )
    assert saved == ["Year 8", "Year 9"]
    # Opened again, both are ticked.
    editor.get_by_role("button", name="Edit details").click()
    years = page.get_by_role("dialog").get_by_role("group", name="Years it suits")
    expect(years.get_by_role("checkbox", name="Year 8")).to_be_checked()
    expect(years.get_by_role("checkbox", name="Year 9")).to_be_checked()
