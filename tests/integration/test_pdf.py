"""Printed plans through the services: what reaches paper, for whom, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import os
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fontTools import ttLib
from fpdf import FPDF
from pypdf import PdfReader
from sqlmodel import select

from ilp_app import security
from ilp_app.db.models import AuthSession, Enrollment, Group, MentorAssignment, Plan, Site, User
from ilp_app.domain.errors import NotFound, PermissionDenied
from ilp_app.pdf import plan_pdf
from ilp_app.pdf.plan_pdf import LEFT_OUT_HEADING, SIGNATURE_ROLES, TASK_HEADINGS
from ilp_app.services.access import auth
from ilp_app.services.plans import plan_activity, plan_edit, plan_read
from ilp_app.services.reports import print_files, printing
from ilp_app.services.uow import unit_of_work
from ilp_app.web.files import pdf_response, print_file_response
from tests.support.school import build_school
from tests.support.services import call

UNICODE_NAMES = ("Nguyễn Thị Hồng", "Zofia Wąsowicz", "Sofía Cedeño")
STAFF_CANARY = "STAFF-CANARY-123"
PRIVATE_CANARY = "PRIVATE-CANARY-9"
FAMILY_NOTE = "FAMILY-NOTE-OK"


def pages_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def flat(text: str) -> str:
    """Extracted text with line breaks as spaces, so wrapped phrases still match."""
    return " ".join(text.split())


@pytest.fixture
def school(session):
    school = build_school(session, learners=2)
    learner = school.people["learner"]
    learner.full_name, learner.preferred_name, learner.pronouns = "Åsa Ødegård", "Åsa", "she/her"
    session.add(learner)
    session.commit()
    return school


def _plan(
    school,
    actors,
    goals: list[tuple[str, list[str]]],
    *,
    learner: str = "learner",
    mentor: str = "mentor",
    activate: bool = True,
) -> int:
    mentor = actors[mentor]
    plan_id = call(plan_edit.plan_create, mentor, learner_id=school.id(learner))
    area_id = call(plan_read.plan_view, mentor, plan_id=plan_id).focus_areas[0].id
    for statement, tasks in goals:
        goal_id = call(
            plan_edit.goal_add,
            mentor,
            focus_area_id=area_id,
            statement=statement,
            success_criteria="Shown to the mentor",
            target_date=(school.period.ends_on - timedelta(days=5)).isoformat(),
            objective_ids=[str(school.objectives[0].id)],
        )
        for title in tasks:
            call(plan_edit.task_add, mentor, goal_id=goal_id, title=title)
    if activate:
        call(plan_edit.plan_activate, mentor, plan_id=plan_id)
    return plan_id


GOALS = [
    (
        f"Interview {UNICODE_NAMES[0]} about her work",
        ["Write five questions", "Record the interview"],
    ),
    (f"Read the poems of {UNICODE_NAMES[1]}", ["Borrow the book from the library"]),
    (
        f"Present the story of {UNICODE_NAMES[2]} to the class",
        ["Make the slides", "Rehearse twice at home"],
    ),
]


@pytest.fixture
def plan_id(school, actors):
    """An active plan with three goals, a reflection, and one note of each visibility."""
    plan_id = _plan(school, actors, GOALS)
    goal_id = (
        call(plan_read.plan_view, actors["mentor"], plan_id=plan_id).focus_areas[0].goals[0].id
    )
    call(
        plan_activity.reflection_add,
        actors["learner"],
        goal_id=goal_id,
        body="Asking good questions is hard",
    )
    call(plan_activity.rating_add, actors["learner"], goal_id=goal_id, score=3)
    for body, visibility in (
        (STAFF_CANARY, "staff"),
        (PRIVATE_CANARY, "private"),
        (FAMILY_NOTE, "family"),
    ):
        call(
            plan_activity.note_add,
            actors["mentor"],
            plan_id=plan_id,
            body=body,
            visibility=visibility,
        )
    return plan_id


@pytest.mark.parametrize("printer", ["mentor", "parent"])
def test_printed_plan_has_names_goals_tasks_and_signature_lines(actors, plan_id, printer):
    filename, data = call(printing.plan_pdf, actors[printer], plan_id=plan_id)
    text = flat("\n".join(pages_text(data)))
    assert filename == "plan-asa-current.pdf"
    assert "Åsa (she/her)" in text
    for name in UNICODE_NAMES:
        assert name in text
    for statement, tasks in GOALS:
        assert statement in text
        for title in tasks:
            assert title in text
    assert "Asking good questions is hard" in text
    assert "Self rating: 3/5" in text
    assert "NOR-8-03" in text
    for role in SIGNATURE_ROLES:
        assert role in text
    assert "Test School" in text and "Current" in text


@pytest.mark.parametrize("printer", ["mentor", "parent"])
def test_printed_plan_carries_family_notes_and_never_staff_or_private_ones(
    actors, plan_id, printer
):
    on_screen = {n.body for n in call(plan_read.plan_view, actors[printer], plan_id=plan_id).notes}
    if printer == "mentor":  # the mentor sees all three on screen: the filter is the printer's own
        assert {STAFF_CANARY, PRIVATE_CANARY, FAMILY_NOTE} <= on_screen
    _, data = call(printing.plan_pdf, actors[printer], plan_id=plan_id)
    text = flat("\n".join(pages_text(data)))
    assert FAMILY_NOTE in text
    assert STAFF_CANARY not in text
    assert PRIVATE_CANARY not in text


def test_pronouns_are_left_out_when_not_given(session, school, actors, plan_id):
    learner = session.get(User, school.id("learner"))
    learner.pronouns = ""
    session.add(learner)
    session.commit()
    _, data = call(printing.plan_pdf, actors["mentor"], plan_id=plan_id)
    text = flat("\n".join(pages_text(data)))
    assert "Åsa" in text and "(she/her)" not in text and "()" not in text


def test_pronouns_the_learner_keeps_from_parents_are_not_printed_even_by_staff(
    session, school, actors, plan_id
):
    learner = session.get(User, school.id("learner"))
    learner.pronouns_visibility = "staff"
    session.add(learner)
    session.commit()
    for who in ("mentor", "learner"):
        _, data = call(printing.plan_pdf, actors[who], plan_id=plan_id)
        text = flat("\n".join(pages_text(data)))
        assert "Åsa" in text and "she/her" not in text


def test_a_long_plan_runs_over_pages_with_numbers_and_repeated_task_headings(school, actors):
    many_goals = [
        (
            f"Goal number {i} with a statement long enough to wrap " + "and wrap " * 12,
            [f"Task {i}-a", f"Task {i}-b"],
        )
        for i in range(40)
    ]
    many_goals.append(
        ("One goal with a long task list", [f"Long list item {j}" for j in range(90)])
    )
    plan_id = _plan(school, actors, many_goals)
    _, data = call(printing.plan_pdf, actors["mentor"], plan_id=plan_id)
    pages = pages_text(data)
    assert len(pages) > 2
    assert f"Page 2 of {len(pages)}" in pages[1]
    everything = flat("\n".join(pages))
    for statement, tasks in many_goals:
        assert flat(statement) in everything
        for title in tasks:
            assert title in everything
    heading = " ".join(TASK_HEADINGS)
    # The long list spans a page break: each page it continues on starts again with the headings.
    continued = [flat(p) for p in pages if "Long list item" in p]
    assert len(continued) >= 2
    for page in continued[1:]:
        assert heading in page
        assert page.index(heading) < page.index("Long list item")
    assert "Åsa" in pages[-1].split("\n")[0]  # the running header names the learner on every page


def test_parent_cannot_print_another_familys_plan(school, actors, plan_id):
    with pytest.raises(PermissionDenied):
        call(printing.plan_pdf, actors["parent2"], plan_id=plan_id)
    with pytest.raises(PermissionDenied):
        call(printing.plan_pdf, actors["mentor2"], plan_id=plan_id)


def test_group_print_has_each_current_plan_from_a_new_page(session, school, actors, plan_id):
    group_id = session.exec(select(Group.id)).first()
    session.commit()  # end the read before the service takes its own unit of work
    _plan(school, actors, [("A goal of L0", ["A task of L0"])], learner="l0")
    seen = []
    filename, data = call(
        printing.group_pdf,
        actors["teacher"],
        group_id=group_id,
        progress=lambda done, total: seen.append((done, total)),
    )
    pages = pages_text(data)
    assert filename == "plans-9c.pdf"
    starts = [n for n, page in enumerate(pages) if "Individual Learning Plan" in page]
    assert len(starts) == 2  # Åsa's and L0's plans, each from the top of a page
    assert pages[starts[0]].startswith("Test School · Current · L0 Person")
    assert pages[starts[1]].startswith("Test School · Current · Åsa")
    assert "A goal of L0" in flat("\n".join(pages[starts[0] : starts[1]]))
    assert GOALS[0][0] in flat("\n".join(pages[starts[1] :]))
    assert STAFF_CANARY not in flat("\n".join(pages))
    assert seen == [(1, 2), (2, 2)]
    with pytest.raises(PermissionDenied):
        call(printing.group_pdf, actors["parent"], group_id=group_id)


MENTOR2_CANARY = "MENTOR2-ONLY-GOAL-77"


@pytest.fixture
def tutor_group(session, school, actors, plan_id):
    """A tutor group of four: the mentor's learner with a shared plan, l0 without a plan, l1 with a
    draft, and learner2, whose plan belongs to another mentor and family."""
    group = Group(site_id=school.site.id, name="8T", kind="tutor")
    session.add(group)
    session.flush()
    for name in ("learner", "l0", "l1", "learner2"):
        session.add(Enrollment(group_id=group.id, user_id=school.id(name), role="learner"))
    session.commit()
    _plan(
        school, actors, [("A draft goal of L1", ["Not shared yet"])], learner="l1", activate=False
    )
    _plan(
        school,
        actors,
        [(MENTOR2_CANARY, ["Someone else's task"])],
        learner="learner2",
        mentor="mentor2",
    )
    mentor = school.actor(session, "mentor")  # now staff of 8T, through the learners they mentor
    session.commit()
    return group.id, mentor


def test_group_print_leaves_out_what_the_printer_may_not_read_and_names_everyone_missing(
    tutor_group,
):
    group_id, mentor = tutor_group
    order = call(printing.group_print_order, mentor, group_id=group_id)
    assert [name for _, name in order.plans] == ["Åsa"]
    assert list(order.left_out) == [
        f"L0 Person: {printing.LEFT_OUT_NO_PLAN}",
        f"L1 Person: {printing.LEFT_OUT_DRAFT}",
        f"Learner2 Person: {printing.LEFT_OUT_REFUSED}",
    ]
    filename, data = call(printing.group_pdf, mentor, group_id=group_id)
    pages = pages_text(data)
    everything = flat("\n".join(pages))
    assert filename == "plans-8t.pdf"
    assert GOALS[0][0] in everything
    assert MENTOR2_CANARY not in everything and "A draft goal of L1" not in everything
    closing = flat(pages[-1])
    assert closing.startswith(LEFT_OUT_HEADING)
    for line in order.left_out:
        assert line in closing


def test_group_print_leaves_out_a_plan_that_went_away_while_it_ran(session, tutor_group):
    group_id, mentor = tutor_group
    job = printing.group_print_start(actor=mentor, group_id=group_id)
    assert job.total == 1
    ((plan_id, name),) = job.order.plans
    with unit_of_work() as s:  # the plan moves to another school between the order and its turn
        elsewhere = Site(name="Elsewhere")
        s.add(elsewhere)
        s.flush()
        plan = s.get(Plan, plan_id)
        plan.site_id = elsewhere.id
        s.add(plan)
    job.print_next()
    assert job.finished
    assert f"{name}: {printing.LEFT_OUT_GONE}" in job.all_left_out()
    assert GOALS[0][0] not in flat("\n".join(pages_text(job.pdf())))


def test_a_parent_cannot_start_a_group_print(tutor_group, actors):
    group_id, _ = tutor_group
    with pytest.raises(PermissionDenied):
        printing.group_print_start(actor=actors["parent"], group_id=group_id)


# --- the finished file, held for one download by one session --------------------------------------


def _signed_in(session, school, name: str, role: str) -> tuple[str, auth.CurrentUser]:
    token = _token(session, school.id(name), role)
    me = auth.current_user(session=session, token=token)
    session.commit()
    return token, me


@pytest.fixture(params=["memory", "redis"])
def store_pair(request):
    """Two handles on one store, as two workers would hold them (one process's memory, or Redis)."""
    if request.param == "memory":
        store = print_files.MemoryPrintStore()
        return store, store
    url = os.environ.get("ILP_TEST_REDIS_URL", "").strip()
    if not url:
        reason = "Redis not configured: set ILP_TEST_REDIS_URL (CI sets it) to run these"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return print_files.RedisPrintStore.from_url(url), print_files.RedisPrintStore.from_url(url)


def _held(session, school, tutor_group, store, *, name="mentor", role="mentor", now=None):
    group_id, mentor = tutor_group
    token, me = _signed_in(session, school, name, role)
    job = printing.group_print_start(actor=me.actor, group_id=group_id)
    key = print_files.print_file_put(
        actor=me.actor,
        session_id=me.session_id,
        group_id=group_id,
        filename=job.order.filename,
        data=job.pdf(),
        store=store,
        now=now,
    )
    return key, token, me


def take(me, key, store, now=None):
    return call(
        print_files.print_file_take,
        me.actor,
        session_id=me.session_id,
        key=key,
        store=store,
        now=now,
    )


def test_a_held_print_is_served_once_to_the_session_that_asked(
    session, school, tutor_group, store_pair
):
    writer, reader = store_pair
    key, _, me = _held(session, school, tutor_group, writer)
    filename, data = take(me, key, reader)
    assert filename == "plans-8t.pdf"
    assert GOALS[0][0] in flat("\n".join(pages_text(data)))
    with pytest.raises(NotFound):
        take(me, key, reader)


def test_a_held_print_is_refused_to_another_person_and_to_another_session(
    session, school, tutor_group, store_pair
):
    writer, reader = store_pair
    key, _, me = _held(session, school, tutor_group, writer)
    _, other_person = _signed_in(session, school, "mentor2", "mentor")
    _, same_person_elsewhere = _signed_in(session, school, "mentor", "mentor")
    assert same_person_elsewhere.session_id != me.session_id
    for intruder in (other_person, same_person_elsewhere):
        with pytest.raises(PermissionDenied):
            take(intruder, key, reader)
    assert take(me, key, reader)[1].startswith(b"%PDF")  # the refusals did not use it up


def test_an_expired_print_is_refused(session, school, tutor_group, store_pair):
    writer, reader = store_pair
    key, _, me = _held(session, school, tutor_group, writer)
    later = datetime.now(UTC) + print_files.PRINT_TTL + timedelta(seconds=1)
    with pytest.raises(NotFound):
        take(me, key, reader, now=later)
    earlier_key, _, earlier = _held(
        session,
        school,
        tutor_group,
        writer,
        now=datetime.now(UTC) - print_files.PRINT_TTL - timedelta(seconds=1),
    )
    with pytest.raises(NotFound):
        take(earlier, earlier_key, reader)


def test_a_new_print_replaces_the_sessions_waiting_one(session, school, tutor_group, store_pair):
    writer, reader = store_pair
    first, token, me = _held(session, school, tutor_group, writer)
    group_id, _ = tutor_group
    second = print_files.print_file_put(
        actor=me.actor,
        session_id=me.session_id,
        group_id=group_id,
        filename="again.pdf",
        data=b"%PDF-again",
        store=writer,
    )
    with pytest.raises(NotFound):
        take(me, first, reader)
    assert take(me, second, reader) == ("again.pdf", b"%PDF-again")


def test_the_print_route_checks_the_session_cookie_against_the_print(session, school, tutor_group):
    group_id, _ = tutor_group
    token, me = _signed_in(session, school, "mentor", "mentor")
    other_token, _ = _signed_in(session, school, "mentor", "mentor")
    parent_token, _ = _signed_in(session, school, "parent", "parent")
    key = printing.group_print_start(actor=me.actor, group_id=group_id).store(
        session_id=me.session_id
    )
    for intruder in (None, "not-a-session", other_token, parent_token):
        refused = print_file_response(intruder, key, "192.0.2.1")
        assert refused.status_code in (401, 403)
        assert b"%PDF" not in refused.body
    assert print_file_response(token, "x" * 43 + "/../1").status_code == 404
    assert print_file_response(token, "A" * 43).status_code == 404
    ok = print_file_response(token, key, "192.0.2.1")
    assert ok.status_code == 200
    assert ok.media_type == "application/pdf"
    assert ok.headers["content-disposition"] == 'attachment; filename="plans-8t.pdf"'
    assert ok.headers["cache-control"] == "no-store"
    assert GOALS[0][0] in flat("\n".join(pages_text(ok.body)))
    assert print_file_response(token, key).status_code == 404  # once only


def test_a_print_is_refused_once_its_owner_is_no_longer_staff_of_the_group(
    session, school, tutor_group
):
    group_id, _ = tutor_group
    token, me = _signed_in(session, school, "mentor", "mentor")
    key = printing.group_print_start(actor=me.actor, group_id=group_id).store(
        session_id=me.session_id
    )
    for row in session.exec(
        select(MentorAssignment).where(MentorAssignment.mentor_id == school.id("mentor"))
    ):
        session.delete(row)
    session.commit()
    assert print_file_response(token, key).status_code == 403


def test_prints_are_held_in_redis_whenever_the_app_runs_on_redis(monkeypatch):
    from ilp_app.settings import load_settings

    monkeypatch.setattr(print_files, "get_settings", lambda: load_settings({}))
    assert isinstance(print_files.print_store(), print_files.MemoryPrintStore)
    with_redis = load_settings({"REFLEX_REDIS_URL": "redis://127.0.0.1:6399/9"})
    monkeypatch.setattr(print_files, "get_settings", lambda: with_redis)
    assert isinstance(print_files.print_store(), print_files.RedisPrintStore)


def test_the_print_route_is_served_at_the_print_path():
    from ilp_app.web.http_routes import http_routes

    (route,) = [r for r in http_routes() if r.name == "print_file"]
    key = "k" * 43
    assert print_files.print_file_url(key) == f"/api/print/{key}.pdf"
    match, scope = route.matches({"type": "http", "path": f"/api/print/{key}.pdf", "method": "GET"})
    assert match.name == "FULL" and scope["path_params"] == {"key": key}


# --- the fonts: fast embedding must still draw every character with its own glyph ----------------


def _embedded_glyphs_match_the_fonts(data: bytes) -> int:
    """Check each character of the PDF against the committed font; returns how many were checked."""
    originals = {
        style: ttLib.TTFont(str(plan_pdf.FONT_DIR / name))
        for style, name in plan_pdf._FONT_FILES.items()
    }
    fonts = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts[font["/BaseFont"]] = font
    checked = 0
    for base, font in fonts.items():
        descendant = font["/DescendantFonts"][0].get_object()
        embedded = ttLib.TTFont(
            io.BytesIO(descendant["/FontDescriptor"]["/FontFile2"].get_object().get_data())
        )
        cid_to_gid = descendant["/CIDToGIDMap"].get_object().get_data()
        to_unicode = (
            font["/ToUnicode"]
            .get_object()
            .get_data()
            .decode("latin-1")
            .split("endcodespacerange")[1]
        )
        original = originals["B" if "Bold" in base else ""]
        cmap, order = original.getBestCmap(), embedded.getGlyphOrder()
        for cid_hex, text_hex in re.findall(r"<([0-9A-F]{4})> <([0-9A-F]+)>", to_unicode):
            char = bytes.fromhex(text_hex).decode("utf-16-be")
            if char == "\0":
                continue
            cid = int(cid_hex, 16)
            name = order[int.from_bytes(cid_to_gid[2 * cid : 2 * cid + 2], "big")]
            drawn, wanted = embedded["glyf"][name], original["glyf"][cmap[ord(char)]]
            assert (
                drawn.getCoordinates(embedded["glyf"])[0]
                == wanted.getCoordinates(original["glyf"])[0]
            ), char
            assert embedded["hmtx"][name][0] == original["hmtx"][cmap[ord(char)]][0], char
            checked += 1
    return checked


@pytest.mark.parametrize(
    "name",
    ["Nguyễn Thị Hồng Ødegård Ψυχή Дмитрий", "Անի Պետրոսյան ნინო"],
    ids=["common-scripts", "other-scripts"],
)
def test_every_printed_character_is_drawn_with_its_own_glyph(name):
    plan = plan_pdf.PrintablePlan(
        school_name="Skole",
        period_name="Vår 2026",
        period_starts="2026-01-05",
        period_ends="2026-06-19",
        learner_name=name,
        focus_areas=[
            plan_pdf.PrintableFocusArea(
                name="Academic",
                goals=[
                    plan_pdf.PrintableGoal(
                        statement=f"Read with {name}", tasks=[plan_pdf.PrintableTask("Ask", "Done")]
                    )
                ],
            )
        ],
    )
    data = plan_pdf.render_plans([plan])
    assert name in flat("\n".join(pages_text(data)))
    assert _embedded_glyphs_match_the_fonts(data) >= len(set(name.replace(" ", "")))


def _one_name_plan(name: str) -> plan_pdf.PrintablePlan:
    return plan_pdf.PrintablePlan(
        school_name="Skole",
        period_name="Vår 2026",
        period_starts="",
        period_ends="",
        learner_name=name,
    )


def _embedded_font_count(data: bytes) -> int:
    """How many font files the PDF embeds (each font added to the document is embedded)."""
    return data.count(b"/FontFile2")


def test_a_file_in_common_scripts_embeds_only_the_fast_prepared_fonts():
    # The prepared cut is what keeps a plan fast: the whole files are added only when needed.
    assert _embedded_font_count(plan_pdf.render_plans([_one_name_plan("Nguyễn Ødegård")])) == 2
    plans = [_one_name_plan("Åsa"), _one_name_plan("Անի Պետրոսյան")]
    assert _embedded_font_count(plan_pdf.render_plans(plans)) == 4
    left_out = plan_pdf.render_plans([_one_name_plan("Åsa")], left_out=["ნინო: no plan"])
    assert _embedded_font_count(left_out) == 4
    assert "ნინო" in flat("\n".join(pages_text(left_out)))


@pytest.mark.parametrize("style", ["", "B"])
def test_lines_are_wrapped_with_the_widths_fpdf2_gives_the_whole_font(style):
    reference = FPDF()
    reference.add_font("whole", style, plan_pdf.FONT_DIR / plan_pdf._FONT_FILES[style])
    reference.set_font("whole", style, 10)
    document = plan_pdf.PlanDocument()._pdf
    document.set_font(plan_pdf.FONT, style, 10)
    widths, missing = document.char_widths()
    for text in ("Åsa Ødegård", "Nguyễn Thị Hồng", "Ψυχή Дмитрий", "Անի ნინო", "漢字 ☃ –"):
        ours = sum(widths.get(ord(c), missing) for c in text) * 10 * 0.001 / document.k
        assert ours == pytest.approx(reference.get_string_width(text)), text


def test_a_word_longer_than_a_line_is_cut_across_lines_not_lost():
    word = "x" + uuid.uuid4().hex * 8  # 257 characters, no spaces
    plan = plan_pdf.PrintablePlan(
        school_name="S",
        period_name="P",
        period_starts="",
        period_ends="",
        learner_name="L",
        notes=[plan_pdf.PrintableNote("2026-01-01", f"See {word} now")],
    )
    text = "\n".join(pages_text(plan_pdf.render_plans([plan])))
    lines = [line for line in text.split("\n") if line and set(line) <= set(word)]
    assert len(lines) >= 2
    assert f"See{word}now" in re.sub(r"\s", "", text)


def _token(session, user_id: int, role: str) -> str:
    token = security.token_new()
    now = datetime.now(UTC)
    session.add(
        AuthSession(
            user_id=user_id,
            token_hash=security.token_digest(token),
            active_role=role,
            created_at=now,
            last_seen_at=now,
        )
    )
    session.commit()
    return token


def test_pdf_download_answers_by_session(session, school, plan_id):
    ok = pdf_response(_token(session, school.id("parent"), "parent"), plan_id, "192.0.2.1")
    assert ok.status_code == 200
    assert ok.media_type == "application/pdf"
    assert ok.headers["content-disposition"] == 'attachment; filename="plan-asa-current.pdf"'
    assert ok.headers["cache-control"] == "no-store"
    assert FAMILY_NOTE in flat("\n".join(pages_text(ok.body)))

    assert pdf_response(None, plan_id).status_code == 401
    assert pdf_response("not-a-session", plan_id).status_code == 401
    other_parent = _token(session, school.id("parent2"), "parent")
    refused = pdf_response(other_parent, plan_id)
    assert refused.status_code == 403
    assert refused.body == b"You do not have access to that."
    assert pdf_response(other_parent, 999999).status_code == 404


def test_pdf_route_is_served_at_the_plan_pdf_path():
    from ilp_app.web.http_routes import http_routes

    (route,) = [r for r in http_routes() if r.name == "plan_pdf"]
    assert route.path == "/api/plans/{plan_id}.pdf"
    assert printing.plan_pdf_url(7) == "/api/plans/7.pdf"
    assert (
        route.matches({"type": "http", "path": "/api/plans/7.pdf", "method": "GET"})[0].name
        == "FULL"
    )


def test_the_pdf_prints_in_the_language_of_the_person_printing(session, school, plan_id):
    parent = session.get(User, school.id("parent"))
    parent.language = "nb"
    session.add(parent)
    session.commit()
    response = pdf_response(_token(session, school.id("parent"), "parent"), plan_id)
    text = flat("\n".join(pages_text(response.body)))
    # The signature block as a Norwegian school writes it.
    for word in ("Underskrifter", "Kontaktlærer", "Foresatt", "Elev", "Dato"):
        assert word in text
    assert "Individuell læringsplan" in text and "Egenvurdering: 3/5" in text
    assert "Signatures" not in text and "Parent/guardian" not in text
    # The mentor, who chose no language, prints in English: each reads their own.
    english = pdf_response(_token(session, school.id("mentor"), "mentor"), plan_id)
    assert "Parent/guardian" in flat("\n".join(pages_text(english.body)))
