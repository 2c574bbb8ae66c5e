"""The classroom, live: a learner ticks on a phone; the mentor's overview, the projector and the
learner's parent see it without reloading; another family's browser hears nothing about it."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path
from tests.e2e.test_leaks import FrameRecorder

LIVE = 2_000  # ms: what "live" must mean in a classroom
COUNTS = re.compile(r"(\d+) not started.*?(\d+) ongoing.*?(\d+) completed", re.S)


def open_overview(page) -> None:
    sign_in(page, "mentor@demo.school")
    wait_for_path(page, "/mentor")
    page.get_by_role("link", name="Live overview of 8A").click()
    expect(page.get_by_role("heading", name="Group 8A", level=1)).to_be_visible()


def tap_on_the_phone(new_page, title: str, label: str, after: str):
    """The learner signs in on a phone and taps the task, which shows its saved status."""
    learner = new_page(PHONE)
    sign_in(learner, "learner@demo.school")
    wait_for_path(learner, "/learner")
    learner.get_by_role("button", name=f"{title}: {label}. Tap to move it on.").click()
    expect(
        learner.get_by_role("button", name=f"{title}: {after}. Tap to move it on.")
    ).to_be_visible()
    return learner


def counts(locator) -> tuple[int, int, int]:
    return tuple(int(n) for n in COUNTS.search(locator.inner_text()).groups())


def first_open_task(db, *, unique: bool = False) -> tuple[str, str]:
    """An unfinished task of learner@demo.school; ``unique``: one whose title nothing else shows.

    Earlier tests tick the same learner's tasks; when all are completed, one is set back first.
    """
    only_once = (
        "AND (SELECT count(*) FROM task o WHERE o.title = t.title) = 1 "
        # nor shown again as the learner's proposal of it
        "AND NOT EXISTS (SELECT 1 FROM proposal r WHERE r.text = t.title)"
        if unique
        else ""
    )
    query = (
        "SELECT t.id, t.title, t.status FROM task t JOIN plan p ON p.id = t.plan_id "
        "JOIN user u ON u.id = p.learner_id "
        "WHERE u.email = 'learner@demo.school' AND p.status = 'active' {open} "
        f"{only_once} ORDER BY t.id LIMIT 1"
    )
    with db.begin() as c:
        row = c.execute(sa.text(query.format(open="AND t.status != 'completed'"))).first()
        if row is None:
            task_id = c.execute(sa.text(query.format(open=""))).first()[0]
            c.execute(
                sa.text("UPDATE task SET status = 'not_started' WHERE id = :t"), {"t": task_id}
            )
            row = c.execute(sa.text(query.format(open="AND t.status != 'completed'"))).first()
    return row[1], row[2]


def test_a_tick_reaches_overview_projector_and_parent_live_and_no_other_family(new_page, app_db):
    title, status = first_open_task(app_db, unique=True)
    label = {"not_started": "Not started", "ongoing": "Ongoing"}[status]
    after = {"not_started": "Ongoing", "ongoing": "Completed"}[status]

    mentor = new_page({"width": 1400, "height": 900})
    open_overview(mentor)
    card = mentor.get_by_role("listitem").filter(
        has=mentor.get_by_role("heading", name="Åsa", level=2)
    )
    expect(card).to_contain_text("not started")
    before = counts(card)

    projector = new_page({"width": 1920, "height": 1080})
    open_overview(projector)
    projector.get_by_role("link", name="Projector view").click()
    tile = (
        projector.get_by_role("list", name="Progress of the class")
        .get_by_role("listitem")
        .filter(has_text="Åsa")
    )
    expect(tile).to_be_visible()
    tile_before = tile.inner_text()

    parent = new_page(PHONE)
    sign_in(parent, "parent@demo.school")
    wait_for_path(parent, "/parent")
    parent.get_by_role("radio", name="Åsa").click()
    parent_task = parent.get_by_role("listitem").filter(has_text=title)
    expect(parent_task).to_contain_text(label)

    other_parent = new_page(PHONE)
    other_frames = FrameRecorder(other_parent)
    sign_in(other_parent, "chidi.okonkwo@demo.school")
    wait_for_path(other_parent, "/parent")
    expect(other_parent.get_by_role("heading", name="Plan log")).to_be_visible()

    learner = tap_on_the_phone(new_page, title, label, after)

    # No reloads from here on: each screen must change by itself, within two seconds.
    expected = (
        (before[0] - 1, before[1] + 1, before[2])
        if status == "not_started"
        else (before[0], before[1] - 1, before[2] + 1)
    )
    expect(card).to_contain_text(
        re.compile(rf"{expected[0]} not started\s*{expected[1]} ongoing\s*{expected[2]} completed"),
        timeout=LIVE,
    )
    expect(tile).not_to_have_text(tile_before, timeout=LIVE)
    expect(parent_task).to_contain_text(after, timeout=LIVE)
    # ... and a screen reader hears, politely, that the plan changed.
    expect(parent.get_by_role("status").filter(has_text="The plan was updated at")).to_have_count(1)

    learner.wait_for_timeout(500)
    assert other_frames.frames, "the other parent's page received nothing at all"
    assert not other_frames.contains(title)
    assert not other_frames.contains("Åsa")


def test_a_parents_card_follows_a_task_completed_on_the_phone(new_page, app_db):
    """The card that answers "how is my child doing" counts the task as done, live."""
    title, _ = first_open_task(app_db, unique=True)
    with app_db.begin() as c:  # one tap from done: the card's count must move
        c.execute(
            sa.text(
                "UPDATE task SET status = 'ongoing' WHERE title = :t AND plan_id IN "
                "(SELECT p.id FROM plan p JOIN user u ON u.id = p.learner_id "
                "WHERE u.email = 'learner@demo.school' AND p.status = 'active')"
            ),
            {"t": title},
        )
    parent = new_page(PHONE)
    sign_in(parent, "parent@demo.school")
    wait_for_path(parent, "/parent")
    parent.get_by_role("radio", name="Åsa").click()
    expect(parent.get_by_role("listitem").filter(has_text=title)).to_contain_text("Ongoing")
    card = parent.locator("article.child-card").filter(
        has=parent.get_by_role("heading", name="Åsa", level=2)
    )
    done = re.compile(r"(\d+) of (\d+) tasks done")
    before = done.search(card.inner_text()).groups()

    tap_on_the_phone(new_page, title, "Ongoing", "Completed")

    expect(card).to_contain_text(f"{int(before[0]) + 1} of {before[1]} tasks done", timeout=LIVE)


def test_a_tick_made_offline_is_saved_when_the_connection_returns(new_page, app_db):
    title, status = first_open_task(app_db)
    label = {"not_started": "Not started", "ongoing": "Ongoing"}[status]
    after = {"not_started": "Ongoing", "ongoing": "Completed"}[status]
    page = new_page(PHONE)
    sign_in(page, "learner@demo.school")
    wait_for_path(page, "/learner")
    button = page.get_by_role("button", name=f"{title}: {label}. Tap to move it on.")
    expect(button).to_be_visible()

    def stored() -> str:
        with app_db.connect() as c:
            return c.execute(
                sa.text(
                    "SELECT t.status FROM task t JOIN plan p ON p.id = t.plan_id JOIN user u ON u.id = p.learner_id "
                    "WHERE u.email = 'learner@demo.school' AND p.status = 'active' AND t.title = :t"
                ),
                {"t": title},
            ).scalar_one()

    page.context.set_offline(True)
    page.wait_for_timeout(1500)
    button.click()
    page.wait_for_timeout(1000)
    assert stored() == status  # really offline: nothing reached the server yet
    page.context.set_offline(False)

    expect(page.get_by_role("button", name=f"{title}: {after}. Tap to move it on.")).to_be_visible(
        timeout=15_000
    )
    assert stored() == {"Ongoing": "ongoing", "Completed": "completed"}[after]


#: The overview rows, as they travel in a frame: every tab holds its own copy.
GROUP_ROWS = '"rows_rx_state_"'


def test_leaving_the_overview_stops_its_live_updates(new_page, app_db):
    title, status = first_open_task(app_db)
    label = {"not_started": "Not started", "ongoing": "Ongoing"}[status]
    after = {"not_started": "Ongoing", "ongoing": "Completed"}[status]
    learner = new_page(PHONE)
    sign_in(learner, "learner@demo.school")
    wait_for_path(learner, "/learner")

    mentor = new_page({"width": 1400, "height": 900})
    frames = FrameRecorder(mentor)
    open_overview(mentor)
    expect(
        mentor.get_by_role("listitem").filter(
            has=mentor.get_by_role("heading", name="Åsa", level=2)
        )
    ).to_be_visible()
    assert frames.contains(GROUP_ROWS)  # the overview's rows arrive in this tab's own state

    mentor.get_by_role("link", name="ILP home").click()  # the app's own navigation: no reload
    wait_for_path(mentor, "/mentor")
    mentor.wait_for_timeout(1000)
    seen = len(frames.frames)

    learner.get_by_role("button", name=f"{title}: {label}. Tap to move it on.").click()
    expect(
        learner.get_by_role("button", name=f"{title}: {after}. Tap to move it on.")
    ).to_be_visible()
    mentor.wait_for_timeout(2 * LIVE)
    assert not any(GROUP_ROWS in frame for frame in frames.frames[seen:])


def test_a_mentor_with_many_tabs_sees_every_tick_in_each_overview(browser, base_url, app_db):
    """The way teachers work: home in three tabs, the overview, and a duplicate of it."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(15_000)
    learner_context = browser.new_context(base_url=base_url, viewport=PHONE)
    learner_context.set_default_timeout(15_000)
    try:
        first = context.new_page()
        sign_in(first, "mentor@demo.school")
        wait_for_path(first, "/mentor")
        for _ in range(2):
            home = context.new_page()
            home.goto("/mentor")
            expect(home.get_by_role("heading", name="My learners", level=1)).to_be_visible()
        overview = context.new_page()
        overview.goto("/mentor")
        overview.get_by_role("link", name="Live overview of 8A").click()
        expect(overview.get_by_role("heading", name="Group 8A", level=1)).to_be_visible()
        with context.expect_page() as opened:  # a duplicate: it starts with the same tab token
            overview.evaluate("window.open(location.href)")
        duplicate = opened.value
        expect(duplicate.get_by_role("heading", name="Group 8A", level=1)).to_be_visible()
        cards = [
            page.get_by_role("listitem").filter(
                has=page.get_by_role("heading", name="Åsa", level=2)
            )
            for page in (overview, duplicate)
        ]

        learner = learner_context.new_page()
        sign_in(learner, "learner@demo.school")
        wait_for_path(learner, "/learner")

        def tick_and_see_it_everywhere() -> None:
            title, status = first_open_task(app_db, unique=True)
            label = {"not_started": "Not started", "ongoing": "Ongoing"}[status]
            after = {"not_started": "Ongoing", "ongoing": "Completed"}[status]
            if status == "not_started":  # it may just have been set back, behind the app's back
                for page in (learner, overview, duplicate):
                    page.reload()
                expect(cards[1]).to_contain_text("not started")
            before = [counts(card) for card in cards]
            learner.get_by_role("button", name=f"{title}: {label}. Tap to move it on.").click()
            expect(
                learner.get_by_role("button", name=f"{title}: {after}. Tap to move it on.")
            ).to_be_visible()
            for card, was in zip(cards, before, strict=True):
                shifted = (
                    (was[0] - 1, was[1] + 1, was[2])
                    if status == "not_started"
                    else (was[0], was[1] - 1, was[2] + 1)
                )
                expect(card).to_contain_text(
                    re.compile(
                        rf"{shifted[0]} not started\s*{shifted[1]} ongoing\s*{shifted[2]} completed"
                    ),
                    timeout=LIVE,
                )

        tick_and_see_it_everywhere()
        first.close(run_before_unload=False)  # one home tab closed along the way
        tick_and_see_it_everywhere()
    finally:
        context.close()
        learner_context.close()
