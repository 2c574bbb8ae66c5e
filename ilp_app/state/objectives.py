"""The learning-objective library page ("/objectives"): browse a framework, search it, and (for
administrators) import a CASE package and keep the school's own objectives.

Only the rows on screen are public vars: the whole tree stays on the server (``_nodes``), so a
framework of thousands of standards is not sent to the browser. The uploaded package is read in
memory from the upload stream, never written to the public upload folder.
"""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from ilp_app.domain.errors import DomainError, NotSignedIn, ValidationFailed
from ilp_app.domain.parsing import form_mapping, parse_id
from ilp_app.services.school import case_import, objectives
from ilp_app.services.school.objectives import FrameworkRow, ObjectiveNode
from ilp_app.services.uow import unit_of_work
from ilp_app.state.blocking import off_loop
from ilp_app.state.case_import import CaseImporting
from ilp_app.state.session import SessionState

#: Rows shown at once; a search narrows a larger framework.
MAX_ROWS = 400


@dataclass
class TreeRow:
    id: int
    code: str
    statement: str
    item_type: str
    subject: str
    depth: int
    indent: str
    has_children: bool
    expanded: bool
    archived: bool
    own: bool
    match: bool


def _row(node: ObjectiveNode, expanded: bool) -> TreeRow:
    return TreeRow(
        id=node.id,
        code=node.code,
        statement=node.statement,
        item_type=node.item_type,
        subject=node.subject,
        depth=node.depth,
        indent=f"{min(node.depth, 6)}rem",
        has_children=node.has_children,
        expanded=expanded,
        archived=node.archived,
        own=node.own,
        match=node.match,
    )


class ObjectivesState(CaseImporting, SessionState):
    loaded: bool = False
    can_manage: bool = False
    frameworks: list[FrameworkRow] = []
    framework_id: int = 0
    framework_title: str = ""
    query: str = ""
    show_archived: bool = False
    rows: list[TreeRow] = []
    hidden_rows: int = 0  # rows left out past MAX_ROWS
    matches: int = 0
    expanded: list[int] = []
    # Administrators: the school's own objectives, and importing.
    dialog: str = ""  # "" | "add" | "edit"
    dialog_target: int = 0
    dialog_values: dict[str, str] = {}
    dialog_error: str = ""

    _nodes: list[ObjectiveNode] = []

    # --- loading ---

    def _refresh(self, me, *, keep_expanded: bool = True) -> None:
        actor = me.actor if me else None
        with unit_of_work() as s:
            library = objectives.objective_tree(
                session=s,
                actor=actor,
                framework_id=self.framework_id if self.loaded else None,
                query=self.query,
                include_archived=self.show_archived,
                client_ip=self._client_ip(),
            )
            self.runs = (
                case_import.case_import_runs(session=s, actor=actor) if library.can_manage else []
            )
        if library.framework_id != self.framework_id or not keep_expanded:
            # A framework opens showing its first two levels.
            self.expanded = [n.id for n in library.nodes if n.depth == 0 and n.has_children]
        self.frameworks, self.framework_id, self.framework_title = (
            library.frameworks,
            library.framework_id,
            library.framework_title,
        )
        self.can_manage, self.matches, self._nodes = (
            library.can_manage,
            library.matches,
            library.nodes,
        )
        self._show_rows()
        self.loaded = True

    def _show_rows(self) -> None:
        opened = set(self.expanded)
        searching = bool(self.query.strip())
        visible = [
            _row(n, searching or n.id in opened)
            for n in self._nodes
            if searching or all(a in opened for a in n.ancestors)
        ]
        self.rows, self.hidden_rows = visible[:MAX_ROWS], max(0, len(visible) - MAX_ROWS)

    def _fail(self, me, error: DomainError) -> list:
        self.reset()
        return self._refusal(me, error)

    def _reload(self, *, keep_expanded: bool = True):
        me = self._current()
        try:
            self._refresh(me, keep_expanded=keep_expanded)
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn) or not self.loaded:
                return self._fail(me, error)
            return rx.toast.error(error.message)
        return None

    @rx.event
    @off_loop
    def load(self):
        """/objectives: the first framework of the school's library."""
        self.loaded, self.query, self.framework_id = False, "", 0
        self.report_status, self.report_lines, self.report_findings = "", [], []
        return self._reload(keep_expanded=False)

    @rx.event
    @off_loop
    def choose_framework(self, value: str):
        try:
            framework_id = parse_id(value, what="framework")
        except ValidationFailed:
            return rx.toast.error(objectives.MSG_NO_FRAMEWORK)
        self.framework_id, self.query = framework_id, ""
        return self._reload(keep_expanded=False)

    @rx.event
    @off_loop
    def search(self, value: str):
        if not isinstance(value, str) or len(value) > objectives.MAX_QUERY:
            return rx.toast.error(objectives.MSG_QUERY)
        self.query = value
        return self._reload()

    @rx.event
    @off_loop
    def set_show_archived(self, value: bool):
        self.show_archived = value is True
        return self._reload()

    @rx.event
    def toggle(self, objective_id: int):
        """Open or close one objective's sub-items (only the view changes)."""
        if not isinstance(objective_id, int) or not any(n.id == objective_id for n in self._nodes):
            return
        opened = set(self.expanded)
        opened ^= {objective_id}
        self.expanded = sorted(opened)
        self._show_rows()

    @rx.event
    def expand_all(self):
        self.expanded = [n.id for n in self._nodes if n.has_children]
        self._show_rows()

    @rx.event
    def collapse_all(self):
        self.expanded = []
        self._show_rows()

    # --- the school's own objectives (administrators) ---

    @rx.event
    def open_add(self):
        self.dialog, self.dialog_target, self.dialog_values, self.dialog_error = "add", 0, {}, ""

    @rx.event
    def open_edit(self, objective_id: int):
        node = next((n for n in self._nodes if n.id == objective_id and n.own), None)
        if node is None:
            return
        self.dialog, self.dialog_target, self.dialog_error = "edit", node.id, ""
        self.dialog_values = {
            "code": node.code,
            "statement": node.statement,
            "subject": node.subject,
        }

    @rx.event
    def close_dialog(self):
        self.dialog, self.dialog_target, self.dialog_values, self.dialog_error = "", 0, {}, ""

    @rx.event
    @off_loop
    def submit_dialog(self, form_data: dict):
        if self.dialog not in ("add", "edit"):
            return None
        me = self._current()
        try:
            form = form_mapping(form_data)
            fields = {
                "code": form.get("code"),
                "statement": form.get("statement"),
                "subject": form.get("subject", ""),
            }
            with unit_of_work() as s:
                actor, ip = me.actor if me else None, self._client_ip()
                if self.dialog == "add":
                    objectives.objective_create(session=s, actor=actor, client_ip=ip, **fields)
                else:
                    objectives.objective_update(
                        session=s,
                        actor=actor,
                        objective_id=self.dialog_target,
                        client_ip=ip,
                        **fields,
                    )
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn):
                return self._fail(me, error)
            self.dialog_error = error.message
            return None
        message = "Objective added." if self.dialog == "add" else "Objective saved."
        self.close_dialog()
        if self.framework_id != objectives.OWN:
            self.framework_id, self.query = objectives.OWN, ""
        return [rx.toast.success(message, duration=2000), *(self._reload() or [])]

    @rx.event
    @off_loop
    def set_archived(self, objective_id: int, archived: bool):
        me = self._current()
        try:
            with unit_of_work() as s:
                objectives.objective_set_archived(
                    session=s,
                    actor=me.actor if me else None,
                    objective_id=objective_id,
                    archived=archived,
                    client_ip=self._client_ip(),
                )
        except DomainError as error:
            if me is None or isinstance(error, NotSignedIn):
                return self._fail(me, error)
            return rx.toast.error(error.message)
        message = "Archived: no longer offered for new goals." if archived is True else "Restored."
        return [rx.toast.success(message, duration=2000), *(self._reload() or [])]
