"""Forged ids and text get the field's message, never a database error.

Every id column is an INTEGER: PostgreSQL answers a larger number with "integer out of range"
and SQLite one past 2**63 with an OverflowError, both of which reached the user as a crash.
PostgreSQL also refuses text holding NUL.
"""

from __future__ import annotations

import pytest

from ilp_app.db.models import Site
from ilp_app.domain.errors import ValidationFailed
from ilp_app.services.plans import plan_read
from ilp_app.services.reports import learner_report
from ilp_app.services.school import people_admin, relationships, school_admin, users
from tests.support.services import actor_of, call, rows

TOO_BIG = [2**31, str(2**31), "9" * 18, 10**30]


@pytest.fixture
def admin(engine, school):
    return actor_of(school.id("admin"))


@pytest.mark.parametrize("forged", TOO_BIG)
@pytest.mark.parametrize(
    ("service", "kwargs", "message"),
    [
        (plan_read.plan_view, {"plan_id": "{id}"}, "That plan does not exist."),
        (relationships.group_learners, {"group_id": "{id}"}, "That group does not exist."),
        (
            relationships.mentor_connect,
            {"mentor_id": "{id}", "learner_ids": [1]},
            "That person does not exist.",
        ),
        (people_admin.person_detail, {"user_id": "{id}"}, "That account does not exist."),
        (
            users.user_set_active,
            {"user_id": "{id}", "active": False},
            "That account does not exist.",
        ),
        (learner_report.learner_overview, {"learner_id": "{id}"}, "That learner does not exist."),
    ],
)
def test_an_id_beyond_the_integer_columns_does_not_exist(admin, service, kwargs, message, forged):
    arguments = {k: forged if v == "{id}" else v for k, v in kwargs.items()}
    with pytest.raises(ValidationFailed) as refused:
        call(service, admin, **arguments)
    assert str(refused.value) == message


@pytest.mark.parametrize("forged", ["Test\x00School", "Test \ud800School"])
def test_a_name_no_column_can_store_is_refused_and_nothing_changes(engine, admin, forged):
    with pytest.raises(ValidationFailed, match="School name contains a character"):
        call(school_admin.site_rename, admin, name=forged)
    assert [site.name for site in rows(engine, Site)] == ["Test School"]
