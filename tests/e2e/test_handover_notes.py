"""A mentor leaves a handover note on a learner's plan: staff find it pinned above the plan,
the learner's parent never sees it."""

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path, wait_for_plan
from tests.support.axe import assert_accessible

NOTE = "Handover: Åsa does best with a quiet start to each lesson."


def asa_plan_id(app_db) -> int:
    with app_db.connect() as c:
        return c.execute(
            sa.text(
                'SELECT plan.id FROM plan JOIN "user" u ON u.id = plan.learner_id '
                "WHERE u.email = 'learner@demo.school' AND plan.status = 'active' "
                "AND plan.kind = 'learner'"
            )
        ).scalar_one()


def test_a_handover_note_is_pinned_for_staff_and_never_shown_to_the_family(new_page, app_db):
    plan_id = asa_plan_id(app_db)
    mentor = new_page(PHONE)
    sign_in(mentor, "mentor@demo.school")
    wait_for_path(mentor, "/mentor")
    mentor.goto(f"/plans/{plan_id}")
    wait_for_plan(mentor)
    mentor.get_by_label("Handover note for the next mentor").fill(NOTE)
    mentor.get_by_role("button", name="Save handover note").click()
    pinned = mentor.get_by_role("list", name="Handover notes")
    expect(pinned).to_contain_text(NOTE)
    assert_accessible(mentor)

    teacher = new_page()
    sign_in(teacher, "teacher.math@demo.school")
    wait_for_path(teacher, "/teacher")
    teacher.goto(f"/plans/{plan_id}")
    wait_for_plan(teacher)
    expect(teacher.get_by_role("list", name="Handover notes")).to_contain_text(NOTE)

    parent = new_page(PHONE)
    sign_in(parent, "parent@demo.school")
    wait_for_path(parent, "/parent")
    parent.goto(f"/plans/{plan_id}")
    wait_for_plan(parent)
    expect(parent.get_by_role("heading", name="Plan log")).to_be_visible()  # the plan is shown
    expect(parent.get_by_role("heading", name="Handover notes")).to_have_count(0)
    expect(parent.get_by_text(NOTE)).to_have_count(0)
