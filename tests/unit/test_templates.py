"""Template rules: what a template may carry, and which template changes a plan still waits on."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from ilp_app.domain.errors import ValidationFailed
from ilp_app.domain.templates import (
    NAME_PLACEHOLDER,
    DecisionRecord,
    ItemDraft,
    ItemKind,
    PlanCopy,
    TemplateNode,
    UpdateKind,
    check_parent,
    clean_item,
    parse_objective_codes,
    pending_updates,
    template_items_from_plan,
    update_key,
)

# --- what a template may carry ---------------------------------------------------------------

LEARNER_DATA = [
    "not_started",
    "ongoing",
    "completed",
    "Ongoing",  # statuses
    "2026-10-31",
    "2026-11-15",
    "2026-09-01 08:15 UTC",  # dates
    "Mentor Mona",
    "Learner Lars",
    "Parent Pia",  # people
    "PRIVATE NOTE CANARY",
    "REFLECTION CANARY",
    "LOG CANARY",
    "CARRY REASON CANARY",
]


@dataclass
class Objective:
    id: int
    code: str
    statement: str


@dataclass
class Rating:
    kind: str
    score: int
    rater: str
    rated_at: str


@dataclass
class Reflection:
    id: int
    author: str
    body: str
    created_at: str


@dataclass
class GoalView:  # shaped like the plan page's view model, learner data included
    id: int
    statement: str
    success_criteria: str
    target_date: str
    self_rating: int
    mentor_rating: int
    objectives: list[Objective] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    ratings: list[Rating] = field(default_factory=list)
    reflections: list[Reflection] = field(default_factory=list)


def full_plan() -> list:
    """A plan structure as a mix of dicts and dataclasses, full of one learner's data."""
    goal = GoalView(
        id=11,
        statement="Read four books this term",
        success_criteria="Four book reports handed in",
        target_date="2026-10-31",
        self_rating=4,
        mentor_rating=3,
        objectives=[
            Objective(1, "NOR-8-03", "Express myself orally"),
            Objective(2, "MAT-8-05", "Fractions"),
        ],
        tasks=[
            {
                "id": 21,
                "title": "Choose the first book",
                "status": "completed",
                "status_label": "Completed",
                "due_date": "2026-11-15",
                "changed_by": "Learner Lars",
                "changed_at": "2026-09-01 08:15 UTC",
                "carry_reason": "CARRY REASON CANARY",
                "links": [
                    {
                        "id": 31,
                        "title": "Library catalogue",
                        "url": "https://library.example/catalogue",
                    }
                ],
            },
            {
                "id": 22,
                "title": "Present the book to the class",
                "status": "ongoing",
                "status_label": "Ongoing",
                "due_date": "",
                "changed_by": "Mentor Mona",
                "changed_at": "",
                "links": [],
            },
        ],
        ratings=[
            Rating("self", 4, "Learner Lars", "2026-09-01 08:15 UTC"),
            Rating("mentor", 3, "Mentor Mona", ""),
        ],
        reflections=[Reflection(41, "Learner Lars", "REFLECTION CANARY", "2026-09-01 08:15 UTC")],
    )
    return [
        {
            "id": 1,
            "name": "Academic",
            "completed": 1,
            "total": 2,
            "percent": 50,
            "goals": [goal],
            "notes": [
                {"body": "PRIVATE NOTE CANARY", "author": "Mentor Mona", "visibility": "private"}
            ],
            "log": [{"body": "LOG CANARY", "author": "Parent Pia"}],
        },
        {"id": 2, "name": "Social competence", "goals": []},
    ]


def flatten(drafts) -> list[ItemDraft]:
    out = []
    for d in drafts:
        out.append(d)
        out.extend(flatten(d.children))
    return out


def test_a_template_keeps_the_plans_structure_exactly():
    drafts = template_items_from_plan(full_plan())
    assert drafts == [
        ItemDraft(
            ItemKind.AREA,
            "Academic",
            children=(
                ItemDraft(
                    ItemKind.GOAL,
                    "Read four books this term",
                    "Four book reports handed in",
                    ("NOR-8-03", "MAT-8-05"),
                    children=(
                        ItemDraft(
                            ItemKind.TASK,
                            "Choose the first book",
                            children=(
                                ItemDraft(
                                    ItemKind.LINK,
                                    "Library catalogue",
                                    "https://library.example/catalogue",
                                ),
                            ),
                        ),
                        ItemDraft(ItemKind.TASK, "Present the book to the class"),
                    ),
                ),
            ),
        ),
        ItemDraft(ItemKind.AREA, "Social competence"),
    ]


def test_a_template_never_carries_statuses_dates_ratings_notes_reflections_or_names():
    drafts = flatten(template_items_from_plan(full_plan()))
    values = [v for d in drafts for v in (d.kind.value, d.text, d.detail, *d.objective_codes)]
    for canary in LEARNER_DATA:
        assert all(canary not in v for v in values), canary
    # Scores travel nowhere either: the only numbers are inside what the mentor wrote.
    assert {d.kind for d in drafts} == set(ItemKind)
    assert all(
        set(vars(d)) == {"kind", "text", "detail", "objective_codes", "children"} for d in drafts
    )


def test_the_learners_name_written_into_a_goal_becomes_the_learner():
    plan = [
        {
            "name": "Academic",
            "goals": [
                {
                    "statement": "Lars van Larsen reads aloud; Lars asks for help",
                    "success_criteria": "Lars-style notes",
                    "tasks": [
                        {"title": "Larsen family visit", "links": []},
                        {"title": "Lars picks a book"},
                        {"title": "Larsson's van de Velde-test, not Lars2"},
                    ],
                }
            ],
        }
    ]
    drafts = flatten(template_items_from_plan(plan, learner_names=["Lars van Larsen", "Lars"]))
    goal, task1, task2, task3 = drafts[1:]
    assert goal.text == f"{NAME_PLACEHOLDER} reads aloud; {NAME_PLACEHOLDER} asks for help"
    assert goal.detail == f"{NAME_PLACEHOLDER}-style notes"
    assert task1.text == f"{NAME_PLACEHOLDER} family visit"
    assert task2.text == f"{NAME_PLACEHOLDER} picks a book"
    # Only whole words, and lowercase particles ("van") are ordinary words.
    assert task3.text == "Larsson's van de Velde-test, not Lars2"


def test_only_http_links_travel_into_a_template():
    plan = [
        {
            "name": "A",
            "goals": [
                {
                    "statement": "G",
                    "tasks": [
                        {
                            "title": "T",
                            "links": [
                                {"title": "Bad", "url": "javascript:alert(1)"},
                                {"title": "Good", "url": "https://ok.example/"},
                            ],
                        }
                    ],
                }
            ],
        }
    ]
    links = [d for d in flatten(template_items_from_plan(plan)) if d.kind is ItemKind.LINK]
    assert [(li.text, li.detail) for li in links] == [("Good", "https://ok.example/")]


def test_items_without_text_are_left_out():
    plan = [
        {"name": "  "},
        {"name": "Career", "goals": [{"statement": ""}, {"statement": "Visit a workplace"}]},
    ]
    assert [(d.kind, d.text) for d in flatten(template_items_from_plan(plan))] == [
        (ItemKind.AREA, "Career"),
        (ItemKind.GOAL, "Visit a workplace"),
    ]


@pytest.mark.parametrize(
    ("kind", "parent"),
    [
        (ItemKind.AREA, ItemKind.GOAL),
        (ItemKind.GOAL, None),
        (ItemKind.GOAL, ItemKind.TASK),
        (ItemKind.TASK, ItemKind.AREA),
        (ItemKind.LINK, ItemKind.GOAL),
    ],
)
def test_items_hang_only_under_their_own_kind_of_parent(kind, parent):
    with pytest.raises(ValidationFailed):
        check_parent(kind, parent)


def test_items_hang_under_their_parent_kind():
    for kind, parent in (
        (ItemKind.AREA, None),
        (ItemKind.GOAL, ItemKind.AREA),
        (ItemKind.TASK, ItemKind.GOAL),
        (ItemKind.LINK, ItemKind.TASK),
    ):
        check_parent(kind, parent)


def test_item_text_is_limited_like_the_plan_field_it_becomes():
    assert clean_item(ItemKind.AREA, "x" * 80) == ("x" * 80, "", ())
    with pytest.raises(ValidationFailed, match="at most 80"):
        clean_item(ItemKind.AREA, "x" * 81)
    with pytest.raises(ValidationFailed, match="http"):
        clean_item(ItemKind.LINK, "Site", "javascript:alert(1)")
    assert clean_item(ItemKind.GOAL, " Goal ", " Done ", "A-1, B-2,A-1") == (
        "Goal",
        "Done",
        ("A-1", "B-2"),
    )
    assert clean_item(ItemKind.TASK, "Task", "ignored detail", "X") == ("Task", "", ())


def test_objective_codes_are_bounded():
    with pytest.raises(ValidationFailed, match="at most 10"):
        parse_objective_codes(",".join(f"C{i}" for i in range(11)))
    with pytest.raises(ValidationFailed):
        parse_objective_codes({"$ne": ""})


# --- which template changes a plan still waits on ----------------------------------------------


def node(id_, parent, kind, text, revision=1, removed=False, detail="", position=0):
    return TemplateNode(
        id=id_,
        parent_id=parent,
        kind=kind,
        text=text,
        detail=detail,
        revision=revision,
        removed=removed,
        position=position or id_,
    )


BASE = [
    node(1, None, ItemKind.AREA, "Academic"),
    node(2, 1, ItemKind.GOAL, "Read more"),
    node(3, 2, ItemKind.TASK, "Visit the library"),
    node(4, 3, ItemKind.LINK, "Catalogue", detail="https://lib.example/"),
]
TAKEN = [
    PlanCopy(1, "Academic"),
    PlanCopy(2, "Read more"),
    PlanCopy(3, "Visit the library"),
    PlanCopy(4, "Catalogue", "https://lib.example/"),
]


def pending(items, copies=TAKEN, taken=1, decisions=()):
    return pending_updates(
        template_items=items, plan_copies=copies, taken_revision=taken, decisions=decisions
    )


def summary(updates):
    return [(u.template_item_id, u.change, u.revision) for u in updates]


def test_a_plan_made_from_the_current_revision_waits_on_nothing():
    assert pending(BASE) == []


def test_a_new_task_a_changed_goal_and_a_removed_link_are_offered():
    items = [
        BASE[0],
        node(2, 1, ItemKind.GOAL, "Read more books", revision=3),
        BASE[2],
        node(
            4,
            3,
            ItemKind.LINK,
            "Catalogue",
            revision=4,
            removed=True,
            detail="https://lib.example/",
        ),
        node(5, 2, ItemKind.TASK, "Keep a reading log", revision=2),
    ]
    updates = pending(items)
    assert summary(updates) == [
        (2, UpdateKind.CHANGED, 3),
        (4, UpdateKind.REMOVED, 4),
        (5, UpdateKind.NEW, 2),
    ]
    changed = updates[0]
    assert (changed.text, changed.plan_text, changed.key) == (
        "Read more books",
        "Read more",
        update_key(2, 3),
    )
    assert updates[0].key == "2:3"


def test_accepted_and_dismissed_changes_are_not_offered_again():
    items = [
        BASE[0],
        node(2, 1, ItemKind.GOAL, "Read more books", revision=3),
        BASE[2],
        BASE[3],
        node(5, 2, ItemKind.TASK, "Keep a reading log", revision=2),
    ]
    copies = [*TAKEN, PlanCopy(5, "Keep a reading log")]
    decisions = [DecisionRecord(5, 2, "accepted"), DecisionRecord(2, 3, "dismissed")]
    assert pending(items, copies, decisions=decisions) == []
    # A later change to the dismissed goal is offered again.
    items[1] = node(2, 1, ItemKind.GOAL, "Read five books", revision=6)
    assert summary(pending(items, copies, decisions=decisions)) == [(2, UpdateKind.CHANGED, 6)]


def test_a_dismissed_new_item_stays_out_of_the_plan_without_being_offered_again():
    items = [*BASE, node(5, 2, ItemKind.TASK, "Keep a reading log", revision=2)]
    assert pending(items, decisions=[DecisionRecord(5, 2, "dismissed")]) == []


def test_changes_the_plan_was_made_with_are_not_updates():
    items = [
        *BASE[:3],
        node(4, 3, ItemKind.LINK, "Catalogue", revision=5, detail="https://lib.example/"),
    ]
    assert pending(items, taken=5) == []
    assert summary(pending(items, taken=4)) == [(4, UpdateKind.CHANGED, 5)]


def test_a_new_goal_comes_with_its_new_tasks_as_one_update():
    items = [
        *BASE,
        node(6, 1, ItemKind.GOAL, "Speak up", revision=2),
        node(7, 6, ItemKind.TASK, "Ask one question", revision=3),
    ]
    [update] = pending(items)
    assert (update.template_item_id, update.change, update.brings) == (6, UpdateKind.NEW, (7,))


def test_new_items_whose_parent_left_the_plan_are_not_offered():
    items = [*BASE, node(5, 2, ItemKind.TASK, "Keep a reading log", revision=2)]
    without_goal = [c for c in TAKEN if c.template_item_id not in (2, 3, 4)]
    assert pending(items, without_goal) == []


def test_removing_a_goal_is_one_update_not_one_per_task():
    items = [
        BASE[0],
        *(
            node(n.id, n.parent_id, n.kind, n.text, revision=2, removed=True, detail=n.detail)
            for n in BASE[1:]
        ),
    ]
    assert summary(pending(items)) == [(2, UpdateKind.REMOVED, 2)]


def test_items_removed_before_the_plan_took_them_are_not_updates():
    items = [*BASE, node(5, 2, ItemKind.TASK, "Short-lived", revision=3, removed=True)]
    assert pending(items) == []


def test_a_removed_item_the_plan_no_longer_has_is_not_offered():
    items = [*BASE[:3], node(4, 3, ItemKind.LINK, "Catalogue", revision=2, removed=True)]
    assert pending(items, TAKEN[:3]) == []


def test_updates_come_in_template_order():
    items = [
        node(1, None, ItemKind.AREA, "A", position=2),
        node(9, None, ItemKind.AREA, "B", revision=2, position=1),
        node(8, None, ItemKind.AREA, "C", revision=2, position=3),
    ]
    assert [u.template_item_id for u in pending(items, [PlanCopy(1, "A")])] == [9, 8]


def test_the_years_ticked_in_a_template_form_are_its_year_fields_only():
    from ilp_app.domain.templates import form_years

    form = {"name": "N", "year:Year 8": "on", "year:Year 9": True, "year:Year 7": "", "x:y": "on"}
    assert form_years(form) == ["Year 8", "Year 9"]


def test_a_templates_years_are_trimmed_deduplicated_and_capped():
    from ilp_app.domain.templates import (
        MAX_TEMPLATE_YEARS,
        MSG_TOO_MANY_YEARS,
        clean_template_meta,
    )

    assert clean_template_meta("N", "", [" Year 9 ", "year 9", "Year 8"])[2] == ("Year 9", "Year 8")
    assert clean_template_meta("N", "", "Year 9")[2] == ("Year 9",)
    assert clean_template_meta("N", "", "")[2] == ()
    with pytest.raises(ValidationFailed) as info:
        clean_template_meta("N", "", [f"Year {i}" for i in range(MAX_TEMPLATE_YEARS + 1)])
    assert info.value.message == MSG_TOO_MANY_YEARS
    with pytest.raises(ValidationFailed):
        clean_template_meta("N", "", [{"forged": 1}])
    with pytest.raises(ValidationFailed):
        clean_template_meta("N", "", ["Y" * 51])
