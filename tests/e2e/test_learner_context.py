"""The learner context header in the browser: the mentor adds context, the parent sees only their part.

The parent's check reads the whole page HTML and every websocket frame the server sent, so a
staff-only item that reached the browser at all (even unrendered, in the page's state) fails it.
"""

import uuid

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path, wait_for_plan

LEARNER_NAME = "Åsa"
# Seeded as a staff-only support need of Åsa (ilp_app/seed_context.py).
SEEDED_STAFF_TEXT = "Screened for dyslexia"


class FrameRecorder:
    """Every frame received on any websocket of a page, as text."""

    def __init__(self, page):
        self.frames: list[str] = []
        page.on("websocket", lambda ws: ws.on("framereceived", self._record))

    def _record(self, payload):
        self.frames.append(
            payload if isinstance(payload, str) else bytes(payload).decode("utf-8", "replace")
        )

    def contains(self, text: str) -> bool:
        return any(text in frame for frame in self.frames)


def add_item(dialog, *, kind: str, details: str, visibility: str, label: str = "") -> None:
    dialog.get_by_label("Kind of information").select_option(label=kind)
    if label:
        dialog.get_by_label("Label", exact=True).fill(label)
    dialog.get_by_label("Details").fill(details)
    dialog.get_by_label("Who can see it").select_option(label=visibility)
    dialog.get_by_role("button", name="Save item").click()
    expect(dialog.get_by_role("listitem").filter(has_text=details)).to_be_visible()


def test_mentor_adds_context_and_the_parent_never_receives_the_staff_only_item(new_page):
    tag = uuid.uuid4().hex[:8]
    staff_text = f"Needs a quiet room for tests STAFF-ONLY-{tag}"
    family_text = f"Plays in the school band FAMILY-{tag}"

    mentor = new_page()
    sign_in(mentor, "mentor@demo.school")
    wait_for_path(mentor, "/mentor")
    mentor.get_by_role("link", name=f"Open plan of {LEARNER_NAME}", exact=True).click()
    wait_for_plan(mentor)
    expect(mentor.get_by_role("heading", name=LEARNER_NAME, level=2)).to_be_visible()
    # Staff see the seeded staff-only item, marked as such.
    seeded = mentor.locator(".context-item").filter(has_text=SEEDED_STAFF_TEXT)
    expect(seeded).to_contain_text("Staff only")

    mentor.get_by_role("button", name="Edit context").click()
    dialog = mentor.get_by_role("dialog")
    add_item(
        dialog, kind="Support or additional needs", details=staff_text, visibility="Staff only"
    )
    add_item(
        dialog,
        kind="Other",
        label="Hobbies",
        details=family_text,
        visibility="Staff, learner and parents",
    )
    dialog.get_by_role("button", name="Done").click()
    expect(dialog).to_have_count(0)
    expect(mentor.locator(".context-item").filter(has_text=staff_text)).to_contain_text(
        "Staff only"
    )
    family_row = mentor.locator(".context-item").filter(has_text=family_text)
    expect(family_row).to_contain_text("Hobbies")
    expect(family_row).not_to_contain_text("Staff only")

    parent = new_page(PHONE)
    frames = FrameRecorder(parent)
    sign_in(parent, "parent@demo.school")
    wait_for_path(parent, "/parent")
    parent.get_by_role("radio", name=LEARNER_NAME).click()
    plan = parent.locator("#full-plan")  # below the summary cards, whose headings name each child
    expect(plan.get_by_role("heading", name=LEARNER_NAME, level=2)).to_be_visible()
    expect(parent.get_by_text(family_text)).to_be_visible()
    expect(parent.get_by_text("Tutor group 8A · Year 8")).to_be_visible()
    html = parent.content()
    assert family_text in html  # the check below would notice text that reached the page
    for secret in (staff_text, SEEDED_STAFF_TEXT):
        assert secret not in html
        assert not frames.contains(secret)
    assert frames.contains(family_text)
    expect(parent.get_by_text("Staff only")).to_have_count(0)
    expect(parent.get_by_role("button", name="Edit context")).to_have_count(0)
    # The header fits a phone: nothing is wider than the screen.
    assert parent.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
