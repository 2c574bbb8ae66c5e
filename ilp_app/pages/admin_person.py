"""One person in the administrator's console: details and roles, the account, and their links.

A mentor's page lists their learners and connects more (found by name, or a whole group at
once); a learner's page shows their mentors, parents and groups; a parent's page their children.
Every button names the person it acts on.
"""

import reflex as rx

from ilp_app import routes
from ilp_app.components.admin_nav import admin_nav
from ilp_app.components.admin_ui import TOUCH, temporary_password_dialog
from ilp_app.components.forms import form_error, labelled, labelled_input
from ilp_app.components.layout import app_shell, empty_note, loading
from ilp_app.components.staff_plans import supervisor_section
from ilp_app.pages.admin import pronoun_audience_select, role_checkboxes
from ilp_app.state.admin_person import AdminPersonState as S
from ilp_app.state.admin_supervisor import AdminSupervisorState

ROUTE = routes.ADMIN_PERSON
TITLE = "Person · Administration · ILP"
ON_LOAD = [S.load, AdminSupervisorState.load]

P = S.person


def section(title: str, *children: rx.Component) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(title, as_="h2", size="4"), *children, spacing="3", width="100%"),
        width="100%",
    )


def person_row(person: rx.Var, *actions: rx.Component) -> rx.Component:
    """Another person, linking to their own page, with buttons acting on the link."""
    return rx.hstack(
        rx.vstack(
            rx.link(person.name, href=routes.admin_person_url(person.id), weight="medium"),
            rx.cond(person.detail != "", rx.text(person.detail, size="1", color_scheme="gray")),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        *actions,
        align="center",
        wrap="wrap",
        spacing="2",
        width="100%",
        role="listitem",
        style=TOUCH,
    )


def people_list(people: rx.Var, label: str, empty: str, action=None) -> rx.Component:
    return rx.cond(
        people.length() == 0,
        rx.text(empty, size="2", color_scheme="gray"),
        rx.vstack(
            rx.foreach(people, lambda p: person_row(p, *([action(p)] if action else []))),
            role="list",
            aria_label=label,
            spacing="1",
            width="100%",
        ),
    )


def small_button(text: str, label: rx.Var, on_click, color: str = "gray") -> rx.Component:
    return rx.button(
        text, size="2", variant="soft", color_scheme=color, on_click=on_click, aria_label=label
    )


# --- details, roles and the account ---


def details_form() -> rx.Component:
    return section(
        "Details and roles",
        rx.form(
            rx.vstack(
                form_error(S.details_error),
                labelled_input(
                    "Full name",
                    name="full_name",
                    default_value=P.full_name,
                    max_length=200,
                    autocomplete="off",
                ),
                labelled_input(
                    "Preferred name (optional)",
                    name="preferred_name",
                    default_value=P.preferred_name,
                    max_length=100,
                    required=False,
                    autocomplete="off",
                ),
                labelled_input(
                    "Email",
                    name="email",
                    type_="email",
                    default_value=P.email,
                    max_length=254,
                    autocomplete="off",
                ),
                labelled_input(
                    "Pronouns (optional)",
                    name="pronouns",
                    default_value=P.pronouns,
                    max_length=50,
                    required=False,
                    autocomplete="off",
                ),
                pronoun_audience_select(
                    "person-pronouns-visibility", default=P.pronouns_visibility
                ),
                role_checkboxes(checked=lambda value: P.roles.contains(value)),
                rx.cond(
                    P.is_self,
                    rx.text(
                        "You cannot remove your own administrator role.",
                        size="1",
                        color_scheme="gray",
                    ),
                ),
                rx.button(
                    "Save changes", type="submit", aria_label="Save changes to " + P.full_name
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=S.save_details,
            key=P.id.to_string() + "-" + P.roles_label,
            width="100%",
        ),
    )


def account_section() -> rx.Component:
    return section(
        "Account",
        rx.hstack(
            rx.cond(
                P.is_active,
                rx.badge("Active", color_scheme="green"),
                rx.badge("Disabled", color_scheme="red"),
            ),
            rx.cond(P.must_change_password, rx.badge("Must change password", color_scheme="amber")),
            rx.cond(~P.has_password, rx.badge("No password yet", color_scheme="gray")),
            rx.cond(P.from_roster, rx.badge("From the roster import", color_scheme="blue")),
            wrap="wrap",
            spacing="1",
        ),
        invitation_line(),
        rx.cond(
            P.is_self,
            rx.text(
                "This is your own account: another administrator can disable it or reset its password.",
                size="2",
                color_scheme="gray",
            ),
            rx.hstack(
                rx.cond(
                    S.invitation.invited_at != "",
                    small_button(
                        "Send a new invitation",
                        "Send a new invitation to " + P.full_name,
                        S.send_invitation,
                    ),
                    small_button(
                        "Send invitation", "Send invitation to " + P.full_name, S.send_invitation
                    ),
                ),
                small_button(
                    "Set temporary password",
                    "Set temporary password for " + P.full_name,
                    S.open_password,
                ),
                rx.cond(
                    P.is_active,
                    small_button("Disable", "Disable " + P.full_name, S.set_active(False), "red"),
                    small_button("Enable", "Enable " + P.full_name, S.set_active(True), "green"),
                ),
                wrap="wrap",
                spacing="2",
            ),
        ),
    )


def invitation_line() -> rx.Component:
    """Whether the person was invited, accepted, or whose invitation mail was not delivered."""
    inv = S.invitation
    return rx.text(
        rx.cond(
            inv.accepted_at != "",
            "Invitation accepted " + inv.accepted_at + ".",
            rx.cond(
                inv.invited_at != "",
                "Invited " + inv.invited_at + "; the link works until " + inv.expires_at + ".",
                rx.cond(inv.has_signed_in, "Has signed in.", "Not invited yet."),
            ),
        ),
        rx.cond(
            inv.undelivered,
            rx.text.strong(" The invitation could not be delivered: check the address."),
        ),
        size="2",
    )


def password_dialog() -> rx.Component:
    return temporary_password_dialog(
        name=P.full_name,
        error=S.password_error,
        busy=S.busy,
        is_open=S.password_open,
        on_close=S.close_password,
        on_submit=S.set_temporary_password,
    )


# --- a mentor's learners ---


def search_box(label: str, field_id: str, value: rx.Var, on_change) -> rx.Component:
    return labelled(
        label,
        field_id,
        rx.input(
            id=field_id,
            type="search",
            value=value,
            max_length=100,
            placeholder="Name or email",
            on_change=on_change.debounce(250),
            width="100%",
        ),
    )


def learner_checkbox(person: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.el.label(
            rx.el.input(
                type="checkbox",
                checked=S.selected_ids.contains(person.id),
                on_change=lambda _value: S.toggle_learner(person.id),
            ),
            " ",
            person.name,
            class_name="checkbox-line",
        ),
        rx.text(person.detail, size="1", color_scheme="gray"),
        align="center",
        wrap="wrap",
        spacing="2",
        width="100%",
        role="listitem",
        style=TOUCH,
    )


def connect_learners() -> rx.Component:
    return rx.vstack(
        rx.heading("Connect learners", as_="h3", size="3"),
        rx.text(
            "Tick learners found by name, or add a whole group, then connect them all at once.",
            size="2",
            color_scheme="gray",
        ),
        search_box("Find learners", "find-learners", S.learner_query, S.search_learners),
        labelled(
            "Add everyone in a group",
            "add-group",
            rx.el.select(
                rx.el.option("Choose a group…", value=""),
                rx.foreach(
                    S.group_choices,
                    lambda g: rx.el.option(
                        g.name, " (", g.learner_count, " learners)", value=g.id.to_string()
                    ),
                ),
                id="add-group",
                value="",
                on_change=S.select_group,
                class_name="role-select",
            ),
        ),
        rx.cond(
            S.selected.length() > 0,
            rx.vstack(
                rx.text(
                    rx.text.strong("Selected (", S.selected.length(), "): "),
                    S.selected_names,
                    size="2",
                ),
                rx.hstack(
                    rx.button(
                        rx.icon("link", size=16),
                        "Connect ",
                        S.selected.length(),
                        " selected",
                        on_click=S.connect_selected,
                        aria_label="Connect the selected learners to " + P.full_name,
                    ),
                    rx.button(
                        "Clear selection",
                        variant="soft",
                        color_scheme="gray",
                        on_click=S.clear_selection,
                    ),
                    wrap="wrap",
                    spacing="2",
                ),
                spacing="2",
                width="100%",
            ),
        ),
        rx.cond(
            S.learner_results.length() > 0,
            rx.vstack(
                rx.foreach(S.learner_results, learner_checkbox),
                role="list",
                aria_label="Learners found",
                spacing="0",
                width="100%",
            ),
        ),
        rx.cond(
            (S.learner_query != "") & (S.learner_results.length() == 0),
            rx.text("No learner matches.", size="2", color_scheme="gray"),
        ),
        spacing="3",
        width="100%",
    )


def mentor_section() -> rx.Component:
    return section(
        "Mentor of",
        people_list(
            P.mentees,
            "Learners of " + P.full_name,
            "No learners are connected yet.",
            lambda p: small_button(
                "Disconnect", "Disconnect " + p.name, S.disconnect_mentee(p.id), "red"
            ),
        ),
        connect_learners(),
    )


# --- a learner's mentors, parents and groups ---


def learner_section() -> rx.Component:
    return section(
        "As a learner",
        rx.heading("Mentors", as_="h3", size="3"),
        people_list(
            P.mentors,
            "Mentors of " + P.full_name,
            "No mentor yet.",
            lambda p: small_button(
                "Disconnect", "Disconnect " + p.name, S.disconnect_mentor(p.id), "red"
            ),
        ),
        rx.cond(
            S.mentor_choices.length() > 0,
            rx.form(
                rx.hstack(
                    labelled(
                        "Connect to a mentor",
                        "connect-mentor",
                        rx.el.select(
                            rx.foreach(
                                S.mentor_choices,
                                lambda m: rx.el.option(m.name, value=m.id.to_string()),
                            ),
                            id="connect-mentor",
                            name="mentor_id",
                            class_name="role-select",
                        ),
                    ),
                    rx.button(
                        "Connect",
                        type="submit",
                        aria_label="Connect " + P.full_name + " to this mentor",
                    ),
                    align="end",
                    wrap="wrap",
                    spacing="2",
                    width="100%",
                ),
                on_submit=S.connect_mentor,
                width="100%",
            ),
        ),
        rx.heading("Parents", as_="h3", size="3"),
        people_list(
            P.parents,
            "Parents of " + P.full_name,
            "No parent linked.",
            lambda p: small_button("Unlink", "Unlink " + p.name, S.unlink_parent(p.id), "red"),
        ),
        rx.text("Link a parent from the parent's own page.", size="1", color_scheme="gray"),
    )


def groups_section() -> rx.Component:
    return rx.cond(
        P.groups.length() > 0,
        section(
            "Groups",
            rx.vstack(
                rx.foreach(
                    P.groups, lambda g: rx.text(g.name, " · ", g.detail, size="2", role="listitem")
                ),
                role="list",
                aria_label="Groups of " + P.full_name,
                spacing="1",
            ),
        ),
    )


# --- a parent's children ---


def parent_section() -> rx.Component:
    return section(
        "Parent of",
        people_list(
            P.children,
            "Children of " + P.full_name,
            "No child linked yet.",
            lambda p: small_button("Unlink", "Unlink " + p.name, S.unlink_child(p.id), "red"),
        ),
        rx.heading("Link a child", as_="h3", size="3"),
        labelled(
            "Relationship (optional)",
            "child-label",
            rx.input(
                id="child-label",
                value=S.child_label,
                on_change=S.set_child_label.debounce(250),
                max_length=50,
                placeholder="e.g. Mother, Guardian",
                width="100%",
            ),
        ),
        search_box("Find a child", "find-child", S.child_query, S.search_children),
        rx.cond(
            S.child_results.length() > 0,
            rx.vstack(
                rx.foreach(
                    S.child_results,
                    lambda p: person_row(
                        p,
                        small_button(
                            "Link",
                            "Link " + p.name + " as a child of " + P.full_name,
                            S.link_child(p.id),
                            "green",
                        ),
                    ),
                ),
                role="list",
                aria_label="Children found",
                spacing="1",
                width="100%",
            ),
        ),
    )


def person_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(P.email, size="2", color_scheme="gray", style={"word_break": "break-all"}),
            rx.text(P.roles_label, size="2"),
            wrap="wrap",
            spacing="3",
        ),
        rx.cond(
            P.erased, empty_note("This account was erased: its details can no longer be changed.")
        ),
        rx.box(
            details_form(),
            account_section(),
            rx.cond(P.is_mentor, mentor_section()),
            rx.cond(P.is_learner, learner_section()),
            rx.cond(P.is_parent, parent_section()),
            supervisor_section(),
            groups_section(),
            class_name="person-sections",
            style={
                "display": "grid",
                "gap": "1rem",
                "width": "100%",
                "align_items": "start",
                "grid_template_columns": "repeat(auto-fill, minmax(min(26rem, 100%), 1fr))",
            },
        ),
        password_dialog(),
        spacing="4",
        width="100%",
    )


def page() -> rx.Component:
    return app_shell(
        admin_nav(),
        rx.link("← All accounts", href=routes.ADMIN, size="2"),
        loading(S.loaded, rx.cond(S.person, person_page())),
        heading=S.heading,
    )
