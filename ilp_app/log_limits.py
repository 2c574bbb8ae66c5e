"""Keep what a client sends from filling the logs.

Reflex and the socket libraries put a refused event's whole payload into their log lines; a
forged megabyte would be written whole, each time. Messages of those loggers are cut to
:data:`MAX_LOGGED_CHARACTERS`, saying how long they were.
"""

from __future__ import annotations

import logging

MAX_LOGGED_CHARACTERS = 2000
_LOGGERS = ("reflex", "reflex_base", "engineio", "socketio")


def _cut(record: logging.LogRecord) -> logging.LogRecord:
    if record.name.split(".", 1)[0] in _LOGGERS:
        message = record.getMessage()
        if len(message) > MAX_LOGGED_CHARACTERS:
            record.msg = (
                message[:MAX_LOGGED_CHARACTERS] + f"… [cut: {len(message)} characters in all]"
            )
            record.args = None
    return record


def install() -> None:
    """Cut long messages of the framework's loggers (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "ilp_cuts_long_messages", False):
        return

    def make(*args, **kwargs):
        return _cut(factory(*args, **kwargs))

    make.ilp_cuts_long_messages = True
    logging.setLogRecordFactory(make)
