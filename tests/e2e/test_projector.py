"""The classroom projector: thirty learners on one 1920×1080 screen, first names only, none missing."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from ilp_app.db.models import Enrollment, Group, RoleGrant, User
from tests.e2e.conftest import sign_in, wait_for_path

CLASS_SIZE = 30


@pytest.fixture(scope="module")
def full_class(app_db) -> tuple[int, list[tuple[str, str]]]:
    """A group of thirty learners the mentor teaches: (group id, [(first name, surname)])."""
    tag = uuid.uuid4().hex[:6]
    people = [(f"Learner{i:02d}", f"Surname{tag}{i:02d}") for i in range(CLASS_SIZE)]
    with Session(app_db) as s:
        mentor = s.exec(select(User).where(User.email == "mentor@demo.school")).one()
        group = Group(site_id=mentor.site_id, name=f"Projector {tag}", kind="class")
        s.add(group)
        s.flush()
        s.add(Enrollment(group_id=group.id, user_id=mentor.id, role="teacher"))
        for first, last in people:
            user = User(
                site_id=mentor.site_id,
                email=f"{first.lower()}.{last.lower()}@demo.school",
                full_name=f"{first} {last}",
                is_active=True,
            )
            s.add(user)
            s.flush()
            s.add(RoleGrant(user_id=user.id, role="learner"))
            s.add(Enrollment(group_id=group.id, user_id=user.id, role="learner"))
        s.commit()
        return group.id, people


def test_thirty_learners_fit_one_screen_by_first_name_only(browser, base_url, full_class):
    group_id, people = full_class
    context = browser.new_context(base_url=base_url, viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, "mentor@demo.school")
        wait_for_path(page, "/mentor")
        page.goto(f"/groups/{group_id}/projector")
        tiles = page.get_by_role("list", name="Progress of the class").get_by_role("listitem")
        expect(tiles).to_have_count(CLASS_SIZE)
        text = page.inner_text("main")
        missing = [first for first, _ in people if first not in text]
        assert missing == [], missing  # every learner is on the screen
        shown_surnames = [last for _, last in people if last in text]
        assert shown_surnames == [], shown_surnames  # never a full name in front of the class
        # Everything fits one screen: nothing scrolls, every tile is inside the viewport.
        assert page.evaluate("document.documentElement.scrollHeight") <= 1080
        assert page.evaluate("document.documentElement.scrollWidth") <= 1920
        for i in range(CLASS_SIZE):
            box = tiles.nth(i).bounding_box()
            assert box is not None and box["y"] + box["height"] <= 1080, (i, box)
    finally:
        context.close()
