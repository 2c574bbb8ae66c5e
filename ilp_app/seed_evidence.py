"""Demo evidence and a showcase in progress for learner@demo.school (Åsa).

Runs after the plans of :mod:`ilp_app.seed_plans` exist. Åsa has a photo and a link her mentor
approved (her family sees them), a link still waiting for approval (her family does not), and a
showcase she has started: two goals, a reflection, the photo and a closing draft, not yet shared.
The photo is drawn here and goes through the same cleaning as any upload.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image, ImageDraw, ImageFont
from sqlmodel import Session, select

from ilp_app.db.models import (
    Evidence,
    Goal,
    MentorAssignment,
    Period,
    Plan,
    Reflection,
    Showcase,
    ShowcaseItem,
    User,
)
from ilp_app.domain.evidence import EvidenceKind, ShowcasePart
from ilp_app.pdf.plan_pdf import FONT_DIR
from ilp_app.services.evidence import storage
from ilp_app.services.evidence.images import photo_clean

DEMO_LEARNER = "learner@demo.school"
PHOTO_TITLE = "My model of the new school library"
APPROVED_LINK_TITLE = "Slides from my talk on bridges"
PENDING_TITLE = "Draft: recording plan for the science fair"
CLOSING_DRAFT = (
    "This year I learnt that I can speak in front of the class if I prepare well. "
    "Next year I want to…"
)


def demo_photo() -> bytes:
    """A small picture of a cardboard model, drawn so the demo ships no image of its own."""
    image = Image.new("RGB", (800, 500), (226, 236, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 380, 800, 500), fill=(120, 150, 90))
    draw.rectangle((170, 190, 630, 380), fill=(200, 160, 110), outline=(90, 60, 30), width=4)
    draw.polygon(((150, 195), (400, 70), (650, 195)), fill=(170, 70, 60), outline=(90, 40, 30))
    for x in range(210, 600, 95):
        draw.rectangle((x, 240, x + 55, 300), fill=(250, 245, 210), outline=(90, 60, 30), width=3)
    draw.rectangle((370, 310, 430, 380), fill=(110, 70, 40))
    font = ImageFont.truetype(str(FONT_DIR / "DejaVuSans-Bold.ttf"), 30)
    draw.text((24, 430), "Library model, Year 8", fill=(255, 255, 255), font=font)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def seed_evidence(*, session: Session, today_at: datetime | None = None) -> int:
    """Add Åsa's evidence and showcase to her current plan; returns the pieces added.

    Flushes, never commits. Adds nothing when she has no active plan.
    """
    now = today_at or datetime.now(UTC)
    learner = session.exec(select(User).where(User.email == DEMO_LEARNER)).first()
    if learner is None:
        return 0
    plan = session.exec(
        select(Plan)
        .join(Period, Period.id == Plan.period_id)
        .where(Plan.learner_id == learner.id, Plan.status == "active")
        .order_by(Period.starts_on.desc())
    ).first()
    if plan is None:
        return 0
    mentor_id = session.exec(
        select(MentorAssignment.mentor_id).where(MentorAssignment.learner_id == learner.id)
    ).first()
    goals = session.exec(
        select(Goal).where(Goal.plan_id == plan.id).order_by(Goal.focus_area_id, Goal.position)
    ).all()
    if len(goals) < 2:
        return 0
    first, second = goals[0], goals[1]
    photo, photo_type = photo_clean(demo_photo())
    approved_at = now - timedelta(days=3)
    pieces = [
        Evidence(
            plan_id=plan.id,
            goal_id=first.id,
            owner_id=learner.id,
            kind=EvidenceKind.PHOTO.value,
            title=PHOTO_TITLE,
            storage_name=storage.file_store(photo),
            media_type=photo_type.media_type,
            size_bytes=len(photo),
            added_by_id=learner.id,
            created_at=now - timedelta(days=5),
            approved_by_id=mentor_id,
            approved_at=approved_at,
        ),
        Evidence(
            plan_id=plan.id,
            goal_id=second.id,
            owner_id=learner.id,
            kind=EvidenceKind.LINK.value,
            title=APPROVED_LINK_TITLE,
            url="https://www.khanacademy.org/science/physics",
            added_by_id=learner.id,
            created_at=now - timedelta(days=4),
            approved_by_id=mentor_id,
            approved_at=approved_at,
        ),
        Evidence(
            plan_id=plan.id,
            goal_id=second.id,
            owner_id=learner.id,
            kind=EvidenceKind.LINK.value,
            title=PENDING_TITLE,
            url="https://www.nrk.no/skole/",
            added_by_id=learner.id,
            created_at=now - timedelta(days=1),
        ),
    ]
    session.add_all(pieces)
    session.flush()
    showcase = Showcase(plan_id=plan.id, closing_reflection=CLOSING_DRAFT, updated_at=now)
    session.add(showcase)
    session.flush()
    reflection = session.exec(
        select(Reflection).where(Reflection.goal_id == first.id).order_by(Reflection.created_at)
    ).first()
    chosen = [
        (ShowcasePart.GOAL, first.id, first.id),
        *([(ShowcasePart.REFLECTION, first.id, reflection.id)] if reflection else []),
        (ShowcasePart.EVIDENCE, first.id, pieces[0].id),
        (ShowcasePart.GOAL, second.id, second.id),
    ]
    session.add_all(
        ShowcaseItem(
            showcase_id=showcase.id, goal_id=goal_id, kind=part.value, ref_id=ref, position=i
        )
        for i, (part, goal_id, ref) in enumerate(chosen)
    )
    session.flush()
    return len(pieces)
