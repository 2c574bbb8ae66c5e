"""A learner's tap on a phone: a double tap counts once, Completed asks before starting again,
every saved tap offers Undo, and a refused tap shows the task as it really is."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path
from tests.e2e.test_live import first_open_task
from tests.support.axe import assert_accessible

LABELS = {"not_started": "Not started", "ongoing": "Ongoing", "completed": "Completed"}


def learner_task(page, app_db):
    """The learner's page on a phone, with one task of a unique title set to Not started."""
    title, _ = first_open_task(app_db, unique=True)
    set_status(app_db, title, "not_started")
    sign_in(page, "learner@demo.school")
    wait_for_path(page, "/learner")
    return title


def set_status(app_db, title: str, status: str) -> None:
    with app_db.begin() as c:
        c.execute(
            sa.text("UPDATE task SET status = :s WHERE title = :t"), {"s": status, "t": title}
        )


def stored(app_db, title: str) -> str:
    with app_db.connect() as c:
        return c.execute(
            sa.text("SELECT status FROM task WHERE title = :t"), {"t": title}
        ).scalar_one()


def button(page, title: str, status: str):
    return page.get_by_role("button", name=f"{title}: {LABELS[status]}. Tap to move it on.")


def test_a_double_tap_counts_once_and_undo_takes_the_tap_back(new_page, app_db):
    page = new_page(PHONE)
    title = learner_task(page, app_db)
    button(page, title, "not_started").dblclick()
    expect(button(page, title, "ongoing")).to_be_visible()
    page.wait_for_timeout(1_000)  # the second tap of the double tap has long arrived
    assert stored(app_db, title) == "ongoing"
    expect(page.get_by_text(re.compile("changed somewhere else"))).to_have_count(0)
    undo_bar = page.get_by_role("status").filter(has_text=f"“{title}” is now Ongoing.")
    expect(undo_bar).to_be_visible()
    assert_accessible(page)
    undo_bar.get_by_role("button", name="Undo").click()
    expect(button(page, title, "not_started")).to_be_visible()
    assert stored(app_db, title) == "not_started"


def test_a_completed_task_asks_before_it_starts_again(new_page, app_db):
    page = new_page(PHONE)
    title = learner_task(page, app_db)
    set_status(app_db, title, "ongoing")
    page.reload()
    button(page, title, "ongoing").click()
    expect(button(page, title, "completed")).to_be_visible()
    page.wait_for_timeout(1_100)  # past the double-tap window: the next tap is a new one
    button(page, title, "completed").click()
    dialog = page.get_by_role("alertdialog", name=f"Start “{title}” again?")
    expect(dialog).to_be_visible()
    assert_accessible(page)
    dialog.get_by_role("button", name="Keep it completed").click()
    expect(dialog).to_be_hidden()
    assert stored(app_db, title) == "completed"
    button(page, title, "completed").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Start again").click()
    expect(button(page, title, "not_started")).to_be_visible()
    assert stored(app_db, title) == "not_started"


def test_a_refused_tap_rolls_back_to_the_real_status(new_page, app_db):
    page = new_page(PHONE)
    title = learner_task(page, app_db)
    expect(button(page, title, "not_started")).to_be_visible()
    set_status(app_db, title, "ongoing")  # the mentor moved it meanwhile, on another screen
    button(page, title, "not_started").click()
    expect(page.get_by_text(re.compile("changed somewhere else")).first).to_be_visible()
    expect(button(page, title, "ongoing")).to_be_visible()
    assert stored(app_db, title) == "ongoing"
    expect(page.get_by_role("button", name="Undo")).to_have_count(0)


def test_a_tap_shows_as_saving_at_once_even_before_the_server_answers(new_page, app_db):
    """The browser marks the tap itself: with the connection down the button already says
    where the task is going, marked "saving…", and nothing is claimed as saved."""
    page = new_page(PHONE)
    title = learner_task(page, app_db)
    tap = button(page, title, "not_started")
    expect(tap).to_be_visible()
    page.context.set_offline(True)
    page.wait_for_timeout(1_500)  # the socket has noticed
    tap.click()
    expect(tap).to_contain_text("Ongoing · saving…", timeout=1_000)
    assert stored(app_db, title) == "not_started"  # really not saved yet
    page.context.set_offline(False)
    expect(button(page, title, "ongoing")).to_be_visible(timeout=15_000)
    expect(button(page, title, "ongoing")).not_to_contain_text("saving")
    assert stored(app_db, title) == "ongoing"
