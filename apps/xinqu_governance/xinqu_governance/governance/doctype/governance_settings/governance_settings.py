# Copyright (c) 2025, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document

DEFAULT_VILLAGE_DECISION_PASS_PERCENT = 50


class GovernanceSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		grid_household_target: DF.Int
		grid_household_tolerance_percent: DF.Int
		review_request_days: DF.Int
		site_notes: DF.SmallText | None
		village_decision_pass_percent: DF.Int
	# end: auto-generated types

	def validate(self):
		self.validate_grid_household_target()
		self.validate_village_decision_pass_percent()

	def validate_grid_household_target(self):
		if self.grid_household_target <= 0:
			frappe.throw(
				_("The grid household target must be a positive number of households."),
				title=_("Invalid Grid Household Target"),
			)
		if not 0 <= self.grid_household_tolerance_percent <= 100:
			frappe.throw(
				_("The grid household tolerance must be between 0 and 100 percent."),
				title=_("Invalid Grid Household Tolerance"),
			)

	def validate_village_decision_pass_percent(self):
		if not self.village_decision_pass_percent:  # a site saved before the field existed
			self.village_decision_pass_percent = DEFAULT_VILLAGE_DECISION_PASS_PERCENT
		if not 0 < self.village_decision_pass_percent < 100:
			frappe.throw(
				_("The village decision pass share must be between 1 and 99 percent."),
				title=_("Invalid Village Decision Pass Share"),
			)


def get_grid_household_bounds() -> tuple[int, int]:
	"""The household counts (low, high) outside which a grid is flagged as far from the target."""
	settings = frappe.get_cached_doc("Governance Settings")
	target = settings.grid_household_target or 60
	tolerance = target * (settings.grid_household_tolerance_percent or 0) / 100
	return int(target - tolerance), int(target + tolerance)


def get_review_request_days() -> int:
	"""Days after the reply within which a petitioner may ask for a review (复查) on /petition/track."""
	days = frappe.get_cached_doc("Governance Settings").review_request_days
	return 30 if days is None else int(days)


def get_village_decision_pass_percent() -> int:
	"""A village decision passes when more than this percentage of those present vote for it."""
	value = frappe.get_cached_doc("Governance Settings").get("village_decision_pass_percent")
	return value or DEFAULT_VILLAGE_DECISION_PASS_PERCENT
