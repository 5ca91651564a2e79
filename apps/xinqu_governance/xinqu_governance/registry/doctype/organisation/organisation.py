# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xinqu_governance.registry.utils import ensure_index, validate_phone


class Organisation(Document):
	"""组织: party branch, village committee, service station (三位一体, §27(2)), property company,
	volunteer team, cultural group, mediation committee."""

	def validate(self):
		self.contact_phone = validate_phone(self.contact_phone, "Contact Phone")
		self.validate_members()

	def validate_members(self):
		seen = set()
		for row in self.members:
			row.phone = validate_phone(row.phone, "Phone")
			if row.resident and not row.member_name:
				row.member_name = frappe.db.get_value("Resident", row.resident, "full_name")
			key = row.resident or row.user or row.member_name
			if key in seen:
				frappe.throw(
					_("Row {0}: {1} is listed twice.").format(row.idx, row.member_name),
					title=_("Duplicate Member"),
				)
			seen.add(key)
		self.member_count = len(self.members)


def on_doctype_update():
	# lists sort by creation (indexed by default on v16, not on v15)
	ensure_index("Organisation", ["creation"])
