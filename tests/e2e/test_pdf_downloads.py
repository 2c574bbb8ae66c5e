"""Printed plans in the browser: a parent on a phone, a mentor printing the whole group."""

import io
import os
import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.conftest import PHONE, sign_in, wait_for_path
from tests.support.appserver import prepare_database, running_app

REDIS_URL = os.environ.get("ILP_TEST_REDIS_URL", "").strip()

CHILD = "Åsa"
PLAN_TITLE = "Individual Learning Plan"

# Every text the print panel shows, as the page updates it (the render may take well under a second).
WATCH_PROGRESS = """() => {
    window.__printTexts = [];
    new MutationObserver(() => {
        const panel = document.querySelector('[aria-label="Group print"]');
        if (panel) window.__printTexts.push(panel.innerText);
    }).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def pdf_pages(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def active_plan_of(db, full_name: str) -> int:
    with db.connect() as c:
        return c.execute(
            sa.text(
                "SELECT p.id FROM plan p JOIN user u ON u.id = p.learner_id "
                "WHERE u.full_name = :name AND p.status = 'active' ORDER BY p.id DESC LIMIT 1"
            ),
            {"name": full_name},
        ).scalar_one()


def group_of(db, name: str) -> tuple[int, list[str]]:
    """A group's id and the names its learners go by (preferred name, else full name)."""
    with db.connect() as c:
        group_id = c.execute(
            sa.text("SELECT id FROM learner_group WHERE name = :name"), {"name": name}
        ).scalar_one()
        names = (
            c.execute(
                sa.text(
                    "SELECT CASE WHEN u.preferred_name != '' THEN u.preferred_name ELSE u.full_name END "
                    "FROM enrollment e JOIN user u ON u.id = e.user_id WHERE e.group_id = :g AND e.role = 'learner' "
                    "AND u.is_active"
                ),
                {"g": group_id},
            )
            .scalars()
            .all()
        )
    return group_id, list(names)


def test_a_parent_downloads_their_childs_plan_on_a_phone_and_no_other_familys(new_page, app_db):
    parent = new_page(PHONE)
    sign_in(parent, "parent@demo.school")
    wait_for_path(parent, "/parent")
    parent.get_by_role("radio", name=CHILD).click()
    # The plan shown under the cards is now this child's (the child's card has the same heading).
    expect(
        parent.get_by_role("region", name="Plans").get_by_role("heading", name=CHILD, level=2)
    ).to_be_visible()
    link = parent.get_by_role("link", name="Print plan (PDF)")
    link.scroll_into_view_if_needed()
    expect(link).to_be_visible()
    with parent.expect_download() as info:
        link.click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as f:
        pages = pdf_pages(f.read())
    assert PLAN_TITLE in pages[0]
    assert CHILD in pages[0]
    assert "Parent/guardian" in "\n".join(pages)

    # The same session fetches files straight from the routes: their own other child, yes;
    # another family's plan and a group print, no.
    own = parent.request.get(f"/api/plans/{active_plan_of(app_db, 'Ole Ødegård')}.pdf")
    assert own.status == 200 and "Ole" in "\n".join(pdf_pages(own.body()))
    foreign = parent.request.get(f"/api/plans/{active_plan_of(app_db, 'Lucía Peña')}.pdf")
    assert foreign.status == 403
    assert not foreign.body().startswith(b"%PDF")
    group_id, _ = group_of(app_db, "8A")
    assert parent.request.get(f"/api/groups/{group_id}/plans.pdf").status == 403


def test_a_mentor_prints_the_group_with_progress_and_gets_one_plan_per_learner(new_page, app_db):
    group_id, learners = group_of(app_db, "8A")
    mentor = new_page()
    sign_in(mentor, "mentor@demo.school")
    wait_for_path(mentor, "/mentor")
    mentor.get_by_role("link", name="Live overview of 8A").click()
    wait_for_path(mentor, f"/groups/{group_id}")
    expect(mentor.get_by_role("button", name="Print group")).to_be_enabled()
    mentor.evaluate(WATCH_PROGRESS)
    mentor.get_by_role("button", name="Print group").click()

    progress = mentor.get_by_role("progressbar", name="Rendering the group's plans")
    expect(progress).to_be_visible()
    panel = mentor.get_by_role("region", name="Group print")
    expect(panel).to_contain_text(re.compile(r"(\d+) of \1 plans ready\."))
    printed = int(re.search(r"(\d+) of \1 plans ready", panel.inner_text()).group(1))
    expect(progress).to_have_attribute("aria-valuenow", str(printed))
    seen = [
        tuple(map(int, m))
        for m in re.findall(
            r"Rendering (\d+) of (\d+)…", " ".join(mentor.evaluate("window.__printTexts"))
        )
    ]
    assert any(done < total == printed for done, total in seen), (
        seen
    )  # progress was shown while it rendered
    download_link = mentor.get_by_role("link", name="Download the group PDF")
    href = download_link.get_attribute("href")
    assert re.search(r"/api/print/[A-Za-z0-9_-]{43}\.pdf$", href)

    on_screen = panel.inner_text()

    # The link names the file; it is not a pass. Another person holding it is refused.
    other = new_page(PHONE)
    sign_in(other, "parent@demo.school")
    wait_for_path(other, "/parent")
    assert other.request.get(href).status == 403

    with mentor.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.failure() is None
    assert download.suggested_filename == "plans-8a.pdf"
    with open(download.path(), "rb") as f:
        pages = pdf_pages(f.read())

    starts = [page for page in pages if PLAN_TITLE in page]
    printed_names = [page.split("\n")[0].split(" · ")[-1].strip() for page in starts]
    assert len(printed_names) == printed == len(set(printed_names))
    closing = pages[-1] if pages[-1].startswith("Not in this file") else ""
    left_out = [line.split(":")[0] for line in closing.split("\n")[1:] if ":" in line]
    assert sorted(printed_names + left_out) == sorted(learners)
    if left_out:
        assert f"{len(left_out)} learner" in on_screen
        assert all(name in on_screen for name in left_out)

    # Used once: the link is gone, the file too, and the button is back.
    expect(mentor.get_by_role("link", name="Download the group PDF")).to_have_count(0)
    expect(panel).to_contain_text("Downloaded.")
    assert mentor.request.get(href).status == 404
    expect(mentor.get_by_role("button", name="Print group")).to_be_enabled()


@pytest.fixture(scope="module")
def two_hosts(tmp_path_factory):
    """Two app servers sharing one database and one Redis, as behind a load balancer."""
    if not REDIS_URL:
        reason = "Redis not configured: set ILP_TEST_REDIS_URL (CI sets it) to run this"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    workdir = tmp_path_factory.mktemp("print-hosts")
    db_url = f"sqlite:///{workdir / 'shared.db'}"
    prepare_database(db_url)
    env = {"REFLEX_REDIS_URL": REDIS_URL, "ILP_SECRET_KEY": "shared-print-secret-" + "x" * 40}
    with (
        running_app(workdir / "a", database_url=db_url, extra_env=env) as a,
        running_app(workdir / "b", database_url=db_url, extra_env=env) as b,
    ):
        yield a, b


def test_a_group_print_rendered_on_one_host_is_downloaded_from_the_other(two_hosts, browser):
    a, b = two_hosts
    context = browser.new_context(base_url=a.base_url, viewport={"width": 1280, "height": 800})
    try:
        mentor = context.new_page()
        sign_in(mentor, "mentor@demo.school")
        wait_for_path(mentor, "/mentor")
        mentor.get_by_role("link", name="Live overview of 8A").click()
        mentor.get_by_role("button", name="Print group").click()
        link = mentor.get_by_role("link", name="Download the group PDF")
        expect(link).to_be_visible(timeout=30_000)  # rendering the group's plans takes a while
        path = re.search(r"/api/print/[A-Za-z0-9_-]{43}\.pdf$", link.get_attribute("href")).group(0)
        # Cookies are per host name, not per port: the same session asks host b for the file.
        answer = mentor.request.get(b.base_url + path)
        assert answer.status == 200
        assert any(PLAN_TITLE in page for page in pdf_pages(answer.body()))
        assert mentor.request.get(a.base_url + path).status == 404  # taken once, wherever
    finally:
        context.close()
