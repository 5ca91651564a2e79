# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, now_datetime

from xinqu_governance.cases.case_types import is_case_doctype
from xinqu_governance.cases.workflow_guard import CaseWorkflowMixin, state_row, user_stands_at_level
from xinqu_governance.registry.doctype.village_decision.village_decision import (
	link_risk_assessment,
	unlink_risk_assessment,
)
from xinqu_governance.registry.utils import ensure_index


class NoApproverError(frappe.ValidationError):
	"""An assessment was sent to review but nobody who could approve it holds it."""


class RiskAssessmentRequiredError(frappe.ValidationError):
	"""A major decision, plan, project or case went ahead without an approved risk assessment."""


class StabilityRiskAssessment(CaseWorkflowMixin, Document):
	"""社会稳定风险评估 (Guiding Opinions §4): risk level, measures graded by level, approval, follow-up."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from xinqu_governance.cases.doctype.risk_measure.risk_measure import RiskMeasure

		approval_remarks: DF.SmallText | None
		approved_by: DF.Link | None
		approved_on: DF.Datetime | None
		assessment: DF.Text | None
		assigned_to: DF.Link | None
		assisting_unit: DF.Link | None
		case_owner: DF.Link | None
		category: DF.Link | None
		closed_on: DF.Datetime | None
		escalation_count: DF.Int
		follow_up_notes: DF.Text | None
		handling_level: DF.Literal["Village", "Town", "District", "County", "City"]
		handling_unit: DF.Link | None
		is_approved: DF.Check
		is_withdrawn: DF.Check
		jurisdiction: DF.Link
		measures: DF.Table[RiskMeasure]
		next_review_on: DF.Date | None
		reference_doctype: DF.Link | None
		reference_name: DF.DynamicLink | None
		reported_on: DF.Datetime | None
		resolution_due: DF.Datetime | None
		response_due: DF.Datetime | None
		risk_field: DF.Literal[
			"Resettlement",
			"Property Management",
			"Education",
			"Health",
			"Environmental Protection",
			"Work Safety",
			"Food and Drugs",
			"Ethnic and Religious Affairs",
			"Public Security",
			"Other",
		]
		risk_level: DF.Literal["", "High", "Medium", "Low"]
		sla_check_at: DF.Datetime | None
		sla_status: DF.Literal["", "On Track", "Due Soon", "Overdue", "Met"]
		state_entered_on: DF.Datetime | None
		subject: DF.Data
		subject_type: DF.Literal["Major Decision", "Major Plan", "Construction Project", "Major Case"]
		village_decision: DF.Link | None
		workflow_state: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.validate_subject()
		self.validate_case_workflow()
		self.validate_review()
		self.validate_approval()

	def before_save(self):
		# after `validate` and its doc_events: routing and assignment have chosen the reviewer
		self.check_approver()

	def check_approver(self):
		"""Entering a state from which the assessment is approved (the profile's Under Review, which
		moves it to the county: the routing rule gives it to the county's review unit), the person it
		is assigned to must be able to take an approving transition: hold its role at its level over
		the assessment. Otherwise the save is refused, instead of the assessment waiting for nobody."""
		if not self.state_changed():
			return
		transitions = approval_transitions(self.doctype, self.get("workflow_state"))
		if not transitions:
			return
		units = (self.handling_unit, self.assisting_unit)
		if self.assigned_to and any(
			user_stands_at_level(
				self.assigned_to, t.allowed, t.get("required_level"), self.jurisdiction, units
			)
			for t in transitions
		):
			return
		first = transitions[0]
		frappe.throw(
			_(
				"Nobody can approve {0}: its review unit {1} has no member who is a {2} at the {3} level over {4}. Ask the Governance Administrator to staff the unit."
			).format(
				self.name,
				self.handling_unit or "-",
				_(first.allowed),
				_(first.get("required_level") or "-"),
				self.jurisdiction,
			),
			NoApproverError,
			title=_("No Approver"),
		)

	def validate_subject(self):
		"""A case assessed is named by its type and number; a village decision (§23) by its record;
		other subjects by their title."""
		if self.subject_type != "Major Decision":
			self.village_decision = None
		if self.village_decision:
			decision = frappe.db.get_value(
				"Village Decision", self.village_decision, ["matter", "jurisdiction"], as_dict=True
			)
			if not decision:
				frappe.throw(
					_("Village decision {0} does not exist.").format(self.village_decision),
					title=_("Missing Decision"),
				)
			self.subject = self.subject or decision.matter
			self.jurisdiction = self.jurisdiction or decision.jurisdiction
		if self.subject_type != "Major Case":
			self.reference_doctype = None
			self.reference_name = None
			return
		if not self.reference_doctype or not self.reference_name:
			frappe.throw(_("Choose the case that is assessed."), title=_("Missing Case"))
		if not is_case_doctype(self.reference_doctype):
			frappe.throw(
				_("{0} is not a case type.").format(_(self.reference_doctype)), title=_("Not a Case Type")
			)
		if not self.subject:
			self.subject = (
				frappe.db.get_value(self.reference_doctype, self.reference_name, "subject")
				or self.reference_name
			)

	def validate_review(self):
		"""An assessment goes to review only with its risk level and a measure for that level."""
		if not self.leaving_initial_state() or self.is_withdrawn:
			return
		self.validate_risk_level_and_measures()

	def validate_approval(self):
		before = self.get_doc_before_save()
		if not cint(self.is_approved) or (before and cint(before.is_approved)):
			return
		self.validate_risk_level_and_measures()
		self.approved_by = frappe.session.user
		self.approved_on = now_datetime()

	def on_update(self):
		before = self.get_doc_before_save()
		if before and before.village_decision and before.village_decision != self.village_decision:
			unlink_risk_assessment(before.village_decision, self.name)
		link_risk_assessment(self)

	def validate_risk_level_and_measures(self):
		if not self.risk_level:
			frappe.throw(_("Set the risk level (high, medium or low) first."), title=_("Missing Risk Level"))
		if not any(row.risk_level == self.risk_level for row in self.measures):
			frappe.throw(
				_("Add at least one measure for the risk level {0}.").format(_(self.risk_level)),
				title=_("Missing Measures"),
			)


def approval_transitions(doctype: str, state: str | None) -> list:
	"""The workflow transitions out of `state` into a state that approves (sets `is_approved` to 1)."""
	from frappe.model.workflow import get_workflow, get_workflow_name

	if not state or not get_workflow_name(doctype):
		return []
	transitions = []
	for transition in get_workflow(doctype).transitions:
		if transition.state != state:
			continue
		target = state_row(doctype, transition.next_state)
		if target and target.update_field == "is_approved" and cint(target.update_value) == 1:
			transitions.append(transition)
	return transitions


def find_approved_risk_assessment(subject_type: str, subject_name: str) -> str | None:
	"""The newest approved, not withdrawn assessment of the subject (read without permission checks).

	`subject_type` is a case DocType (then `subject_name` is the case's name) or one of the subject
	types Major Decision / Plan / Project (then `subject_name` is the subject's title).
	"""
	filters = {"is_approved": 1, "is_withdrawn": 0}
	if frappe.db.exists("DocType", subject_type):
		filters.update(
			{"subject_type": "Major Case", "reference_doctype": subject_type, "reference_name": subject_name}
		)
	else:
		filters.update({"subject_type": subject_type, "subject": subject_name})
	names = frappe.get_all(
		"Stability Risk Assessment", filters=filters, pluck="name", order_by="approved_on desc", limit=1
	)
	return names[0] if names else None


def require_risk_assessment(subject_type: str, subject_name: str) -> str:
	"""Return the approved assessment of a major decision, plan, project or case, or refuse.

	A major decision cannot be approved, and a major case cannot be closed, without an approved social
	stability risk assessment (Guiding Opinions §4). Raises `RiskAssessmentRequiredError`.
	"""
	if frappe.db.exists("DocType", subject_type):
		frappe.has_permission(subject_type, "read", doc=subject_name, throw=True)
	else:
		frappe.has_permission("Stability Risk Assessment", "read", throw=True)

	assessment = find_approved_risk_assessment(subject_type, subject_name)
	if not assessment:
		frappe.throw(
			_(
				"{0} {1} needs an approved social stability risk assessment first (Guiding Opinions §4)."
			).format(_(subject_type), subject_name),
			RiskAssessmentRequiredError,
			title=_("Risk Assessment Required"),
		)
	return assessment


def on_doctype_update():
	ensure_index("Stability Risk Assessment", ["creation"])  # v16 indexes creation itself, v15 does not
	frappe.db.add_index("Stability Risk Assessment", ["reference_doctype", "reference_name"])
