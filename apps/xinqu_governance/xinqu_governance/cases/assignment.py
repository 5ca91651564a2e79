"""Assignment: who in the handling unit works a case (`assigned_to`), by the unit's assignment method.

- Round Robin: the unit's active members ("Takes New Cases") in table order, starting after the
  member assigned last; the pointer is kept in `Handling Unit.last_assigned_user` (row locked, so
  two intakes at once do not pick the same person).
- Least Loaded: the active member with the fewest open cases (not closed, not withdrawn) across all
  case types, counted in SQL; ties go to the member listed first.
- Manual: no member is picked; the case waits in the unit supervisor's queue (their Frappe
  assignment, "Assigned to me") for them to hand on in the desk; a member of the unit already on
  the case keeps it, a person of another unit is taken off it.
Disabled users are never picked.

A case whose unit has no active member cannot be assigned: it goes to the unit's supervisor's queue
(the first enabled supervisor) and an Early Warning "Unassigned Case" is raised when the case is
saved (`cases.early_warning.warn_unassigned`), so it is never silently unowned; without a
supervisor it stays unassigned and the warning goes to the officers of the supervising node.

Why not Frappe's Assignment Rule (Round Robin / Load Balancing / Based on Field, with conditions):
see docs/rules.md. In short, the people of a case are the members of the unit routing chose, which
an Assignment Rule (a fixed user list per DocType) cannot follow without one rule per unit and case
type repeating each unit's membership; and load is counted across all case types. The result is
still Frappe's own assignment (ToDo / `_assign`, `cases.assignment_todo`), and an Assignment Rule
an administrator adds in the desk works alongside (its ToDo moves `assigned_to`).
"""

import frappe
from frappe.query_builder.functions import Count

from xinqu_governance.cases.case_types import case_doctypes, is_case_doctype
from xinqu_governance.cases.edit_rights import mark_system_write

ROUND_ROBIN = "Round Robin"
LEAST_LOADED = "Least Loaded"
MANUAL = "Manual"


def assign_new_case(doc, method=None):
	"""doc_events `validate` (each case DocType), after routing: assign a new case, or a case whose unit
	changed to a unit its assignee is not a member of."""
	if not is_case_doctype(doc.doctype) or not doc.get("handling_unit"):
		return
	if doc.is_new():
		if not doc.get("assigned_to"):
			assign(doc)
	elif doc.has_value_changed("handling_unit") and doc.get("assigned_to") not in active_members(
		doc.handling_unit
	):
		assign(doc)


def assign(doc) -> str | None:
	"""Set `doc.assigned_to` from the handling unit's members; returns the user (or None)."""
	unit = doc.get("handling_unit")
	if not unit:
		doc.assigned_to = None
		return None

	members = active_members(unit)
	method = frappe.db.get_value("Handling Unit", unit, "assignment_method") or ROUND_ROBIN
	if members and method != MANUAL:
		user = least_loaded_member(members) if method == LEAST_LOADED else next_in_rotation(unit, members)
		doc.assigned_to = user
		return user

	if not members:
		# nobody can take it: the supervisor holds it and a warning is raised on save
		doc.flags.unassignable_in = unit
	if doc.get("assigned_to") not in members:
		supervisors = available_supervisors(unit)
		doc.assigned_to = supervisors[0] if supervisors else None
	return doc.get("assigned_to")


def active_members(unit: str) -> list[str]:
	"""Enabled users who take new cases in the unit, in table order."""
	return enabled_members(unit, "active")


def enabled_members(unit: str, flag: str) -> list[str]:
	"""The unit's members with `flag` (active / is_supervisor) set who are enabled users, in table order."""
	member = frappe.qb.DocType("Handling Unit Member")
	user = frappe.qb.DocType("User")
	return (
		frappe.qb.from_(member)
		.join(user)
		.on(user.name == member.user)
		.select(member.user)
		.where(
			(member.parent == unit)
			& (member.parenttype == "Handling Unit")
			& (member[flag] == 1)
			& (user.enabled == 1)
		)
		.orderby(member.idx)
		.run(pluck=True)
	)


def supervisors_of(unit: str | None) -> list[str]:
	if not unit:
		return []
	return frappe.get_all(
		"Handling Unit Member",
		filters={"parent": unit, "parenttype": "Handling Unit", "is_supervisor": 1},
		order_by="idx asc",
		pluck="user",
	)


def available_supervisors(unit: str | None) -> list[str]:
	"""The unit's supervisors who are enabled users, in table order (active or not taking cases)."""
	return enabled_members(unit, "is_supervisor") if unit else []


def next_in_rotation(unit: str, members: list[str]) -> str:
	last = frappe.db.get_value("Handling Unit", unit, "last_assigned_user", for_update=True)
	position = members.index(last) + 1 if last in members else 0
	user = members[position % len(members)]
	frappe.db.set_value("Handling Unit", unit, "last_assigned_user", user, update_modified=False)
	return user


def least_loaded_member(members: list[str]) -> str:
	if len(members) == 1:
		return members[0]
	load = open_case_counts(members)
	return min(members, key=lambda user: (load.get(user, 0), members.index(user)))


def open_case_counts(users: list[str]) -> dict[str, int]:
	"""Open cases (not closed, not withdrawn) assigned to each of `users`, across all case types."""
	counts: dict[str, int] = {}
	if not users:
		return counts
	for doctype in case_doctypes():
		case = frappe.qb.DocType(doctype)
		rows = (
			frappe.qb.from_(case)
			.select(case.assigned_to, Count("*").as_("open_cases"))
			.where(case.assigned_to.isin(users) & case.closed_on.isnull() & (case.is_withdrawn == 0))
			.groupby(case.assigned_to)
			.run()
		)
		for user, open_cases in rows:
			counts[user] = counts.get(user, 0) + open_cases
	return counts


def assign_unowned_open_cases() -> int:
	"""Profile patch (after the profile staffed the units): every open case (not closed, not
	withdrawn) with a handling unit but nobody assigned is assigned as a new case would be (or, where
	nobody can take it, handed to the supervisor with an Unassigned Case warning). Returns how many
	were given someone."""
	given = 0
	for doctype in case_doctypes():
		names = frappe.get_all(
			doctype,
			filters={
				"assigned_to": ("is", "not set"),
				"handling_unit": ("is", "set"),
				"closed_on": ("is", "not set"),
				"is_withdrawn": 0,
			},
			pluck="name",
			order_by="creation asc",
		)
		for name in names:
			doc = frappe.get_doc(doctype, name)
			assign(doc)
			mark_system_write(doc)
			doc.save(ignore_permissions=True)
			given += bool(doc.assigned_to)
	return given
