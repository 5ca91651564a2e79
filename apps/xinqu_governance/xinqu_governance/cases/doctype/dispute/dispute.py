# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

from xinqu_governance.cases.major_case import MajorCaseMixin
from xinqu_governance.cases.workflow_guard import CaseWorkflowMixin
from xinqu_governance.registry import citizen_id
from xinqu_governance.registry.utils import ensure_index

AGREEMENT_OUTCOMES = ("Agreement", "Partial Agreement")
MEDIATION_FAILED = "Mediation Failed"


class Dispute(MajorCaseMixin, CaseWorkflowMixin, Document):
	"""矛盾纠纷: found, accepted at the lowest level, mediated and escalated village → town → district →
	county, closed with an outcome and every party's satisfaction."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from xinqu_governance.cases.doctype.dispute_party.dispute_party import DisputeParty
		from xinqu_governance.cases.doctype.mediation_session.mediation_session import MediationSession

		agreement_fulfilment: DF.Literal[
			"", "In Fulfilment", "Fulfilled", "Partially Fulfilled", "Not Fulfilled"
		]
		agreement_text: DF.Text | None
		assigned_to: DF.Link | None
		assisting_unit: DF.Link | None
		case_owner: DF.Link | None
		category: DF.Link | None
		closed_on: DF.Datetime | None
		criminal_case_reference: DF.Data | None
		description: DF.Text | None
		escalation_count: DF.Int
		fulfilment_checked_on: DF.Date | None
		fulfilment_deadline: DF.Date | None
		fulfilment_method: DF.SmallText | None
		fulfilment_note: DF.SmallText | None
		handling_level: DF.Literal["Village", "Town", "District", "County", "City"]
		handling_unit: DF.Link | None
		how_found: DF.Literal["Screening", "Grid Report", "Visit", "Transferred In"]
		is_major_case: DF.Check
		is_withdrawn: DF.Check
		jurisdiction: DF.Link
		location: DF.Data | None
		mediation_sessions: DF.Table[MediationSession]
		mediation_type: DF.Literal["", "People's Mediation", "Administrative Mediation", "Judicial Mediation"]
		occurred_on: DF.Date | None
		outcome: DF.Literal["", "Agreement", "Partial Agreement", "Mediation Failed", "Referred to Court"]
		parties: DF.Table[DisputeParty]
		people_band: DF.Literal["", "Under 50", "50 to 100", "100 to 500", "Over 500"]
		people_involved: DF.Int
		reported_on: DF.Datetime | None
		resolution_due: DF.Datetime | None
		response_due: DF.Datetime | None
		risk_assessment: DF.Link | None
		sla_check_at: DF.Datetime | None
		sla_status: DF.Literal["", "On Track", "Due Soon", "Overdue", "Met"]
		source_event: DF.Link | None
		state_entered_on: DF.Datetime | None
		subject: DF.Data
		turned_criminal: DF.Check
		turned_criminal_on: DF.Date | None
		workflow_state: DF.Link | None
	# end: auto-generated types

	@staticmethod
	def values_from_grid_event(event) -> dict:
		"""Triage (cases/triage.py): the event's resident or contact becomes the dispute's first party."""
		if not (event.resident or event.contact_name):
			return {}
		return {
			"parties": [{"resident": event.resident, "party_name": event.contact_name, "phone": event.contact_phone}]
		}

	def validate(self):
		self.validate_parties()
		self.set_people_band()
		self.validate_case_workflow()
		self.stamp_session_level()
		self.validate_closing()

	def stamp_session_level(self):
		"""Each mediation session keeps the level and unit the dispute is handled at when it is recorded:
		the agreement is signed by the body that concluded it (`cases.mediating_body`)."""
		before = self.get_doc_before_save()
		recorded = {row.name for row in before.mediation_sessions} if before else set()
		for row in self.mediation_sessions:
			if not row.handling_level and row.name not in recorded:
				row.handling_level = self.handling_level
				row.handling_unit = self.handling_unit

	def validate_parties(self):
		for row in self.parties:
			validate_party_identity(row, _("Parties"))

	def validate_closing(self):
		"""A dispute is closed with its outcome, the agreement reached and every party's satisfaction;
		a major case also with an approved stability risk assessment. A failed mediation is not closed
		at village level."""
		if not self.entering_closing_state() or self.is_withdrawn:
			return
		if not self.outcome:
			frappe.throw(
				_("Record the outcome of the mediation before closing the dispute."),
				title=_("Missing Outcome"),
			)
		if self.outcome == MEDIATION_FAILED and self.handling_level == "Village":
			# 小事不出村, 大事不出镇: what the village could not settle goes up, it is not closed as done
			frappe.throw(
				_(
					"The mediation failed: escalate the dispute to the town instead of closing it at village level."
				),
				title=_("Mediation Failed"),
			)
		if self.outcome in AGREEMENT_OUTCOMES and not (self.agreement_text or "").strip():
			frappe.throw(
				_("Record the agreement reached before closing the dispute."), title=_("Missing Agreement")
			)
		if not self.parties:
			frappe.throw(_("List the parties before closing the dispute."), title=_("Missing Parties"))
		unasked = [row.party_name for row in self.parties if not row.satisfaction]
		if unasked:
			frappe.throw(
				_("Ask the satisfaction of every party before closing the dispute: {0}.").format(
					", ".join(unasked)
				),
				title=_("Missing Satisfaction"),
			)
		self.require_risk_assessment_if_major()


def record_fulfilment(name: str, agreement_fulfilment: str, fulfilment_checked_on=None, fulfilment_note=None):
	"""履行情况 of a concluded dispute's agreement: status, date of the check, note. Saved as the user, so
	the edit rights apply (after conclusion only these fields, by a role that closes disputes); the
	timeline keeps each check in the site language."""
	from xinqu_governance.cases.timeline import add_case_entry
	from xinqu_governance.governance.site_language import site_language
	from xinqu_governance.printing.jinja_methods import xq_cn_date

	doc = frappe.get_doc("Dispute", name)
	doc.check_permission("write")
	if doc.outcome not in AGREEMENT_OUTCOMES:
		frappe.throw(
			_("Dispute {0} has no agreement whose fulfilment could be recorded.").format(doc.name),
			title=_("No Agreement"),
		)
	if not agreement_fulfilment:
		frappe.throw(_("Choose the state of the fulfilment."), title=_("Missing Fulfilment"))
	doc.agreement_fulfilment = agreement_fulfilment
	doc.fulfilment_checked_on = fulfilment_checked_on or frappe.utils.today()
	doc.fulfilment_note = fulfilment_note
	doc.save()
	lang = site_language()
	entry = _("Fulfilment of the agreement checked on {0}: {1}.", lang=lang).format(
		xq_cn_date(doc.fulfilment_checked_on), _(doc.agreement_fulfilment, lang=lang)
	)
	add_case_entry("Dispute", doc.name, f"{entry} {doc.fulfilment_note}" if doc.fulfilment_note else entry)
	return {"agreement_fulfilment": doc.agreement_fulfilment, "modified": doc.modified}


def validate_party_identity(row, table_label: str) -> None:
	"""A party, petitioner or applicant is a registered resident, or a name with an optional valid
	citizen ID number (GB 11643)."""
	if not row.resident and not (row.party_name or "").strip():
		frappe.throw(
			_("{0}, row {1}: pick a resident or enter the name.").format(table_label, row.idx),
			title=_("Missing Party"),
		)
	row.citizen_id = normalized_citizen_id(row.citizen_id, _("{0}, row {1}").format(table_label, row.idx))


def normalized_citizen_id(number: str | None, where: str) -> str | None:
	"""The number normalised (x → X), or a clear error naming where it was entered."""
	if not (number or "").strip():
		return None
	try:
		return citizen_id.parse(number).number
	except citizen_id.CitizenIDError as error:
		frappe.throw(
			_("{0}: citizen ID number {1}: {2}").format(where, number, error.message),
			title=_("Invalid Citizen ID Number"),
		)


def on_doctype_update():
	ensure_index("Dispute", ["creation"])  # v16 indexes creation itself, v15 does not
