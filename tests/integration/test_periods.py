"""Which period is 'current': the one plans are being made for."""

from datetime import date

import pytest

from ilp_app.db.models import Period, Site
from ilp_app.services.plans.periods import period_current


@pytest.fixture
def site_with_periods(session):
    site = Site(name="S")
    session.add(site)
    session.flush()
    session.add_all(
        [
            Period(
                site_id=site.id,
                name="Spring",
                starts_on=date(2026, 1, 6),
                ends_on=date(2026, 6, 20),
            ),
            Period(
                site_id=site.id,
                name="Autumn",
                starts_on=date(2026, 8, 18),
                ends_on=date(2026, 12, 19),
            ),
        ]
    )
    session.commit()
    return site


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 3, 1), "Spring"),
        (date(2026, 6, 20), "Spring"),
        (date(2026, 7, 10), "Autumn"),  # summer break: plans are prepared for the coming term
        (date(2026, 11, 23), "Autumn"),
        (date(2027, 2, 1), "Autumn"),  # after the last period: the last one
        (date(2025, 12, 1), "Spring"),  # before the first: the first
    ],
)
def test_current_period_is_the_running_one_else_the_next_else_the_last(
    session, site_with_periods, today, expected
):
    assert (
        period_current(session=session, site_id=site_with_periods.id, today=today).name == expected
    )


def test_a_period_the_roster_retired_is_never_current(session, site_with_periods):
    from datetime import UTC, datetime

    site_id = site_with_periods.id
    year = Period(
        site_id=site_id,
        name="School year 2026",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        retired_at=datetime(2026, 9, 1, tzinfo=UTC),
    )
    session.add(year)
    session.commit()
    assert (
        period_current(session=session, site_id=site_id, today=date(2026, 7, 10)).name == "Autumn"
    )
    assert period_current(session=session, site_id=site_id, today=date(2026, 3, 1)).name == "Spring"
