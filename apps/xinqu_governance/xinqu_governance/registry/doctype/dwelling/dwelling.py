# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xinqu_governance.registry.utils import check_derived_jurisdiction_permission, ensure_index


class Dwelling(Document):
	def validate(self):
		self.set_from_unit()
		self.validate_floor()
		self.validate_area()
		self.validate_allocation_status()
		check_derived_jurisdiction_permission(self)

	def set_from_unit(self):
		unit = frappe.db.get_value(
			"Building Unit",
			self.building_unit,
			["building", "compound", "jurisdiction", "grid"],
			as_dict=True,
		)
		self.building = unit.building
		self.compound = unit.compound
		self.jurisdiction = unit.jurisdiction
		self.grid = unit.grid

	def validate_floor(self):
		floors = frappe.db.get_value("Building", self.building, "floors") or 0
		if not 1 <= (self.floor or 0) <= floors:
			frappe.throw(
				_("Floor {0} does not exist: the building has {1} floors.").format(self.floor, floors),
				title=_("Invalid Dwelling"),
			)

	def validate_area(self):
		if self.area is not None and self.area < 0:
			frappe.throw(_("The floor area cannot be negative."), title=_("Invalid Dwelling"))

	def validate_allocation_status(self):
		household = frappe.db.get_value("Household", {"dwelling": self.name}, "name")
		if household and self.allocation_status == "Vacant":
			frappe.throw(
				_("Household {0} is allocated this dwelling; it cannot be vacant.").format(household),
				title=_("Invalid Dwelling"),
			)
		self.household = household


def on_doctype_update():
	# lists sort by creation (indexed by default on v16, not on v15)
	ensure_index("Dwelling", ["creation"])
