"""Which template is suggested for a learner, and why."""

from ilp_app.domain.transitions import (
    DEFAULT_TRANSITION_YEARS,
    TemplateOption,
    suggest_templates,
    year_key,
)

TRANSITIONS = {year_key(y): reason for y, reason in DEFAULT_TRANSITION_YEARS}
TEMPLATES = [
    TemplateOption(1, "General plan", ()),
    TemplateOption(2, "Upper-secondary planning", ("Year 9",)),
    TemplateOption(3, "Year 8 catch-up", ("Year 8",)),
    TemplateOption(4, "A Year 9 extra", ("year  9",)),
]


def test_the_defaults_are_the_sixth_ninth_and_twelfth_years():
    assert [y for y, _ in DEFAULT_TRANSITION_YEARS] == ["Year 6", "Year 9", "Year 12"]


def test_a_learner_in_a_transition_year_gets_its_templates_with_the_reason():
    found = suggest_templates(TEMPLATES, "Year 9", TRANSITIONS)
    assert [s.template_id for s in found] == [4, 2]  # by name: "A Year 9 extra" first
    assert all(s.transition for s in found)
    assert found[0].reason.startswith("Year 9 starts upper-secondary planning")


def test_outside_a_transition_year_the_years_templates_are_suggested_without_a_transition():
    (found,) = suggest_templates(TEMPLATES, "Year 8", TRANSITIONS)
    assert (found.template_id, found.transition, found.reason) == (3, False, "Made for Year 8.")


def test_nothing_is_suggested_without_a_year_or_a_template_for_it():
    assert suggest_templates(TEMPLATES, "", TRANSITIONS) == []
    assert suggest_templates(TEMPLATES, "Year 12", TRANSITIONS) == []


def test_years_compare_without_case_or_spacing():
    assert year_key("  Year  9 ") == year_key("year 9")
    assert year_key("Year 9") != year_key("Year 19")


def test_a_template_of_several_years_is_suggested_in_each_of_them():
    both = [TemplateOption(5, "Lower secondary", ("Year 8", "Year 9"))]
    (eight,) = suggest_templates(both, "year 8", TRANSITIONS)
    assert (eight.template_id, eight.transition, eight.reason) == (5, False, "Made for Year 8.")
    (nine,) = suggest_templates(both, "Year 9", TRANSITIONS)
    assert (nine.template_id, nine.transition) == (5, True)
    assert suggest_templates(both, "Year 7", TRANSITIONS) == []


def test_a_template_for_the_year_alone_comes_before_one_for_several_years():
    both = [*TEMPLATES, TemplateOption(5, "All lower secondary", ("Year 8", "Year 9"))]
    found = suggest_templates(both, "Year 9", TRANSITIONS)
    assert [s.template_id for s in found] == [4, 2, 5]
