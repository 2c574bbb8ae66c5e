"""Rules of the learner context header that need no database: input checks, headings, pronouns."""

from __future__ import annotations

import pytest

from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.permissions import Actor
from ilp_app.domain.roles import Role
from ilp_app.services.plans import learner_context as ctx

LEARNER = 7


def actor(role: Role, **links) -> Actor:
    return Actor(
        user_id=99 if role is not Role.LEARNER else LEARNER, roles=frozenset({role}), **links
    )


MENTOR = actor(Role.MENTOR, mentee_ids=frozenset({LEARNER}))
TEACHER = actor(Role.TEACHER, taught_learner_ids=frozenset({LEARNER}))
ADMIN = actor(Role.ADMINISTRATOR)
PARENT = actor(Role.PARENT, child_ids=frozenset({LEARNER}))
SELF = actor(Role.LEARNER)
OTHER_PARENT = actor(Role.PARENT, child_ids=frozenset({8}))


def test_an_item_is_trimmed_and_kept():
    item = ctx.clean_item(
        kind=" support_needs ",
        label="  Reading   age ",
        value="  Extra time \n",
        visibility="staff",
    )
    assert item == ctx.ItemInput(
        kind="support_needs", label="Reading age", value="Extra time", visibility="staff"
    )


def test_other_needs_a_label_but_known_kinds_do_not():
    with pytest.raises(ValidationFailed, match="label"):
        ctx.clean_item(kind="other", label=" ", value="Chess", visibility="family")
    assert (
        ctx.clean_item(kind="prior_attainment", label="", value="Above", visibility="family").label
        == ""
    )


@pytest.mark.parametrize("value", ["", "   ", None, 12, ["x"], "x" * 2001])
def test_the_value_must_be_1_to_2000_characters_of_text(value):
    with pytest.raises(ValidationFailed):
        ctx.clean_item(kind="prior_attainment", label="", value=value, visibility="staff")


@pytest.mark.parametrize("visibility", ["private", "everyone", "", None, True, {"v": "staff"}])
def test_visibility_is_staff_or_family_only(visibility):
    with pytest.raises(ValidationFailed, match="who can see"):
        ctx.clean_item(kind="prior_attainment", label="", value="x", visibility=visibility)


@pytest.mark.parametrize("kind", ["", "diagnosis", "Support_needs", None, 3])
def test_unknown_kinds_are_refused(kind):
    with pytest.raises(ValidationFailed, match="kind"):
        ctx.clean_item(kind=kind, label="L", value="x", visibility="staff")


def test_headings_name_the_kind_and_use_the_label():
    assert ctx.item_heading("support_needs", "") == "Support or additional needs"
    assert ctx.item_heading("prior_attainment", "Year 7") == "Prior attainment: Year 7"
    assert ctx.item_heading("other", "Interests") == "Interests"


@pytest.mark.parametrize(
    ("viewer", "shared", "staff_only"),
    [
        (MENTOR, "he/him", "he/him"),
        (TEACHER, "he/him", "he/him"),
        (ADMIN, "he/him", "he/him"),
        (PARENT, "he/him", ""),
        (SELF, "he/him", "he/him"),  # the learner always sees their own choice
        (OTHER_PARENT, "", ""),
        (None, "", ""),
    ],
)
def test_pronouns_follow_the_learners_choice(viewer, shared, staff_only):
    assert (
        ctx.visible_pronouns(viewer, learner_id=LEARNER, pronouns="he/him", visibility="family")
        == shared
    )
    assert (
        ctx.visible_pronouns(viewer, learner_id=LEARNER, pronouns="he/him", visibility="staff")
        == staff_only
    )


def test_an_unknown_pronouns_visibility_is_treated_as_staff_only():
    assert ctx.visible_pronouns(PARENT, learner_id=LEARNER, pronouns="she/her", visibility="") == ""
    assert (
        ctx.visible_pronouns(MENTOR, learner_id=LEARNER, pronouns="she/her", visibility="")
        == "she/her"
    )


def test_a_printout_for_home_carries_only_pronouns_shared_with_the_family():
    assert ctx.shared_pronouns(pronouns="they/them", visibility="family") == "they/them"
    assert ctx.shared_pronouns(pronouns="they/them", visibility="staff") == ""
