"""Access granted by Jurisdiction Assignments: the user's Roles and User Permissions on Jurisdiction.

`sync_user_access(user)` is the one place that reconciles them; it is idempotent and set-based.

Ownership policy (what the sync may take away):
- A governance role is *managed* for a user when at least one of the user's assignments (active or
  not, plus the one being deleted or changed) names it. A managed role is present exactly while an
  active assignment holds it. A role the user got otherwise, with no assignment naming it, is never
  removed; a role given by hand *and* by an assignment is removed when the assignment ends (give
  governance roles through assignments only).
- Likewise a User Permission (allow Jurisdiction, apply to all doctypes, descendants visible) is
  managed for the nodes the user's assignments name; it exists exactly while an active assignment
  covers that node. User Permissions of other shapes (e.g. limited to one DocType) are left alone.
"""

from collections.abc import Iterable
from datetime import date

import frappe
from frappe import _
from frappe.utils import getdate

from xinqu_governance.governance.roles import GOVERNANCE_ROLES
from xinqu_governance.governance.workspaces import sync_default_workspace


def is_active_on(valid_from, valid_to, on_date: date | None = None) -> bool:
	"""THE definition of an active assignment: active from `valid_from` through `valid_to` (open-ended
	when empty), on `on_date` (today by default). `active_on` is the same rule in SQL; the stored
	`is_active` flag is only a display copy kept by `expire_assignments`, never trusted."""
	on_date = getdate(on_date)
	if not valid_from or getdate(valid_from) > on_date:
		return False
	return not valid_to or getdate(valid_to) >= on_date


def active_on(assignment, on_date: date | None = None):
	"""`is_active_on` as a condition on `assignment` (a `frappe.qb.DocType("Jurisdiction Assignment")`)."""
	on_date = getdate(on_date)
	return (assignment.valid_from <= on_date) & (
		assignment.valid_to.isnull() | (assignment.valid_to >= on_date)
	)


def sync_user_access(
	user: str,
	also_managed_roles: Iterable[str] = (),
	also_managed_nodes: Iterable[str] = (),
	exclude_assignment: str | None = None,
) -> dict:
	"""Reconcile the user's governance Roles and Jurisdiction User Permissions with their active assignments.

	`also_managed_*` name roles / nodes an assignment gave before it was changed or deleted;
	`exclude_assignment` is an assignment being deleted. Returns what changed.
	"""
	today = getdate()
	assignments = frappe.get_all(
		"Jurisdiction Assignment",
		filters={"user": user},
		fields=["name", "role", "jurisdiction", "valid_from", "valid_to"],
	)
	if exclude_assignment:
		assignments = [a for a in assignments if a.name != exclude_assignment]
	active = [a for a in assignments if is_active_on(a.valid_from, a.valid_to, today)]

	managed_roles = ({a.role for a in assignments} | set(also_managed_roles)) & set(GOVERNANCE_ROLES)
	managed_nodes = {a.jurisdiction for a in assignments} | set(also_managed_nodes)
	wanted_roles = {a.role for a in active} & set(GOVERNANCE_ROLES)
	wanted_nodes = {a.jurisdiction for a in active}

	changes = {"roles_added": [], "roles_removed": [], "nodes_added": [], "nodes_removed": []}
	_sync_roles(user, wanted_roles, managed_roles, changes)
	_sync_user_permissions(user, wanted_nodes, managed_nodes, changes)
	# the desk opens the workspace of the user's role (governance/workspaces.py)
	sync_default_workspace(user, wanted_roles)
	return changes


def _sync_roles(user: str, wanted: set[str], managed: set[str], changes: dict) -> None:
	current = set(frappe.get_all("Has Role", filters={"parent": user, "parenttype": "User"}, pluck="role"))
	to_add = sorted(wanted - current)
	to_remove = sorted((managed - wanted) & current)
	if not to_add and not to_remove:
		return

	user_doc = frappe.get_doc("User", user)
	user_doc.append_roles(*to_add)
	user_doc.set("roles", [row for row in user_doc.roles if row.role not in to_remove])
	user_doc.flags.ignore_permissions = True
	user_doc.save()
	changes["roles_added"] = to_add
	changes["roles_removed"] = to_remove


def _sync_user_permissions(user: str, wanted: set[str], managed: set[str], changes: dict) -> None:
	existing = frappe.get_all(
		"User Permission",
		filters={"user": user, "allow": "Jurisdiction", "apply_to_all_doctypes": 1},
		fields=["name", "for_value", "hide_descendants"],
	)
	present = set()
	for row in existing:
		if row.for_value in wanted:
			present.add(row.for_value)
			if row.hide_descendants:
				# an assignment reaches the node's descendants
				user_permission = frappe.get_doc("User Permission", row.name)
				user_permission.hide_descendants = 0
				user_permission.save(ignore_permissions=True)
		elif row.for_value in managed:
			frappe.delete_doc("User Permission", row.name, ignore_permissions=True, force=True)
			changes["nodes_removed"].append(row.for_value)

	for node in sorted(wanted - present):
		frappe.get_doc(
			{
				"doctype": "User Permission",
				"user": user,
				"allow": "Jurisdiction",
				"for_value": node,
				"apply_to_all_doctypes": 1,
				"hide_descendants": 0,
			}
		).insert(ignore_permissions=True)
		changes["nodes_added"].append(node)


def expire_assignments() -> list[str]:
	"""Daily: recompute `is_active` where the date has crossed a period boundary and resync those users.

	Returns the users whose access was resynced.
	"""
	assignment = frappe.qb.DocType("Jurisdiction Assignment")
	should_be_active = active_on(assignment)

	changed = (
		frappe.qb.from_(assignment)
		.select(assignment.name, assignment.user, assignment.is_active)
		.where(
			(should_be_active & (assignment.is_active == 0))
			| (~should_be_active & (assignment.is_active == 1))
		)
		.run(as_dict=True)
	)
	if not changed:
		return []

	for state in (0, 1):
		names = [row.name for row in changed if row.is_active == state]
		if names:
			frappe.qb.update(assignment).set(assignment.is_active, 1 - state).where(
				assignment.name.isin(names)
			).run()

	users = sorted({row.user for row in changed})
	for user in users:
		sync_user_access(user)
	return users


def own_jurisdiction(user: str | None = None) -> str | None:
	"""The node the user's reports open on: the widest of the nodes their Jurisdiction Assignments give
	them (User Permissions on Jurisdiction; the first in tree order among equals). A user without any
	(an administrator) gets the tree's root when there is only one, else None."""
	user = user or frappe.session.user
	J = frappe.qb.DocType("Jurisdiction")
	UP = frappe.qb.DocType("User Permission")
	query = frappe.qb.from_(J).select(J.name).orderby(J.rgt - J.lft, order=frappe.qb.desc).orderby(J.lft)
	own = (
		query.join(UP)
		.on(UP.for_value == J.name)
		.where((UP.user == user) & (UP.allow == "Jurisdiction") & (UP.apply_to_all_doctypes == 1))
		.limit(1)
		.run(pluck=True)
	)
	if own:
		return own[0]
	if frappe.permissions.get_user_permissions(user).get("Jurisdiction"):
		return None
	roots = (
		query.where(J.parent_jurisdiction.isnull() | (J.parent_jurisdiction == "")).limit(2).run(pluck=True)
	)
	return roots[0] if len(roots) == 1 else None


def boot_session(bootinfo) -> None:
	"""`frappe.boot.xinqu_jurisdiction`: the default of the reports' jurisdiction filter."""
	if frappe.session.user != "Guest":
		bootinfo.xinqu_jurisdiction = own_jurisdiction()


def cases_report_node(filters) -> str:
	"""The jurisdiction a report over cases covers: its `jurisdiction` filter, else the user's own node
	(a report opened without the filter, or called without it); refused unless the user may read it."""
	node = filters.get("jurisdiction") or own_jurisdiction()
	if not node:
		frappe.throw(_("Choose a jurisdiction."), title=_("Missing Filter"))
	if not frappe.db.exists("Jurisdiction", node):
		frappe.throw(_("{0} is not a jurisdiction.").format(node), title=_("Not Permitted"))
	check_cases_readable(node)
	return node


def check_cases_readable(node: str) -> None:
	"""Refuse (PermissionError) a report over the cases of `node` unless the user may read that
	Jurisdiction, i.e. it lies under one of their nodes."""
	if not frappe.has_permission("Jurisdiction", "read", doc=frappe.get_doc("Jurisdiction", node)):
		frappe.throw(
			_("You cannot see the cases of {0}.").format(node),
			frappe.PermissionError,
			title=_("Not Permitted"),
		)
