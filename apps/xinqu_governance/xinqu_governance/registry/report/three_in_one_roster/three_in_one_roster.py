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
		column("village", "Village / Community", "Link", 150, "Jurisdiction"),
		column("seat", "Seat", "Data", 160),
		column("organisation", "Organisation", "Link", 180, "Organisation"),
		column("member_name", "Holder", "Data", 120),
		column("user", "User", "Link", 200, "User"),
		column("assignment", "Jurisdiction Assignment", "Link", 140, "Jurisdiction Assignment"),
		column("problem", "Problem", "Data", 240),
		dict(column("problem_code", "Problem Code", "Data", 0), hidden=1),
	]


def column(fieldname, label, fieldtype, width, options=None) -> dict:
	return {
		"fieldname": fieldname,
		"label": _(label),
		"fieldtype": fieldtype,
		"options": options,
		"width": width,
	}


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
