# Copyright (c) 2025, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


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
	# end: auto-generated types

	def validate(self):
		self.validate_grid_household_target()

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
