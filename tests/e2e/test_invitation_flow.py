"""An administrator invites a parent from their page; the mail waits under "Sent mail" (no mail
server in the test); the parent opens the link, chooses a password and lands at home."""

import re
import uuid

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path
from tests.e2e.test_password_reset_flow import latest_link
from tests.support.axe import assert_accessible


def a_parent_never_invited(app_db) -> tuple[int, str, str]:
    with app_db.connect() as c:
        return tuple(
            c.execute(
                sa.text(
                    "SELECT u.id, u.email, u.full_name FROM user u "
                    "JOIN rolegrant r ON r.user_id = u.id WHERE r.role = 'parent' "
                    "AND u.email NOT IN ('parent@demo.school', 'chidi.okonkwo@demo.school') "
                    "AND u.is_active AND NOT EXISTS "
                    "(SELECT 1 FROM account_token t WHERE t.user_id = u.id) ORDER BY u.id DESC LIMIT 1"
                )
            ).one()
        )


def test_an_administrator_invites_a_parent_who_then_chooses_a_password(new_page, app_db):
    user_id, email, name = a_parent_never_invited(app_db)
    admin = new_page()
    sign_in(admin, "admin@demo.school")
    wait_for_path(admin, "/admin")
    admin.goto(f"/admin/people/{user_id}")
    expect(admin.get_by_text("Not invited yet.")).to_be_visible()
    admin.get_by_role("button", name=f"Send invitation to {name}").click()
    expect(admin.get_by_text("Invitation sent")).to_be_visible()
    expect(admin.get_by_text(re.compile(r"^Invited \d{4}-\d\d-\d\d"))).to_be_visible()
    admin.goto("/admin/mail")
    mails = admin.get_by_role("list", name="Messages")
    expect(mails.get_by_role("listitem").first).to_contain_text(email)
    assert_accessible(admin)

    parent = new_page(PHONE)
    parent.goto(latest_link(app_db, email))
    expect(parent.get_by_role("heading", name="Choose your password")).to_be_visible()
    password = f"we read together {uuid.uuid4().hex[:6]}"
    parent.get_by_label("New password", exact=True).fill(password)
    parent.get_by_label("Repeat new password").fill(password)
    parent.get_by_role("button", name="Save and sign in").click()
    wait_for_path(parent, "/parent")
    admin.goto(f"/admin/people/{user_id}")
    expect(admin.get_by_text("Invitation accepted")).to_be_visible()
