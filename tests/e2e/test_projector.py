"""The classroom projector: thirty learners on one 1920×1080 screen, first names only, none missing,
counts that fit their chips, long names on two lines, and "No plan yet" rather than zeros."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from ilp_app.db.models import Enrollment, Goal, Group, Plan, PlanFocusArea, RoleGrant, Task, User
from tests.e2e.conftest import sign_in, wait_for_path
from tests.support.axe import assert_accessible

CLASS_SIZE = 30


@pytest.fixture(scope="module")
def full_class(app_db) -> tuple[int, list[tuple[str, str]]]:
    """A group of thirty learners the mentor teaches: (group id, [(first name, surname)])."""
    tag = uuid.uuid4().hex[:6]
    people = [(f"Learner{i:02d}", f"Surname{tag}{i:02d}") for i in range(CLASS_SIZE)]
    people[1] = ("Aleksandriana-Konstantina", f"Surname{tag}01")  # a long first name
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
            if first in (people[0][0], people[1][0]):
                with_tasks(s, user, mentor, done=12, ongoing=11, todo=10)
        s.commit()
        return group.id, people


def with_tasks(s: Session, learner: User, mentor: User, *, done: int, ongoing: int, todo: int):
    """An active plan for ``learner`` in the period of the mentor's demo plans, with two-digit counts."""
    period_id = s.exec(select(Plan.period_id).where(Plan.status == "active")).first()
    plan = Plan(
        site_id=learner.site_id,
        learner_id=learner.id,
        period_id=period_id,
        status="active",
        created_by_id=mentor.id,
    )
    s.add(plan)
    s.flush()
    area = PlanFocusArea(plan_id=plan.id, name="Reading")
    s.add(area)
    s.flush()
    goal = Goal(plan_id=plan.id, focus_area_id=area.id, statement="Read more")
    s.add(goal)
    s.flush()
    statuses = ["completed"] * done + ["ongoing"] * ongoing + ["not_started"] * todo
    for i, status in enumerate(statuses):
        s.add(
            Task(plan_id=plan.id, goal_id=goal.id, title=f"Chapter {i}", status=status, position=i)
        )


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
        # Two-digit counts stay inside their chips, and the chips inside their tile.
        spills = page.evaluate(
            """() => [...document.querySelectorAll('.tile')].flatMap(tile => {
                const t = tile.getBoundingClientRect();
                return [...tile.querySelectorAll('.count, .tile-percent')].filter(c => {
                    const r = c.getBoundingClientRect();
                    return c.scrollWidth > c.clientWidth + 1 || r.right > t.right + 1 || r.left < t.left - 1;
                }).map(c => c.textContent);
            })"""
        )
        assert spills == [], spills
        with_plan = tiles.filter(has_text=people[0][0])
        expect(with_plan).to_contain_text("12")
        expect(with_plan).to_contain_text("11")
        expect(with_plan).not_to_contain_text("No plan yet")
        # A long name wraps onto a second line before anything is cut.
        long_name = tiles.filter(has_text="Aleksandriana").locator(".tile-name")
        assert long_name.evaluate(
            "e => e.scrollHeight <= e.clientHeight + 1 && e.scrollWidth <= e.clientWidth + 1"
        ), "name cut"
        # A learner with no plan reads "No plan yet", not "0 0 0 0%".
        without = tiles.filter(has_text=people[2][0])
        expect(without).to_contain_text("No plan yet")
        expect(without).not_to_contain_text("0%")
        legend = page.locator(".key-label").first
        assert float(legend.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 28
        assert_accessible(page)
    finally:
        context.close()
