"""Plans in the browser: the mentor shapes, the learner ticks on a phone, the parent follows."""

import re
import uuid

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path, wait_for_plan

LEARNER_NAME = "Åsa"


def open_learner_plan_as_mentor(page):
    sign_in(page, "mentor@demo.school")
    wait_for_path(page, "/mentor")
    page.get_by_role("link", name=f"Open plan of {LEARNER_NAME}", exact=True).click()
    wait_for_plan(page)
    expect(page.get_by_role("heading", name=LEARNER_NAME, level=2)).to_be_visible()


def test_mentor_adds_a_goal_and_task_learner_ticks_it_parent_sees_it_completed(new_page):
    tag = uuid.uuid4().hex[:6]
    goal = f"Learn my times tables by heart {tag}"
    task = f"Practise the 7 times table {tag}"

    mentor = new_page()
    open_learner_plan_as_mentor(mentor)
    mentor.get_by_role("button", name="Add a goal to Academic").click()
    dialog = mentor.get_by_role("dialog")
    dialog.get_by_label("Goal").fill(goal)
    dialog.get_by_label("What success looks like").fill(
        "All tables from 2 to 10 in under two minutes"
    )
    dialog.get_by_role("button", name="Save").click()
    expect(mentor.get_by_role("heading", name=goal, level=3)).to_be_visible()
    mentor.get_by_label(f"New task for: {goal}").fill(task)
    mentor.get_by_label(f"New task for: {goal}").press("Enter")
    expect(mentor.get_by_text(task, exact=True)).to_be_visible()

    learner = new_page(PHONE)
    sign_in(learner, "learner@demo.school")
    wait_for_path(learner, "/learner")
    tick = learner.get_by_role("button", name=re.compile(rf"^{re.escape(task)}: Not started"))
    tick.click()
    expect(
        learner.get_by_role("button", name=re.compile(rf"^{re.escape(task)}: Ongoing"))
    ).to_be_visible()
    learner.get_by_role("button", name=re.compile(rf"^{re.escape(task)}: Ongoing")).click()
    expect(
        learner.get_by_role("button", name=re.compile(rf"^{re.escape(task)}: Completed"))
    ).to_be_visible()

    parent = new_page(PHONE)
    sign_in(parent, "parent@demo.school")
    wait_for_path(parent, "/parent")
    parent.get_by_role("radio", name=LEARNER_NAME).click()
    row = parent.get_by_role("listitem").filter(has_text=task)
    expect(row).to_contain_text("Completed")
    # Parents read; they do not tick.
    expect(parent.get_by_role("button", name=re.compile(re.escape(task)))).to_have_count(0)


def test_parent_never_sees_a_staff_note_but_sees_a_family_note(new_page):
    staff_text = f"Needs extra reading support {uuid.uuid4().hex[:8]}"
    family_text = f"Great progress this week {uuid.uuid4().hex[:8]}"
    mentor = new_page()
    open_learner_plan_as_mentor(mentor)
    mentor.get_by_label("New note").fill(staff_text)
    mentor.get_by_role("button", name="Save note").click()
    expect(mentor.get_by_text(staff_text)).to_be_visible()
    mentor.get_by_label("New note").fill(family_text)
    mentor.get_by_label("Who can see it").select_option(label="Learner and parents")
    mentor.get_by_role("button", name="Save note").click()
    expect(mentor.get_by_text(family_text)).to_be_visible()

    parent = new_page(PHONE)
    sign_in(parent, "parent@demo.school")
    wait_for_path(parent, "/parent")
    parent.get_by_role("radio", name=LEARNER_NAME).click()
    expect(parent.get_by_text(family_text)).to_be_visible()
    expect(parent.get_by_text(staff_text)).to_have_count(0)


def test_user_text_is_shown_as_text_never_run(new_page):
    payload = f'<img src=x onerror="window.__pwned=1"> {uuid.uuid4().hex[:6]}'
    learner = new_page(PHONE)
    sign_in(learner, "learner@demo.school")
    wait_for_path(learner, "/learner")
    learner.get_by_label("Write in the log").fill(payload)
    learner.get_by_role("button", name="Post").click()
    expect(learner.get_by_text(payload, exact=True)).to_be_visible()
    mentor = new_page()
    open_learner_plan_as_mentor(mentor)
    expect(mentor.get_by_text(payload, exact=True)).to_be_visible()
    assert mentor.evaluate("window.__pwned") is None
    assert learner.evaluate("window.__pwned") is None


def test_a_learner_cannot_open_another_learners_plan_by_url(new_page, app_db):
    mentor2 = new_page()
    sign_in(mentor2, "mentor2@demo.school")
    wait_for_path(mentor2, "/mentor")
    mentor2.get_by_role("link", name=re.compile(r"^Open plan of ")).first.click()
    wait_for_plan(mentor2)
    foreign_url = mentor2.url

    learner = new_page(PHONE)
    sign_in(learner, "learner@demo.school")
    wait_for_path(learner, "/learner")
    learner.goto(foreign_url)
    expect(learner.get_by_text("You do not have access")).to_be_visible()
    wait_for_path(learner, "/learner")

    # The refused open is in the audit trail once, however many parts of the page asked.
    foreign_plan_id = foreign_url.rstrip("/").rsplit("/", 1)[-1]
    with app_db.connect() as conn:
        refusals = conn.exec_driver_sql(
            'SELECT count(*) FROM auditevent a JOIN "user" u ON u.id = a.actor_user_id '
            "WHERE u.email = 'learner@demo.school' AND a.outcome = 'denied' AND a.target_type = 'plan' "
            "AND a.target_id = ?",
            (foreign_plan_id,),
        ).scalar_one()
    assert refusals == 1
