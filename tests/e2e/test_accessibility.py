"""axe-core on every page, for each role: no serious or critical violation anywhere.

Each role signs in on a phone and on a desktop and opens every page it uses. The pages are
checked once their data has arrived (the page's heading is shown and its spinner gone).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in
from tests.support.axe import axe_violations


def _ids(app_db) -> dict[str, int]:
    with app_db.connect() as c:

        def one(sql: str) -> int:
            return c.execute(sa.text(sql)).scalar_one()

        return {
            "plan": one(
                "SELECT p.id FROM plan p JOIN user u ON u.id = p.learner_id "
                "WHERE u.email = 'learner@demo.school' AND p.status = 'active'"
            ),
            "learner": one("SELECT id FROM user WHERE email = 'learner@demo.school'"),
            "group": one("SELECT id FROM learner_group WHERE name = '8A'"),
            "class": one("SELECT id FROM learner_group WHERE name = 'Mathematics 8'"),
            "person": one("SELECT id FROM user WHERE email = 'mentor@demo.school'"),
        }


PAGES = {
    None: ["/login", "/password/forgot", "/password/forgot?sent=1", "/password/reset"],
    "learner@demo.school": [
        "/learner",
        "/learners/{learner}",
        "/account/password",
        "/plans/{plan}/evidence",
        "/plans/{plan}/showcase",
        "/plans/{plan}/showcase/present",
    ],
    "parent@demo.school": [
        "/parent",
        "/plans/{plan}",
        "/learners/{learner}",
        "/plans/{plan}/evidence",
    ],
    "mentor@demo.school": [
        "/mentor",
        "/plans/{plan}",
        "/groups/{group}",
        "/groups/{group}/projector",
        "/templates",
        "/objectives",
        "/learners/{learner}",
        "/plans/{plan}/evidence",
        "/plans/{plan}/showcase",
    ],
    "teacher.math@demo.school": ["/teacher", "/groups/{class}"],
    "admin@demo.school": [
        "/admin",
        "/admin/people/{person}",
        "/admin/groups",
        "/admin/import",
        "/admin/school",
        "/admin/privacy",
        "/objectives",
        "/templates",
        "/admin/mail",
        "/admin/rules",
        "/admin/school-view",
    ],
}


def _settled(page) -> None:
    """Wait until the page's own data is on screen (no loading spinner left)."""
    expect(page.locator("h1").first).to_be_visible()
    expect(page.get_by_label("Loading")).to_have_count(0)
    page.wait_for_timeout(300)


@pytest.mark.parametrize(
    "viewport", [PHONE, {"width": 1280, "height": 800}], ids=["phone", "desktop"]
)
@pytest.mark.parametrize("email", list(PAGES), ids=lambda e: (e or "signed-out").split("@")[0])
def test_no_serious_or_critical_violation_on_any_page(new_page, app_db, email, viewport):
    ids = _ids(app_db)
    page = new_page(viewport)
    if email:
        sign_in(page, email)
        page.wait_for_url(lambda url: "/login" not in url)
    found = []
    for path in PAGES[email]:
        page.goto(path.format(**ids))
        _settled(page)
        found += [
            f"{path}: {v['impact']} {v['id']} "
            f"{[(n['target'], n['html'][:160]) for n in v['nodes'][:3]]}"
            for v in axe_violations(page)
        ]
    assert not found, "\n".join(found)
