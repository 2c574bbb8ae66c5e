"""A showcase on paper: a title page, one page per chosen goal, and the closing reflection.

It receives the showcase exactly as the reader may see it (``services.evidence.showcase``), so
it never holds anything the owner did not choose or the reader may not see.
"""

from __future__ import annotations

import io

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image

from ilp_app.pdf.plan_pdf import FONT, FONT_DIR

_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
_PHOTO_MAX_MM = 120
_KIND = {"photo": "Photo", "pdf": "PDF", "audio": "Audio clip", "link": "Link"}


def _lines(pdf: FPDF, text: str, *, size: float, style: str = "", space: float = 3) -> None:
    pdf.set_font(FONT, style, size)
    pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(space)


def _photo(pdf: FPDF, data: bytes) -> None:
    """A photo at most half a page high, on this page if it fits."""
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
    page_width = pdf.w - pdf.l_margin - pdf.r_margin
    shown_height = min(_PHOTO_MAX_MM, page_width * height / width)
    if pdf.get_y() + shown_height > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.image(io.BytesIO(data), h=shown_height, w=shown_height * width / height)
    pdf.ln(4)


def render_showcase(view, photos: dict[int, bytes] | None = None) -> bytes:
    """The PDF of a :class:`ilp_app.services.evidence.showcase.ShowcaseView`.

    ``photos`` holds the bytes of the photos among the slides' evidence, by evidence id.
    """
    photos = photos or {}
    pdf = FPDF(format="A4")
    for style, name in _FILES.items():
        pdf.add_font(FONT, style, FONT_DIR / name)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(f"Showcase of learning: {view.owner_name}")
    pdf.add_page()
    pdf.ln(40)
    _lines(pdf, "Showcase of learning", size=28, style="B", space=8)
    _lines(pdf, view.owner_name, size=20)
    _lines(pdf, view.period_name, size=14)
    for slide in view.slides:
        pdf.add_page()
        if slide.focus_area:
            _lines(pdf, slide.focus_area, size=12, space=2)
        _lines(pdf, slide.statement, size=20, style="B", space=4)
        if slide.success_criteria:
            _lines(pdf, f"Success looks like: {slide.success_criteria}", size=12, space=6)
        if slide.reflections:
            _lines(pdf, "My reflections", size=14, style="B", space=2)
            for text in slide.reflections:
                _lines(pdf, text, size=12)
        if slide.evidence:
            _lines(pdf, "My evidence", size=14, style="B", space=2)
            for piece in slide.evidence:
                address = f" ({piece.url})" if piece.kind == "link" else ""
                _lines(pdf, f"{_KIND.get(piece.kind, '')}: {piece.title}{address}", size=12)
                if piece.id in photos:
                    _photo(pdf, photos[piece.id])
    if view.closing_reflection:
        pdf.add_page()
        _lines(pdf, "Looking back", size=20, style="B", space=4)
        _lines(pdf, view.closing_reflection, size=12)
    return bytes(pdf.output())
