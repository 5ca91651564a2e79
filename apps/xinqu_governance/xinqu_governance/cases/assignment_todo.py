"""A case's assignee (`assigned_to`) is a Frappe assignment: an open ToDo for that user and the
user in the case's `_assign`, so the desk's sidebar "Assigned To", the "Assigned to me" filter and
Frappe's assignment notifications see it.

One path keeps the two in step, `sync_assignment`: the assignee has exactly one open ToDo on the
case, made through `frappe.desk.form.assign_to.add`, and every other open ToDo on it is closed.
- The app picks or changes the assignee (assignment, routing, escalation) and saves the case: the
  case's `on_update` calls it (`on_case_update`).
- Someone assigns the case in the desk (a ToDo is made for it, by `assign_to.add` or an Assignment
  Rule): `assigned_to` follows the new ToDo (`on_todo_update`), after `check_assignee` has made sure
  the user may work the case.
A frappe flag marks the sync running, so the ToDos it writes do not come back to it.

The assignee works the case even where their role's node does not cover it (条块结合: 平安县公安局
handles public order in 互助县's towns): Frappe's `assign_to.add` shares an assigned document for
reading with an assignee who cannot read it; `sync_assignment` shares it for writing as well when the
assignee cannot write it (a DocShare, Frappe's own mechanism; the workflow's level rules and the
state edit rights still apply).
"""

import frappe
from frappe import _
from frappe.desk.form import assign_to

from xinqu_governance.cases import assignment
from xinqu_governance.cases.case_types import case_doctypes, is_case_doctype
from xinqu_governance.governance.node_powers import roles_held_over
from xinqu_governance.governance.roles import GOVERNANCE_ROLES

SYNCING = "xinqu_syncing_assignment"


class AssigneeNotInCaseError(frappe.ValidationError):
	pass


def on_case_update(doc, method=None):
	"""doc_events `on_update` (every DocType): a case whose assignee is new or changed gets the
	matching Frappe assignment."""
	if frappe.flags.get(SYNCING) or not is_case_doctype(doc.doctype):
		return
	if not doc.has_value_changed("assigned_to"):
		return
	sync_assignment(doc.doctype, doc.name, doc.get("assigned_to"), description=doc.get("subject"))
	# `assign_to.add` writes `assigned_to` once more (with a new `modified`): keep the saved copy current
	doc.modified = frappe.db.get_value(doc.doctype, doc.name, "modified")


def on_todo_update(todo, method=None):
	"""doc_events `on_update` of ToDo (runs after its insert too): an open ToDo given to a user on a
	case makes that user the case's assignee."""
	if frappe.flags.get(SYNCING) or todo.status != "Open" or not todo.allocated_to:
		return
	if not (todo.reference_type and todo.reference_name and is_case_doctype(todo.reference_type)):
		return
	if not (todo.has_value_changed("allocated_to") or todo.has_value_changed("status")):
		return
	case = frappe.get_doc(todo.reference_type, todo.reference_name)
	check_assignee(case, todo.allocated_to)
	if case.get("assigned_to") != todo.allocated_to:
		frappe.db.set_value(case.doctype, case.name, "assigned_to", todo.allocated_to)
	sync_assignment(case.doctype, case.name, todo.allocated_to)


def sync_assignment(doctype: str, name: str, assignee: str | None, description: str | None = None) -> None:
	"""THE path: `assignee` (or nobody) holds the one open ToDo on the case; other open ToDos are closed."""
	previous = frappe.flags.get(SYNCING)
	frappe.flags[SYNCING] = True
	try:
		open_todos = frappe.get_all(
			"ToDo",
			filters={"reference_type": doctype, "reference_name": name, "status": "Open"},
			fields=["name", "allocated_to"],
		)
		for row in open_todos:
			if row.allocated_to != assignee:
				close_todo(row.name)
		# shared first: Frappe's assign_to.add shares the document itself with an assignee who cannot
		# read it, as the current user (`frappe.share.add` checks their `share` permission, which a grid
		# worker or village staff member reporting the case lacks: the report was refused)
		if assignee:
			share_for_work(doctype, name, assignee)
		if assignee and assignee not in {row.allocated_to for row in open_todos}:
			assign_to.add(
				{
					"assign_to": [assignee],
					"doctype": doctype,
					"name": name,
					"description": description or _("Assignment for {0} {1}").format(_(doctype), name),
				},
				ignore_permissions=True,
			)
	finally:
		frappe.flags[SYNCING] = previous


def share_for_work(doctype: str, name: str, user: str) -> None:
	"""Share the case with its assignee for reading and writing unless they may write it already."""
	if frappe.has_permission(doctype, "write", doc=name, user=user):
		return
	frappe.share.add_docshare(doctype, name, user, read=1, write=1, flags={"ignore_share_permission": True})


def close_todo(todo_name: str) -> None:
	"""Close a ToDo the way `assign_to.set_status` does, without its clearing of `assigned_to`."""
	todo = frappe.get_doc("ToDo", todo_name)
	todo.status = "Closed"
	todo.save(ignore_permissions=True)
	assign_to.notify_assignment(todo.assigned_by, todo.allocated_to, todo.reference_type, todo.reference_name)


def check_assignee(case, user: str) -> None:
	"""Refuse a user who may not work the case: neither an active member of its handling unit nor
	holding a governance role at a node covering it."""
	if case.get("handling_unit") and user in assignment.active_members(case.handling_unit):
		return
	node = case.get("jurisdiction")
	if node and roles_held_over(user, node) & set(GOVERNANCE_ROLES):
		return
	frappe.throw(
		_(
			"{0} cannot be assigned {1} {2}: they are neither a member of its handling unit {3} nor hold a role over {4}."
		).format(
			frappe.bold(user), _(case.doctype), case.name, case.get("handling_unit") or "-", node or "-"
		),
		AssigneeNotInCaseError,
		title=_("Not Permitted"),
	)


def backfill_assignments() -> int:
	"""Patch: every open case (not closed, not withdrawn) with an enabled assignee but no open ToDo for
	them gets its Frappe assignment; returns how many were given one."""
	count = 0
	for doctype in case_doctypes():
		case = frappe.qb.DocType(doctype)
		todo = frappe.qb.DocType("ToDo")
		held = (
			frappe.qb.from_(todo)
			.select(todo.reference_name)
			.where(
				(todo.reference_type == doctype)
				& (todo.status == "Open")
				& (todo.allocated_to == case.assigned_to)
			)
		)
		user = frappe.qb.DocType("User")
		rows = (
			frappe.qb.from_(case)
			.join(user)
			.on(user.name == case.assigned_to)
			.select(case.name, case.assigned_to)
			.where(
				(user.enabled == 1)
				& case.closed_on.isnull()
				& (case.is_withdrawn == 0)
				& case.name.notin(held)
			)
			.run(as_dict=True)
		)
		for row in rows:
			sync_assignment(doctype, row.name, row.assigned_to)
			count += 1
	return count
