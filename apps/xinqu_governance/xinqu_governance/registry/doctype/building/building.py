# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder.functions import Count

from xinqu_governance.registry.housing import create_units_and_dwellings, recount_housing
from xinqu_governance.registry.utils import check_derived_jurisdiction_permission, ensure_index


class Building(Document):
	def validate(self):
		self.set_jurisdiction()
		self.validate_sizes()
		check_derived_jurisdiction_permission(self)

	def set_jurisdiction(self):
		"""A building lies in its compound's village or community."""
		self.jurisdiction = frappe.db.get_value("Resettlement Compound", self.compound, "jurisdiction")

	def validate_sizes(self):
		for fieldname in ("floors", "unit_count"):
			if (self.get(fieldname) or 0) < 1:
				frappe.throw(
					_("{0} must be at least 1.").format(_(self.meta.get_label(fieldname))),
					title=_("Invalid Building"),
				)
		if (self.dwellings_per_floor or 0) < 0:
			frappe.throw(_("Dwellings per floor cannot be negative."), title=_("Invalid Building"))
		existing_units = frappe.db.count("Building Unit", {"building": self.name}) if not self.is_new() else 0
		if existing_units > self.unit_count:
			frappe.throw(
				_("The building already has {0} units; delete units before lowering the count.").format(
					existing_units
				),
				title=_("Invalid Building"),
			)

	def on_update(self):
		if self.create_units_and_dwellings:
			create_units_and_dwellings(self)
		before = self.get_doc_before_save()
		if before and before.building_type != self.building_type:
			unit = frappe.qb.DocType("Building Unit")
			frappe.qb.update(unit).set(unit.building_type, self.building_type).where(
				unit.building == self.name
			).run()
		recount_housing([self.compound])

	def on_trash(self):
		household = frappe.qb.DocType("Household")
		dwelling = frappe.qb.DocType("Dwelling")
		households = (
			frappe.qb.from_(household)
			.join(dwelling)
			.on(household.dwelling == dwelling.name)
			.select(Count(household.name))
			.where(dwelling.building == self.name)
			.run()[0][0]
		)
		if households:
			frappe.throw(
				_("{0} households live in this building; it cannot be deleted.").format(households),
				frappe.LinkExistsError,
			)
		grid_rows = frappe.get_all(
			"Grid Profile Coverage",
			filters={"building": self.name, "parenttype": "Grid Profile"},
			pluck="parent",
		)
		if grid_rows:
			frappe.throw(
				_("Grid {0} covers this building; change the grid first.").format(grid_rows[0]),
				frappe.LinkExistsError,
			)
		unit = frappe.qb.DocType("Building Unit")
		frappe.qb.from_(dwelling).delete().where(dwelling.building == self.name).run()
		frappe.qb.from_(unit).delete().where(unit.building == self.name).run()

	def after_delete(self):
		recount_housing([self.compound])


def on_doctype_update():
	# lists sort by creation (indexed by default on v16, not on v15)
	ensure_index("Building", ["creation"])
