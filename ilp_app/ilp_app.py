"""The app object. Pages are registered explicitly, each with its route, title and on_load."""

import reflex as rx

from ilp_app.api import add_routes
from ilp_app.pages import (
    admin,
    admin_groups,
    admin_import,
    admin_person,
    admin_privacy,
    admin_school,
    group,
    index,
    learner,
    learner_report,
    login,
    mentor,
    objectives,
    parent,
    password,
    plan,
    projector,
    teacher,
    templates,
)
from ilp_app.web import headers

app = rx.App(
    stylesheets=["/styles.css"],
    head_components=[rx.el.meta(name="color-scheme", content="light dark")],
)

add_routes(app)  # file downloads that check the signed-in session themselves
# Last of the API transformers: it must wrap the download routes too.
headers.install(app)

for module in (
    index,
    login,
    password,
    admin,
    mentor,
    teacher,
    learner,
    parent,
    plan,
    group,
    projector,
    templates,
    learner_report,
    admin_school,
    admin_groups,
    admin_person,
    objectives,
    admin_import,
    admin_privacy,
):
    app.add_page(module.page, route=module.ROUTE, title=module.TITLE, on_load=module.ON_LOAD)
