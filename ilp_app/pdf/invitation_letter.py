"""Printed invitations for families without email: one A4 page per family, with the link as a
QR code (segno) and written out, and the code to type if scanning is not possible."""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from fpdf import FPDF

from ilp_app.pdf.plan_pdf import FONT_DIR

_FONT = "DejaVuLetter"
_MARGIN = 20


@dataclass(frozen=True)
class Letter:
    parent_name: str
    children: tuple[str, ...]
    school: str
    url: str  # the whole link, secret included (it is printed on paper, for this family only)
    code: str  # the secret alone, in groups of four


def _qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=8, border=2)
    return out.getvalue()


def letters_pdf(letters: list[Letter]) -> bytes:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.add_font(_FONT, "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font(_FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.set_auto_page_break(False)
    pdf.set_title("Invitations to ILP")
    pdf.set_creator("ILP")
    width = pdf.w - 2 * _MARGIN
    for letter in letters:
        pdf.add_page()
        pdf.set_font(_FONT, "B", 11)
        pdf.multi_cell(width, 6, letter.school, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
        pdf.set_font(_FONT, "B", 18)
        pdf.multi_cell(width, 9, "Your invitation to ILP", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font(_FONT, "", 12)
        children = ", ".join(letter.children)
        pdf.multi_cell(
            width,
            6.5,
            f"Dear {letter.parent_name},\n\n"
            f"{letter.school} uses ILP for individual learning plans: the goals, tasks and "
            f"progress that learners, mentors and families work on together. You can follow "
            f"the plan of {children} on your phone or computer.\n\n"
            "Scan the code with your phone's camera, or type the address below, then choose "
            "your password. The invitation works once, within 7 days; the school can give you "
            "a new one.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        pdf.ln(6)
        y = pdf.get_y()
        pdf.image(io.BytesIO(_qr_png(letter.url)), x=_MARGIN, y=y, w=55, h=55)
        pdf.set_xy(_MARGIN + 62, y + 4)
        pdf.set_font(_FONT, "B", 11)
        pdf.multi_cell(width - 62, 6, "Address", new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(_MARGIN + 62)
        pdf.set_font(_FONT, "", 10)
        pdf.multi_cell(width - 62, 5.5, letter.url.split("#")[0], new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(_MARGIN + 62)
        pdf.set_font(_FONT, "B", 11)
        pdf.multi_cell(width - 62, 6, "Your code (after the #)", new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(_MARGIN + 62)
        pdf.set_font(_FONT, "", 13)
        pdf.multi_cell(width - 62, 7, letter.code, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(y + 62)
        pdf.set_font(_FONT, "", 10)
        pdf.multi_cell(
            width,
            5.5,
            "Keep this letter to yourself: the code opens your account until you have chosen "
            "your password.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    return bytes(pdf.output())
