"""The objective library: who browses it, searching it, and the objectives a school enters by hand."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlmodel import Session, select

from ilp_app.db.models import AuditEvent, LearningObjective
from ilp_app.domain.errors import NotFound, PermissionDenied, ValidationFailed
from ilp_app.services.plans import plan_edit
from ilp_app.services.school import case_import, objectives
from tests.support.services import call

DOC = "1a2b3c4d-0000-4e5f-8a9b-abcdefabcdef"


def ident(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "objectives-test-" + name))


def sample() -> bytes:
    tree = [
        ("S.1", None, "Describe living things"),
        ("S.1.1", "S.1", "Classify animals by their features"),
        ("S.1.2", "S.1", "Explain photosynthesis"),
        ("S.2", None, "Investigate forces"),
    ]
    return json.dumps(
        {
            "CFDocument": {"identifier": DOC, "title": "Science (test)"},
            "CFItems": [
                {"identifier": ident(c), "humanCodingScheme": c, "fullStatement": t}
                for c, _, t in tree
            ],
            "CFAssociations": [
                {
                    "associationType": "isChildOf",
                    "originNodeURI": {"identifier": ident(c)},
                    "destinationNodeURI": {"identifier": ident(p) if p else DOC},
                }
                for c, p, _ in tree
            ],
        }
    ).encode()


@pytest.mark.parametrize("who", ["admin", "mentor", "teacher"])
def test_staff_browse_the_library(actors, who):
    library = call(objectives.objective_tree, actors[who])
    assert [f.title for f in library.frameworks] == [objectives.OWN_TITLE]
    assert sorted(n.code for n in library.nodes) == ["MAT-8-05", "NOR-8-03"]
    assert library.can_manage is (who == "admin")


@pytest.mark.parametrize("who", ["learner", "parent", "anonymous"])
def test_learners_and_parents_do_not_browse_the_library(engine, actors, who):
    with pytest.raises(PermissionDenied):
        call(objectives.objective_tree, actors[who])
    with Session(engine) as s:
        assert s.exec(select(AuditEvent.action).where(AuditEvent.outcome == "denied")).all() == [
            "objective.view"
        ]


def test_search_keeps_matches_with_the_objectives_above_them(actors):
    call(case_import.case_import, actors["admin"], data=sample(), filename="science.json")
    library = call(objectives.objective_tree, actors["mentor"], query="PHOTOSYNTHESIS")
    assert [(n.code, n.match) for n in library.nodes] == [("S.1", False), ("S.1.2", True)]
    assert library.matches == 1
    by_code = call(objectives.objective_tree, actors["mentor"], query="s.2")
    assert [n.code for n in by_code.nodes] == ["S.2"]


def test_frameworks_are_listed_first_and_chosen_by_id(actors):
    call(case_import.case_import, actors["admin"], data=sample(), filename="science.json")
    library = call(objectives.objective_tree, actors["teacher"])
    assert [f.title for f in library.frameworks] == ["Science (test)", objectives.OWN_TITLE]
    assert library.frameworks[0].objectives == 4
    own = call(objectives.objective_tree, actors["teacher"], framework_id=objectives.OWN)
    assert own.framework_title == objectives.OWN_TITLE
    with pytest.raises(NotFound):
        call(objectives.objective_tree, actors["teacher"], framework_id=987654)
    with pytest.raises(ValidationFailed):
        call(objectives.objective_tree, actors["teacher"], query="x" * 101)


def test_an_administrator_adds_edits_and_archives_an_own_objective(engine, school, actors):
    admin, mentor = actors["admin"], actors["mentor"]
    oid = call(
        objectives.objective_create,
        admin,
        code="SOC-8-02",
        statement="Discuss a news story",
        subject="Social",
    )
    assert (
        call(
            objectives.objective_update,
            admin,
            objective_id=str(oid),
            code="SOC-8-04",
            statement="Discuss a news story from two sides",
            subject="Social studies",
        )
        is True
    )
    with Session(engine) as s:
        row = s.get(LearningObjective, oid)
    assert (row.code, row.statement, row.subject) == (
        "SOC-8-04",
        "Discuss a news story from two sides",
        "Social studies",
    )
    assert oid in {o.id for o in call(plan_edit.objective_options, mentor)}
    call(objectives.objective_set_archived, admin, objective_id=oid, archived=True)
    assert oid not in {o.id for o in call(plan_edit.objective_options, mentor)}
    archived_tree = call(objectives.objective_tree, admin, framework_id=0, include_archived=True)
    assert [n.archived for n in archived_tree.nodes if n.id == oid] == [True]
    call(objectives.objective_set_archived, admin, objective_id=oid, archived=False)
    assert oid in {o.id for o in call(plan_edit.objective_options, mentor)}
    with Session(engine) as s:
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.target_id == str(oid))).all()
    assert actions == [
        "objective.create",
        "objective.update",
        "objective.archive",
        "objective.restore",
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"code": "nor-8-03", "statement": "Taken"}, "already used"),
        ({"code": "", "statement": "No code"}, "Code is required"),
        ({"code": "A,B", "statement": "Comma"}, "commas"),
        ({"code": "X" * 61, "statement": "Long"}, "at most 60"),
        ({"code": "OK-1", "statement": "s" * 1001}, "at most 1000"),
        ({"code": "OK-1", "statement": ""}, "Statement is required"),
        ({"code": "OK-1", "statement": "Fine", "subject": "s" * 101}, "at most 100"),
        ({"code": ["OK"], "statement": "Fine"}, "must be text"),
    ],
)
def test_bad_objective_fields_are_refused_and_change_nothing(engine, actors, fields, message):
    with pytest.raises(ValidationFailed, match=message):
        call(objectives.objective_create, actors["admin"], **fields)
    with Session(engine) as s:
        assert len(s.exec(select(LearningObjective)).all()) == 2


def test_an_imported_objective_is_changed_only_by_importing_again(engine, actors):
    call(case_import.case_import, actors["admin"], data=sample(), filename="science.json")
    with Session(engine) as s:
        imported = s.exec(select(LearningObjective).where(LearningObjective.code == "S.2")).one()
    with pytest.raises(ValidationFailed, match="Science \\(test\\)"):
        call(
            objectives.objective_update,
            actors["admin"],
            objective_id=imported.id,
            code="S.9",
            statement="x",
        )
    with pytest.raises(ValidationFailed, match="import the package again"):
        call(
            objectives.objective_set_archived,
            actors["admin"],
            objective_id=imported.id,
            archived=True,
        )


@pytest.mark.parametrize("who", ["mentor", "teacher", "learner"])
def test_only_administrators_manage_own_objectives(school, actors, who):
    with pytest.raises(PermissionDenied):
        call(objectives.objective_create, actors[who], code="Z-1", statement="Nope")
    with pytest.raises(PermissionDenied):
        call(
            objectives.objective_update,
            actors[who],
            objective_id=school.objectives[0].id,
            code="Z-1",
            statement="Nope",
        )


def test_goal_choices_show_where_each_standard_sits(actors):
    call(case_import.case_import, actors["admin"], data=sample(), filename="science.json")
    choices = call(objectives.objective_choices, actors["mentor"])
    assert [(c.code, c.path) for c in choices] == [
        ("MAT-8-05", objectives.OWN_TITLE),
        ("NOR-8-03", objectives.OWN_TITLE),
        ("S.1", "Science (test)"),
        ("S.1.1", "Science (test) › S.1"),
        ("S.1.2", "Science (test) › S.1"),
        ("S.2", "Science (test)"),
    ]
    with pytest.raises(PermissionDenied):
        call(objectives.objective_choices, actors["parent"])
