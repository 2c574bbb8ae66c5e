"""Printed plans: one or many :class:`PrintablePlan` rendered into one A4 PDF with fpdf2.

The data classes hold only what may be printed; the caller (``services.reports.printing``) decides
that, so this module never sees a note that must not leave the school. Fonts are the DejaVu
files committed under ``assets/fonts`` so the output never depends on the host's fonts and
every Latin, Greek and Cyrillic name prints as written.

Two things keep a plan well under 100 ms (see ``bench/pdf_render.py``):

* Paragraphs are wrapped here, a word at a time, from the font's advance widths, and each
  line is written with one ``cell``; fpdf2's ``multi_cell`` measures every character.
* Every PDF embeds only the glyphs it uses, cut by fontTools from the TTF, and that cut was
  most of the cost of a small PDF. Documents add a copy of each font already reduced to the
  scripts schools commonly write (Latin, Greek, Cyrillic, Vietnamese, punctuation: about a
  third of DejaVu's 6,000 glyphs, prepared once per process into a private temporary
  folder), which fpdf2 reads and cuts several times faster than the whole file. A plan
  holding a character outside that copy adds the whole files too, as fpdf2 fallback fonts,
  so every name still prints.

Only fpdf2's documented API is used (``add_font``, ``set_fallback_fonts``, ``cell``...):
an fpdf2 upgrade cannot quietly switch this module to a slower path.
"""

from __future__ import annotations

import atexit
import dataclasses
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ilp_app.i18n import N_, gettext

FONT_DIR = Path(__file__).resolve().parents[2] / "assets" / "fonts"
FONT = "DejaVu"
#: The whole committed files, added as fallback fonts only by documents that need them.
FALLBACK_FONT = "DejaVuAll"

TASK_HEADINGS = (N_("Task"), N_("Status"), N_("Due date"))
#: Bokmål: "Kontaktlærer", "Foresatt", "Elev".
SIGNATURE_ROLES = (N_("Mentor"), N_("Parent/guardian"), N_("Learner"))
RATING_MAX = 5
NOTHING_TO_PRINT = N_("There are no plans to print.")
LEFT_OUT_HEADING = N_("Not in this file")

_BODY_PT = 10
_SMALL_PT = 8.5
_LINE_MM = 5
_MARGIN_MM = 15
_SIGNATURE_BLOCK_MM = 60  # heading plus three signature lines, kept on one page
_TASK_COLUMNS = (0.60, 0.22, 0.18)  # share of the text width: title, status, due date
_CELL_PAD_MM = 1.2

_FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

#: Unicode blocks kept in the prepared font copy: Latin (with Vietnamese), IPA and modifiers,
#: combining marks, Greek, Cyrillic, punctuation, currency, letterlike symbols, arrows, maths.
_COMMON_BLOCKS = (
    (0x0020, 0x036F),
    (0x0370, 0x03FF),
    (0x0400, 0x052F),
    (0x1E00, 0x1EFF),
    (0x2000, 0x218F),
    (0x2190, 0x22FF),
    (0x25A0, 0x25FF),
)

#: The tables fpdf2 drops when it embeds a font; dropped from the prepared copy too.
_UNUSED_TABLES = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "kern")


@dataclass(frozen=True)
class _FontFiles:
    """The fonts as a document adds them, prepared once per process."""

    common: dict[str, Path]  # style -> the font cut down to :data:`_COMMON_BLOCKS`
    common_chars: frozenset[int]  # what every common cut can draw
    all_chars: frozenset[int]  # what the whole files can draw
    widths: dict[str, dict[int, int]]  # style -> advance widths, in thousandths of an em
    missing_widths: dict[str, int]  # style -> width of a character the font lacks


_prepared: _FontFiles | None = None
_prepared_lock = threading.Lock()


def _cut_to_common_blocks(font: ttLib.TTFont) -> None:
    cmap = font.getBestCmap()
    unicodes = [u for first, last in _COMMON_BLOCKS for u in range(first, last + 1) if u in cmap]
    options = ftsubset.Options(
        notdef_outline=True,
        notdef_glyph=True,
        recommended_glyphs=True,
        glyph_names=True,  # fontTools reads a font that names its glyphs faster, for each PDF
        name_IDs=["*"],
        name_languages=["*"],
    )
    options.drop_tables += list(_UNUSED_TABLES)
    subsetter = ftsubset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)


def _advance_widths(font: ttLib.TTFont) -> tuple[dict[int, int], int]:
    """Each character's advance in thousandths of an em, as a PDF's font widths give it."""
    scale, metrics = 1000 / font["head"].unitsPerEm, font["hmtx"].metrics

    def width(glyph: str) -> int:
        return round(scale * metrics[glyph][0] + 0.001)  # half up, as fpdf2 writes widths

    return {char: width(glyph) for char, glyph in font.getBestCmap().items()}, width(".notdef")


def _font_files() -> _FontFiles:
    """The common cuts written once per process (about 0.8 s, on the first PDF).

    Written again should the files have gone (a clean-up of old temporary files), so a
    long-running server keeps printing.
    """
    global _prepared
    with _prepared_lock:
        if _prepared is None or not all(p.exists() for p in _prepared.common.values()):
            folder = Path(tempfile.mkdtemp(prefix="ilp-fonts-"))
            atexit.register(shutil.rmtree, folder, ignore_errors=True)
            common, widths, missing = {}, {}, {}
            common_chars, all_chars = [], []
            for style, name in _FONT_FILES.items():
                font = ttLib.TTFont(str(FONT_DIR / name))
                widths[style], missing[style] = _advance_widths(font)
                all_chars.append(frozenset(widths[style]))
                _cut_to_common_blocks(font)
                common[style] = folder / name
                font.save(str(common[style]))
                common_chars.append(frozenset(font.getBestCmap()))
            _prepared = _FontFiles(
                common=common,
                common_chars=frozenset.intersection(*common_chars),
                all_chars=frozenset.union(*all_chars),
                widths=widths,
                missing_widths=missing,
            )
        return _prepared


def _texts(value: object) -> Iterable[str]:
    """Every string held by ``value``, a printable dataclass or a list of them."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            yield from _texts(getattr(value, f.name))
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


@dataclass
class PrintableTask:
    title: str
    status_label: str
    due_date: str = ""


@dataclass
class PrintableReflection:
    date: str
    text: str


@dataclass
class PrintableGoal:
    statement: str
    success_criteria: str = ""
    target_date: str = ""
    self_rating: int = 0  # 0: not rated
    mentor_rating: int = 0
    objective_codes: list[str] = field(default_factory=list)
    tasks: list[PrintableTask] = field(default_factory=list)
    reflections: list[PrintableReflection] = field(default_factory=list)


@dataclass
class PrintableFocusArea:
    name: str
    goals: list[PrintableGoal] = field(default_factory=list)


@dataclass
class PrintableNote:
    date: str
    text: str


@dataclass
class PrintablePlan:
    """Everything printed for one plan, already filtered for the family's eyes."""

    school_name: str
    period_name: str
    period_starts: str
    period_ends: str
    learner_name: str
    learner_pronouns: str = ""
    focus_areas: list[PrintableFocusArea] = field(default_factory=list)
    notes: list[PrintableNote] = field(default_factory=list)


class _PlanDocument(FPDF):
    """A4 portrait with a running header for the plan being printed and "Page X of Y"."""

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._fonts = _font_files()
        for style, path in self._fonts.common.items():
            self.add_font(FONT, style, path)
        self._whole_fonts = False
        self.set_margins(_MARGIN_MM, _MARGIN_MM + 8, _MARGIN_MM)
        self.set_auto_page_break(True, margin=_MARGIN_MM + 5)
        self.alias_nb_pages()
        self.current: PrintablePlan | None = None
        self.set_title(gettext("Individual Learning Plan"))
        self.set_creator("ILP")

    def prepare_for(self, texts: Iterable[str]) -> None:
        """Add the whole font files as fallback fonts if ``texts`` need a glyph the cut lacks.

        Called before anything of those texts is written: a page header repeats plan text.
        """
        if self._whole_fonts:
            return
        fonts = self._fonts
        if any(
            ord(c) not in fonts.common_chars and ord(c) in fonts.all_chars
            for text in texts
            for c in text
        ):
            for style, name in _FONT_FILES.items():
                self.add_font(FALLBACK_FONT, style, FONT_DIR / name)
            self.set_fallback_fonts([FALLBACK_FONT])
            self._whole_fonts = True

    def char_widths(self) -> tuple[dict[int, int], int]:
        """The current style's advance widths (thousandths of an em) and a missing glyph's."""
        style = "B" if "B" in self.font_style else ""
        return self._fonts.widths[style], self._fonts.missing_widths[style]

    def header(self) -> None:
        if self.current is None:
            return
        p = self.current
        self.set_y(_MARGIN_MM - 5)
        self.set_font(FONT, "", _SMALL_PT)
        self.set_text_color(80)
        self.cell(
            0,
            4,
            f"{p.school_name} · {p.period_name} · {p.learner_name}",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.set_draw_color(160)
        self.line(self.l_margin, self.get_y() + 1, self.w - self.r_margin, self.get_y() + 1)
        self.set_text_color(0)
        self.set_y(self.t_margin)
        self.set_font(FONT, "", _BODY_PT)

    def footer(self) -> None:
        self.set_y(-_MARGIN_MM)
        self.set_font(FONT, "", _SMALL_PT)
        self.set_text_color(80)
        self.cell(
            0,
            5,
            gettext("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"},
            align="C",
        )
        self.set_text_color(0)


def _rating(score: int) -> str:
    return f"{score}/{RATING_MAX}" if score else gettext("not rated")


def _wrap(pdf: _PlanDocument, text: str, cell_width: float) -> list[str]:
    """``text`` broken into lines that fit a cell ``cell_width`` mm wide in the current font.

    Lines break between words and at newlines; a word longer than a line is cut between
    characters. Widths are the font's advance widths, exactly as fpdf2 measures a cell.
    """
    room = cell_width - 2 * pdf.c_margin
    widths, missing = pdf.char_widths()
    scale = pdf.font_size_pt * 0.001 / pdf.k

    def measure(s: str) -> float:
        return sum(widths.get(ord(c), missing) for c in s) * scale

    space = measure(" ")
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words: list[str] = []
        used = 0.0
        for word in paragraph.split(" "):
            word_width = measure(word)
            if words and used + space + word_width <= room:
                words.append(word)
                used += space + word_width
                continue
            if words:
                lines.append(" ".join(words))
            while word_width > room and len(word) > 1:
                cut = _fitting_prefix(word, room, widths, missing, scale)
                lines.append(word[:cut])
                word = word[cut:]
                word_width = measure(word)
            words, used = [word], word_width
        lines.append(" ".join(words))
    return lines


def _fitting_prefix(
    word: str, room: float, widths: dict[int, int], missing: int, scale: float
) -> int:
    """How many leading characters of ``word`` fit in ``room`` mm (at least one)."""
    total = 0.0
    for n, char in enumerate(word):
        total += widths.get(ord(char), missing) * scale
        if total > room:
            return max(n, 1)
    return len(word)


def _para(
    pdf: _PlanDocument, text: str, *, size: float = _BODY_PT, style: str = "", indent: float = 0
) -> None:
    """A wrapped paragraph, a line per cell: a page break falls between lines, so nothing is cut."""
    pdf.set_font(FONT, style, size)
    width, height = pdf.epw - indent, _LINE_MM * size / _BODY_PT
    for line in _wrap(pdf, text, width):
        pdf.set_x(pdf.l_margin + indent)
        pdf.cell(width, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _keep_space(pdf: _PlanDocument, height: float) -> None:
    """Start a new page unless ``height`` mm still fit, so a heading never ends a page alone."""
    if pdf.get_y() + height > pdf.page_break_trigger:
        pdf.add_page()


def _title(pdf: _PlanDocument, plan: PrintablePlan) -> None:
    _para(pdf, gettext("Individual Learning Plan"), size=16, style="B")
    pdf.ln(1)
    name = plan.learner_name + (
        f" ({plan.learner_pronouns})" if plan.learner_pronouns.strip() else ""
    )
    _para(pdf, name, size=13, style="B")
    _para(pdf, plan.school_name)
    dates = (
        f" ({plan.period_starts} – {plan.period_ends})"
        if plan.period_starts or plan.period_ends
        else ""
    )
    _para(pdf, gettext("Period: %(period)s") % {"period": plan.period_name + dates})
    pdf.ln(3)


def _task_headings(pdf: _PlanDocument, widths: list[float]) -> None:
    pdf.set_font(FONT, "B", _BODY_PT)
    pdf.set_fill_color(230)
    for heading, width in zip(TASK_HEADINGS, widths, strict=True):
        pdf.cell(width, _LINE_MM + 2 * _CELL_PAD_MM, gettext(heading), fill=True)
    pdf.ln()
    pdf.set_font(FONT, "", _BODY_PT)


def _task_table(pdf: _PlanDocument, tasks: list[PrintableTask]) -> None:
    """Tasks as rows; the headings are drawn again at the top of every page the table runs onto.

    Drawn by hand rather than with ``FPDF.table``, which lays out every cell character by
    character: several times faster for the same rows.
    """
    widths = [pdf.epw * share for share in _TASK_COLUMNS]
    _keep_space(pdf, 3 * _LINE_MM + 4 * _CELL_PAD_MM)
    _task_headings(pdf, widths)
    for task in tasks:
        cells = (task.title, task.status_label, task.due_date or "–")
        lines = [
            _wrap(pdf, text, w - 2 * _CELL_PAD_MM) for text, w in zip(cells, widths, strict=True)
        ]
        height = max(len(cell) for cell in lines) * _LINE_MM + 2 * _CELL_PAD_MM
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            _task_headings(pdf, widths)
        top, x = pdf.get_y(), pdf.l_margin
        for cell, w in zip(lines, widths, strict=True):
            for n, line in enumerate(cell):
                pdf.set_xy(x + _CELL_PAD_MM, top + _CELL_PAD_MM + n * _LINE_MM)
                pdf.cell(w - 2 * _CELL_PAD_MM, _LINE_MM, line)
            x += w
        pdf.set_draw_color(200)
        pdf.line(pdf.l_margin, top + height, pdf.l_margin + pdf.epw, top + height)
        pdf.set_xy(pdf.l_margin, top + height)
    pdf.ln(2)


def _goal(pdf: _PlanDocument, goal: PrintableGoal) -> None:
    _keep_space(pdf, 25)
    _para(pdf, goal.statement, style="B", indent=2)
    if goal.success_criteria:
        _para(
            pdf,
            gettext("Success criteria: %(text)s") % {"text": goal.success_criteria},
            indent=2,
        )
    facts = [
        gettext("Target date: %(day)s") % {"day": goal.target_date or "–"},
        gettext("Self rating: %(rating)s") % {"rating": _rating(goal.self_rating)},
        gettext("Mentor rating: %(rating)s") % {"rating": _rating(goal.mentor_rating)},
    ]
    _para(pdf, " · ".join(facts), size=_SMALL_PT + 0.5, indent=2)
    if goal.objective_codes:
        _para(
            pdf,
            gettext("Objectives: %(codes)s") % {"codes": ", ".join(goal.objective_codes)},
            size=_SMALL_PT + 0.5,
            indent=2,
        )
    pdf.ln(1)
    if goal.tasks:
        _task_table(pdf, goal.tasks)
    if goal.reflections:
        _keep_space(pdf, 12)
        _para(pdf, "Reflections", style="B", indent=2)
        for r in goal.reflections:
            _para(pdf, f"{r.date}: {r.text}", indent=4)
    pdf.ln(3)


def _signatures(pdf: _PlanDocument) -> None:
    _keep_space(pdf, _SIGNATURE_BLOCK_MM)
    pdf.ln(4)
    _para(pdf, gettext("Signatures"), size=12, style="B")
    pdf.ln(4)
    pdf.set_font(FONT, "", _BODY_PT)
    for role in SIGNATURE_ROLES:
        pdf.ln(6)
        y = pdf.get_y()
        pdf.line(pdf.l_margin + 35, y, pdf.l_margin + 120, y)
        pdf.line(pdf.l_margin + 140, y, pdf.w - pdf.r_margin, y)
        pdf.set_xy(pdf.l_margin, y - 5)
        pdf.cell(35, 5, gettext(role))
        pdf.set_x(pdf.l_margin + 125)
        pdf.cell(15, 5, gettext("Date"))
        pdf.set_xy(pdf.l_margin, y + 4)


def _plan(pdf: _PlanDocument, plan: PrintablePlan) -> None:
    pdf.current = plan
    pdf.add_page()
    _title(pdf, plan)
    for area in plan.focus_areas:
        _keep_space(pdf, 30)
        _para(pdf, area.name, size=12.5, style="B")
        pdf.ln(1)
        if not area.goals:
            _para(pdf, gettext("No goals yet."), indent=2)
            pdf.ln(2)
        for goal in area.goals:
            _goal(pdf, goal)
    if plan.notes:
        _keep_space(pdf, 20)
        _para(pdf, gettext("Notes for the learner and family"), size=12.5, style="B")
        pdf.ln(1)
        for note in plan.notes:
            _para(pdf, note.date, size=_SMALL_PT + 0.5, style="B", indent=2)
            _para(pdf, note.text, indent=2)
            pdf.ln(1)
    _signatures(pdf)


def _left_out(pdf: _PlanDocument, lines: Iterable[str]) -> None:
    pdf.current = None
    pdf.add_page()
    _para(pdf, gettext(LEFT_OUT_HEADING), size=13, style="B")
    pdf.ln(2)
    for line in lines:
        _para(pdf, line)


class PlanDocument:
    """A PDF filled one plan at a time (so a caller can report progress), then finished once."""

    def __init__(self) -> None:
        self._pdf = _PlanDocument()
        self.plan_count = 0

    def add_plan(self, plan: PrintablePlan) -> None:
        """Lay out ``plan`` from a new page."""
        self._pdf.prepare_for(_texts(plan))
        _plan(self._pdf, plan)
        self.plan_count += 1

    def finish(self, *, left_out: Iterable[str] = ()) -> bytes:
        """The PDF bytes, with a closing page listing ``left_out`` when it is not empty.

        A document without plans says there is nothing to print, so a download never fails.
        """
        left_out = list(left_out)
        if not self.plan_count and not left_out:
            self._pdf.add_page()
            _para(self._pdf, gettext(NOTHING_TO_PRINT))
        if left_out:
            self._pdf.prepare_for(left_out)
            _left_out(self._pdf, left_out)
        return bytes(self._pdf.output())


def render_plans(plans: list[PrintablePlan], *, left_out: Iterable[str] = ()) -> bytes:
    """One PDF holding every plan in order, each starting on a new page.

    Page numbers count the whole file ("Page X of Y"). ``left_out`` lines (who is missing
    and why) go on a closing page; an empty file says there is nothing to print.
    """
    document = PlanDocument()
    for plan in plans:
        document.add_plan(plan)
    return document.finish(left_out=left_out)
