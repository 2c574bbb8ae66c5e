"""Evidence of learning and the showcase in the browser.

A parent never receives a piece the mentor has not approved: every websocket frame of their tab
is checked for its title, before and after the learner adds it, and a positive control shows the
capture would catch it once approved. The showcase is presented at 1920×1080: one slide per
chosen goal, large type, arrow keys and the on-screen buttons, nothing scrolling off the screen.
"""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import expect

from ilp_app.seed_evidence import APPROVED_LINK_TITLE, CLOSING_DRAFT, PENDING_TITLE, PHOTO_TITLE
from tests.e2e.conftest import PHONE, sign_in, wait_for_path
from tests.e2e.test_leaks import FrameRecorder
from tests.support.axe import assert_accessible

EVIDENCE_STATE = "ilp_app___state___evidence____evidence_state"


def open_evidence(page) -> None:
    page.get_by_role("link", name="Evidence of learning").first.click()
    expect(page.get_by_role("heading", name="Evidence of learning", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Evidence so far")).to_be_visible()


def choose_asa(parent) -> None:
    """On the parent's home, show Åsa's plan (and wait for it: the links follow the child shown)."""
    parent.get_by_role("radio", name="Åsa").click()
    expect(parent.get_by_role("link", name=re.compile(r"^All plans of Åsa"))).to_be_visible()


def photo_loaded(page, title: str) -> bool:
    """Whether the photo named ``title`` arrived and decoded (lazy images load once in view)."""
    image = page.get_by_role("img", name=title)
    image.scroll_into_view_if_needed()
    expect(image).to_be_visible()
    return image.evaluate("img => img.decode().then(() => img.naturalWidth > 0, () => false)")


def test_a_parent_never_receives_unapproved_evidence(new_page):
    canary = f"EVIDENCE-CANARY-{uuid.uuid4().hex}"

    parent = new_page(PHONE)
    parent_frames = FrameRecorder(parent)
    sign_in(parent, "parent@demo.school")
    wait_for_path(parent, "/parent")
    choose_asa(parent)
    open_evidence(parent)
    # The approved photo is served to the family through the authorised download.
    assert photo_loaded(parent, PHOTO_TITLE)
    expect(parent.get_by_role("heading", name=APPROVED_LINK_TITLE)).to_be_visible()
    expect(parent.get_by_text(PENDING_TITLE)).to_have_count(0)
    expect(parent.get_by_role("button", name="Add the link")).to_have_count(0)
    assert_accessible(parent)

    learner = new_page(PHONE)
    sign_in(learner, "learner@demo.school")
    wait_for_path(learner, "/learner")
    open_evidence(learner)
    expect(learner.get_by_role("heading", name=PENDING_TITLE)).to_be_visible()
    learner.get_by_label("Title").fill(canary)
    learner.get_by_label("Link address").fill("https://example.org/my-talk")
    learner.get_by_role("button", name="Add the link").click()
    card = learner.get_by_role("heading", name=canary)
    expect(card).to_be_visible()
    assert_accessible(learner)
    # Nothing leaves the 375 px screen sideways.
    assert learner.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    parent.reload()
    expect(parent.get_by_role("heading", name=APPROVED_LINK_TITLE)).to_be_visible()
    expect(parent.get_by_text(canary)).to_have_count(0)

    mentor = new_page()
    mentor_frames = FrameRecorder(mentor)
    sign_in(mentor, "mentor@demo.school")
    wait_for_path(mentor, "/mentor")
    mentor.get_by_role("link", name="Open plan of Åsa", exact=True).click()
    open_evidence(mentor)
    expect(mentor.get_by_role("heading", name=canary)).to_be_visible()
    assert mentor_frames.contains(canary)  # the capture sees evidence titles when they are sent

    assert parent_frames.frames
    assert not parent_frames.contains(canary)
    assert not parent_frames.contains(PENDING_TITLE)

    # Positive control: once approved, the same title does reach the parent.
    mentor.get_by_role("button", name=f"Approve {canary}").click()
    expect(mentor.get_by_role("button", name=f"Approve {canary}")).to_have_count(0)
    parent.reload()
    expect(parent.get_by_role("heading", name=canary)).to_be_visible()
    assert parent_frames.contains(canary)
    assert not parent_frames.contains(PENDING_TITLE)


def test_the_showcase_is_presented_full_screen_at_1920_by_1080(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, "learner@demo.school")
        wait_for_path(page, "/learner")
        page.get_by_role("link", name="Showcase", exact=True).first.click()
        expect(page.get_by_role("heading", name="Choose what to show")).to_be_visible()
        assert_accessible(page)
        page.get_by_role("link", name="Present").click()

        title = page.get_by_role("heading", name="Showcase of learning", level=1)
        expect(title).to_be_visible()
        expect(page.get_by_text("Slide 1 of 4")).to_be_visible()
        assert_accessible(page)
        size = title.evaluate("h => parseFloat(getComputedStyle(h).fontSize)")
        assert size >= 60, size  # readable from the back of a room

        page.keyboard.press("ArrowRight")
        expect(page.get_by_text("Slide 2 of 4")).to_be_visible()
        assert photo_loaded(page, PHOTO_TITLE)
        goal = page.get_by_role("heading", level=2)
        expect(goal).to_have_count(1)
        first_goal = goal.inner_text()
        assert goal.evaluate("h => parseFloat(getComputedStyle(h).fontSize)") >= 40
        # One slide fits the screen: nothing scrolls.
        assert page.evaluate("document.documentElement.scrollHeight") <= 1080
        assert page.evaluate("document.documentElement.scrollWidth") <= 1920
        # Only what Åsa chose: the piece still waiting for approval is never shown.
        assert PENDING_TITLE not in page.inner_text("body")

        page.keyboard.press("ArrowRight")
        expect(page.get_by_text("Slide 3 of 4")).to_be_visible()
        expect(page.get_by_role("heading", level=2)).not_to_have_text(first_goal)
        page.get_by_role("button", name="Next").click()  # a tap does the same
        expect(page.get_by_role("heading", name="Looking back")).to_be_visible()
        expect(page.get_by_text(CLOSING_DRAFT)).to_be_visible()
        page.keyboard.press("ArrowRight")  # the last slide stays
        expect(page.get_by_text("Slide 4 of 4")).to_be_visible()
        page.keyboard.press("ArrowLeft")
        expect(page.get_by_text("Slide 3 of 4")).to_be_visible()
        page.get_by_role("button", name="Previous").click()
        expect(page.get_by_role("heading", level=2)).to_have_text(first_goal)
    finally:
        context.close()


def test_a_learner_uploads_a_photo_from_a_phone_and_a_forged_one_is_refused(new_page, tmp_path):
    import io

    from PIL import Image

    photo = tmp_path / "talk.jpg"
    image, exif = Image.new("RGB", (120, 90), (30, 120, 200)), Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (59.0, 54.0, 42.0)  # GPS latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    photo.write_bytes(out.getvalue())
    forged = tmp_path / "holiday.png"
    forged.write_text("<!doctype html><script>alert(document.cookie)</script>")
    title = f"PHOTO-{uuid.uuid4().hex[:12]}"

    learner = new_page(PHONE)
    sign_in(learner, "learner@demo.school")
    wait_for_path(learner, "/learner")
    open_evidence(learner)
    upload = learner.locator("input[type=file]")

    learner.get_by_label("Title").fill("Forged photo")
    upload.set_input_files(str(forged))
    learner.get_by_role("button", name="Add the file").click()
    expect(learner.get_by_role("alert")).to_contain_text("That file is not a photo")
    expect(learner.get_by_role("heading", name="Forged photo")).to_have_count(0)

    learner.get_by_label("Title").fill(title)
    upload.set_input_files(str(photo))
    learner.get_by_role("button", name="Add the file").click()
    expect(learner.get_by_role("heading", name=title)).to_be_visible()
    assert photo_loaded(learner, title)
    source = learner.get_by_role("img", name=title).get_attribute("src")
    stored = learner.request.get(source).body()
    assert stored[:3] == b"\xff\xd8\xff"
    assert b"PhoneMaker" not in stored and b"Exif" not in stored


def test_a_parent_forging_an_approval_over_the_socket_changes_nothing_and_is_audited(
    new_page, app_db
):
    import sqlalchemy as sa

    from tests.e2e.test_forged_events import SocketTap, denials

    with app_db.connect() as c:
        pending_id = c.execute(
            sa.text("SELECT id FROM evidence WHERE title = :t"), {"t": PENDING_TITLE}
        ).scalar_one()
    page = new_page(PHONE)
    tap = SocketTap(page)
    frames = FrameRecorder(page)
    sign_in(page, "parent@demo.school")
    wait_for_path(page, "/parent")
    choose_asa(page)
    open_evidence(page)
    template = tap.events()[-1]
    session_state = next(e["name"] for e in tap.events() if "session_state." in e["name"])
    prefix = session_state[: session_state.index("session_state.") + len("session_state")]
    before = denials(app_db)

    tap.forge(template, f"{prefix}.{EVIDENCE_STATE}.approve", {"evidence_id": pending_id})
    expect(page.get_by_text("You do not have access").first).to_be_visible()

    with app_db.connect() as c:
        approved = c.execute(
            sa.text("SELECT approved_at FROM evidence WHERE id = :id"), {"id": pending_id}
        ).scalar_one()
    assert approved is None
    new = denials(app_db)[len(before) :]
    assert [action for _, action, _ in new] == ["evidence.view"]
    assert not frames.contains(PENDING_TITLE)


def test_a_parents_open_evidence_page_shows_a_piece_within_2_s_of_its_approval(new_page):
    import time

    canary = f"LIVE-CANARY-{uuid.uuid4().hex}"

    learner = new_page(PHONE)
    sign_in(learner, "learner@demo.school")
    wait_for_path(learner, "/learner")
    open_evidence(learner)
    learner.get_by_label("Title").fill(canary)
    learner.get_by_label("Link address").fill("https://example.org/live-talk")
    learner.get_by_role("button", name="Add the link").click()
    expect(learner.get_by_role("heading", name=canary)).to_be_visible()

    parent = new_page(PHONE)
    parent_frames = FrameRecorder(parent)
    sign_in(parent, "parent@demo.school")
    wait_for_path(parent, "/parent")
    choose_asa(parent)
    open_evidence(parent)
    expect(parent.get_by_role("heading", name=APPROVED_LINK_TITLE)).to_be_visible()

    mentor = new_page()
    sign_in(mentor, "mentor@demo.school")
    wait_for_path(mentor, "/mentor")
    mentor.get_by_role("link", name="Open plan of Åsa", exact=True).click()
    open_evidence(mentor)
    approve = mentor.get_by_role("button", name=f"Approve {canary}")
    expect(approve).to_be_visible()

    # Until the mentor approves it, nothing about the piece reached the parent's socket.
    assert parent_frames.frames
    assert not parent_frames.contains(canary)
    expect(parent.get_by_text(canary)).to_have_count(0)

    approve.click()
    started = time.monotonic()
    # No reload: the open page follows the plan and reads its evidence again as the parent.
    expect(parent.get_by_role("heading", name=canary)).to_be_visible(timeout=2_000)
    assert time.monotonic() - started < 2.0
    assert parent_frames.contains(canary)
    assert not parent_frames.contains(PENDING_TITLE)
    # The learner's own open page follows too: the piece is no longer waiting.
    expect(learner.get_by_role("button", name=f"Use in my showcase {canary}")).to_be_visible(
        timeout=2_000
    )
