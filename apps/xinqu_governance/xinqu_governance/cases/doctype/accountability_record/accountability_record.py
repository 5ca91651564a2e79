# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

TO_BE_DECIDED = "To Be Decided"


class AccountabilityRecord(Document):
	def validate(self):
		self.set_status_from_measure()

	def set_status_from_measure(self):
		"""A record is Decided once somebody has chosen a measure."""
		self.status = "Open" if (self.measure or TO_BE_DECIDED) == TO_BE_DECIDED else "Decided"


def on_doctype_update():
	frappe.db.add_index("Accountability Record", ["case_doctype", "case_name"])
