# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe.model.document import Document

from xinqu_governance.cases.supervision import after_issue, after_reply, validate_supervision


class Supervision(Document):
	def validate(self):
		validate_supervision(self)

	def after_insert(self):
		after_issue(self)

	def on_update(self):
		if not self.flags.in_insert and self.reply and self.has_value_changed("reply"):
			after_reply(self)


def on_doctype_update():
	frappe.db.add_index("Supervision", ["case_doctype", "case_name"])
