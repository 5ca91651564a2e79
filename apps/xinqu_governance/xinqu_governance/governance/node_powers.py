"""A governance role is held *at* a node: the permissions it grants hold only under that node.

Frappe's roles are global: a user who is Town Officer of town A and Village Staff of village B would
otherwise use the Town Officer's DocPerms in B too. `has_node_permission` is the `has_permission`
hook (hooks.py) of every DocType that belongs to a node. It runs for a document (read, write, create,
delete, submit, print, share, …; Frappe calls it only with a document, so lists stay scoped by User
Permissions alone) and denies unless one of the roles that grant the right is

- a governance role the user holds through an active Jurisdiction Assignment at the record's node or
  an ancestor of it (the record's `jurisdiction`; a Jurisdiction is its own node), or
- a role that is not held at nodes (System Manager, …): Frappe's own check stands.

A hook can only deny: what no role grants stays refused by Frappe itself.
"""

import frappe
from frappe.utils import cint

from xinqu_governance.governance.access import active_on
from xinqu_governance.governance.roles import GOVERNANCE_ROLES


def has_node_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False) -> bool:
	user = user or frappe.session.user
	if user == "Administrator":
		return True
	granting = roles_granting(doc.doctype, ptype or "read") & set(frappe.get_roles(user))
	if not granting or granting - set(GOVERNANCE_ROLES):
		return True
	return all(granting & roles_held_over(user, node) for node in nodes_of(doc, ptype))


def roles_granting(doctype: str, ptype: str) -> set[str]:
	"""The roles whose level-0 DocPerm (or Custom DocPerm) on `doctype` grants `ptype`."""
	return {
		perm.role
		for perm in frappe.get_meta(doctype).permissions
		if not cint(perm.permlevel) and cint(perm.get(ptype))
	}


def nodes_of(doc, ptype: str | None) -> list[str | None]:
	"""The nodes the right must hold at: the record's node (a Jurisdiction is its own; a new one its
	parent's), and for a change also the node it had (moving a record needs the right at both ends)."""
	if doc.doctype == "Jurisdiction":
		exists = doc.get("name") and frappe.db.exists("Jurisdiction", doc.name)
		return [doc.name if exists else doc.get("parent_jurisdiction")]
	node = doc.get("jurisdiction")
	if ptype != "write" or not doc.get("name"):
		return [node]
	stored = frappe.db.get_value(doc.doctype, doc.name, "jurisdiction")
	return [node, stored] if stored and stored != node else [node]


def roles_held_over(user: str, node: str | None) -> set[str]:
	"""The governance roles `user` holds through an active assignment at `node` or an ancestor of it.
	A record that belongs to no node (e.g. a new top-level Jurisdiction): the roles held anywhere."""
	assignment = frappe.qb.DocType("Jurisdiction Assignment")
	query = (
		frappe.qb.from_(assignment)
		.select(assignment.role)
		.distinct()
		.where((assignment.user == user) & active_on(assignment))
	)
	if node:
		bounds = frappe.db.get_value("Jurisdiction", node, ["lft", "rgt"])
		if not bounds:
			return set()
		held_at = frappe.qb.DocType("Jurisdiction")
		query = (
			query.join(held_at)
			.on(held_at.name == assignment.jurisdiction)
			.where((held_at.lft <= bounds[0]) & (held_at.rgt >= bounds[1]))
		)
	return set(query.run(pluck=True))
