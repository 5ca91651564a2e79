# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xinqu_governance.cases.case_types import is_case_doctype


class RoutingRule(Document):
	def validate(self):
		self.validate_case_doctype()
		self.validate_lead_unit_level()
		self.validate_assisting_units()

	def validate_case_doctype(self):
		if self.case_doctype and not is_case_doctype(self.case_doctype):
			frappe.throw(
				_("{0} is not a case type.").format(_(self.case_doctype)), title=_("Not a Case Type")
			)

	def validate_lead_unit_level(self):
		if not self.lead_unit:
			return
		unit_level = frappe.db.get_value("Handling Unit", self.lead_unit, "level")
		if not self.handling_level:
			self.handling_level = unit_level
		elif unit_level != self.handling_level:
			frappe.throw(
				_("The lead unit {0} works at level {1}, not {2}.").format(
					self.lead_unit, _(unit_level), _(self.handling_level)
				),
				title=_("Wrong Level"),
			)

	def validate_assisting_units(self):
		seen = {self.lead_unit}
		for row in self.assisting_units:
			if row.handling_unit in seen:
				frappe.throw(
					_("Row {0}: {1} is already the lead or an assisting unit.").format(
						row.idx, row.handling_unit
					),
					title=_("Duplicate Unit"),
				)
			seen.add(row.handling_unit)
