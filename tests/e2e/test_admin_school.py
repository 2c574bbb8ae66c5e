"""School settings in the browser: the administrator switches ILPs off and on, and grows the catalogue."""

import uuid

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path, wait_for_plan

SCHOOL = "Fjordside International School"
SWITCHED_OFF = f"Individual learning plans are switched off at {SCHOOL}. Ask the school office."


def open_school_settings(page):
    sign_in(page, "admin@demo.school")
    wait_for_path(page, "/admin")
    page.get_by_role("navigation", name="Administration sections").get_by_role(
        "link",
        name="School",
        exact=True,  # not "School view"
    ).click()
    wait_for_path(page, "/admin/school")


def set_ilps(admin, *, on: bool) -> None:
    switch = admin.get_by_role("switch", name=f"Individual learning plans at {SCHOOL}")
    switch.click()
    admin.get_by_role("alertdialog").get_by_role(
        "button", name="Switch ILPs on" if on else "Switch ILPs off"
    ).click()
    expect(switch).to_be_checked(checked=on)


def test_ilps_switched_off_tell_the_learner_why_and_switched_on_give_the_plan_back(new_page):
    admin = new_page()
    open_school_settings(admin)
    set_ilps(admin, on=False)
    try:
        learner = new_page(PHONE)
        sign_in(learner, "learner@demo.school")
        wait_for_path(learner, "/learner")
        expect(learner.get_by_role("status").filter(has_text=SWITCHED_OFF)).to_be_visible()
        expect(learner.get_by_label("Write in the log")).to_have_count(0)
        expect(learner.get_by_label("Loading")).to_have_count(0)  # the answer, not a spinner
        wait_for_path(learner, "/learner")  # and no bouncing between pages
    finally:
        set_ilps(admin, on=True)
    learner.reload()
    expect(learner.get_by_label("Write in the log")).to_be_visible()
    expect(learner.get_by_text(SWITCHED_OFF)).to_have_count(0)


def test_a_focus_area_the_admin_adds_is_offered_to_the_mentor(new_page):
    area = f"Creativity {uuid.uuid4().hex[:6]}"
    admin = new_page(PHONE)
    open_school_settings(admin)
    admin.get_by_label("New focus area").fill(area)
    admin.get_by_label("Description (optional)").fill("Making and inventing")
    admin.get_by_role("button", name="Add focus area").click()
    expect(admin.get_by_role("button", name=f"Archive {area}")).to_be_visible()
    assert admin.evaluate("document.documentElement.scrollWidth") <= 375

    mentor = new_page()
    sign_in(mentor, "mentor@demo.school")
    wait_for_path(mentor, "/mentor")
    mentor.get_by_role("link", name="Open plan of Åsa", exact=True).click()
    wait_for_plan(mentor)
    expect(mentor.locator(f'#focus-area-choices option[value="{area}"]')).to_have_count(1)
