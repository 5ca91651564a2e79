# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from xinqu_governance.cases import sla


class EarlyWarning(Document):
	def validate(self):
		self.set_acknowledgement()

	def set_acknowledgement(self):
		"""Whoever first moves the warning out of Open acknowledges it."""
		if self.status != "Open" and not self.acknowledged_by:
			self.acknowledged_by = frappe.session.user
			self.acknowledged_on = sla.now()


def on_doctype_update():
	# the SLA job anti-joins on (case type, case, breached deadline)
	frappe.db.add_index("Early Warning", ["case_doctype", "case_name", "breach_due"])
