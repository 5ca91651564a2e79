# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class HandlingUnit(Document):
	def validate(self):
		self.validate_unique_members()

	def validate_unique_members(self):
		seen = set()
		for row in self.members:
			if row.user in seen:
				frappe.throw(
					_("User {0} is listed twice in unit {1}").format(row.user, self.unit_name),
					title=_("Duplicate Member"),
				)
			seen.add(row.user)

	def active_members(self) -> list[str]:
		return [row.user for row in self.members if row.active]
