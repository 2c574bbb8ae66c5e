"""How long printing takes: one typical plan, and a group of 30 plans in one file.

Run: ``.venv/bin/python -m bench.pdf_render``. Data is built in memory (no database), so the
figures are the renderer's alone. A baseline in the same run writes the same text with plain
fpdf2 ``multi_cell`` calls (fonts added the documented way, per document), so the ratios say
what the renderer costs next to straightforward fpdf2 on this machine. The first PDF of a
process also prepares the fonts once; it is timed on its own. Figures are printed, never
judged: targets are one plan < 100 ms, 30 plans < 3 s.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from fpdf import FPDF

from ilp_app.pdf.plan_pdf import (
    FONT_DIR,
    PrintableFocusArea,
    PrintableGoal,
    PrintableNote,
    PrintablePlan,
    PrintableReflection,
    PrintableTask,
    render_plans,
)

RUNS = 7
NAMES = ("Åsa Ødegård", "Nguyễn Thị Hồng", "Zofia Wąsowicz", "Sofía Cedeño", "Liam O'Brien")


def typical_plan(n: int = 0) -> PrintablePlan:
    """Four focus areas of two goals, three tasks and a reflection each, and two family notes."""
    areas = [
        PrintableFocusArea(
            name=area,
            goals=[
                PrintableGoal(
                    statement=f"Speak clearly in front of the class so that my classmates understand me ({g + 1})",
                    success_criteria="Present twice this period and ask two classmates for feedback each time",
                    target_date="2026-06-01",
                    self_rating=3,
                    mentor_rating=4,
                    objective_codes=["NOR-8-03", "MAT-8-05"],
                    tasks=[
                        PrintableTask(
                            title=f"Prepare a short talk about a hobby and practise it at home ({t + 1})",
                            status_label=("Not started", "In progress", "Completed")[t],
                            due_date="2026-05-01",
                        )
                        for t in range(3)
                    ],
                    reflections=[
                        PrintableReflection(
                            date="2026-02-10",
                            text="It went better than last time: I looked at the audience "
                            "more often and spoke more slowly.",
                        )
                    ],
                )
                for g in range(2)
            ],
        )
        for area in ("Academic", "Career", "Personal growth", "Social competence")
    ]
    return PrintablePlan(
        school_name="Fjellvegen skole",
        period_name="Spring 2026",
        period_starts="2026-01-05",
        period_ends="2026-06-19",
        learner_name=NAMES[n % len(NAMES)],
        learner_pronouns="she/her",
        focus_areas=areas,
        notes=[
            PrintableNote(
                date="2026-02-12", text="A great start to the term; keep reading at home. " * 3
            )
        ]
        * 2,
    )


def baseline(plans: list[PrintablePlan]) -> bytes:
    """The same text with plain multi_cell calls: no header, table, or page-keeping logic."""
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    for plan in plans:
        pdf.add_page()
        pdf.set_font("DejaVu", "", 10)
        texts = [plan.school_name, plan.period_name, plan.learner_name]
        for area in plan.focus_areas:
            texts.append(area.name)
            for g in area.goals:
                texts += [
                    g.statement,
                    g.success_criteria,
                    g.target_date,
                    ", ".join(g.objective_codes),
                ]
                texts += [f"{t.title} {t.status_label} {t.due_date}" for t in g.tasks]
                texts += [f"{r.date}: {r.text}" for r in g.reflections]
        texts += [f"{n.date}: {n.text}" for n in plan.notes]
        texts += ["Mentor", "Parent/guardian", "Learner"]
        for text in texts:
            pdf.multi_cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def median_seconds(fn: Callable[[], bytes]) -> float:
    fn()  # warm up: imports, and the font prototypes parsed once per process
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    one, group = [typical_plan()], [typical_plan(n) for n in range(30)]
    start = time.perf_counter()
    render_plans(one)
    first = time.perf_counter() - start
    figures = {
        "one plan": (
            median_seconds(lambda: render_plans(one)),
            median_seconds(lambda: baseline(one)),
            0.100,
        ),
        "30 plans": (
            median_seconds(lambda: render_plans(group)),
            median_seconds(lambda: baseline(group)),
            3.0,
        ),
    }
    print(f"median of {RUNS} runs (after one warm-up)")
    for name, (ours, base, target) in figures.items():
        print(
            f"{name:9} render_plans {ours * 1000:8.1f} ms   baseline multi_cell {base * 1000:8.1f} ms   "
            f"ratio {ours / base:4.2f}   target < {target * 1000:.0f} ms"
        )
    print(f"first PDF in this process (fonts parsed and prepared once): {first * 1000:.1f} ms")
    one_pdf, group_pdf = render_plans(one), render_plans(group)
    print(
        f"pages: one plan {_pages(one_pdf)} ({len(one_pdf) / 1024:.0f} KiB), "
        f"30 plans {_pages(group_pdf)} ({len(group_pdf) / 1024:.0f} KiB)"
    )


def _pages(data: bytes) -> int:
    return data.count(b"/Type /Page\n") or data.count(b"/Type /Page ")


if __name__ == "__main__":
    main()
