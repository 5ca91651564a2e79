# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xinqu_governance.cases.doctype.case_type.case_type import triage_targets
from xinqu_governance.cases.workflow_guard import CaseWorkflowMixin
from xinqu_governance.registry.utils import ensure_index

# What a grid event can be triaged into is data: the Case Types marked `is_triage_target`
# (cases/triage.py); urban-management problems and security leads that need no case of their own are
# dispatched to the department in the event's own workflow.


class GridEvent(CaseWorkflowMixin, Document):
	"""网格事件: what a grid worker reports on his rounds; triaged into a case of a triage type (a dispute,
	petition, service request or incident by default; linked both ways), dispatched to a department, or resolved on the spot."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		assigned_to: DF.Link | None
		assisting_unit: DF.Link | None
		case_owner: DF.Link | None
		category: DF.Link | None
		closed_on: DF.Datetime | None
		contact_name: DF.Data | None
		contact_phone: DF.Data | None
		contact_phone_masked: DF.Data | None
		description: DF.Text | None
		escalation_count: DF.Int
		event_type: DF.Literal[
			"Public Opinion", "Hazard", "Dispute Lead", "Urban Management", "Security Lead"
		]
		handling_level: DF.Literal["Village", "Town", "District", "County", "City"]
		handling_unit: DF.Link | None
		is_withdrawn: DF.Check
		jurisdiction: DF.Link
		location: DF.Data | None
		photo: DF.AttachImage | None
		reported_by: DF.Link | None
		reported_on: DF.Datetime | None
		resident: DF.Link | None
		resolution_due: DF.Datetime | None
		response_due: DF.Datetime | None
		sla_check_at: DF.Datetime | None
		sla_status: DF.Literal["", "On Track", "Due Soon", "Overdue", "Met"]
		state_entered_on: DF.Datetime | None
		subject: DF.Data
		triaged_by: DF.Link | None
		triaged_on: DF.Datetime | None
		triaged_to: DF.DynamicLink | None
		triaged_to_doctype: DF.Link | None
		workflow_state: DF.Link | None
	# end: auto-generated types

	def validate(self):
		if not self.reported_by:
			self.reported_by = self.owner or frappe.session.user
		self.validate_triage_link()
		self.validate_case_workflow()

	def validate_triage_link(self):
		if not self.triaged_to:
			return
		targets = triage_targets()
		if self.triaged_to_doctype not in targets:
			frappe.throw(
				_("A grid event can be triaged into: {0}.").format(", ".join(_(dt) for dt in targets)),
				title=_("Invalid Triage"),
			)


def on_doctype_update():
	ensure_index("Grid Event", ["creation"])  # v16 indexes creation itself, v15 does not
	frappe.db.add_index("Grid Event", ["triaged_to_doctype", "triaged_to"])
