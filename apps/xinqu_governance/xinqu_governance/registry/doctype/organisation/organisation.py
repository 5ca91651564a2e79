# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xinqu_governance.registry.three_in_one import THREE_BODIES, roster_problems_of, validate_seats
from xinqu_governance.registry.utils import (
	LEVEL_VILLAGE,
	ensure_index,
	validate_jurisdiction_level,
	validate_phone,
)


class Organisation(Document):
	"""组织: party branch, village committee, service station (三位一体, §27(2)), property company,
	volunteer team, cultural group, mediation committee."""

	def validate(self):
		self.contact_phone = validate_phone(self.contact_phone, "Contact Phone")
		self.validate_members()
		if self.org_type in THREE_BODIES:
			validate_jurisdiction_level(self.jurisdiction, LEVEL_VILLAGE, "Jurisdiction")
		validate_seats(self)

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

	def on_update(self):
		"""A seat of the 三位一体 roster that is empty or not backed by an assignment is pointed out
		(not refused: the bodies are registered one by one, the assignments by another office)."""
		problems = roster_problems_of(self)
		if problems:
			frappe.msgprint(
				"<br>".join(problems), title=_("Three-in-One Roster"), indicator="orange", alert=True
			)


def on_doctype_update():
	# lists sort by creation (indexed by default on v16, not on v15)
	ensure_index("Organisation", ["creation"])
