"""The school's coaching library and its learner-voice setting, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from ilp_app.db.models import CoachingPrompt, GoalRating, Site
from ilp_app.domain.coaching import DEFAULT_LIBRARY, MAX_PER_SITUATION
from ilp_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from ilp_app.services.plans import plan_activity, plan_edit, plan_read
from ilp_app.services.plans.plan_page import plan_page
from ilp_app.services.school import coaching
from tests.support.services import audit, call, count, rows


@pytest.fixture
def library(engine, school):
    with Session(engine) as s:
        coaching.coaching_defaults_load(s, school.site.id)
        s.commit()


def test_the_default_library_loads_once(engine, school, library):
    with Session(engine) as s:
        assert coaching.coaching_defaults_load(s, school.site.id) == 0
    assert count(engine, CoachingPrompt) == len(DEFAULT_LIBRARY)


@pytest.mark.parametrize(
    ("language", "starter"),
    [
        ("en", "Next time I will try…"),
        ("nb", "Neste gang skal jeg prøve…"),
        ("nn", "Neste gong skal eg prøve…"),
    ],
)
def test_the_default_library_is_written_in_the_schools_language(engine, school, language, starter):
    with Session(engine) as s:
        site = s.get(Site, school.site.id)
        site.default_language = language
        s.add(site)
        coaching.coaching_defaults_load(s, school.site.id)
        s.commit()
    texts = {r.text for r in rows(engine, CoachingPrompt)}
    assert starter in texts
    assert len(texts) == len(DEFAULT_LIBRARY)


def test_the_administrator_adds_edits_and_removes_lines(engine, school, actors, library):
    admin = actors["admin"]
    new = call(
        coaching.coaching_prompt_add,
        admin,
        situation="stuck",
        kind="starter",
        text="I could ask my mentor about…",
    )
    with Session(engine) as s:
        assert (
            "I could ask my mentor about…"
            in coaching.coaching_for_site(s, school.site.id).starters["stuck"]
        )
    call(coaching.coaching_prompt_edit, admin, prompt_id=new, text="I could ask a friend…")
    assert rows(engine, CoachingPrompt, CoachingPrompt.id == new)[0].text == "I could ask a friend…"
    call(coaching.coaching_prompt_delete, admin, prompt_id=new)
    assert count(engine, CoachingPrompt) == len(DEFAULT_LIBRARY)
    first = rows(engine, CoachingPrompt)[0]
    call(coaching.coaching_prompt_delete, admin, prompt_id=first.id)
    assert call(coaching.coaching_defaults_restore, admin) == 1
    assert count(engine, CoachingPrompt) == len(DEFAULT_LIBRARY)
    assert len(audit(engine, action="coaching.add")) == 1


@pytest.mark.parametrize("who", ["mentor", "teacher", "parent", "learner", "anonymous"])
def test_only_the_administrator_edits_the_library(engine, actors, library, who):
    first = rows(engine, CoachingPrompt)[0]
    with pytest.raises(PermissionDenied):
        call(coaching.coaching_prompt_add, actors[who], situation="stuck", kind="prompt", text="x")
    with pytest.raises(PermissionDenied):
        call(coaching.coaching_prompt_edit, actors[who], prompt_id=first.id, text="changed")
    with pytest.raises(PermissionDenied):
        call(coaching.coaching_prompt_delete, actors[who], prompt_id=first.id)
    with pytest.raises(PermissionDenied):
        call(coaching.site_set_learner_tasks_need_approval, actors[who], need=False)
    assert rows(engine, CoachingPrompt)[0].text == first.text
    assert count(engine, CoachingPrompt) == len(DEFAULT_LIBRARY)


def test_another_schools_line_is_not_found(engine, school, actors, library):
    with Session(engine) as s:
        other = Site(name="Other School")
        s.add(other)
        s.flush()
        s.add(CoachingPrompt(site_id=other.id, situation="stuck", kind="prompt", text="Theirs"))
        s.commit()
    theirs = rows(engine, CoachingPrompt, CoachingPrompt.text == "Theirs")[0]
    with pytest.raises(NotFound):
        call(coaching.coaching_prompt_edit, actors["admin"], prompt_id=theirs.id, text="Mine now")
    with pytest.raises(NotFound):
        call(coaching.coaching_prompt_delete, actors["admin"], prompt_id=theirs.id)
    assert rows(engine, CoachingPrompt, CoachingPrompt.id == theirs.id)[0].text == "Theirs"


@pytest.mark.parametrize(
    "fields",
    [
        {"situation": "party", "kind": "prompt", "text": "Hi"},
        {"situation": "stuck", "kind": "shout", "text": "Hi"},
        {"situation": "stuck", "kind": "prompt", "text": "x" * 301},
        {"situation": "stuck", "kind": "prompt", "text": "   "},
        {"situation": ["stuck"], "kind": "prompt", "text": "Hi"},
    ],
)
def test_bad_lines_are_refused_with_a_message(engine, actors, library, fields):
    with pytest.raises(ValidationFailed):
        call(coaching.coaching_prompt_add, actors["admin"], **fields)
    assert count(engine, CoachingPrompt) == len(DEFAULT_LIBRARY)


def test_a_situation_holds_a_limited_number_of_lines(engine, actors, library):
    have = count(engine, CoachingPrompt, CoachingPrompt.situation == "stuck")
    for n in range(MAX_PER_SITUATION - have):
        call(
            coaching.coaching_prompt_add,
            actors["admin"],
            situation="stuck",
            kind="prompt",
            text=f"Q{n}",
        )
    with pytest.raises(ValidationFailed, match="at most"):
        call(
            coaching.coaching_prompt_add,
            actors["admin"],
            situation="stuck",
            kind="prompt",
            text="One more",
        )


@pytest.mark.parametrize("forged", ["false", 0, None, "off"])
def test_the_learner_task_setting_takes_only_on_or_off(engine, school, actors, forged):
    with pytest.raises(ValidationFailed, match="on or off"):
        call(coaching.site_set_learner_tasks_need_approval, actors["admin"], need=forged)
    assert rows(engine, Site)[0].learner_tasks_need_approval is True
    call(coaching.site_set_learner_tasks_need_approval, actors["admin"], need=False)
    assert call(coaching.learner_tasks_need_approval, actors["admin"]) is False


@pytest.fixture
def goal(school, actors):
    mentor = actors["mentor"]
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area_id = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
    goal_id = call(plan_edit.goal_add, mentor, focus_area_id=area_id, statement="Speak up")
    call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    return {"plan_id": plan_id, "goal_id": goal_id}


def test_a_low_self_rating_keeps_how_they_got_here_and_the_next_step(engine, actors, goal):
    call(
        plan_activity.rating_add,
        actors["learner"],
        goal_id=goal["goal_id"],
        score=2,
        how_got_here="I answered once in class",
        next_step="Ask one question on Monday",
    )
    stored = rows(engine, GoalRating)[0]
    assert (stored.score, stored.how_got_here, stored.next_step) == (
        2,
        "I answered once in class",
        "Ask one question on Monday",
    )
    # The mentor sees the answers with the goal.
    view = call(plan_read.plan_view, actors["mentor"], plan_id=goal["plan_id"])
    shown = view.focus_areas[0].goals[0]
    assert (shown.self_rating, shown.self_how, shown.self_next) == (
        2,
        "I answered once in class",
        "Ask one question on Monday",
    )


@pytest.mark.parametrize(("who", "score"), [("learner", 4), ("learner", 3), ("mentor", 1)])
def test_the_low_rating_answers_go_only_with_a_low_self_rating(engine, actors, goal, who, score):
    with pytest.raises(ValidationFailed, match="1 or 2"):
        call(
            plan_activity.rating_add,
            actors[who],
            goal_id=goal["goal_id"],
            score=score,
            how_got_here="Forged",
        )
    assert count(engine, GoalRating) == 0


def test_an_oversized_answer_is_refused(engine, actors, goal):
    with pytest.raises(ValidationFailed, match="at most 1000"):
        call(
            plan_activity.rating_add,
            actors["learner"],
            goal_id=goal["goal_id"],
            score=1,
            next_step="x" * 1001,
        )
    assert count(engine, GoalRating) == 0


def test_the_learners_plan_page_carries_the_schools_starters(engine, school, actors, goal, library):
    page = call(plan_page, actors["learner"], plan_id=goal["plan_id"])
    assert "Something that went well was…" in page.reflection_starters
    assert len(page.low_rating_prompts) == 2
    # A parent neither reflects nor rates: no coaching lines travel to their page.
    parent_page = call(plan_page, actors["parent"], plan_id=goal["plan_id"])
    assert parent_page.reflection_starters == [] and parent_page.low_rating_prompts == []
