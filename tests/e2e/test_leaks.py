"""Private data never reaches a browser that may not see it: every websocket frame is checked.

A parent and the learner keep their plan pages open and record every frame the server sends
them while the mentor writes a "Staff" note holding a unique canary. The canary must appear in
none of their frames, even after they reload. Positive controls show the capture would catch a
leak: the mentor's own frames hold the canary, and a canary in a "Learner and parents" note
does reach the parent's frames.
"""

import uuid

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path, wait_for_plan


class FrameRecorder:
    """Every frame received on any websocket of a page, as text."""

    def __init__(self, page):
        self.frames: list[str] = []
        page.on("websocket", self._attach)

    def _attach(self, ws):
        ws.on("framereceived", self._record)

    def _record(self, payload):
        self.frames.append(
            payload if isinstance(payload, str) else bytes(payload).decode("utf-8", "replace")
        )

    def contains(self, text: str) -> bool:
        return any(text in frame for frame in self.frames)


def test_a_staff_note_never_reaches_the_family_and_the_capture_would_notice(new_page):
    staff_canary = f"STAFF-CANARY-{uuid.uuid4().hex}"
    family_canary = f"FAMILY-CANARY-{uuid.uuid4().hex}"

    parent = new_page(PHONE)
    parent_frames = FrameRecorder(parent)
    sign_in(parent, "parent@demo.school")
    wait_for_path(parent, "/parent")
    parent.get_by_role("radio", name="Åsa").click()
    expect(parent.get_by_role("heading", name="Plan log")).to_be_visible()

    learner = new_page(PHONE)
    learner_frames = FrameRecorder(learner)
    sign_in(learner, "learner@demo.school")
    wait_for_path(learner, "/learner")
    expect(learner.get_by_role("heading", name="Plan log")).to_be_visible()

    mentor = new_page()
    mentor_frames = FrameRecorder(mentor)
    sign_in(mentor, "mentor@demo.school")
    wait_for_path(mentor, "/mentor")
    mentor.get_by_role("link", name="Open plan of Åsa", exact=True).click()
    wait_for_plan(mentor)
    mentor.get_by_label("New note").fill(staff_canary)
    mentor.get_by_role("button", name="Save note").click()
    expect(mentor.get_by_text(staff_canary)).to_be_visible()

    # The family loads the plan afresh, after the note exists.
    parent.reload()
    parent.get_by_role("radio", name="Åsa").click()
    expect(parent.get_by_role("heading", name="Plan log")).to_be_visible()
    learner.reload()
    expect(learner.get_by_role("heading", name="Plan log")).to_be_visible()

    # Positive controls: the capture sees note text when it is sent...
    assert mentor_frames.contains(staff_canary)
    mentor.get_by_label("New note").fill(family_canary)
    mentor.get_by_label("Who can see it").select_option(label="Learner and parents")
    mentor.get_by_role("button", name="Save note").click()
    expect(mentor.get_by_text(family_canary)).to_be_visible()
    parent.reload()
    parent.get_by_role("radio", name="Åsa").click()
    expect(parent.get_by_text(family_canary)).to_be_visible()
    assert parent_frames.contains(family_canary)

    # ...and the staff note was never among what the family received.
    assert parent_frames.frames and learner_frames.frames
    assert not parent_frames.contains(staff_canary)
    assert not learner_frames.contains(staff_canary)
