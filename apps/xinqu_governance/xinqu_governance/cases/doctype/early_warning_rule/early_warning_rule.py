# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model import table_fields
from frappe.model.document import Document

from xinqu_governance.cases.case_types import is_case_doctype
from xinqu_governance.cases.early_warning import OVERDUE_CASE, PEOPLE_INVOLVED, REPEATED_SUBJECT
from xinqu_governance.cases.sla_schedule import recheck_open_cases

NUMBER_TYPES = ("Int", "Float", "Long Int")


class EarlyWarningRule(Document):
	def validate(self):
		self.validate_case_doctype()
		self.validate_subject_field()
		self.validate_people_field()

	def on_update(self):
		# an Overdue Case rule's hours decide when the SLA job looks at a case again
		recheck_open_cases(self)
		# the index on the rule's subject, made after the commit (DDL would commit the transaction)
		frappe.enqueue(
			"xinqu_governance.cases.case_types.ensure_case_indexes",
			queue="short",
			enqueue_after_commit=True,
			deduplicate=True,
			job_id="xinqu-ensure-case-indexes",
		)

	def on_trash(self):
		recheck_open_cases(self)

	def validate_case_doctype(self):
		if not self.case_doctype:
			if self.rule_type != OVERDUE_CASE:
				frappe.throw(
					_("A {0} rule needs a case type.").format(_(self.rule_type)), title=_("Missing Case Type")
				)
			return
		if not is_case_doctype(self.case_doctype):
			frappe.throw(
				_("{0} is not a case type.").format(_(self.case_doctype)), title=_("Not a Case Type")
			)

	def validate_subject_field(self):
		if self.rule_type != REPEATED_SUBJECT:
			return
		if not self.subject_field:
			frappe.throw(
				_("Name the field whose repetition raises the warning."), title=_("Missing Subject Field")
			)
		meta = frappe.get_meta(self.case_doctype)
		table_field, _dot, child_field = self.subject_field.partition(".")
		df = meta.get_field(table_field)
		if not df or (child_field and df.fieldtype not in table_fields):
			frappe.throw(
				_("{0} has no field {1}.").format(_(self.case_doctype), table_field), title=_("Unknown Field")
			)
		if child_field and not frappe.get_meta(df.options).get_field(child_field):
			frappe.throw(
				_("{0} has no field {1}.").format(_(df.options), child_field), title=_("Unknown Field")
			)
		if self.min_count < 2:
			self.min_count = 2

	def validate_people_field(self):
		if self.rule_type != PEOPLE_INVOLVED:
			return
		df = frappe.get_meta(self.case_doctype).get_field(self.people_field or "")
		if not df or df.fieldtype not in NUMBER_TYPES:
			frappe.throw(
				_("{0} has no number field {1}.").format(_(self.case_doctype), self.people_field or ""),
				title=_("Unknown Field"),
			)
