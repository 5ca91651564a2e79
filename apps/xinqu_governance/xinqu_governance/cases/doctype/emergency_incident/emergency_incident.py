# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xinqu_governance.cases.major_case import MajorCaseMixin
from xinqu_governance.cases.workflow_guard import CaseWorkflowMixin
from xinqu_governance.registry.utils import ensure_index


class EmergencyIncident(MajorCaseMixin, CaseWorkflowMixin, Document):
	"""突发事件 (Guiding Opinions §19): group or mass, ethnic-religious, public-security … incidents, with
	their contingency plan and a response log; a major one is closed only with an approved stability
	risk assessment of its aftermath."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from xinqu_governance.cases.doctype.incident_response_log.incident_response_log import (
			IncidentResponseLog,
		)

		assigned_to: DF.Link | None
		assisting_unit: DF.Link | None
		case_owner: DF.Link | None
		category: DF.Link | None
		closed_on: DF.Datetime | None
		contingency_plan: DF.Text | None
		contingency_plan_file: DF.Attach | None
		description: DF.Text | None
		escalation_count: DF.Int
		handling_level: DF.Literal["Village", "Town", "District", "County", "City"]
		handling_unit: DF.Link | None
		is_major_case: DF.Check
		is_withdrawn: DF.Check
		jurisdiction: DF.Link
		kind: DF.Literal[
			"Group or Mass Incident",
			"Ethnic or Religious",
			"Public Security",
			"Work Safety",
			"Public Health",
			"Natural Disaster",
			"Other",
		]
		location: DF.Data | None
		occurred_on: DF.Datetime | None
		people_band: DF.Literal["", "Under 50", "50 to 100", "100 to 500", "Over 500"]
		people_involved: DF.Int
		reported_on: DF.Datetime | None
		resolution_due: DF.Datetime | None
		response_due: DF.Datetime | None
		response_log: DF.Table[IncidentResponseLog]
		risk_assessment: DF.Link | None
		sla_check_at: DF.Datetime | None
		sla_status: DF.Literal["", "On Track", "Due Soon", "Overdue", "Met"]
		source_event: DF.Link | None
		state_entered_on: DF.Datetime | None
		subject: DF.Data
		workflow_state: DF.Link | None
	# end: auto-generated types

	@staticmethod
	def values_from_grid_event(event) -> dict:
		"""Triage (cases/triage.py): a security lead is a public-security incident, anything else Other."""
		return {"kind": "Public Security" if event.event_type == "Security Lead" else "Other"}

	def validate(self):
		self.set_people_band()
		self.validate_case_workflow()
		self.validate_closing()

	def validate_closing(self):
		if not self.entering_closing_state() or self.is_withdrawn:
			return
		if not self.response_log:
			frappe.throw(
				_("Log the response to the incident before closing it."), title=_("Missing Response Log")
			)
		self.require_risk_assessment_if_major()


def on_doctype_update():
	ensure_index("Emergency Incident", ["creation"])  # v16 indexes creation itself, v15 does not
