# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder.functions import Count
from frappe.utils import cint, get_datetime, getdate, now_datetime

from xinqu_governance.cases.case_types import handling_level_of_node, level_rank
from xinqu_governance.cases.doctype.dispute.dispute import normalized_citizen_id
from xinqu_governance.cases.sla import sla_due_date
from xinqu_governance.cases.workflow_guard import CaseWorkflowMixin
from xinqu_governance.governance.doctype.governance_settings.governance_settings import get_setting
from xinqu_governance.registry.utils import ensure_index

# Regulations on Letters and Visits (信访条例, 2005): acceptance is decided within 15 days of receipt
# (§22) and the matter answered within 60 days of acceptance (§33). Both are SLA Rules (the profile's
# 信访件-登记受理 and 信访件-办理答复), read through `cases.sla.sla_due_date` (see `set_deadlines`).
# 集体访 (five or more people petitioning together: the usual rule; §18 caps their representatives at
# five) and 越级访 (a visit lodged two or more rungs above the level the matter belongs to on the ladder
# Village → Town → District → County → City; the level that owns the matter and the one directly above
# it are the proper places to go, 信访条例 §16, so the town window is not skip-level for a village
# matter): Governance Settings `group_petition_people` and `skip_level_gap`, read below.


def group_petition_people() -> int:
	"""People from whom a petition is a group petition (集体访; the text's 5)."""
	return get_setting("group_petition_people")


def skip_level_gap() -> int:
	"""Rungs above the matter's level from which a visit is skip-level (越级访; 2)."""
	return get_setting("skip_level_gap")


class Petition(CaseWorkflowMixin, Document):
	"""信访件 received at one window (一窗口受理), acknowledged, accepted, assigned, replied within its
	deadline, closed with the petitioner's satisfaction; reopened or appealed with a link to the
	earlier petition."""

	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		acceptance_due: DF.Date | None
		accepted_on: DF.Datetime | None
		acknowledgement_no: DF.Data | None
		assigned_to: DF.Link | None
		assisting_unit: DF.Link | None
		case_owner: DF.Link | None
		category: DF.Link | None
		channel: DF.Literal["Visit", "Postal Letter", "Phone", "Internet", "Hotline"]
		closed_on: DF.Datetime | None
		content: DF.Text
		escalation_count: DF.Int
		handling_level: DF.Literal["Village", "Town", "District", "County", "City"]
		handling_unit: DF.Link | None
		intake_window: DF.Data | None
		is_appeal: DF.Check
		is_group: DF.Check
		is_skip_level: DF.Check
		is_withdrawn: DF.Check
		jurisdiction: DF.Link
		matter_level: DF.Literal["", "Village", "Town", "District", "County", "City"]
		people_count: DF.Int
		petitioned_at_level: DF.Literal["", "Village", "Town", "District", "County", "City"]
		petitioner: DF.Link | None
		petitioner_id_number: DF.Data | None
		petitioner_id_number_masked: DF.Data | None
		petitioner_name: DF.Data
		petitioner_phone: DF.Data | None
		petitioner_phone_masked: DF.Data | None
		previous_petition: DF.Link | None
		repeat_count: DF.Int
		replied_on: DF.Datetime | None
		reply: DF.Text | None
		reply_due: DF.Date | None
		reported_on: DF.Datetime | None
		resolution_due: DF.Datetime | None
		response_due: DF.Datetime | None
		review_petition: DF.Link | None
		review_requested_on: DF.Datetime | None
		satisfaction: DF.Literal["", "Satisfied", "Basically Satisfied", "Dissatisfied"]
		self_rated_on: DF.Datetime | None
		self_rating: DF.Literal["", "Satisfied", "Basically Satisfied", "Dissatisfied"]
		sla_check_at: DF.Datetime | None
		sla_status: DF.Literal["", "On Track", "Due Soon", "Overdue", "Met"]
		source_event: DF.Link | None
		state_entered_on: DF.Datetime | None
		subject: DF.Data
		workflow_state: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.validate_petitioner()
		self.set_default_handling_level()
		self.set_levels()
		self.set_group_flag()
		self.set_skip_level_flag()
		self.set_repeat_count()
		self.set_acknowledgement()
		self.validate_previous_petition()
		self.validate_case_workflow()
		self.set_acceptance()
		self.set_replied_on()
		self.validate_closing()

	def validate_petitioner(self):
		self.petitioner_id_number = normalized_citizen_id(self.petitioner_id_number, _("Petitioner"))

	def set_levels(self):
		"""The matter belongs by default to the level of its jurisdiction; it was lodged, by default,
		at the level handling it at intake."""
		if not self.matter_level:
			self.matter_level = handling_level_of_node(self.jurisdiction)
		if not self.petitioned_at_level:
			self.petitioned_at_level = self.handling_level or self.matter_level

	def set_group_flag(self):
		self.is_group = int(cint(self.people_count) >= group_petition_people())

	def set_skip_level_flag(self):
		gap = level_rank(self.petitioned_at_level) - level_rank(self.matter_level)
		self.is_skip_level = int(
			self.channel == "Visit" and level_rank(self.matter_level) >= 0 and gap >= skip_level_gap()
		)

	def set_repeat_count(self):
		"""Earlier petitions by the same person (same resident or same citizen ID number)."""
		before = self.get_doc_before_save()
		if before and (before.petitioner, before.petitioner_id_number) == (
			self.petitioner,
			self.petitioner_id_number,
		):
			return
		self.repeat_count = count_earlier_petitions(
			self.petitioner, self.petitioner_id_number, self.name, None if self.is_new() else self.creation
		)

	def set_acknowledgement(self):
		"""The receipt given at the window: an acknowledgement number and the time received."""
		if not self.acknowledgement_no:
			self.acknowledgement_no = new_acknowledgement_no()
		if not self.reported_on:
			self.reported_on = now_datetime()

	def validate_previous_petition(self):
		if self.previous_petition and self.previous_petition == self.name:
			frappe.throw(_("A petition cannot follow itself."), title=_("Invalid Previous Petition"))
		if self.is_appeal and not self.previous_petition:
			frappe.throw(
				_("An appeal names the petition whose reply it contests."),
				title=_("Missing Previous Petition"),
			)

	def set_acceptance(self):
		"""Accepted when it first leaves the intake state for one that does not close it."""
		if self.accepted_on or not self.leaving_initial_state() or self.entering_closing_state():
			return
		self.accepted_on = now_datetime()

	def before_save(self):
		self.set_deadlines()

	def set_deadlines(self):
		"""Unless a deadline was set, acceptance is due when the SLA deadline of the registered petition
		is (信访件-登记受理, 15 days), the reply when that of the petition just accepted is (信访件-办理答复,
		60 days from acceptance). Read after the SLA's `validate` doc event has set them."""
		if self.is_new() and not self.acceptance_due:
			self.acceptance_due = sla_due_date(self)
		before = self.get_doc_before_save()
		accepted_now = self.accepted_on and not (before and before.accepted_on)
		if accepted_now and not self.reply_due:
			self.reply_due = sla_due_date(self)

	def set_replied_on(self):
		if (self.reply or "").strip() and not self.replied_on:
			self.replied_on = now_datetime()
		if self.replied_on and get_datetime(self.replied_on) < get_datetime(self.reported_on):
			frappe.throw(
				_("The reply cannot be dated before the petition was received."), title=_("Invalid Date")
			)

	def validate_closing(self):
		"""A petition is closed, or declined, only with a written reply to the petitioner."""
		if self.entering_closing_state() and not self.is_withdrawn and not (self.reply or "").strip():
			frappe.throw(
				_("Write the reply to the petitioner before closing the petition."), title=_("Missing Reply")
			)


def count_earlier_petitions(
	petitioner: str | None, id_number: str | None, exclude: str | None, before
) -> int:
	"""Petitions by the same person received before this one (any jurisdiction, withdrawn ones excluded)."""
	if not petitioner and not id_number:
		return 0
	petition = frappe.qb.DocType("Petition")
	same_person = None
	if petitioner:
		same_person = petition.petitioner == petitioner
	if id_number:
		by_number = petition.petitioner_id_number == id_number
		same_person = by_number if same_person is None else (same_person | by_number)
	query = (
		frappe.qb.from_(petition)
		.select(Count(petition.name))
		.where(same_person & (petition.is_withdrawn == 0))
	)
	if exclude:
		query = query.where(petition.name != exclude)
	if before:
		query = query.where(petition.creation < before)
	return cint(query.run()[0][0])


def new_acknowledgement_no() -> str:
	"""A code the petitioner can read out to follow the petition, e.g. 20260312-7K3QX9."""
	while True:
		code = "{}-{}".format(getdate().strftime("%Y%m%d"), frappe.generate_hash(length=6).upper())
		if not frappe.db.exists("Petition", {"acknowledgement_no": code}):
			return code


def on_doctype_update():
	ensure_index("Petition", ["creation"])  # v16 indexes creation itself, v15 does not
	frappe.db.add_index("Petition", ["petitioner"])
