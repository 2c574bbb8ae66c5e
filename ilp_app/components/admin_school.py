"""The parts of the school settings page: the ILP switch, the name, periods and the focus-area catalogue."""

from __future__ import annotations

import reflex as rx

from ilp_app.components.admin_ui import TOUCH, dialog_actions, item_list, list_row
from ilp_app.components.forms import form_error, labelled
from ilp_app.state.admin_school import AdminSchoolState as S


def section(title: str | rx.Var, *children: rx.Component, intro: str | rx.Var = "") -> rx.Component:
    return rx.el.section(
        rx.card(
            rx.vstack(
                rx.heading(title, as_="h2", size="5"),
                rx.text(intro, size="2", color_scheme="gray")
                if isinstance(intro, rx.Var) or intro
                else rx.fragment(),
                *children,
                spacing="3",
                width="100%",
            ),
            width="100%",
        ),
        aria_label=title,
        width="100%",
    )


def text_field(
    label: str,
    field_id: str,
    name: str,
    *,
    max_length: int,
    required: bool = True,
    type_: str = "text",
    **props,
) -> rx.Component:
    return labelled(
        label,
        field_id,
        rx.input(
            id=field_id,
            name=name,
            type=type_,
            required=required,
            max_length=max_length,
            size="3",
            width="100%",
            **props,
        ),
    )


# --- the ILP switch and the name ------------------------------------------------------------


def ilp_section() -> rx.Component:
    return section(
        "Individual learning plans",
        rx.hstack(
            rx.switch(
                checked=S.ilp_enabled,
                on_change=S.ask_ilp,
                size="3",
                aria_label="Individual learning plans at " + S.school_name,
            ),
            rx.text(
                rx.cond(
                    S.ilp_enabled,
                    "On: mentors, teachers, learners and parents use their plans.",
                    "Off: only the administration is open. Everyone else is told that ILPs are switched off.",
                ),
                size="2",
                weight="medium",
            ),
            align="center",
            spacing="3",
            width="100%",
        ),
    )


def name_section() -> rx.Component:
    return section(
        "School name",
        rx.form(
            rx.flex(
                rx.box(
                    text_field(
                        "School name",
                        "site-name",
                        "name",
                        max_length=200,
                        default_value=S.school_name,
                    ),
                    flex="1",
                    min_width="14rem",
                ),
                rx.button("Save name", type="submit", variant="soft", style=TOUCH),
                align="end",
                wrap="wrap",
                spacing="2",
                width="100%",
            ),
            on_submit=S.rename_site,
            key=S.school_name,
            width="100%",
        ),
        intro="Shown to everyone at the school.",
    )


def quiet_hours_section() -> rx.Component:
    """When no mail goes to families: held until the morning."""
    return section(
        "Quiet hours for family mail",
        rx.form(
            rx.flex(
                rx.box(
                    text_field(
                        "No mail from (hour, 0-23)",
                        "quiet-from",
                        "quiet_from",
                        max_length=2,
                        type_="number",
                        min=0,
                        max=23,
                        default_value=S.site.mail_quiet_from.to_string(),
                    ),
                    flex="1",
                    min_width="12rem",
                ),
                rx.box(
                    text_field(
                        "Until (hour, 0-23)",
                        "quiet-until",
                        "quiet_until",
                        max_length=2,
                        type_="number",
                        min=0,
                        max=23,
                        default_value=S.site.mail_quiet_until.to_string(),
                    ),
                    flex="1",
                    min_width="12rem",
                ),
                rx.button("Save quiet hours", type="submit", variant="soft", style=TOUCH),
                align="end",
                wrap="wrap",
                spacing="2",
                width="100%",
            ),
            on_submit=S.set_mail_quiet_hours,
            key=S.quiet_hours,
            width="100%",
        ),
        intro="Mail to families written in these hours waits until the morning (school time).",
    )


def providers_section() -> rx.Component:
    """Which school accounts people can sign in with (set by the server's ILP_OIDC_* settings)."""
    return section(
        "Sign-in with school accounts",
        rx.cond(
            S.site.providers.length() > 0,
            rx.el.ul(
                rx.foreach(
                    S.site.providers,
                    lambda p: rx.el.li(
                        rx.text(rx.text.strong(p["label"]), " · ", p["issuer"], size="2"),
                        rx.text("Email domains: ", p["domains"], size="2", color_scheme="gray"),
                    ),
                ),
                class_name="reason-list",
            ),
            rx.text(
                "None: everyone signs in with a password. The server's ILP_OIDC_* settings add "
                "Google, Microsoft or Feide (see docs/sign-in.md).",
                size="2",
            ),
        ),
        intro="Nobody gets an account by signing in: the school's accounts are matched once by "
        "a verified email address, then by the provider's own id.",
    )


def status_section() -> rx.Component:
    """When the overview calls a learner amber or red: the school's two numbers of days."""
    return section(
        "Status on the overview",
        rx.form(
            rx.flex(
                rx.box(
                    text_field(
                        "Amber after this many days without activity",
                        "amber-days",
                        "amber_days",
                        max_length=3,
                        type_="number",
                        min=1,
                        max=120,
                        default_value=S.site.quiet_amber_days.to_string(),
                    ),
                    flex="1",
                    min_width="14rem",
                ),
                rx.box(
                    text_field(
                        "Red after this many days without activity",
                        "red-days",
                        "red_days",
                        max_length=3,
                        type_="number",
                        min=1,
                        max=120,
                        default_value=S.site.quiet_red_days.to_string(),
                    ),
                    flex="1",
                    min_width="14rem",
                ),
                rx.button("Save thresholds", type="submit", variant="soft", style=TOUCH),
                align="end",
                wrap="wrap",
                spacing="2",
                width="100%",
            ),
            on_submit=S.set_status_rules,
            key=S.status_days,
            width="100%",
        ),
        intro=(
            "Red should be rare and worth acting on: a learner is red after the red number of "
            "days without activity, or after the amber number with half their goals or more "
            "behind. A learner who is active but behind is amber."
        ),
    )


# --- periods --------------------------------------------------------------------------------


def period_badges(p: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.cond(p.current, rx.badge("Current", color_scheme="green")),
        rx.cond(p.imported, rx.badge("From the roster", color_scheme="gray")),
        rx.cond(p.retired, rx.badge("Retired by the roster", color_scheme="amber")),
        spacing="1",
        wrap="wrap",
    )


def period_item(p: rx.Var) -> rx.Component:
    return list_row(
        rx.vstack(
            rx.hstack(
                rx.text(p.name, weight="bold"),
                rx.badge(p.kind_label, color_scheme="gray", variant="outline"),
                period_badges(p),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            rx.text(
                p.starts_on,
                " to ",
                p.ends_on,
                " · ",
                p.plans,
                rx.cond(p.plans == 1, " plan", " plans"),
                size="2",
                color_scheme="gray",
            ),
            spacing="1",
        ),
        rx.spacer(),
        rx.hstack(
            rx.button(
                "Edit",
                size="2",
                variant="soft",
                style=TOUCH,
                on_click=S.open_dialog("period_edit", p.id),
                aria_label="Edit period " + p.name,
            ),
            rx.cond(
                p.plans == 0,
                rx.button(
                    "Delete",
                    size="2",
                    variant="soft",
                    color_scheme="red",
                    style=TOUCH,
                    on_click=S.open_dialog("period_delete", p.id),
                    aria_label="Delete period " + p.name,
                ),
                rx.text("Kept: plans use it", size="1", color_scheme="gray"),
            ),
            spacing="2",
            align="center",
        ),
    )


def periods_section() -> rx.Component:
    return section(
        "Periods",
        item_list(
            S.periods,
            period_item,
            "No periods yet. Mentors need a current period to make plans.",
            cards=False,
        ),
        rx.button(
            rx.icon("plus", size=16),
            "Add a period",
            variant="soft",
            style=TOUCH,
            on_click=S.open_dialog("period_add", 0),
        ),
        intro="Plans are made for the period that contains today (in a break, the next one): learners' "
        "plans for a term, staff plans for a school year. Periods of a kind may not overlap, and one "
        "that plans use cannot be deleted.",
    )


# --- the focus-area catalogue ---------------------------------------------------------------


def area_item(a: rx.Var) -> rx.Component:
    return list_row(
        rx.vstack(
            rx.hstack(
                rx.text(a.name, weight="bold"),
                rx.cond(a.archived, rx.badge("Archived", color_scheme="gray")),
                spacing="2",
                align="center",
            ),
            rx.cond(a.description != "", rx.text(a.description, size="2", color_scheme="gray")),
            spacing="1",
            flex="1",
            min_width="12rem",
        ),
        rx.hstack(
            rx.icon_button(
                rx.icon("arrow-up", size=16),
                size="2",
                variant="soft",
                disabled=a.first,
                on_click=S.move_area(a.id, "up"),
                aria_label="Move " + a.name + " up",
            ),
            rx.icon_button(
                rx.icon("arrow-down", size=16),
                size="2",
                variant="soft",
                disabled=a.last,
                on_click=S.move_area(a.id, "down"),
                aria_label="Move " + a.name + " down",
            ),
            rx.button(
                "Edit",
                size="2",
                variant="soft",
                on_click=S.open_dialog("area_edit", a.id),
                aria_label="Edit focus area " + a.name,
            ),
            rx.cond(
                a.archived,
                rx.button(
                    "Restore",
                    size="2",
                    variant="soft",
                    color_scheme="green",
                    on_click=S.set_area_archived(a.id, False),
                    aria_label="Restore " + a.name,
                ),
                rx.button(
                    "Archive",
                    size="2",
                    variant="soft",
                    color_scheme="gray",
                    on_click=S.set_area_archived(a.id, True),
                    aria_label="Archive " + a.name,
                ),
            ),
            spacing="2",
            wrap="wrap",
            align="center",
        ),
    )


def add_area_form() -> rx.Component:
    return rx.form(
        rx.flex(
            rx.box(
                text_field("New focus area", "new-area-name", "name", max_length=80),
                flex="1",
                min_width="12rem",
            ),
            rx.box(
                text_field(
                    "Description (optional)",
                    "new-area-description",
                    "description",
                    max_length=300,
                    required=False,
                ),
                flex="2",
                min_width="12rem",
            ),
            rx.button(
                rx.icon("plus", size=16),
                "Add focus area",
                type="submit",
                variant="soft",
                style=TOUCH,
            ),
            align="end",
            wrap="wrap",
            spacing="2",
            width="100%",
        ),
        on_submit=S.add_area,
        key=S.form_key,
        width="100%",
    )


def catalogue_section() -> rx.Component:
    return section(
        "Focus-area catalogue",
        item_list(
            S.areas,
            area_item,
            "The catalogue is empty. Mentors can still name focus areas themselves.",
            cards=False,
        ),
        add_area_form(),
        intro="Mentors are offered these, in this order, when they add a focus area to a plan; a new plan starts "
        "with the first four. Archived ones are no longer offered. Plans keep the names they were given.",
    )


# --- dialogs --------------------------------------------------------------------------------


def period_fields() -> rx.Component:
    return rx.vstack(
        text_field(
            "Period name",
            "period-name",
            "name",
            max_length=100,
            default_value=S.dialog_values["name"],
            placeholder="e.g. Autumn term 2026",
        ),
        text_field(
            "First day",
            "period-starts",
            "starts_on",
            max_length=10,
            type_="date",
            default_value=S.dialog_values["starts_on"],
        ),
        text_field(
            "Last day",
            "period-ends",
            "ends_on",
            max_length=10,
            type_="date",
            default_value=S.dialog_values["ends_on"],
        ),
        rx.cond(S.dialog == "period_add", period_kind_field()),
        spacing="3",
        width="100%",
    )


def period_kind_field() -> rx.Component:
    """A new period is a term (learners' plans) or a school year (staff plans)."""
    return labelled(
        "Kind of period",
        "period-kind",
        rx.el.select(
            rx.el.option("Term: learners' plans", value="term"),
            rx.el.option("School year: staff plans", value="school_year"),
            id="period-kind",
            name="kind",
            default_value="term",
            class_name="role-select",
            style={"width": "100%"},
        ),
        hint="Terms may not overlap each other; a school year may hold terms.",
    )


def area_fields() -> rx.Component:
    return rx.vstack(
        text_field(
            "Focus area", "area-name", "name", max_length=80, default_value=S.dialog_values["name"]
        ),
        labelled(
            "Description (optional)",
            "area-description",
            rx.text_area(
                id="area-description",
                name="description",
                max_length=300,
                width="100%",
                default_value=S.dialog_values["description"],
            ),
        ),
        spacing="3",
        width="100%",
    )


def form_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(
                rx.match(
                    S.dialog,
                    ("period_add", "Add a period"),
                    ("period_edit", "Edit period"),
                    ("area_edit", "Edit focus area"),
                    "",
                )
            ),
            rx.dialog.description(
                rx.cond(
                    S.dialog == "area_edit",
                    "Renaming changes what mentors are offered; plans keep their names.",
                    "The first and last day of the period, both included.",
                ),
                size="2",
            ),
            rx.form(
                rx.vstack(
                    form_error(S.dialog_error),
                    rx.cond(S.dialog == "area_edit", area_fields(), period_fields()),
                    dialog_actions("Save"),
                    spacing="3",
                    width="100%",
                ),
                on_submit=S.submit_dialog,
            ),
            max_width="min(32rem, 94vw)",
        ),
        open=(S.dialog == "period_add") | (S.dialog == "period_edit") | (S.dialog == "area_edit"),
        on_open_change=S.on_dialog_open_change,
    )


def confirm_dialog() -> rx.Component:
    switching_off = S.dialog_values["wanted"] == "off"
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(
                rx.cond(
                    S.dialog == "ilp",
                    rx.cond(switching_off, "Switch ILPs off?", "Switch ILPs on?"),
                    "Delete period " + S.dialog_values["name"] + "?",
                )
            ),
            rx.alert_dialog.description(
                rx.cond(
                    S.dialog == "ilp",
                    rx.cond(
                        switching_off,
                        "Mentors, teachers, learners and parents at "
                        + S.school_name
                        + " will no longer be able to "
                        "open or change any plan; they are told that ILPs are switched off. Nothing is deleted: "
                        "switching ILPs on again restores everything.",
                        "Everyone at " + S.school_name + " can use their plans again.",
                    ),
                    S.dialog_values["starts_on"]
                    + " to "
                    + S.dialog_values["ends_on"]
                    + ". No plan uses it; "
                    "it is removed for good.",
                ),
                size="2",
            ),
            rx.vstack(
                form_error(S.dialog_error),
                rx.hstack(
                    rx.alert_dialog.cancel(
                        rx.button("Cancel", variant="soft", color_scheme="gray")
                    ),
                    rx.button(
                        rx.cond(
                            S.dialog == "ilp",
                            rx.cond(switching_off, "Switch ILPs off", "Switch ILPs on"),
                            "Delete period",
                        ),
                        color_scheme=rx.cond((S.dialog == "ilp") & ~switching_off, "green", "red"),
                        on_click=S.confirm,
                    ),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
                margin_top="1rem",
            ),
            max_width="min(30rem, 94vw)",
        ),
        open=(S.dialog == "ilp") | (S.dialog == "period_delete"),
        on_open_change=S.on_dialog_open_change,
    )
