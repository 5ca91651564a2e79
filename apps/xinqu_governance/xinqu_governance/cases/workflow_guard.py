"""What every case DocType does on save: its workflow's level rule and the contract fields it keeps.

The level a workflow transition needs is data: the Custom Field `required_level` on Workflow
Transition (shipped in the profile's fixtures). A transition with a required level may only be taken
by a user who holds the transition's role (`allowed`) *at* that level over the case:

- Village, Town, County, City: an active Jurisdiction Assignment of that role at a node of that
  level which is the case's jurisdiction or one of its ancestors (the Village level also counts
  grid nodes: a grid worker stands at the village tier of his grid);
- any level, District included (the new district has no node of its own in the tree): membership
  of an active Handling Unit of that level whose jurisdiction is the case's node or an ancestor,
  together with an active assignment of the role at a node covering the case. So the staff of
  新区综治中心 (a District unit at the city node) hold Town Officer at the district's towns and
  take the District transitions of cases in those towns.

Administrator and Governance Administrator are not held to levels (Frappe still checks the role).
The role itself, the transition's `condition` and the state order are Frappe's own
(`frappe.model.workflow.validate_workflow`), which runs after the controller's `validate`.

The Custom Field `closes_case` on Workflow Document State marks the states that close a case
(`closed_on` is stamped on entering one and cleared on leaving it).
"""

import frappe
from frappe import _
from frappe.model.workflow import (
	WorkflowPermissionError,
	get_workflow,
	get_workflow_name,
	is_transition_condition_satisfied,
)
from frappe.utils import cint, now_datetime

from xinqu_governance.cases.case_types import HANDLING_LEVELS, handling_level_of_node, level_rank
from xinqu_governance.cases.edit_rights import guard_case_edit
from xinqu_governance.governance.access import active_on
from xinqu_governance.governance.roles import GOVERNANCE_ADMINISTRATOR

# Jurisdiction levels at which a role holder stands at each handling level.
NODE_LEVELS_OF_HANDLING_LEVEL = {
	"Village": ("Village", "Grid"),
	"Town": ("Town",),
	"County": ("County",),
	"City": ("City",),
}


class WorkflowLevelError(WorkflowPermissionError):
	"""The user holds the transition's role, but not at the level the transition requires."""


class CaseWorkflowMixin:
	"""Shared behaviour of the case DocTypes the app ships; call `validate_case_workflow()` from
	`validate()`. A case DocType made as data (no controller of the app) gets the same from
	cases/case_events.py, which calls the functions below."""

	def before_validate(self):
		guard_case_edit(self)

	def validate_case_workflow(self):
		validate_case_workflow(self)

	def set_default_handling_level(self):
		set_default_handling_level(self)

	def apply_state_update_field(self):
		apply_state_update_field(self)

	def track_workflow_state(self):
		track_workflow_state(self)

	def state_changed(self) -> bool:
		return state_changed(self)

	def leaving_initial_state(self) -> bool:
		return leaving_initial_state(self)

	def entering_closing_state(self) -> bool:
		return entering_closing_state(self)

	def sync_handling_level_with_unit(self):
		sync_handling_level_with_unit(self)

	def count_escalation(self):
		count_escalation(self)


def validate_case_workflow(doc):
	"""What every case does on validate: its default level, the transition's level rule, the state's
	update field, the state / closing stamps, the level following the unit, the escalation count."""
	set_default_handling_level(doc)
	validate_transition_level(doc)
	apply_state_update_field(doc)
	track_workflow_state(doc)
	sync_handling_level_with_unit(doc)
	count_escalation(doc)


def set_default_handling_level(doc):
	"""A new case is handled at least at the level of the node it belongs to (grid, village: Village;
	a town node: Town …). The Select's static default is its first option, Village, so a lower level
	given at insert is raised to the node's level."""
	if not doc.is_new():
		return
	node_level = handling_level_of_node(doc.jurisdiction)
	if not doc.handling_level or level_rank(doc.handling_level) < level_rank(node_level):
		doc.handling_level = node_level or HANDLING_LEVELS[0]


def apply_state_update_field(doc):
	"""The new state's `update_field` (e.g. `is_withdrawn` = 1 on Withdrawn, `handling_level` = Town on
	Mediation at Town) holds whether the state was reached through `apply_workflow` or a direct save."""
	if not state_changed(doc):
		return
	row = state_row(doc.doctype, doc.get("workflow_state"))
	left = state_row(doc.doctype, doc.get_doc_before_save().get("workflow_state"))
	if left and left.update_field == "is_withdrawn" and (not row or row.update_field != "is_withdrawn"):
		doc.is_withdrawn = 0  # restored from a withdrawal
	if not row or not row.update_field or cint(row.get("evaluate_as_expression")):
		return
	df = doc.meta.get_field(row.update_field)
	if not df:
		return
	value = cint(row.update_value) if df.fieldtype in ("Check", "Int") else row.update_value
	if doc.get(row.update_field) != value:
		doc.set(row.update_field, value)


def track_workflow_state(doc):
	"""Stamp `state_entered_on` when the state changes; `closed_on` while the state closes the case."""
	before = doc.get_doc_before_save()
	state = doc.get("workflow_state")
	if before and before.get("workflow_state") == state and doc.state_entered_on:
		return
	entered = now_datetime()
	doc.state_entered_on = entered
	doc.closed_on = entered if state and is_closing_state(doc.doctype, state) else None


def state_changed(doc) -> bool:
	"""True when this save changes the workflow state of an existing case."""
	before = doc.get_doc_before_save()
	return bool(before) and before.get("workflow_state") != doc.get("workflow_state")


def leaving_initial_state(doc) -> bool:
	"""True when this save moves the case out of its workflow's first state."""
	before = doc.get_doc_before_save()
	first = initial_state(doc.doctype)
	return state_changed(doc) and bool(first) and before.get("workflow_state") == first


def entering_closing_state(doc) -> bool:
	"""True when this save moves the case into a closing state (or inserts it in one)."""
	state = doc.get("workflow_state")
	if not state or not is_closing_state(doc.doctype, state):
		return False
	before = doc.get_doc_before_save()
	return not before or before.get("workflow_state") != state


def sync_handling_level_with_unit(doc):
	"""Where the workflow does not set the handling level itself, it follows the handling unit."""
	before = doc.get_doc_before_save()
	if not doc.handling_unit or (before and before.handling_unit == doc.handling_unit):
		return
	if before and before.handling_level != doc.handling_level:
		return  # set explicitly in this save
	if workflow_sets_handling_level(doc.doctype):
		return
	unit_level = frappe.db.get_value("Handling Unit", doc.handling_unit, "level")
	if unit_level:
		doc.handling_level = unit_level


def count_escalation(doc):
	"""One more escalation each time the handling level rises (unless the saver counted it)."""
	before = doc.get_doc_before_save()
	if not before or cint(before.escalation_count) != cint(doc.escalation_count):
		return
	if level_rank(doc.handling_level) > level_rank(before.handling_level) >= 0:
		doc.escalation_count = cint(doc.escalation_count) + 1


def state_row(doctype: str, state: str | None):
	"""The row of `state` in the doctype's active workflow (None without one)."""
	workflow = _active_workflow(doctype)
	if not workflow or not state:
		return None
	return next((row for row in workflow.states if row.state == state), None)


def initial_state(doctype: str) -> str | None:
	workflow = _active_workflow(doctype)
	return workflow.states[0].state if workflow and workflow.states else None


def is_closing_state(doctype: str, state: str | None) -> bool:
	row = state_row(doctype, state)
	return bool(row) and bool(cint(row.get("closes_case")))


def closing_states(doctype: str) -> list[str]:
	"""The states of the doctype's active workflow marked `closes_case`."""
	workflow = _active_workflow(doctype)
	if not workflow:
		return []
	return [row.state for row in workflow.states if cint(row.get("closes_case"))]


def workflow_sets_handling_level(doctype: str) -> bool:
	workflow = _active_workflow(doctype)
	return bool(workflow) and any(row.update_field == "handling_level" for row in workflow.states)


def _active_workflow(doctype: str):
	return get_workflow(doctype) if get_workflow_name(doctype) else None


def validate_transition_level(doc) -> None:
	"""Refuse a workflow transition taken by a user who does not stand at its required level.

	Called from the case's `validate`. Transitions the user may not take at all (wrong role, wrong
	state, unmet condition) are left to Frappe's own check, which reports them.
	"""
	before = doc.get_doc_before_save()
	workflow = _active_workflow(doc.doctype)
	if not before or not workflow:
		return
	state_field = workflow.workflow_state_field
	current_state, next_state = before.get(state_field), doc.get(state_field)
	if not current_state or current_state == next_state:
		return

	user = frappe.session.user
	roles = set(frappe.get_roles(user))
	if user == "Administrator" or GOVERNANCE_ADMINISTRATOR in roles:
		return

	candidates = [
		transition
		for transition in workflow.transitions
		if transition.state == current_state
		and transition.next_state == next_state
		and transition.allowed in roles
		and is_transition_condition_satisfied(transition, before)
	]
	if not candidates:
		return

	jurisdiction = before.jurisdiction or doc.jurisdiction
	units = (before.get("handling_unit"), before.get("assisting_unit"))
	if any(
		user_stands_at_level(user, t.allowed, t.get("required_level"), jurisdiction, units)
		for t in candidates
	):
		return

	refused = candidates[0]
	frappe.throw(
		level_refusal_message(refused.allowed, refused.required_level, refused.action, jurisdiction),
		WorkflowLevelError,
		title=_("Not Allowed at This Level"),
	)


def user_stands_at_level(
	user: str, role: str, required_level: str | None, jurisdiction: str, case_units: tuple = ()
) -> bool:
	"""True when `user` holds `role` at `required_level` over a case placed at `jurisdiction` (without a
	required level: at any node over it).

	`case_units` are the case's handling and assisting units: their members stand at the unit's level
	for the case wherever the unit sits (条块结合: 平安县公安局 handles public-order cases of 互助县's
	towns in the district), provided they hold the role somewhere today.
	"""
	covering = covering_nodes(jurisdiction)
	held_at = active_assignment_nodes(user, role, list(covering))
	if not required_level:
		return bool(held_at)  # a transition without a level still needs its role over the case
	if held_at:
		node_levels = NODE_LEVELS_OF_HANDLING_LEVEL.get(required_level, ())
		if any(covering[node] in node_levels for node in held_at):
			return True
		if member_units(user, required_level, list(covering)):
			return True
	case_units = [unit for unit in case_units if unit]
	return (
		bool(case_units)
		and bool(member_units(user, required_level, units=case_units))
		and holds_role(user, role)
	)


def covering_nodes(jurisdiction: str | None) -> dict[str, str]:
	"""{node: level} for the jurisdiction and every ancestor of it."""
	if not jurisdiction:
		return {}
	bounds = frappe.db.get_value("Jurisdiction", jurisdiction, ["lft", "rgt"], as_dict=True)
	if not bounds:
		return {}
	node = frappe.qb.DocType("Jurisdiction")
	rows = (
		frappe.qb.from_(node)
		.select(node.name, node.level)
		.where((node.lft <= bounds.lft) & (node.rgt >= bounds.rgt))
		.run(as_dict=True)
	)
	return {row.name: row.level for row in rows}


def active_assignment_nodes(user: str, role: str, nodes: list[str]) -> set[str]:
	"""The nodes among `nodes` where `user` holds `role` through an assignment valid today."""
	if not nodes:
		return set()
	assignment = frappe.qb.DocType("Jurisdiction Assignment")
	rows = (
		frappe.qb.from_(assignment)
		.select(assignment.jurisdiction)
		.where(
			(assignment.user == user)
			& (assignment.role == role)
			& assignment.jurisdiction.isin(nodes)
			& active_on(assignment)
		)
		.run(pluck=True)
	)
	return set(rows)


def member_units(
	user: str, level: str, nodes: list[str] | None = None, units: list[str] | None = None
) -> list[str]:
	"""Active Handling Units of `level` that `user` is an active member of, among those serving one of
	`nodes` or among `units`."""
	if not nodes and not units:
		return []
	unit = frappe.qb.DocType("Handling Unit")
	member = frappe.qb.DocType("Handling Unit Member")
	query = (
		frappe.qb.from_(unit)
		.join(member)
		.on((member.parent == unit.name) & (member.parenttype == "Handling Unit"))
		.select(unit.name)
		.where((unit.level == level) & (unit.is_active == 1) & (member.user == user) & (member.active == 1))
		.distinct()
	)
	if nodes:
		query = query.where(unit.jurisdiction.isin(nodes))
	if units:
		query = query.where(unit.name.isin(units))
	return query.run(pluck=True)


def holds_role(user: str, role: str) -> bool:
	"""True when `user` holds `role` through an assignment valid today, at any node."""
	assignment = frappe.qb.DocType("Jurisdiction Assignment")
	return bool(
		frappe.qb.from_(assignment)
		.select(assignment.name)
		.where((assignment.user == user) & (assignment.role == role) & active_on(assignment))
		.limit(1)
		.run()
	)


def units_of_level(level: str, nodes: list[str]) -> list[str]:
	if not nodes:
		return []
	return frappe.get_all(
		"Handling Unit",
		filters={"level": level, "is_active": 1, "jurisdiction": ("in", nodes)},
		pluck="name",
		order_by="name asc",
	)


def level_refusal_message(role: str, level: str, action: str, jurisdiction: str) -> str:
	"""E.g. "Only a Town Officer of 小峡镇 may take 'Escalate to District'."."""
	if not level:
		return _("Only a {0} over {1} may take '{2}'.").format(_(role), jurisdiction, _(action))
	covering = covering_nodes(jurisdiction)
	node_levels = NODE_LEVELS_OF_HANDLING_LEVEL.get(level, ())
	# the nearest covering node of the level (a grid only when the case sits on it)
	nodes = [node for node, node_level in covering.items() if node_level in node_levels[:1]] or [
		node for node, node_level in covering.items() if node_level in node_levels
	]
	if nodes:
		return _("Only a {0} of {1} may take '{2}'.").format(_(role), nodes[0], _(action))
	units = units_of_level(level, list(covering))
	if units:
		return _("Only a {0} in {1} may take '{2}'.").format(_(role), ", ".join(units), _(action))
	return _("Only a {0} at the {1} level may take '{2}' on a case in {3}.").format(
		_(role), _(level), _(action), jurisdiction
	)
