"""The event socket as an attacker and as real sessions use it: frames only, no browser.

Each test of a door has a positive control in the same test: the same request made with the
right credentials does receive the data, so a test that sees nothing is seeing a closed door,
not a broken probe.
"""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from tests.support.protocol import (
    GROUP_PAGE,
    Tab,
    mentions,
    run,
    sign_in_cookie,
)
from tests.support.soak import group_8a, lesson_soak, open_task, tick

MSG_TOO_FAST = "Too many actions at once"
MSG_TOO_LARGE = "That was too large to send"


def staff_note(db, plan_id: int) -> str:
    with db.connect() as c:
        return c.execute(
            sa.text(
                "SELECT body FROM plan_note WHERE plan_id = :p AND visibility = 'staff' LIMIT 1"
            ),
            {"p": plan_id},
        ).scalar_one()


def test_a_socket_under_a_channel_name_is_refused_and_sees_nothing(base_url, app_db):
    import socketio

    async def scenario():
        for name in ("group1", "projector1", f"group{group_8a(app_db)}", "learner5", "user1"):
            with pytest.raises(socketio.exceptions.ConnectionError):
                await Tab(base_url, "/groups/1", token=name).open()
        # Control: the same socket with a tab's own random token is let in.
        tab = await Tab(base_url, "/login").open()
        assert tab.sio.connected
        await tab.close()

    run(scenario())


def test_a_closed_tabs_token_replayed_without_the_cookie_gets_no_page(base_url, app_db):
    _, _, plan_id = open_task(app_db)
    note = staff_note(app_db, plan_id)

    async def scenario():
        cookie = sign_in_cookie(base_url, "mentor@demo.school")
        learner = await Tab(
            base_url, "/learner", cookie=sign_in_cookie(base_url, "learner@demo.school")
        ).open()
        for cookie_sent in ("", sign_in_cookie(base_url, "parent@demo.school")):
            mentor = await Tab(base_url, f"/plans/{plan_id}", cookie=cookie).open()
            # Control: the mentor's own tab receives the staff note.
            assert await mentor.wait_for(mentions(note)) is not None
            token = mentor.token
            await mentor.close()
            # The learner ticks while the token is replayed: a push into the closed tab's page
            # must not reach the socket that took its token over.
            task_id, status, _ = open_task(app_db)
            await tick(learner, task_id, status)
            thief = await Tab(base_url, f"/plans/{plan_id}", cookie=cookie_sent, token=token).open()
            task_id, status, _ = open_task(app_db)
            await tick(learner, task_id, status)
            await asyncio.sleep(2)
            assert thief.frames, "the replayed socket received no frame at all"
            assert note not in thief.text()
            await thief.close()
        await learner.close()

    run(scenario())


def test_a_disabled_mentor_stops_receiving_the_groups_rows(base_url, app_db):
    gid = group_8a(app_db)
    task_id, status, _ = open_task(app_db)

    async def scenario():
        mentor = await Tab(
            base_url, f"/groups/{gid}", cookie=sign_in_cookie(base_url, "mentor2@demo.school")
        ).open()
        admin_cookie = sign_in_cookie(base_url, "admin@demo.school")
        learner = await Tab(
            base_url, "/learner", cookie=sign_in_cookie(base_url, "learner@demo.school")
        ).open()
        viewer = await Tab(
            base_url, f"/groups/{gid}", cookie=sign_in_cookie(base_url, "mentor@demo.school")
        ).open()
        assert await viewer.wait_for(mentions("Åsa")) is not None
        # A mentor of another group never receives 8A's rows.
        await asyncio.sleep(1)
        assert "Åsa" not in mentor.text()
        # Control: a tick reaches the viewer.
        before = len(viewer.frames)
        await tick(learner, task_id, status)
        assert await viewer.wait_for(mentions("rows_rx_state_"), 10, since=before) is not None
        # The mentor's account is disabled (every session of theirs ends).
        with app_db.begin() as c:
            uid = c.execute(
                sa.text("SELECT id FROM \"user\" WHERE email = 'mentor@demo.school'")
            ).scalar_one()
            c.execute(sa.text('UPDATE "user" SET is_active = false WHERE id = :u'), {"u": uid})
            c.execute(
                sa.text(
                    "UPDATE authsession SET revoked_at = CURRENT_TIMESTAMP, "
                    "revoke_reason = 'disabled' WHERE user_id = :u AND revoked_at IS NULL"
                ),
                {"u": uid},
            )
        try:
            seen = len(viewer.frames)
            next_task, next_status, _ = open_task(app_db)
            await tick(learner, next_task, next_status)
            # Nothing of the group reaches the disabled mentor's tab, now or at its heartbeat.
            assert await viewer.wait_for(mentions("Åsa"), 7, since=seen) is None
        finally:
            with app_db.begin() as c:
                c.execute(sa.text('UPDATE "user" SET is_active = true WHERE id = :u'), {"u": uid})
        del admin_cookie
        for tab in (mentor, learner, viewer):
            await tab.close()

    run(scenario())


def test_a_flood_from_one_tab_is_refused_with_a_message_and_others_are_served(base_url):
    async def scenario():
        cookie = sign_in_cookie(base_url, "mentor@demo.school")
        flood = await Tab(base_url, "/mentor", cookie=cookie).open()
        calm = await Tab(base_url, "/mentor", cookie=cookie).open()
        await asyncio.sleep(1)
        for _ in range(300):
            await flood.send(f"{GROUP_PAGE}.set_sort", {"value": "progress"})
        assert await flood.wait_for(mentions(MSG_TOO_FAST), 20) is not None
        # Control: the other tab is still answered while the flood is refused.
        await calm.send(f"{GROUP_PAGE}.set_sort", {"value": "activity"})
        assert await calm.wait_for(mentions("activity"), 10) is not None
        for tab in (flood, calm):
            await tab.close()

    run(scenario())


def test_an_oversized_event_gets_a_clear_answer_and_changes_nothing(base_url):
    async def scenario():
        cookie = sign_in_cookie(base_url, "mentor@demo.school")
        tab = await Tab(base_url, "/mentor", cookie=cookie).open()
        await asyncio.sleep(1)
        await tab.send(f"{GROUP_PAGE}.set_sort", {"value": "x" * 300_000})
        assert await tab.wait_for(mentions(MSG_TOO_LARGE), 10) is not None
        assert tab.sio.connected
        # Control: an ordinary event on the same socket still works.
        await tab.send(f"{GROUP_PAGE}.set_sort", {"value": "progress"})
        assert await tab.wait_for(mentions("progress"), 10) is not None
        await tab.close()

    run(scenario())


def test_every_open_viewer_gets_each_tick_through_many_tabs_closes_and_sign_outs(base_url, app_db):
    """The shape of a real lesson on one worker (``tests.support.soak``)."""
    run(lesson_soak([base_url], app_db))
