# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xinqu_governance.registry.utils import check_derived_jurisdiction_permission, ensure_index


class BuildingUnit(Document):
	def validate(self):
		self.set_from_building()
		self.validate_unit_number()
		check_derived_jurisdiction_permission(self)

	def set_from_building(self):
		building = frappe.db.get_value(
			"Building",
			self.building,
			["compound", "building_type", "jurisdiction", "unit_count"],
			as_dict=True,
		)
		self.compound = building.compound
		self.building_type = building.building_type
		self.jurisdiction = building.jurisdiction
		self._unit_count = building.unit_count

	def validate_unit_number(self):
		if not 1 <= (self.unit_number or 0) <= (self._unit_count or 0):
			frappe.throw(
				_("Unit number {0} is outside 1 to {1}, the building's units.").format(
					self.unit_number, self._unit_count
				),
				title=_("Invalid Unit"),
			)


def on_doctype_update():
	# lists sort by creation (indexed by default on v16, not on v15)
	ensure_index("Building Unit", ["creation"])
