# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

"""Grid Coverage: grid nodes outside the household band, grid nodes without a worker (in their Grid
Profile; a node without a profile has none), and households and
residents without a grid (per village / community). Counts come from grouped SQL queries on the live
records, not from the stored counters, so the report also shows whether those are true."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count

from xinqu_governance.registry.utils import get_grid_settings, get_household_band

OUTSIDE_BAND = "Outside Band"
NO_WORKER = "No Grid Worker"
HOUSEHOLDS_WITHOUT_GRID = "Households Without Grid"
RESIDENTS_WITHOUT_GRID = "Residents Without Grid"


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return get_columns(), get_data(filters)


def get_columns():
	return [
		{"fieldname": "problem", "label": _("Problem"), "fieldtype": "Data", "width": 180},
		{
			"fieldname": "jurisdiction",
			"label": _("Grid / Village"),
			"fieldtype": "Link",
			"options": "Jurisdiction",
			"width": 220,
		},
		# Data, not a second Link to Jurisdiction: Frappe's report runner keeps one Link column per
		# DocType for its User Permission match (the last one), and a grid worker's village lies above
		# his node, so every row of his would be dropped
		{"fieldname": "village", "label": _("Village / Community"), "fieldtype": "Data", "width": 160},
		{"fieldname": "households", "label": _("Households"), "fieldtype": "Int", "width": 100},
		{"fieldname": "residents", "label": _("Residents"), "fieldtype": "Int", "width": 100},
		{"fieldname": "workers", "label": _("Grid Workers"), "fieldtype": "Int", "width": 100},
		{"fieldname": "target", "label": _("Target Households"), "fieldtype": "Int", "width": 110},
		{"fieldname": "band", "label": _("Band"), "fieldtype": "Data", "width": 90},
		{"fieldname": "deviation", "label": _("Deviation %"), "fieldtype": "Percent", "width": 100},
	]


def get_data(filters) -> list[dict]:
	target, _tolerance = get_grid_settings()
	low, high = get_household_band()
	ranges = _scope_ranges(filters.get("jurisdiction"))
	if ranges == []:
		return []
	data = []
	wanted = filters.get("problem")

	J = frappe.qb.DocType("Jurisdiction")
	H = frappe.qb.DocType("Household")
	R = frappe.qb.DocType("Resident")
	W = frappe.qb.DocType("Grid Profile Worker")

	# every Grid node, with or without a Grid Profile (a node without one has no worker either)
	grids = (
		frappe.qb.from_(J)
		.select(J.name, J.parent_jurisdiction.as_("village"))
		.where((J.level == "Grid") & _within(J, ranges))
		.orderby(J.lft)
		.run(as_dict=True)
	)
	grid_names = [g.name for g in grids] or [""]
	households = _grouped_count(H, H.grid, grid_names)
	residents = _grouped_count(R, R.grid, grid_names)
	workers = dict(
		frappe.qb.from_(W)
		.select(W.parent, Count(W.name))
		.where((W.parenttype == "Grid Profile") & W.parent.isin(grid_names))
		.groupby(W.parent)
		.run()
	)
	band = f"{low}-{high}"
	for grid in grids:
		n = households.get(grid.name, 0)
		row = dict(
			jurisdiction=grid.name,
			village=grid.village,
			households=n,
			residents=residents.get(grid.name, 0),
			workers=workers.get(grid.name, 0),
			target=target,
			band=band,
			deviation=round((n - target) * 100.0 / target, 1) if target else None,
		)
		if not low <= n <= high and wanted in (None, "", OUTSIDE_BAND):
			data.append(dict(row, problem=_(OUTSIDE_BAND)))
		if not row["workers"] and wanted in (None, "", NO_WORKER):
			data.append(dict(row, problem=_(NO_WORKER)))

	for problem, table, field in (
		(HOUSEHOLDS_WITHOUT_GRID, H, "households"),
		(RESIDENTS_WITHOUT_GRID, R, "residents"),
	):
		if wanted not in (None, "", problem):
			continue
		rows = (
			frappe.qb.from_(table)
			.join(J)
			.on(table.jurisdiction == J.name)
			.select(table.jurisdiction, J.parent_jurisdiction, J.level, Count(table.name).as_("n"))
			.where(table.grid.isnull() | (table.grid == ""))
			.where(_within(J, ranges))
			.groupby(table.jurisdiction, J.parent_jurisdiction, J.level)
			.orderby(table.jurisdiction)
			.run(as_dict=True)
		)
		for r in rows:
			data.append(
				{
					"problem": _(problem),
					"jurisdiction": r.jurisdiction,
					"village": r.jurisdiction if r.level == "Village" else r.parent_jurisdiction,
					field: r.n,
				}
			)
	return data


def _grouped_count(table, field, values) -> dict:
	return dict(
		frappe.qb.from_(table).select(field, Count(table.name)).where(field.isin(values)).groupby(field).run()
	)


def _scope_ranges(jurisdiction: str | None):
	"""(lft, rgt) ranges the report covers: the filter node, within the user's permitted nodes.
	None means everything; [] means nothing."""
	ranges = None
	permitted = frappe.permissions.get_user_permissions(frappe.session.user).get("Jurisdiction")
	if permitted and frappe.session.user != "Administrator":
		ranges = [
			tuple(frappe.db.get_value("Jurisdiction", p.get("doc"), ["lft", "rgt"]))
			for p in permitted
			if frappe.db.exists("Jurisdiction", p.get("doc"))
		]
	if jurisdiction:
		node = frappe.db.get_value("Jurisdiction", jurisdiction, ["lft", "rgt"])
		if not node:
			return []
		if ranges is None:
			ranges = [tuple(node)]
		else:
			ranges = [
				(max(lft, node[0]), min(rgt, node[1]))
				for lft, rgt in ranges
				if lft <= node[1] and rgt >= node[0]
			]
	return ranges


def _within(J, ranges):
	if ranges is None:
		return J.name.isnotnull()
	condition = None
	for lft, rgt in ranges:
		term = (J.lft >= lft) & (J.rgt <= rgt)
		condition = term if condition is None else condition | term
	return condition
