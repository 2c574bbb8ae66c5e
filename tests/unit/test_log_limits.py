"""A forged megabyte in an event is not written whole to the log."""

import logging

from ilp_app import log_limits


def test_a_framework_log_line_with_a_huge_payload_is_cut(caplog):
    log_limits.install()
    payload = "x" * 1_000_000
    with caplog.at_level(logging.WARNING):
        logging.getLogger("reflex.app").warning("Event data: %s", payload)
        logging.getLogger("ilp.state").warning("kept whole: %s", "y" * 3000)
    cut, kept = caplog.records[-2:]
    assert len(cut.getMessage()) < log_limits.MAX_LOGGED_CHARACTERS + 100
    assert "1000012 characters in all" in cut.getMessage()
    assert len(kept.getMessage()) > 3000  # the app's own lines are left as they are
