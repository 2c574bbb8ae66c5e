"""Forged events sent straight down the websocket: refused on the server, audited, nothing changed.

The page's own socket is intercepted; a genuine frame shows how the app names its handlers, and
a forged frame then calls the learner's "tick" handler from a parent's and a signed-out browser.
"""

import json
import re

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in, wait_for_path

EVENT_FRAME = re.compile(r"^42(?:/_event,)?(\[.*\])$", re.S)


class SocketTap:
    """Forwards a page's websocket traffic, keeps what the page sent, and can send frames of its own."""

    def __init__(self, page):
        self.sent: list[str] = []
        self.server = None
        page.route_web_socket(re.compile(r".*/_event.*"), self._route)

    def _route(self, ws):
        self.server = ws.connect_to_server()

        def forward(message):
            if isinstance(message, str):
                self.sent.append(message)
            self.server.send(message)

        ws.on_message(forward)

    def events(self) -> list[dict]:
        found = []
        for frame in self.sent:
            match = EVENT_FRAME.match(frame)
            if match:
                body = json.loads(match.group(1))
                if body and body[0] == "event":
                    found.append(body[1])
        return found

    def forge(self, template: dict, name: str, payload: object) -> None:
        event = {**template, "name": name, "payload": payload}
        self.server.send("42/_event," + json.dumps(["event", event]))


def task_of(db, email: str) -> tuple[int, str, int]:
    with db.connect() as c:
        return c.execute(
            sa.text(
                "SELECT t.id, t.status, t.plan_id FROM task t JOIN plan p ON p.id = t.plan_id JOIN user u ON u.id = p.learner_id "
                "WHERE lower(u.email) = :email AND p.status = 'active' ORDER BY t.id LIMIT 1"
            ),
            {"email": email},
        ).one()


def status_of(db, task_id: int) -> str:
    with db.connect() as c:
        return c.execute(
            sa.text("SELECT status FROM task WHERE id = :id"), {"id": task_id}
        ).scalar_one()


def denials(db) -> list[tuple]:
    with db.connect() as c:
        return list(
            c.execute(
                sa.text(
                    "SELECT actor_user_id, action, target_id FROM auditevent WHERE outcome = 'denied' ORDER BY id"
                )
            ).all()
        )


PLAN_STATE = "ilp_app___state___plan____plan_state"


def tick_handler_name(tap: SocketTap) -> tuple[dict, str]:
    """A genuine event of this page, and the wire name of the plan state's tick handler."""
    template = tap.events()[-1]
    session_state = next(e["name"] for e in tap.events() if "session_state." in e["name"])
    prefix = session_state[: session_state.index("session_state.") + len("session_state")]
    return template, f"{prefix}.{PLAN_STATE}.tick"


def test_a_parent_forging_a_tick_on_their_childs_task_changes_nothing_and_is_audited(
    new_page, app_db
):
    task_id, status, plan_id = task_of(app_db, "learner@demo.school")
    page = new_page(PHONE)
    tap = SocketTap(page)
    sign_in(page, "parent@demo.school")
    wait_for_path(page, "/parent")
    expect(page.get_by_role("heading", name="Plan log")).to_be_visible()
    template, tick = tick_handler_name(tap)
    before = denials(app_db)

    tap.forge(template, tick, {"task_id": task_id, "status": status})
    expect(page.get_by_text("You do not have access")).to_be_visible()

    assert status_of(app_db, task_id) == status
    new = denials(app_db)[len(before) :]
    assert [(action, target) for _, action, target in new] == [("task.progress", str(plan_id))]
    assert new[0][0] is not None  # the parent, by id


def test_a_signed_out_client_forging_events_changes_nothing_and_is_audited(new_page, app_db):
    task_id, status, _ = task_of(app_db, "learner@demo.school")
    parent = new_page(PHONE)
    tap = SocketTap(parent)
    sign_in(parent, "parent@demo.school")
    wait_for_path(parent, "/parent")
    expect(parent.get_by_role("heading", name="Plan log")).to_be_visible()
    template, tick = tick_handler_name(tap)

    stranger = new_page()
    stranger_tap = SocketTap(stranger)
    stranger.goto("/login")
    expect(stranger.get_by_role("button", name="Sign in")).to_be_visible()
    for _ in range(100):  # until the page has loaded through its socket
        if any("on_load_internal" in e["name"] for e in stranger_tap.events()):
            break
        stranger.wait_for_timeout(100)
    stranger_template = {"router_data": {"pathname": "/login", "asPath": "/login"}}
    before = denials(app_db)

    # A tick with the right types, then with forged types: a dict for an id, a list for a status.
    stranger_tap.forge(stranger_template, tick, {"task_id": task_id, "status": status})
    stranger_tap.forge(stranger_template, tick, {"task_id": {"$ne": 0}, "status": ["completed"]})
    wait_for_path(stranger, "/login")
    stranger.wait_for_timeout(500)

    assert status_of(app_db, task_id) == status
    new = denials(app_db)[len(before) :]
    assert len(new) == 2 and all(actor is None for actor, _, _ in new)
