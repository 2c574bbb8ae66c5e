"""With ILPs switched off, a mentor cannot read a learner's plans through the data export instead.

The switch closes every ILP page to staff. The export stays open to the learner, their parents
and the administration (the data subject's right to their data), but not to the mentor.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlmodel import Session

from ilp_app.db.models import Site
from ilp_app.domain.errors import PermissionDenied
from ilp_app.services.plans import plan_edit
from ilp_app.services.privacy.learner_export import learner_export
from tests.support.school import build_school
from tests.support.services import actor_of, audit, call, load_actors


@pytest.fixture
def school(session):
    school = build_school(session)
    mentor = load_actors(session, school, ["mentor"])["mentor"]
    call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    with Session(session.get_bind()) as s:
        site = s.get(Site, school.site.id)
        site.ilp_enabled = False
        s.add(site)
        s.commit()
    return school


def export_as(school, who: str) -> bytes:
    return call(learner_export, actor_of(school.id(who)), learner_id=school.id("learner"))


def test_the_mentor_is_refused_and_the_attempt_audited(engine, school):
    with pytest.raises(PermissionDenied):
        export_as(school, "mentor")
    [refused] = audit(
        engine, actor_user_id=school.id("mentor"), action="learner.export", outcome="denied"
    )
    assert refused.target_id == str(school.id("learner"))


@pytest.mark.parametrize("who", ["learner", "parent", "admin"])
def test_the_learner_their_parent_and_the_school_still_get_the_archive(school, who):
    with zipfile.ZipFile(io.BytesIO(export_as(school, who))) as archive:
        assert "profile.json" in archive.namelist()
