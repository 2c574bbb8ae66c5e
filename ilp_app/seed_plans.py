"""Plans for the demo school: the catalogue, the objective library and every learner's ILPs.

Called by :func:`ilp_app.seed.seed_demo` once the people exist. Everything is derived from a
learner's position in the school (no randomness), so the same day gives the same plans; the
content rotates through pools of goals so neighbouring plans differ.

What the demo shows:

* every learner has an active plan for the current period, except the last two learners of 8B
  (drafts: their mentor is still preparing them) and the last learner of 8A, who joined this
  term and has no plan yet (so the mentor's "Create plan" button shows);
* every other learner, starting with learner@demo.school, also has a locked plan for the past
  period, mostly completed;
* plans follow the "five steps": three or four focus areas, tasks as a to-do list, goals with
  measurable success criteria, a discussion with mentor, learner, parents and teachers, and
  both ratings (numbers) and reflections (words).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session

from ilp_app.db.models import (
    FocusAreaOption,
    Goal,
    GoalObjective,
    GoalRating,
    LearningObjective,
    Period,
    Plan,
    PlanFocusArea,
    PlanLogEntry,
    PlanNote,
    Reflection,
    Site,
    Task,
    TaskLink,
    User,
)
from ilp_app.domain.plans import NoteVisibility, PlanStatus, TaskStatus

ACADEMIC, CAREER, GROWTH, SOCIAL = "Academic", "Career", "Personal growth", "Social competence"
ORAL, DIGITAL = "Express myself orally", "Digital skills"

# The school's catalogue, in order: a new plan starts with the first four.
FOCUS_AREA_CATALOGUE: tuple[tuple[str, str], ...] = (
    (ACADEMIC, "Subjects, reading, writing and numeracy."),
    (CAREER, "Education and career choices after lower secondary."),
    (GROWTH, "Habits, planning and taking responsibility for my own learning."),
    (SOCIAL, "Working with others, behaviour and attitudes."),
    (ORAL, "Speaking clearly and with confidence in front of others."),
    (DIGITAL, "Using digital tools to learn, create and present."),
)

# The objective library: (code, statement, subject).
OBJECTIVES: tuple[tuple[str, str, str], ...] = (
    ("NOR-8-01", "Read fiction and non-fiction and reflect on content and form", "Norwegian"),
    ("NOR-8-02", "Read with increasing accuracy and fluency", "Norwegian"),
    ("NOR-8-03", "Express myself orally with clear structure and voice", "Norwegian"),
    ("NOR-8-05", "Write texts with a clear structure, paragraphs and a fitting title", "Norwegian"),
    (
        "ENG-8-01",
        "Take part in conversations in English and express myself with fluency",
        "English",
    ),
    (
        "ENG-8-02",
        "Write coherent English texts adapted to purpose, reader and situation",
        "English",
    ),
    ("ENG-8-04", "Read and understand English texts of different kinds and lengths", "English"),
    ("MAT-8-02", "Calculate with fractions, decimals and percentages", "Mathematics"),
    (
        "MAT-8-05",
        "Use percentages and proportional reasoning to solve everyday problems",
        "Mathematics",
    ),
    (
        "SCI-8-04",
        "Explain the water cycle and how energy from the sun drives weather and climate",
        "Science",
    ),
    ("SCI-8-06", "Plan and carry out simple investigations and report on the results", "Science"),
    (
        "SOC-8-01",
        "Take part in discussions and show respect for other people's views",
        "Social studies",
    ),
    ("SOC-8-03", "Explore education and career options and what they require", "Social studies"),
    ("DIG-8-01", "Use digital tools to find, sort and present information", "Digital skills"),
)

Link = tuple[str, str]  # (title, https address)


@dataclass(frozen=True)
class TaskTemplate:
    title: str  # "{due}" is replaced by the task's due date, which such a task always has
    link: Link | None = None
    dated: bool = True  # False: a standing habit with no due date


@dataclass(frozen=True)
class GoalTemplate:
    statement: str
    success: str
    objectives: tuple[str, ...]
    tasks: tuple[TaskTemplate, ...]
    reflection: str  # in the learner's voice
    subject: str = ""  # the subject class whose teacher may join the log


def _t(title: str, link: Link | None = None, dated: bool = True) -> TaskTemplate:
    return TaskTemplate(title, link, dated)


GUTENBERG = ("Project Gutenberg: free e-books", "https://www.gutenberg.org/")
KHAN_MATH = ("Khan Academy: Math", "https://www.khanacademy.org/math")
KHAN_SCIENCE = ("Khan Academy: Science", "https://www.khanacademy.org/science")
BC_TEENS = ("LearnEnglish Teens (British Council)", "https://learnenglishteens.britishcouncil.org/")
BC_SPEAKING = (
    "LearnEnglish Teens: speaking skills",
    "https://learnenglishteens.britishcouncil.org/skills/speaking",
)
UTDANNING = ("Utdanning.no: jobs and education", "https://utdanning.no/")
VILBLI = ("Vilbli.no: upper secondary programmes", "https://www.vilbli.no/")
SCRATCH = ("Scratch", "https://scratch.mit.edu/")
CODE_ORG = ("Hour of Code", "https://code.org/")
GCF_SHEETS = ("GCFGlobal: Google Sheets", "https://edu.gcfglobal.org/en/googlespreadsheets/")

# Goals by focus area. A learner's plan takes them in turn from position (learner index) on,
# so the first entry of each pool is what learner@demo.school sees.
GOALS: dict[str, tuple[GoalTemplate, ...]] = {
    ACADEMIC: (
        GoalTemplate(
            "Read more books.",
            "I have finished three books by the end of the period and written two lines about "
            "each in my reading log.",
            ("NOR-8-01", "NOR-8-02"),
            (
                _t("Choose three books from the book list", GUTENBERG),
                _t("Keep a reading log", dated=False),
                _t("Finish the first book by {due}"),
                _t("Tell the class about my favourite book in two minutes"),
            ),
            "I have read one novel and started on the manual for my new phone. I think the "
            "manual is useful too, because I learn a lot of new words.",
            "Norwegian 8",
        ),
        GoalTemplate(
            "Master fractions and percentages.",
            "I score at least 80 % on the fractions and percentages test, and I can explain "
            "to a classmate how to find 15 % of a price.",
            ("MAT-8-02", "MAT-8-05"),
            (
                _t("Complete the Khan Academy unit on fractions", KHAN_MATH),
                _t("Ask for help in the Tuesday maths workshop", dated=False),
                _t("Do ten percentage problems from the textbook each week", dated=False),
                _t("Take the practice test by {due}"),
            ),
            "Fractions are easier now that I draw them as pizzas. Percentages in shop "
            "discounts still confuse me, so I will go to the workshop again.",
            "Mathematics 8",
        ),
        GoalTemplate(
            "Write longer texts in English, with paragraphs.",
            "My last two English texts are at least 300 words, with an introduction, three "
            "paragraphs and a conclusion.",
            ("ENG-8-02", "ENG-8-04"),
            (
                _t("Write one diary entry in English every week", dated=False),
                _t("Work through two writing lessons on LearnEnglish Teens", BC_TEENS),
                _t("Ask my teacher for feedback on one text before {due}"),
            ),
            "My texts are getting longer, but I forget to start a new paragraph. I have put a "
            "sticky note on my laptop to remind me.",
        ),
        GoalTemplate(
            "Explain the water cycle in my own words.",
            "I can draw and explain the water cycle without notes, and I get at least 4 of 5 "
            "on the science quiz.",
            ("SCI-8-04",),
            (
                _t("Watch the Khan Academy videos on the water cycle", KHAN_SCIENCE),
                _t("Make a labelled poster of the water cycle"),
                _t("Explain the poster to my group"),
            ),
            "The poster was fun to make. Explaining evaporation out loud was harder than I "
            "thought, so I practised with my sister first.",
            "Science 8",
        ),
        GoalTemplate(
            "Read with increasing accuracy and fluency.",
            "I read a page of my reading book aloud in under three minutes with fewer than "
            "five mistakes.",
            ("NOR-8-02",),
            (
                _t("Read aloud to someone at home for 10 minutes, four days a week", dated=False),
                _t("Write down the hard words from each chapter and look them up"),
                _t("Read a page aloud for my teacher by {due}"),
            ),
            "Reading aloud at home felt silly at first, but now I stumble less on long words.",
            "Norwegian 8",
        ),
    ),
    CAREER: (
        GoalTemplate(
            "Find out what an engineer does.",
            "I can name three kinds of engineers, what they do in a normal day, and which "
            "subjects they need.",
            ("SOC-8-03",),
            (
                _t("Read about engineering jobs on utdanning.no", UTDANNING),
                _t("Interview an adult who works as an engineer"),
                _t("Write half a page about what I found out by {due}"),
            ),
            "I interviewed my uncle, who builds bridges. He uses a lot of maths, so now I "
            "understand why fractions matter.",
        ),
        GoalTemplate(
            "Visit the careers fair and talk to two exhibitors.",
            "I have prepared questions, talked to at least two exhibitors and told my mentor "
            "what I learned.",
            ("SOC-8-03",),
            (
                _t("Prepare three questions for the careers fair"),
                _t("Visit the careers fair"),
                _t("Tell my mentor what I learned"),
            ),
            "At the fair I talked to a nurse and an electrician. I was nervous, but the "
            "questions I had written down helped.",
        ),
        GoalTemplate(
            "Learn which upper secondary programmes suit me.",
            "I have a list of two programmes I like, with the subjects and grades each of them "
            "asks for.",
            ("SOC-8-03", "DIG-8-01"),
            (
                _t("Look up the programmes on vilbli.no", VILBLI),
                _t("Talk to the school counsellor"),
                _t("Make a list of two programmes I like by {due}"),
            ),
            "I did not know there were so many programmes. Media and communication sounds "
            "interesting, and so does health work.",
        ),
    ),
    GROWTH: (
        GoalTemplate(
            "Hand in homework on time.",
            "I hand in every homework assignment on time for six weeks in a row.",
            (),
            (
                _t("Use a planner every week", dated=False),
                _t("Check the homework plan every Sunday evening", dated=False),
                _t("Hand in all homework for four weeks in a row, by {due}"),
            ),
            "The planner helps. I only forgot homework once this month, and that was when I "
            "was sick.",
        ),
        GoalTemplate(
            "Keep my school bag and notes in order.",
            "I can find the notes from any lesson in the last month within a minute.",
            (),
            (
                _t("Use one folder per subject"),
                _t("Clear out my bag every Friday", dated=False),
            ),
            "Friday clear-outs are boring, but I found two lost library books, so it was worth it.",
        ),
        GoalTemplate(
            "Get enough sleep to concentrate in the morning.",
            "I go to bed before 22:30 on at least four school nights a week, and I am not "
            "tired in the first lesson.",
            (),
            (
                _t("Put my phone away at 21:30 on school nights", dated=False),
                _t("Note my bedtime in my planner for two weeks"),
                _t("Talk about how it went with my mentor by {due}"),
            ),
            "Putting my phone in the kitchen is hard, but I fall asleep faster when I do it.",
        ),
    ),
    SOCIAL: (
        GoalTemplate(
            "Speak clearly so my classmates understand me.",
            "My classmates can hear and follow me when I present, and I do not mumble at the "
            "end of sentences.",
            ("NOR-8-03",),
            (
                _t("Read aloud at home for 10 minutes, three evenings a week", dated=False),
                _t("Practise in front of a mirror"),
                _t("Present my hobby to the class by {due}"),
            ),
            "I practised my talk about horse riding in front of the mirror. My friend said she "
            "could hear me all the way at the back this time.",
            "Norwegian 8",
        ),
        GoalTemplate(
            "Take part in class discussions.",
            "I say something in at least one discussion every week, and my teacher notices it "
            "in the mid-term conversation.",
            ("SOC-8-01",),
            (
                _t("Say at least one thing in each class discussion", dated=False),
                _t("Prepare one question before each social studies lesson", dated=False),
            ),
            "It is easier to speak when I have a question ready. Last week I asked two.",
        ),
        GoalTemplate(
            "Work well in a group and let everyone be heard.",
            "In group work everyone gets to speak, and the group finishes on time; my group "
            "says so in the evaluation.",
            ("SOC-8-01", "SCI-8-06"),
            (
                _t("Be the timekeeper in the next group project"),
                _t("Ask a quieter classmate what they think", dated=False),
                _t("Fill in the group evaluation form by {due}"),
            ),
            "Being timekeeper meant I had to listen more than talk. It was hard but we finished "
            "first.",
            "Science 8",
        ),
    ),
    ORAL: (
        GoalTemplate(
            "Speak clearly and don't mumble when I speak to the class.",
            "I give a two-minute talk where everyone can hear me, and I look up from my notes "
            "at least three times.",
            ("NOR-8-03",),
            (
                _t("Record myself reading and listen back"),
                _t("Give a two-minute talk in Norwegian class by {due}"),
            ),
            "Hearing my own recording was strange. I speak much faster than I thought.",
            "Norwegian 8",
        ),
        GoalTemplate(
            "Present in English without reading from my notes.",
            "I present for three minutes in English using only cue cards with key words.",
            ("ENG-8-01",),
            (
                _t("Work through the speaking lessons on LearnEnglish Teens", BC_SPEAKING),
                _t("Write cue cards with key words only"),
                _t("Practise the talk for my family"),
                _t("Give the presentation by {due}"),
            ),
            "The cue cards were a good idea. I only looked at them twice during the talk.",
        ),
    ),
    DIGITAL: (
        GoalTemplate(
            "Use spreadsheets to work with data.",
            "I can make a spreadsheet with a formula and a chart without help.",
            ("DIG-8-01", "MAT-8-05"),
            (
                _t("Complete the spreadsheet basics course", GCF_SHEETS),
                _t("Make a chart of my reading log"),
                _t("Show the chart to my maths teacher by {due}"),
            ),
            "Formulas are like magic once they work. I made a chart of how many pages I read.",
            "Mathematics 8",
        ),
        GoalTemplate(
            "Learn the basics of programming.",
            "I have made a small game in Scratch that a classmate can play.",
            ("DIG-8-01",),
            (
                _t("Finish the first Scratch tutorial", SCRATCH),
                _t("Try an Hour of Code activity", CODE_ORG),
                _t("Make a small game and let a classmate test it by {due}"),
            ),
            "My game has a cat that catches fish. The score does not work yet.",
        ),
    ),
}

# Which focus areas a plan has, by learner index (the first set is the school's defaults).
AREA_SETS: tuple[tuple[str, ...], ...] = (
    (ACADEMIC, CAREER, GROWTH, SOCIAL),
    (ACADEMIC, GROWTH, ORAL),
    (ACADEMIC, CAREER, SOCIAL, DIGITAL),
    (ACADEMIC, GROWTH, SOCIAL),
    (ACADEMIC, CAREER, GROWTH, ORAL),
)

TODO, DOING, DONE = TaskStatus.NOT_STARTED, TaskStatus.ONGOING, TaskStatus.COMPLETED
# How far along a learner is this period: each task takes the next status of the learner's cycle.
PROGRESS: tuple[tuple[TaskStatus, ...], ...] = (
    (DONE, DOING, DONE, TODO, DOING, DONE),
    (DOING, TODO, DONE, TODO, DOING, TODO),
    (DONE, DONE, DOING, DONE, TODO, DONE),
    (TODO, DOING, TODO, DONE, TODO, DOING),
)

LEARNER_LINES = (
    'I\'ve started on "{task}". It went better than I thought!',
    'Can we move the date for "{task}"? I have a Spanish test that week.',
    'I\'m not sure how to start on "{task}". Can we talk about it on Thursday?',
    'Done with "{task}"! What should I do next?',
)
PARENT_LINES = (
    "Thank you for a good conversation. We'll help with the reading at home on Monday, "
    "Wednesday and Friday evenings.",
    "Thanks for the plan. {name} is motivated, but evenings with training are busy. Is it "
    "OK if some tasks are done at the weekend?",
    "We have looked at the plan together at home. Please let us know if homework is missing.",
)
TEACHER_LINES = {
    "Mathematics 8": "{name} has come to the Tuesday workshop twice and is asking good questions.",
    "Norwegian 8": "Good to see this goal. In Norwegian we have a reading period in the next "
    "weeks, so {name} can use that time for the book list.",
    "Science 8": "{name} will get a chance to present in the group project next month.",
}
MENTOR_REPLIES = (
    "Well done, {name}! Keep ticking off the tasks, and we'll look at the ratings together "
    "at our next conversation.",
    "Good question. Let's talk on Thursday; bring your planner.",
    "Yes, that's fine: I've noted it. Remember to tell your teacher too.",
)
STAFF_NOTES = (
    "Support needs: the educational-psychological service (PPT) recommends extra time on "
    "written tests and handouts in 14 pt. The report stays with staff; please don't quote it "
    "in the plan log.",
    "Attendance has dropped on Mondays in the last few weeks. The school nurse is following "
    "up; tell me if you notice anything.",
    "Reads about two years below age level. The reading teacher sees {name} twice a week; "
    "please share texts a few days in advance.",
    "Having a hard time in the friend group at the moment; the social worker is involved. "
    "Please keep group work in mixed groups for now.",
)
FAMILY_NOTES = (
    "Summary of our conversation on {date}: {name} chose the goals together with us. We will "
    "look at the plan again at the parent conference.",
    "{name} has made a good start this period. Thank you for helping with the routines at home!",
    "Reminder: the careers fair is on {fair}, and parents are welcome too.",
)
PRIVATE_NOTES = (
    "Ask how the football tournament went: it motivates {name}.",
    "Check the reading log before the parent conference.",
    "Bring up the homework routine again; we ran out of time last conversation.",
)
DRAFT_NOTE = (
    "Draft: finish the goals after the conversation with {name} and the family on {date}, "
    "then share the plan."
)
PAST_SUMMARY = (
    "End of the period: {name} completed {done} of {total} tasks. Unfinished tasks can be "
    "carried over to the next plan."
)

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _day(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]}"


def _at(d: date, hour: int = 8) -> datetime:
    return datetime.combine(d, time(hour), UTC)


@dataclass
class _Window:
    """When things happened in a plan: from ``start`` to ``end``, as fractions of the span."""

    start: datetime
    end: datetime

    def at(self, fraction: float) -> datetime:
        """The moment ``fraction`` of the way through, moved into 08:00-20:00 of its day.

        The day is squeezed (not wrapped) into waking hours, so later fractions stay later.
        """
        moment = self.start + (self.end - self.start) * min(max(fraction, 0.0), 1.0)
        minutes = (moment.hour * 60 + moment.minute) // 2
        awake = datetime.combine(moment.date(), time(8), UTC) + timedelta(minutes=minutes)
        return min(max(awake, self.start), self.end)

    def fraction(self, moment: datetime) -> float:
        """How far through the window ``moment`` is (not clamped)."""
        return (moment - self.start) / (self.end - self.start)


@dataclass
class _Built:
    """One plan's rows before they have ids; children point at their parent by list index."""

    plan: Plan
    areas: list[PlanFocusArea] = field(default_factory=list)
    goals: list[tuple[int, Goal]] = field(default_factory=list)
    tasks: list[tuple[int, Task]] = field(default_factory=list)
    links: list[tuple[int, TaskLink]] = field(default_factory=list)
    objectives: list[tuple[int, str]] = field(default_factory=list)
    ratings: list[tuple[int, GoalRating]] = field(default_factory=list)
    reflections: list[tuple[int, Reflection]] = field(default_factory=list)
    log: list[PlanLogEntry] = field(default_factory=list)
    notes: list[PlanNote] = field(default_factory=list)


@dataclass(frozen=True)
class _Who:
    learner: User
    mentor_id: int
    teachers: dict[str, int]  # subject class name -> teacher id
    parent_ids: list[int]


def seed_plans(
    *,
    session: Session,
    site: Site,
    periods: tuple[Period, Period],
    learners_by_group: dict[str, list[User]],
    mentors_by_learner: dict[int, int],
    teachers_by_learner: dict[int, dict[str, int]],
    parents_by_learner: dict[int, list[int]],
    today: date,
) -> None:
    """Add the catalogue, the objective library and the demo plans; flushes, never commits.

    Args:
        periods: the past and the current period, with ids.
        learners_by_group: tutor group name -> its learners in order; learner@demo.school is
            the first learner of the first group.
        mentors_by_learner: learner id -> mentor id.
        teachers_by_learner: learner id -> {subject class name: teacher id}.
        parents_by_learner: learner id -> parent ids (the first writes in learner@demo.school's
            log, so list parent@demo.school first).
        today: the day the demo is set on; nothing in the current period happens after it.
    """
    past, current = periods
    session.add_all(
        FocusAreaOption(site_id=site.id, name=name, description=text, position=pos, archived=False)
        for pos, (name, text) in enumerate(FOCUS_AREA_CATALOGUE)
    )
    objectives = {
        code: LearningObjective(site_id=site.id, code=code, statement=text, subject=subject)
        for code, text, subject in OBJECTIVES
    }
    session.add_all(objectives.values())

    groups = list(learners_by_group.values())
    no_plan = {groups[0][-1].id}  # joined this term: the mentor has yet to create a plan
    drafts = {learner.id for learner in groups[-1][-2:]}  # the mentor is still preparing them

    # Timestamps of the current period end the day before ``today`` (whatever the local time
    # zone), so nothing lies in the future; in a holiday or on the first day, activity starts
    # two weeks before the period (plans prepared before term).
    latest = _at(today - timedelta(days=1), 8)
    now_window = _Window(_at(current.starts_on), min(latest, _at(current.ends_on, 16)))
    if now_window.end - now_window.start < timedelta(days=7):
        now_window = _Window(now_window.end - timedelta(days=14), now_window.end)
    past_window = _Window(_at(past.starts_on), _at(past.ends_on, 16))

    built: list[_Built] = []
    learners = [learner for group in groups for learner in group]
    for i, learner in enumerate(learners):
        who = _Who(
            learner=learner,
            mentor_id=mentors_by_learner[learner.id],
            teachers=teachers_by_learner.get(learner.id, {}),
            parent_ids=parents_by_learner.get(learner.id, []),
        )
        if learner.id in no_plan:
            continue
        status = PlanStatus.DRAFT if learner.id in drafts else PlanStatus.ACTIVE
        built.append(_plan(i, who, site, current, now_window, status))
        if i % 2 == 0:
            built.append(_plan(i + 1, who, site, past, past_window, PlanStatus.LOCKED))

    session.add_all(b.plan for b in built)
    session.flush()
    for b in built:
        for row in (*b.areas, *b.log, *b.notes):
            row.plan_id = b.plan.id
        session.add_all((*b.areas, *b.log, *b.notes))
    session.flush()
    for b in built:
        for area_index, goal in b.goals:
            goal.plan_id, goal.focus_area_id = b.plan.id, b.areas[area_index].id
            session.add(goal)
    session.flush()
    for b in built:
        goal_id = [goal.id for _, goal in b.goals]
        for goal_index, row in (*b.tasks, *b.ratings, *b.reflections):
            row.plan_id, row.goal_id = b.plan.id, goal_id[goal_index]
            session.add(row)
        session.add_all(
            GoalObjective(goal_id=goal_id[goal_index], objective_id=objectives[code].id)
            for goal_index, code in b.objectives
        )
    session.flush()
    for b in built:
        for task_index, link in b.links:
            link.plan_id, link.task_id = b.plan.id, b.tasks[task_index][1].id
            session.add(link)
    session.flush()


def _plan(
    i: int, who: _Who, site: Site, period: Period, window: _Window, status: PlanStatus
) -> _Built:
    """The rows of learner number ``i``'s plan for ``period`` (``i`` picks the content)."""
    learner, mentor_id = who.learner, who.mentor_id
    started = window.at(0.0)
    locked = status is PlanStatus.LOCKED
    active = status is PlanStatus.ACTIVE
    if status is PlanStatus.DRAFT:  # prepared recently, not yet shared
        started = window.at(0.9)
    b = _Built(
        Plan(
            site_id=site.id,
            learner_id=learner.id,
            period_id=period.id,
            status=status.value,
            created_by_id=mentor_id,
            created_at=started,
            updated_at=window.at(0.95) if not locked else window.end,
            activated_at=started if active or locked else None,
            locked_at=window.end if locked else None,
        )
    )
    cycle = PROGRESS[i % len(PROGRESS)]
    subject = ""
    task_count = 0
    for k, area_name in enumerate(AREA_SETS[i % len(AREA_SETS)]):
        b.areas.append(PlanFocusArea(name=area_name, position=k))
        pool = GOALS[area_name]
        for g in range(2 if (i + k) % 3 == 0 else 1):
            template = pool[(i + g) % len(pool)]
            goal_index = len(b.goals)
            target = period.ends_on - timedelta(days=7 * ((i + k + g) % 4))
            b.goals.append(
                (
                    k,
                    Goal(
                        statement=template.statement,
                        success_criteria=template.success,
                        target_date=target,
                        position=g,
                        created_at=started,
                        updated_at=started,
                    ),
                )
            )
            b.objectives.extend((goal_index, code) for code in template.objectives)
            subject = subject or template.subject
            _tasks(
                b, i, who, template, goal_index, period, target, window, status, cycle, task_count
            )
            task_count += len(template.tasks)
            _ratings(b, i, who, goal_index, window, status)
            if status is not PlanStatus.DRAFT and (goal_index == 0 or (i + goal_index) % 3 == 0):
                b.reflections.append(
                    (
                        goal_index,
                        Reflection(
                            author_id=learner.id,
                            body=template.reflection,
                            created_at=window.at(0.35 + 0.1 * (goal_index % 4)),
                        ),
                    )
                )
    if status is PlanStatus.ACTIVE and i % 5 != 4:
        _recently_active(b, i, who, window)
    _talk(b, i, who, period, window, status, subject)
    return b


def _recently_active(b: _Built, i: int, who: _Who, window: _Window) -> None:
    """Four learners in five worked on a task in the last days, as in a class mid-lesson-week.

    The task they are working on is the first ongoing one (or the first not started, which
    they have just begun); its last change is theirs, 0 to 5 days before the window ends.
    """
    tasks = [task for _, task in b.tasks]
    current = next((t for t in tasks if t.status == DOING.value), None) or next(
        (t for t in tasks if t.status == TODO.value), None
    )
    if current is None:
        return
    current.status = DOING.value
    current.status_changed_by_id = who.learner.id
    current.status_changed_at = max(window.start, window.end - timedelta(days=i % 6, hours=i % 5))


def _tasks(
    b: _Built,
    i: int,
    who: _Who,
    template: GoalTemplate,
    goal_index: int,
    period: Period,
    target: date,
    window: _Window,
    status: PlanStatus,
    cycle: tuple[TaskStatus, ...],
    first: int,
) -> None:
    span = (target - period.starts_on).days
    n = len(template.tasks)
    for t, spec in enumerate(template.tasks):
        j = first + t  # the task's number in the whole plan
        due = period.starts_on + timedelta(days=span * (t + 1) // n) if spec.dated else None
        if status is PlanStatus.DRAFT:
            state = TaskStatus.NOT_STARTED
        elif status is PlanStatus.LOCKED:  # mostly done by the end of a past period
            state = (TODO if (i + j) % 12 else DOING) if (i + j) % 6 == 0 else DONE
        elif i % 5 < 3 and due is not None and due <= window.end.date():
            state = DONE  # three learners in five keep up: what was due is done
        else:
            state = cycle[(i + j) % len(cycle)]
        changed_by = changed_at = None
        if state is not TaskStatus.NOT_STARTED:
            changed_by = who.mentor_id if j % 5 == 4 else who.learner.id
            moment = min(0.85, 0.1 + 0.04 * j) + (0.05 if state is DONE else 0.0)
            if state is DONE and due is not None:  # done a little before it was due
                before_due = window.fraction(_at(due)) - 0.02 - 0.004 * (j % 5)
                moment = before_due if status is PlanStatus.LOCKED else min(moment, before_due)
            changed_at = window.at(moment)
        task_index = len(b.tasks)
        b.tasks.append(
            (
                goal_index,
                Task(
                    title=spec.title.format(due=_day(due)) if due else spec.title,
                    due_date=due,
                    status=state.value,
                    position=t,
                    status_changed_by_id=changed_by,
                    status_changed_at=changed_at,
                    created_at=b.plan.created_at,
                ),
            )
        )
        if spec.link:
            b.links.append((task_index, TaskLink(title=spec.link[0], url=spec.link[1])))


def _ratings(
    b: _Built, i: int, who: _Who, goal_index: int, window: _Window, status: PlanStatus
) -> None:
    """Self and mentor ratings: several over the period for some goals, a final one when locked."""
    if status is PlanStatus.DRAFT:
        return
    if status is PlanStatus.LOCKED:
        moments = (1.0,)
        base = 3 + (i + goal_index) % 3
    elif (i + goal_index) % 2 == 0:
        moments = (0.1, 0.5, 0.85) if goal_index == 0 else (0.2, 0.7)
        base = 2 + (i + goal_index) % 2
    else:
        return
    for step, moment in enumerate(moments):
        own = min(5, base + step)
        mentor = min(5, max(1, own - 1 + (i + step) % 3 // 2))
        b.ratings.append(
            (
                goal_index,
                GoalRating(
                    rater_id=who.learner.id,
                    kind="self",
                    score=own,
                    rated_at=window.at(moment - 0.01),
                ),
            )
        )
        b.ratings.append(
            (
                goal_index,
                GoalRating(
                    rater_id=who.mentor_id, kind="mentor", score=mentor, rated_at=window.at(moment)
                ),
            )
        )


def _talk(
    b: _Built, i: int, who: _Who, period: Period, window: _Window, status: PlanStatus, subject: str
) -> None:
    """The plan log and the staff notes."""
    name = who.learner.display_name
    mentor = who.mentor_id
    meeting = window.at(0.01).date()  # the conversation where the goals were agreed

    def note(author: int, body: str, visibility: NoteVisibility, moment: float) -> None:
        at = window.at(moment)
        b.notes.append(
            PlanNote(
                author_id=author,
                body=body,
                visibility=visibility.value,
                created_at=at,
                updated_at=at,
            )
        )

    def say(author: int, body: str, moment: float) -> None:
        b.log.append(PlanLogEntry(author_id=author, body=body, created_at=window.at(moment)))

    if status is PlanStatus.DRAFT:
        meeting = min(window.end.date() + timedelta(days=7), period.ends_on)
        note(mentor, DRAFT_NOTE.format(name=name, date=_day(meeting)), NoteVisibility.PRIVATE, 0.92)
        if i % 2:
            note(
                mentor,
                STAFF_NOTES[i % len(STAFF_NOTES)].format(name=name),
                NoteVisibility.STAFF,
                0.93,
            )
        return

    first_task = b.tasks[0][1].title
    say(
        mentor,
        f"Hi {name}! Here is your plan for {period.name}. We chose the goals together; "
        "tick off the tasks as you go, and write here if anything is hard.",
        0.02,
    )
    say(who.learner.id, LEARNER_LINES[i % len(LEARNER_LINES)].format(task=first_task), 0.12)
    if who.parent_ids:
        parent = who.parent_ids[i % len(who.parent_ids)]
        say(parent, PARENT_LINES[i % len(PARENT_LINES)].format(name=name), 0.16)
    teacher = who.teachers.get(subject or "Mathematics 8")
    if i % 3 == 0 and teacher and teacher != mentor and subject in TEACHER_LINES:
        say(teacher, TEACHER_LINES[subject].format(name=name), 0.3)
    say(mentor, MENTOR_REPLIES[i % len(MENTOR_REPLIES)].format(name=name), 0.4)
    if status is PlanStatus.LOCKED:
        done = sum(task.status == TaskStatus.COMPLETED for _, task in b.tasks)
        say(mentor, PAST_SUMMARY.format(name=name, done=done, total=len(b.tasks)), 0.99)

    fair = _day(period.starts_on + timedelta(weeks=8))
    family = FAMILY_NOTES[i % len(FAMILY_NOTES)].format(name=name, date=_day(meeting), fair=fair)
    note(mentor, family, NoteVisibility.FAMILY, 0.05)
    if i % 3 == 0:
        note(
            mentor,
            STAFF_NOTES[(i // 3) % len(STAFF_NOTES)].format(name=name),
            NoteVisibility.STAFF,
            0.06,
        )
    elif i % 3 == 1 and teacher and teacher != mentor:
        note(
            teacher,
            "Works well in class when the task is broken into small steps.",
            NoteVisibility.STAFF,
            0.3,
        )
    if i % 2 == 0:
        note(
            mentor,
            PRIVATE_NOTES[(i // 2) % len(PRIVATE_NOTES)].format(name=name),
            NoteVisibility.PRIVATE,
            0.5,
        )
