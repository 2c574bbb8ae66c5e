"""CASE packages imported into the objective library, on SQLite and PostgreSQL.

Each service call runs in its own unit of work, as a Reflex event does.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlmodel import Session, select

from ilp_app.db.models import (
    AuditEvent,
    GoalObjective,
    ImportRun,
    LearningObjective,
    ObjectiveFramework,
    User,
)
from ilp_app.domain.errors import PermissionDenied, ValidationFailed
from ilp_app.domain.roles import Role
from ilp_app.services.access.actors import actor_load
from ilp_app.services.plans import plan_edit, plan_read
from ilp_app.services.school import case_import, objectives
from tests.support.school import person_elsewhere
from tests.support.services import call

SAMPLE = Path(__file__).resolve().parents[2] / "examples" / "case-sample.json"
DOC = "7d3c2b1a-0000-4e5f-8a9b-123456789abc"


def ident(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "case-test-" + name))


def package(tree: list[tuple[str, str | None]], *, title: str = "Numeracy (test)") -> dict:
    """A package from (code, parent code or None for the document); siblings numbered in list order."""
    items, assocs, seq = [], [], {}
    for code, parent in tree:
        seq[parent] = seq.get(parent, 0) + 1
        items.append(
            {
                "identifier": ident(code),
                "humanCodingScheme": code,
                "fullStatement": f"Can do {code}",
                "CFItemType": "Standard" if parent else "Domain",
            }
        )
        assocs.append(
            {
                "identifier": ident("assoc-" + code),
                "associationType": "isChildOf",
                "sequenceNumber": seq[parent],
                "originNodeURI": {"identifier": ident(code)},
                "destinationNodeURI": {"identifier": DOC if parent is None else ident(parent)},
            }
        )
    return {
        "CFDocument": {
            "identifier": DOC,
            "title": title,
            "subject": ["Mathematics"],
            "version": "2",
        },
        "CFItems": items,
        "CFAssociations": assocs,
    }


def encode(pkg: dict) -> bytes:
    return json.dumps(pkg).encode()


TREE = [
    ("N.1", None),
    ("N.1.1", "N.1"),
    ("N.1.2", "N.1"),
    ("N.2", None),
    ("N.2.1", "N.2"),
    ("N.2.1.1", "N.2.1"),
]


def stored(engine) -> dict[str, LearningObjective]:
    with Session(engine) as s:
        return {
            o.case_identifier: o
            for o in s.exec(
                select(LearningObjective).where(LearningObjective.case_identifier.is_not(None))
            ).all()
        }


def test_import_stores_the_hierarchy_with_codes_identifiers_and_parents(engine, actors):
    result = call(
        case_import.case_import,
        actors["admin"],
        data=encode(package(TREE)),
        filename="numeracy.json",
    )
    assert result.status == "done"
    assert (result.created, result.updated, result.archived) == (6, 0, 0)
    rows = stored(engine)
    assert {r.code for r in rows.values()} == {"N.1", "N.1.1", "N.1.2", "N.2", "N.2.1", "N.2.1.1"}
    by_code = {r.code: r for r in rows.values()}
    assert by_code["N.1"].parent_id is None
    assert by_code["N.1.2"].parent_id == by_code["N.1"].id
    assert by_code["N.2.1.1"].parent_id == by_code["N.2.1"].id
    assert (by_code["N.1.1"].position, by_code["N.1.2"].position) == (0, 1)
    assert by_code["N.2.1"].case_identifier == ident("N.2.1")
    assert by_code["N.2.1"].item_type == "Standard" and by_code["N.2"].item_type == "Domain"
    assert by_code["N.1"].subject == "Mathematics"
    with Session(engine) as s:
        framework = s.exec(select(ObjectiveFramework)).one()
    assert (framework.case_identifier, framework.title, framework.version) == (
        DOC,
        "Numeracy (test)",
        "2",
    )
    assert {r.framework_id for r in rows.values()} == {framework.id}


def test_the_library_shows_the_framework_as_a_tree(actors):
    call(case_import.case_import, actors["admin"], data=encode(package(TREE)), filename="n.json")
    library = call(objectives.objective_tree, actors["mentor"])
    assert library.framework_title == "Numeracy (test)"
    assert [(n.code, n.depth) for n in library.nodes] == [
        ("N.1", 0),
        ("N.1.1", 1),
        ("N.1.2", 1),
        ("N.2", 0),
        ("N.2.1", 1),
        ("N.2.1.1", 2),
    ]
    assert [n.code for n in library.nodes if n.has_children] == ["N.1", "N.2", "N.2.1"]


def test_reimport_updates_in_place_keeping_ids_and_goal_links(engine, school, actors):
    admin, mentor = actors["admin"], actors["mentor"]
    call(case_import.case_import, admin, data=encode(package(TREE)), filename="n.json")
    first = stored(engine)
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area_id = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
    goal_id = call(
        plan_edit.goal_add,
        mentor,
        focus_area_id=area_id,
        statement="Fractions with confidence",
        objective_ids=[str(first[ident("N.2.1")].id)],
    )

    changed = package(TREE, title="Numeracy (test), 2nd edition")
    changed["CFItems"][4]["fullStatement"] = (
        "Can add and subtract fractions with unlike denominators"
    )
    result = call(case_import.case_import, admin, data=encode(changed), filename="n2.json")

    assert (result.created, result.updated, result.unchanged, result.archived) == (0, 1, 5, 0)
    second = stored(engine)
    assert {k: r.id for k, r in second.items()} == {k: r.id for k, r in first.items()}
    assert (
        second[ident("N.2.1")].statement
        == "Can add and subtract fractions with unlike denominators"
    )
    view = call(plan_read.plan_view, mentor, plan_id=plan_id)
    [goal] = [g for a in view.focus_areas for g in a.goals if g.id == goal_id]
    assert [(o.code, o.statement) for o in goal.objectives] == [
        ("N.2.1", "Can add and subtract fractions with unlike denominators")
    ]
    with Session(engine) as s:
        assert len(s.exec(select(ObjectiveFramework)).all()) == 1
        assert s.exec(select(ObjectiveFramework)).one().title == "Numeracy (test), 2nd edition"


def test_items_removed_from_the_package_are_archived_and_no_longer_offered(engine, school, actors):
    admin, mentor = actors["admin"], actors["mentor"]
    call(case_import.case_import, admin, data=encode(package(TREE)), filename="n.json")
    old = stored(engine)[ident("N.1.2")]
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area_id = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
    goal_id = call(
        plan_edit.goal_add,
        mentor,
        focus_area_id=area_id,
        statement="Estimate",
        objective_ids=[old.id],
    )

    shorter = [node for node in TREE if node[0] != "N.1.2"]
    result = call(case_import.case_import, admin, data=encode(package(shorter)), filename="n.json")

    assert result.archived == 1
    row = stored(engine)[ident("N.1.2")]
    assert row.id == old.id and row.archived
    offered = call(plan_edit.objective_options, mentor)
    assert old.id not in {o.id for o in offered}
    assert old.id not in {c.id for c in call(objectives.objective_choices, mentor)}
    assert "N.1.2" not in [n.code for n in call(objectives.objective_tree, mentor).nodes]
    # A new goal cannot link it; the goal that already did keeps it, also when edited.
    with pytest.raises(ValidationFailed, match="archived"):
        call(
            plan_edit.goal_add,
            mentor,
            focus_area_id=area_id,
            statement="Another",
            objective_ids=[old.id],
        )
    call(
        plan_edit.goal_edit,
        mentor,
        goal_id=goal_id,
        statement="Estimate well",
        objective_ids=[str(old.id)],
    )
    with Session(engine) as s:
        assert s.exec(
            select(GoalObjective.objective_id).where(GoalObjective.goal_id == goal_id)
        ).all() == [old.id]
    kept = call(objectives.objective_choices, mentor, keep_ids=[old.id])
    assert [c.archived for c in kept if c.id == old.id] == [True]

    # Back in the package: restored, with the same id.
    again = call(case_import.case_import, admin, data=encode(package(TREE)), filename="n.json")
    assert again.restored == 1 and not stored(engine)[ident("N.1.2")].archived


def test_an_invalid_package_changes_nothing_and_reports_the_path(engine, actors):
    call(case_import.case_import, actors["admin"], data=encode(package(TREE)), filename="n.json")
    before = {k: (r.id, r.code, r.statement, r.archived) for k, r in stored(engine).items()}
    broken = package(TREE + [("N.3", None)])
    broken["CFItems"][0]["fullStatement"] = "Changed, but the package is broken"
    del broken["CFItems"][6]["fullStatement"]
    result = call(
        case_import.case_import, actors["admin"], data=encode(broken), filename="broken.json"
    )
    assert result.status == "invalid"
    assert [f"{f.path}: {f.message}" for f in result.findings] == [
        "CFItems[6].fullStatement: missing"
    ]
    assert {k: (r.id, r.code, r.statement, r.archived) for k, r in stored(engine).items()} == before
    with Session(engine) as s:
        run = s.exec(select(ImportRun).where(ImportRun.filename == "broken.json")).one()
        assert run.status == "invalid" and run.kind == "case"
        assert "CFItems[6].fullStatement" in run.report


def test_a_loop_in_the_package_is_refused(engine, actors):
    looped = package(TREE)
    looped["CFAssociations"][0]["destinationNodeURI"]["identifier"] = ident("N.1.1")
    result = call(
        case_import.case_import, actors["admin"], data=encode(looped), filename="loop.json"
    )
    assert result.status == "invalid"
    assert any("loop" in f.message for f in result.findings)
    assert stored(engine) == {}


def test_a_code_already_used_at_the_school_gets_a_fallback_that_is_reported(engine, school, actors):
    clash = package(
        [("NOR-8-03", None), ("N.1", "NOR-8-03")]
    )  # NOR-8-03 is one of the school's own objectives
    result = call(
        case_import.case_import, actors["admin"], data=encode(clash), filename="clash.json"
    )
    assert result.status == "done"
    row = stored(engine)[ident("NOR-8-03")]
    assert row.code.startswith("NOR-8-03 [") and row.code != "NOR-8-03"
    assert any(
        f.path == "CFItems[0].humanCodingScheme" and row.code in f.message for f in result.findings
    )
    with Session(engine) as s:
        assert s.get(LearningObjective, school.objectives[0].id).code == "NOR-8-03"


def test_codes_swapped_between_items_on_reimport_are_stored(engine, actors):
    call(case_import.case_import, actors["admin"], data=encode(package(TREE)), filename="n.json")
    swapped = package(TREE)
    swapped["CFItems"][1]["humanCodingScheme"], swapped["CFItems"][2]["humanCodingScheme"] = (
        "N.1.2",
        "N.1.1",
    )
    result = call(case_import.case_import, actors["admin"], data=encode(swapped), filename="n.json")
    assert result.updated == 2
    rows = stored(engine)
    assert (rows[ident("N.1.1")].code, rows[ident("N.1.2")].code) == ("N.1.2", "N.1.1")


@pytest.mark.parametrize("who", ["mentor", "teacher", "learner", "parent", "anonymous"])
def test_only_an_administrator_imports_and_a_refusal_is_audited(engine, actors, who):
    with pytest.raises(PermissionDenied):
        call(
            case_import.case_import,
            actors[who],
            data=encode(package(TREE)),
            filename="n.json",
            client_ip="10.9.8.7",
        )
    assert stored(engine) == {}
    with Session(engine) as s:
        denied = s.exec(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
        assert [(e.action, e.client_ip) for e in denied] == [("school.manage", "10.9.8.7")]
        assert s.exec(select(ImportRun)).all() == []


def test_a_successful_import_is_recorded_and_audited(engine, actors):
    result = call(
        case_import.case_import,
        actors["admin"],
        data=encode(package(TREE)),
        filename="../../n.json",
    )
    with Session(engine) as s:
        run = s.get(ImportRun, result.run_id)
        event = s.exec(
            select(AuditEvent).where(AuditEvent.action == "objectives.case_import")
        ).one()
    assert (run.kind, run.status, run.filename) == ("case", "done", "n.json")
    assert json.loads(run.summary)["created"] == 6
    assert (event.outcome, event.target_id, event.actor_user_id) == (
        "ok",
        str(run.id),
        actors["admin"].user_id,
    )
    [row] = call(case_import.case_import_runs, actors["admin"])
    assert "6 new" in row.summary


def test_something_that_is_not_a_file_is_refused(actors):
    with pytest.raises(ValidationFailed):
        call(case_import.case_import, actors["admin"], data={"CFDocument": {}}, filename="x.json")


def test_the_example_package_imports_into_the_demo_school(engine, session):
    from ilp_app.seed import seed_demo

    assert seed_demo(session=session)
    session.commit()
    admin_user = session.exec(select(User).where(User.email == "admin@demo.school")).one()
    mentor_user = session.exec(select(User).where(User.email == "mentor@demo.school")).one()
    admin = actor_load(session=session, user=admin_user, active_role=None)
    mentor = actor_load(session=session, user=mentor_user, active_role=None)
    session.commit()

    result = call(case_import.case_import, admin, data=SAMPLE.read_bytes(), filename=SAMPLE.name)

    assert result.status == "done", [f"{f.path}: {f.message}" for f in result.findings]
    assert (result.created, result.findings) == (12, [])
    library = call(objectives.objective_tree, mentor, framework_id=result.framework_id)
    assert library.framework_title == "Oral communication (sample)"
    assert [n.code for n in library.nodes if n.depth == 0] == ["OC.1", "OC.2", "OC.3"]
    assert max(n.depth for n in library.nodes) == 2
    again = call(case_import.case_import, admin, data=SAMPLE.read_bytes(), filename=SAMPLE.name)
    assert (again.created, again.unchanged) == (0, 12)


def test_a_mentor_links_a_goal_to_an_imported_standard(engine, school, actors):
    call(case_import.case_import, actors["admin"], data=encode(package(TREE)), filename="n.json")
    mentor = actors["mentor"]
    choices = call(objectives.objective_choices, mentor)
    [standard] = [c for c in choices if c.code == "N.2.1.1"]
    assert standard.path == "Numeracy (test) › N.2 › N.2.1"
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id("learner"))
    area_id = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
    goal_id = call(
        plan_edit.goal_add,
        mentor,
        focus_area_id=area_id,
        statement="Long division",
        objective_ids=[str(standard.id), str(school.objectives[1].id)],
    )
    view = call(plan_read.plan_view, mentor, plan_id=plan_id)
    [goal] = [g for a in view.focus_areas for g in a.goals if g.id == goal_id]
    assert sorted(o.code for o in goal.objectives) == ["MAT-8-05", "N.2.1.1"]


def test_another_school_imports_the_same_package_as_its_own(engine, session, actors):
    call(case_import.case_import, actors["admin"], data=encode(package(TREE)), filename="n.json")
    user = person_elsewhere(
        session, Role.ADMINISTRATOR, email="admin@other.school", full_name="Other Admin"
    )
    session.commit()
    other_admin = actor_load(session=session, user=user, active_role=None)
    session.commit()

    result = call(
        case_import.case_import, other_admin, data=encode(package(TREE)), filename="n.json"
    )

    assert result.created == 6
    with Session(engine) as s:
        frameworks = s.exec(select(ObjectiveFramework)).all()
        assert sorted(f.site_id for f in frameworks) == sorted({f.site_id for f in frameworks})
        assert (
            len(s.exec(select(LearningObjective).where(LearningObjective.code == "N.1")).all()) == 2
        )
    mine = call(objectives.objective_tree, actors["mentor"])
    assert len([n for n in mine.nodes if n.code == "N.1"]) == 1
