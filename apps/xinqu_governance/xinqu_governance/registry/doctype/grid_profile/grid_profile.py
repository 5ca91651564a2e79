# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xinqu_governance.registry.grids import (
	GridCoverageConflictError,
	covered_units_by_grid,
	find_coverage_conflicts,
	recount_grids,
	sync_grid_membership,
)
from xinqu_governance.registry.utils import (
	LEVEL_GRID,
	ensure_index,
	validate_jurisdiction_level,
	validate_phone,
)


class GridProfile(Document):
	"""网格: one per Jurisdiction node of level Grid (named after it)."""

	def validate(self):
		validate_jurisdiction_level(self.jurisdiction, LEVEL_GRID, "Grid")
		self.village = frappe.db.get_value("Jurisdiction", self.jurisdiction, "parent_jurisdiction")
		self.validate_workers()
		self.validate_coverage()
		self.validate_building_head()

	def validate_workers(self):
		seen = set()
		for row in self.workers:
			if row.user in seen:
				frappe.throw(
					_("Row {0}: {1} is listed twice as a grid worker.").format(row.idx, row.user),
					title=_("Duplicate Grid Worker"),
				)
			seen.add(row.user)
			row.phone = validate_phone(row.phone, "Phone")
		self.worker_count = len(self.workers)

	def validate_coverage(self):
		units_claimed = set()
		for row in self.coverage:
			if row.building_unit:
				building = frappe.db.get_value("Building Unit", row.building_unit, "building")
				if building != row.building:
					frappe.throw(
						_("Row {0}: unit {1} is not in building {2}.").format(
							row.idx, row.building_unit, row.building
						),
						title=_("Invalid Coverage"),
					)
				units = {row.building_unit}
			else:
				units = set(frappe.get_all("Building Unit", filters={"building": row.building}, pluck="name"))
			if self.compound:
				compound = frappe.db.get_value("Building", row.building, "compound")
				if compound != self.compound:
					frappe.throw(
						_("Row {0}: building {1} is not in compound {2}.").format(
							row.idx, row.building, self.compound
						),
						title=_("Invalid Coverage"),
					)
			twice = units & units_claimed
			if twice:
				frappe.throw(
					_("Row {0}: unit {1} is covered twice.").format(row.idx, sorted(twice)[0]),
					title=_("Invalid Coverage"),
				)
			units_claimed |= units
		conflicts = find_coverage_conflicts(self.name or self.jurisdiction, units_claimed)
		if conflicts:
			unit, other = sorted(conflicts.items())[0]
			frappe.throw(
				_("Unit {0} is already covered by grid {1}; move it with Move Building instead.").format(
					unit, other
				),
				GridCoverageConflictError,
				title=_("Unit in Another Grid"),
			)

	def validate_building_head(self):
		if not self.building_head:
			return
		grid = frappe.db.get_value("Resident", self.building_head, "grid")
		if grid and grid != self.jurisdiction:
			frappe.msgprint(
				_("The building / unit head {0} lives in another grid ({1}).").format(
					self.building_head_name, grid
				),
				indicator="orange",
				alert=True,
			)

	def on_update(self):
		if not self.flags.skip_membership_sync:
			sync_grid_membership([self.name])

	def after_delete(self):
		# the coverage rows are gone: units, households and residents fall back to the village
		sync_grid_membership([self.name])

	def remove_units(self, units):
		"""Drop coverage of ``units``; a whole-building row is replaced by rows for its other units."""
		units = set(units)
		covered = covered_units_by_grid([self.name]).get(self.name, set())
		rows = []
		for row in self.coverage:
			if row.building_unit:
				if row.building_unit not in units:
					rows.append({"building": row.building, "building_unit": row.building_unit})
				continue
			building_units = {
				u for u in frappe.get_all("Building Unit", filters={"building": row.building}, pluck="name")
			}
			if building_units & units:
				rows.extend(
					{"building": row.building, "building_unit": u}
					for u in sorted(building_units - units)
					if u in covered
				)
			else:
				rows.append({"building": row.building})
		self.set("coverage", rows)

	def add_units(self, unit_rows):
		"""Cover the given units (dicts with ``name`` and ``building``), one row per unit."""
		present = {(row.building, row.building_unit or None) for row in self.coverage}
		for unit in unit_rows:
			if (unit["building"], None) in present or (unit["building"], unit["name"]) in present:
				continue
			self.append("coverage", {"building": unit["building"], "building_unit": unit["name"]})

	@frappe.whitelist()
	def recount(self) -> None:
		self.check_permission("read")
		recount_grids([self.name])
		self.reload()


def on_doctype_update():
	# lists sort by creation (indexed by default on v16, not on v15)
	ensure_index("Grid Profile", ["creation"])
