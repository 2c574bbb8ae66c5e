"""Queue the families' daily and weekly summaries: ``python -m ilp_app.jobs.digests``.

Safe to run as often as wanted (each summary is queued once per day or week); hourly from cron
is a good rhythm, e.g. ``5 * * * * cd /srv/ilp && .venv/bin/python -m ilp_app.jobs.digests``.
The app's mail sender delivers them, after the school's quiet hours. It reads the same
``ILP_DATABASE_URL`` as the app.
"""

from __future__ import annotations

import sys

from ilp_app.db.engine import session_scope
from ilp_app.services.mail.family_mail import digests_queue


def main() -> int:
    with session_scope() as session:
        queued = digests_queue(session=session)
    print(f"Summaries queued: {queued}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
