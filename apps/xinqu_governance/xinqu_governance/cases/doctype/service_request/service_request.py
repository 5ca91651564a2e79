# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, getdate

from xinqu_governance.cases.doctype.dispute.dispute import normalized_citizen_id
from xinqu_governance.cases.sla import sla_due_date
from xinqu_governance.cases.workflow_guard import CaseWorkflowMixin
from xinqu_governance.registry.utils import ensure_index


class ServiceRequest(CaseWorkflowMixin, Document):
	"""便民服务: a request at a service hall window, done by its deadline; done at one stop
	(一站式办结) when completed where it was received, without a transfer."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		applicant: DF.Link | None
		applicant_id_number: DF.Data | None
		applicant_id_number_masked: DF.Data | None
		applicant_name: DF.Data
		applicant_phone: DF.Data | None
		applicant_phone_masked: DF.Data | None
		assigned_to: DF.Link | None
		assisting_unit: DF.Link | None
		case_owner: DF.Link | None
		category: DF.Link | None
		closed_on: DF.Datetime | None
		done_at_one_stop: DF.Check
		due_date: DF.Date | None
		escalation_count: DF.Int
		handling_level: DF.Literal["Village", "Town", "District", "County", "City"]
		handling_unit: DF.Link | None
		is_done: DF.Check
		is_withdrawn: DF.Check
		jurisdiction: DF.Link
		reported_on: DF.Datetime | None
		request_details: DF.Text | None
		resolution_due: DF.Datetime | None
		response_due: DF.Datetime | None
		result: DF.Text | None
		service_type: DF.Literal[
			"Employment",
			"Medical Insurance",
			"Pension",
			"Civil Affairs Relief",
			"Subsistence Allowance",
			"Hukou",
			"Housing Allocation",
			"Other",
		]
		self_rated_on: DF.Datetime | None
		self_rating: DF.Literal["", "Satisfied", "Basically Satisfied", "Dissatisfied"]
		sla_check_at: DF.Datetime | None
		sla_status: DF.Literal["", "On Track", "Due Soon", "Overdue", "Met"]
		source_event: DF.Link | None
		state_entered_on: DF.Datetime | None
		subject: DF.Data | None
		window_number: DF.Data | None
		workflow_state: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.set_subject()
		self.applicant_id_number = normalized_citizen_id(self.applicant_id_number, _("Applicant"))
		self.validate_case_workflow()
		self.set_one_stop()
		self.validate_closing()

	def set_subject(self):
		if not (self.subject or "").strip():
			self.subject = "{0} - {1}".format(_(self.service_type), self.applicant_name or "")

	def before_save(self):
		self.set_deadline()

	def set_deadline(self):
		"""Without a deadline of its own the request is due when its SLA resolution is due: read here,
		after the SLA's `validate` doc event has set `resolution_due` for this save (on insert too); a
		due date that showed the SLA deadline before this save follows the new one."""
		before = self.get_doc_before_save()
		shows_sla = not self.due_date or bool(
			before and before.resolution_due and getdate(self.due_date) == getdate(before.resolution_due)
		)
		if shows_sla:
			self.due_date = sla_due_date(self) or self.due_date

	def set_one_stop(self):
		self.done_at_one_stop = int(cint(self.is_done) and not cint(self.escalation_count))

	def validate_closing(self):
		"""A request closed without being done (refused) says why in its result."""
		if not self.entering_closing_state() or self.is_withdrawn or cint(self.is_done):
			return
		if not (self.result or "").strip():
			frappe.throw(
				_("Write in the result why the request cannot be done before closing it."),
				title=_("Missing Result"),
			)


def on_doctype_update():
	ensure_index("Service Request", ["creation"])  # v16 indexes creation itself, v15 does not
