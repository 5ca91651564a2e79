# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

"""Three-in-One Roster (三位一体名册, Guiding Opinions §27(2)): for each village under the chosen node
(within the user's nodes), who holds the party branch secretary's, the village committee director's
and the service station head's seat, and what is wrong with it — no organisation, an empty seat, a
holder without a user or without an active Jurisdiction Assignment at the village, a station head
who is neither the secretary nor the director. The rule is `registry.three_in_one`."""

import frappe
from frappe import _

from xinqu_governance.registry.report.grid_coverage.grid_coverage import _scope_ranges, _within
from xinqu_governance.registry.three_in_one import village_roster

SEAT_LABELS = {
	"Secretary": "Party Branch Secretary",
	"Director": "Village Committee Director",
	"Station Head": "Service Station Head",
}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return get_columns(), get_data(filters)


def get_columns():
	return [
		{"fieldname": "village", "label": _("Village / Community"), "fieldtype": "Link", "options": "Jurisdiction", "width": 150},
		{"fieldname": "seat", "label": _("Seat"), "fieldtype": "Data", "width": 160},
		{"fieldname": "organisation", "label": _("Organisation"), "fieldtype": "Link", "options": "Organisation", "width": 180},
		{"fieldname": "member_name", "label": _("Holder"), "fieldtype": "Data", "width": 120},
		{"fieldname": "user", "label": _("User"), "fieldtype": "Link", "options": "User", "width": 200},
		{"fieldname": "assignment", "label": _("Jurisdiction Assignment"), "fieldtype": "Link", "options": "Jurisdiction Assignment", "width": 140},
		{"fieldname": "problem", "label": _("Problem"), "fieldtype": "Data", "width": 240},
		{"fieldname": "problem_code", "label": _("Problem Code"), "fieldtype": "Data", "hidden": 1},
	]


def get_data(filters) -> list[dict]:
	ranges = _scope_ranges(filters.get("jurisdiction"))
	if ranges == []:
		return []
	J = frappe.qb.DocType("Jurisdiction")
	villages = (
		frappe.qb.from_(J)
		.select(J.name)
		.where((J.level == "Village") & _within(J, ranges))
		.orderby(J.lft)
		.run(pluck=True)
	)
	data = []
	for row in village_roster(villages):
		if filters.get("problems_only") and not row.problem:
			continue
		data.append(
			{
				"village": row.village,
				"seat": _(SEAT_LABELS[row.seat]),
				"organisation": row.organisation,
				"member_name": row.member_name,
				"user": row.user,
				"assignment": row.assignment,
				"problem": _(row.problem) if row.problem else _("No Problem"),
				"problem_code": row.problem,
			}
		)
	return data
