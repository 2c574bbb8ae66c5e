"""The parts of the groups page: the group list, one group's members, adding people, the group form."""

from __future__ import annotations

import reflex as rx

from ilp_app import routes
from ilp_app.components.admin_ui import TOUCH, dialog_actions, item_list, list_row
from ilp_app.components.downloads import download_link
from ilp_app.components.forms import form_error, labelled
from ilp_app.state.admin_groups import AdminGroupsState as S
from ilp_app.web.files import group_letters_url


def group_badges(g: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.badge(g.kind_label, color_scheme=rx.cond(g.kind == "tutor", "indigo", "teal")),
        rx.cond(g.year_label != "", rx.badge(g.year_label, color_scheme="gray")),
        rx.cond(g.imported, rx.badge("From the roster", color_scheme="gray")),
        rx.cond(g.retired, rx.badge("Retired by the roster", color_scheme="amber")),
        spacing="1",
        wrap="wrap",
    )


def group_card(g: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(g.name, as_="h2", size="4"),
            group_badges(g),
            rx.cond(g.course != "", rx.text(g.course, size="2", color_scheme="gray")),
            rx.text(g.learners, " learners · ", g.teachers, " teachers", size="2"),
            rx.button(
                "Open",
                size="2",
                variant="soft",
                style=TOUCH,
                on_click=S.open_group(g.id),
                aria_label="Open group " + g.name,
            ),
            spacing="2",
        ),
        role="listitem",
    )


def group_list() -> rx.Component:
    return rx.vstack(
        rx.button(
            rx.icon("plus", size=16),
            "Add a group",
            variant="soft",
            style=TOUCH,
            on_click=S.open_dialog("group_add"),
        ),
        item_list(S.groups, group_card, "No groups yet. Add one, or import the roster."),
        spacing="3",
        width="100%",
    )


# --- one group ------------------------------------------------------------------------------


def member_row(m: rx.Var) -> rx.Component:
    return list_row(
        rx.vstack(
            rx.hstack(
                rx.text(m.name, weight="medium"),
                rx.cond(~m.active, rx.badge("Disabled", color_scheme="red")),
                rx.cond(m.imported, rx.badge("From the roster", color_scheme="gray")),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.text(m.email, size="1", color_scheme="gray", style={"word_break": "break-all"}),
            spacing="0",
            flex="1",
            min_width="12rem",
        ),
        rx.button(
            "Remove",
            size="2",
            variant="soft",
            color_scheme="red",
            style=TOUCH,
            on_click=S.remove_member(m.user_id, m.role),
            aria_label="Remove " + m.name + " from " + S.group_name,
        ),
    )


def member_list(title: str, rows: rx.Var, empty: str) -> rx.Component:
    return rx.el.section(
        rx.heading(title, as_="h3", size="4", margin_bottom="0.5rem"),
        rx.cond(
            rows.length() == 0,
            rx.text(empty, size="2", color_scheme="gray"),
            rx.box(rx.foreach(rows, member_row), role="list", width="100%"),
        ),
        aria_label=title,
        width="100%",
    )


def mentor_links() -> rx.Component:
    g = S.selected
    return rx.cond(
        g.mentors.length() > 0,
        rx.el.section(
            rx.heading("Mentors of these learners", as_="h3", size="4", margin_bottom="0.5rem"),
            rx.flex(
                rx.foreach(
                    g.mentors,
                    lambda m: rx.link(
                        m.name,
                        " (",
                        m.learners,
                        ")",
                        href=routes.admin_person_url(m.user_id),
                        size="2",
                        aria_label="Open the page of mentor " + m.name,
                        style=TOUCH | {"display": "inline-flex", "align_items": "center"},
                    ),
                ),
                wrap="wrap",
                spacing="4",
            ),
            rx.text(
                "Learners are connected to a mentor on the mentor's page.",
                size="1",
                color_scheme="gray",
            ),
            aria_label="Mentors of these learners",
            width="100%",
        ),
    )


def candidate_row(c: rx.Var) -> rx.Component:
    return list_row(
        rx.vstack(
            rx.text(c.name, weight="medium"),
            rx.text(c.email, size="1", color_scheme="gray", style={"word_break": "break-all"}),
            spacing="0",
            flex="1",
            min_width="12rem",
        ),
        rx.button(
            "Add",
            size="2",
            variant="soft",
            color_scheme="green",
            style=TOUCH,
            on_click=S.add_member(c.user_id),
            aria_label="Add " + c.name + " to " + S.group_name + " as a " + S.add_role,
        ),
    )


def add_members() -> rx.Component:
    return rx.el.section(
        rx.heading("Add people", as_="h3", size="4", margin_bottom="0.5rem"),
        rx.vstack(
            rx.segmented_control.root(
                rx.segmented_control.item("Learners", value="learner"),
                rx.segmented_control.item("Teachers", value="teacher"),
                value=S.add_role,
                on_change=S.set_add_role,
                aria_label="Add as",
                size="2",
            ),
            labelled(
                "Find a person to add to " + S.group_name,
                "member-search",
                rx.input(
                    id="member-search",
                    type="search",
                    value=S.query,
                    on_change=S.search.debounce(250),
                    placeholder="Name or email",
                    max_length=100,
                    width="100%",
                    size="3",
                ),
            ),
            rx.cond(
                S.candidates.length() == 0,
                rx.text("Nobody else matches.", size="2", color_scheme="gray"),
                rx.box(
                    rx.foreach(S.candidates, candidate_row),
                    role="list",
                    width="100%",
                    aria_label="People who can be added",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        aria_label="Add people",
        width="100%",
    )


def group_detail() -> rx.Component:
    g = S.selected
    return rx.vstack(
        rx.button(
            rx.icon("arrow-left", size=16),
            "All groups",
            variant="ghost",
            style=TOUCH,
            on_click=S.close_group,
        ),
        rx.card(
            rx.vstack(
                rx.flex(
                    rx.heading(g.group.name, as_="h2", size="6"),
                    rx.spacer(),
                    rx.button(
                        "Edit",
                        size="2",
                        variant="soft",
                        style=TOUCH,
                        on_click=S.open_dialog("group_edit"),
                        aria_label="Edit group " + g.group.name,
                    ),
                    download_link(
                        "Print invitation letters",
                        group_letters_url(g.group.id),
                        filename="invitations.pdf",
                        icon="printer",
                        hidden_suffix=" (PDF, for the families of " + g.group.name + ")",
                    ),
                    rx.button(
                        rx.icon("mail", size=16, aria_hidden="true"),
                        "Invite those not signed in yet",
                        rx.el.span(
                            " (learners and parents of ",
                            g.group.name,
                            ")",
                            class_name="visually-hidden",
                        ),
                        size="2",
                        variant="soft",
                        style=TOUCH,
                        on_click=S.invite_not_signed_in,
                    ),
                    wrap="wrap",
                    spacing="2",
                    align="center",
                    width="100%",
                ),
                group_badges(g.group),
                rx.cond(g.group.course != "", rx.text("Course: ", g.group.course, size="2")),
                rx.text(
                    "Taking a learner out of a group keeps their plans and their mentor.",
                    size="2",
                    color_scheme="gray",
                ),
                member_list("Learners", g.learners, "No learners in this group."),
                member_list("Teachers", g.teachers, "No teachers in this group."),
                mentor_links(),
                add_members(),
                spacing="4",
                width="100%",
            ),
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


# --- the group form -------------------------------------------------------------------------


def group_dialog() -> rx.Component:
    values = S.dialog_values
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.dialog == "group_add", "Add a group", "Edit group")),
            rx.dialog.description(
                "A tutor group has a mentor's learners; a subject class has teachers.", size="2"
            ),
            rx.form(
                rx.vstack(
                    form_error(S.dialog_error),
                    labelled(
                        "Group name",
                        "group-name",
                        rx.input(
                            id="group-name",
                            name="name",
                            required=True,
                            max_length=100,
                            size="3",
                            width="100%",
                            default_value=values["name"],
                            placeholder="e.g. 8A",
                        ),
                    ),
                    labelled(
                        "Kind",
                        "group-kind",
                        rx.el.select(
                            rx.el.option("Tutor group", value="tutor"),
                            rx.el.option("Subject class", value="class"),
                            id="group-kind",
                            name="kind",
                            default_value=values["kind"],
                            class_name="role-select",
                            style=TOUCH | {"width": "100%"},
                        ),
                    ),
                    labelled(
                        "Year (optional)",
                        "group-year",
                        rx.input(
                            id="group-year",
                            name="year_label",
                            max_length=50,
                            size="3",
                            width="100%",
                            default_value=values["year_label"],
                            placeholder="e.g. Year 8",
                        ),
                    ),
                    labelled(
                        "Course (optional)",
                        "group-course",
                        rx.input(
                            id="group-course",
                            name="course",
                            max_length=200,
                            size="3",
                            width="100%",
                            default_value=values["course"],
                            placeholder="e.g. Mathematics 8",
                        ),
                    ),
                    dialog_actions("Save"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.submit_dialog,
            ),
            max_width="min(30rem, 94vw)",
        ),
        open=S.dialog != "",
        on_open_change=S.on_dialog_open_change,
    )
