# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint, getdate

from xinqu_governance.governance.doctype.governance_settings.governance_settings import (
	get_village_decision_pass_percent,
)
from xinqu_governance.registry.utils import LEVEL_VILLAGE, ensure_index, validate_jurisdiction_level

PROPOSED, DECIDED, PUBLISHED = "Proposed", "Decided", "Made Public"
PASSED, REJECTED = "Passed", "Not Passed"
# what a published decision keeps: the villagers were shown these
PUBLISHED_FIELDS = (
	"matter",
	"jurisdiction",
	"meeting_date",
	"attendee_count",
	"votes_for",
	"votes_against",
	"abstentions",
)


class VillageDecisionError(frappe.ValidationError):
	"""The meeting, the vote or the publication of a village decision does not add up."""


class VillageDecision(Document):
	"""村级事项决策 (Guiding Opinions §23): 一事一议 — a matter decided by the villagers' meeting or
	their representatives by vote — and 村务公开, its publication. A major decision (§4) is put to the
	vote only once its social stability risk assessment is approved."""

	def validate(self):
		validate_jurisdiction_level(self.jurisdiction, LEVEL_VILLAGE, "Jurisdiction")
		self.validate_published_unchanged()
		self.validate_attendance()
		self.set_result()
		self.validate_risk_assessment()
		self.validate_publication()
		self.status = PUBLISHED if self.publication_date else DECIDED if self.result else PROPOSED

	def validate_published_unchanged(self):
		before = self.get_doc_before_save()
		if not before or before.status != PUBLISHED:
			return
		changed = [df for df in PUBLISHED_FIELDS if str(before.get(df) or "") != str(self.get(df) or "")]
		if changed:
			frappe.throw(
				_("The decision was published on {0}; {1} can no longer be changed.").format(
					frappe.format(before.publication_date, {"fieldtype": "Date"}),
					", ".join(_(self.meta.get_label(df)) for df in changed),
				),
				VillageDecisionError,
				title=_("Decision Published"),
			)

	def votes_cast(self) -> int:
		return cint(self.votes_for) + cint(self.votes_against) + cint(self.abstentions)

	def validate_attendance(self):
		for df in ("eligible_count", "attendee_count", "votes_for", "votes_against", "abstentions"):
			if cint(self.get(df)) < 0:
				frappe.throw(
					_("{0} cannot be negative.").format(_(self.meta.get_label(df))),
					VillageDecisionError,
					title=_("Invalid Vote"),
				)
		if self.eligible_count and cint(self.attendee_count) > cint(self.eligible_count):
			frappe.throw(
				_("{0} were present, but only {1} are entitled to attend.").format(
					self.attendee_count, self.eligible_count
				),
				VillageDecisionError,
				title=_("Invalid Vote"),
			)
		if not self.votes_cast():
			return
		if not cint(self.attendee_count):
			frappe.throw(
				_("Enter how many were present before the votes."),
				VillageDecisionError,
				title=_("Invalid Vote"),
			)
		if self.votes_cast() > cint(self.attendee_count):
			frappe.throw(
				_("{0} votes were counted, but only {1} were present.").format(
					self.votes_cast(), self.attendee_count
				),
				VillageDecisionError,
				title=_("Invalid Vote"),
			)

	def set_result(self):
		"""Passed when more than the pass share (Governance Settings) of those present vote for it."""
		if not self.votes_cast():
			self.result = None
			self.pass_rule = None
			return
		share = get_village_decision_pass_percent()
		self.result = PASSED if decision_passes(self.votes_for, self.attendee_count, share) else REJECTED
		self.pass_rule = _("More than {0}% of those present ({1}) vote for it").format(
			share, self.attendee_count
		)

	def validate_risk_assessment(self):
		"""A major decision is voted on only with an approved, not withdrawn risk assessment (§4)."""
		if not cint(self.is_major_decision) or not self.result:
			return
		approved = self.stability_risk_assessment and frappe.db.get_value(
			"Stability Risk Assessment",
			{"name": self.stability_risk_assessment, "is_approved": 1, "is_withdrawn": 0},
			"name",
		)
		if not approved:
			frappe.throw(
				_(
					"A major decision is put to the vote only after its social stability risk assessment is approved (Guiding Opinions §4)."
				),
				VillageDecisionError,
				title=_("Risk Assessment Required"),
			)

	def validate_publication(self):
		if not self.publication_date:
			return
		if not self.result:
			frappe.throw(
				_("Record the vote before publishing the decision."),
				VillageDecisionError,
				title=_("Invalid Publication"),
			)
		if getdate(self.publication_date) < getdate(self.meeting_date):
			frappe.throw(
				_("The decision cannot be published before the meeting ({0}).").format(
					frappe.format(self.meeting_date, {"fieldtype": "Date"})
				),
				VillageDecisionError,
				title=_("Invalid Publication"),
			)
		if not (self.publication_place or "").strip():
			frappe.throw(
				_("Enter where the decision is published, e.g. the village affairs board."),
				VillageDecisionError,
				title=_("Invalid Publication"),
			)


def decision_passes(votes_for, present, share_percent) -> bool:
	"""More than `share_percent` % of those `present` voted for (in integers: no rounding at the edge)."""
	return cint(votes_for) * 100 > cint(present) * cint(share_percent)


def make_risk_assessment(decision: str, risk_field: str = "Other") -> str:
	"""Create the social stability risk assessment of a major decision (as the session user, with
	their permissions) and link it both ways; return its name (the existing one when already linked)."""
	doc = frappe.get_doc("Village Decision", decision)
	doc.check_permission("write")
	if not cint(doc.is_major_decision):
		frappe.throw(
			_("Only a major decision is assessed for social stability risk."),
			VillageDecisionError,
			title=_("Not a Major Decision"),
		)
	if doc.stability_risk_assessment and frappe.db.exists(
		"Stability Risk Assessment", doc.stability_risk_assessment
	):
		return doc.stability_risk_assessment
	assessment = frappe.get_doc(
		{
			"doctype": "Stability Risk Assessment",
			"subject_type": "Major Decision",
			"subject": doc.matter,
			"village_decision": doc.name,
			"risk_field": risk_field,
			"jurisdiction": doc.jurisdiction,
		}
	).insert()
	return assessment.name


def link_risk_assessment(assessment) -> None:
	"""Stability Risk Assessment.on_update: the decision it assesses points back at it."""
	if (
		assessment.village_decision
		and frappe.db.get_value("Village Decision", assessment.village_decision, "stability_risk_assessment")
		!= assessment.name
	):
		frappe.db.set_value(
			"Village Decision", assessment.village_decision, "stability_risk_assessment", assessment.name
		)


def unlink_risk_assessment(decision: str, assessment: str) -> None:
	"""An assessment moved to another decision: the first no longer points at it."""
	frappe.db.set_value(
		"Village Decision",
		{"name": decision, "stability_risk_assessment": assessment},
		"stability_risk_assessment",
		None,
	)


def on_doctype_update():
	ensure_index("Village Decision", ["creation"])  # v16 indexes creation itself, v15 does not
