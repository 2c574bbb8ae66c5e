"""A mentor adds a goal with the keyboard only: a jump link reaches the focus area, the dialog
is filled and saved by keys, and focus comes back to the button that opened it."""

import uuid

from playwright.sync_api import expect

from tests.e2e.test_plan_flows import open_learner_plan_as_mentor
from tests.support.axe import assert_accessible

MAX_TABS = 60


def focused_name(page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e ? (e.getAttribute('aria-label') || e.textContent || '').trim() : ''; }"
    )


def tab_until(page, wanted, limit: int = MAX_TABS) -> int:
    """Press Tab until the focused control's name satisfies ``wanted``; the presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if wanted(focused_name(page)):
            return presses
    raise AssertionError(f"not reached in {limit} Tab presses; last: {focused_name(page)!r}")


def test_a_mentor_adds_a_goal_by_keyboard_and_focus_returns_to_the_opener(new_page):
    page = new_page()
    open_learner_plan_as_mentor(page)
    areas = page.get_by_role("navigation", name="Focus areas").get_by_role("link")
    area = areas.first.inner_text().strip()
    page.locator("body").focus()
    to_jump = tab_until(page, lambda name: name == area)
    page.keyboard.press("Enter")
    to_button = tab_until(page, lambda name: name == f"Add a goal to {area}", limit=3)
    assert to_jump + to_button <= 30, (to_jump, to_button)  # was 98 presses before jump links
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    assert_accessible(page)
    goal = f"Read a book a month {uuid.uuid4().hex[:6]}"
    goal_field = dialog.get_by_label("Goal")
    for _ in range(5):  # the dialog puts focus on its first field, or a Tab or two before it
        if goal_field.evaluate("e => e === document.activeElement"):
            break
        page.keyboard.press("Tab")
    expect(goal_field).to_be_focused()
    page.keyboard.type(goal)
    tab_until(page, lambda name: name == "Save")
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("heading", name=goal, level=3)).to_be_visible()
    # Focus is back on the control that opened the dialog, not at the top of the page.
    expect(page.get_by_role("button", name=f"Add a goal to {area}")).to_be_focused()
