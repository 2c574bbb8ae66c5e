"""An event that fails outside the app's handling tells the person what happened, not the framework's text."""

import pytest
import redis.exceptions
import sqlalchemy.exc

from ilp_app.state.saving import MSG_SERVER_TROUBLE, MSG_UNEXPECTED, event_failed


@pytest.mark.parametrize(
    "outage",
    [
        redis.exceptions.ConnectionError("Connection refused"),
        redis.exceptions.TimeoutError("Timeout reading from socket"),
        sqlalchemy.exc.OperationalError("SELECT 1", {}, Exception("server closed the connection")),
        ConnectionResetError("reset by peer"),
    ],
)
def test_a_storage_outage_says_not_saved_try_again(outage):
    shown = repr(event_failed(outage))
    assert MSG_SERVER_TROUBLE in shown
    assert "Contact the website administrator" not in shown


def test_any_other_failure_says_nothing_was_changed_and_shows_no_detail():
    shown = repr(event_failed(KeyError("secret_internal_name")))
    assert MSG_UNEXPECTED in shown
    assert "secret_internal_name" not in shown
