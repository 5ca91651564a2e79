# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xinqu_governance.cases.case_types import is_case_doctype, level_rank
from xinqu_governance.cases.sla_schedule import recheck_open_cases


class SLARule(Document):
	def validate(self):
		self.validate_case_doctype()
		self.validate_escalation_level()

	def on_update(self):
		# the rule's hours decide when the SLA job looks at a case again
		recheck_open_cases(self)

	def on_trash(self):
		recheck_open_cases(self)

	def validate_case_doctype(self):
		if not is_case_doctype(self.case_doctype):
			frappe.throw(
				_(
					"{0} is not a case type: it needs the case fields (jurisdiction, resolution_due, …)."
				).format(_(self.case_doctype)),
				title=_("Not a Case Type"),
			)

	def validate_escalation_level(self):
		if (
			self.escalate_to_level
			and self.handling_level
			and level_rank(self.escalate_to_level) <= level_rank(self.handling_level)
		):
			frappe.throw(
				_("A case at level {0} can only be escalated to a higher level, not to {1}.").format(
					_(self.handling_level), _(self.escalate_to_level)
				),
				title=_("Invalid Escalation Level"),
			)
