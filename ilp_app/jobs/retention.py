"""Apply every site's retention periods: ``python -m ilp_app.jobs.retention``.

Deletes the records each site keeps no longer (see :mod:`ilp_app.services.privacy.retention`), prints
what it removed, and exits 0. Running it again removes only what has become old since, so it
can run as often as wanted; once a night is plenty (for example from cron:
``15 3 * * * cd /srv/ilp && .venv/bin/python -m ilp_app.jobs.retention``). It reads the same
``ILP_DATABASE_URL`` as the app.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ilp_app.db.engine import session_scope
from ilp_app.services.privacy.retention import RetentionRemoval, retention_job


def report_lines(removals: Sequence[RetentionRemoval]) -> list[str]:
    """One line per site and record type, e.g. ``Test School: Notifications (180 days): 12 removed``."""
    lines = []
    for r in removals:
        where = r.site_name or "Records of no school"
        lines.append(f"{where}: {r.label} ({r.period}): {r.removed} removed")
    total = sum(r.removed for r in removals)
    lines.append(f"Total: {total} removed")
    return lines


def main() -> int:
    with session_scope() as session:
        removals = retention_job(session=session)
    for line in report_lines(removals):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
