# Copyright (c) 2025, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cint

# The rule fields (each read through `get_setting`) with the least value each may take.
POSITIVE_RULE_FIELDS = {
	"units_per_grid_small_high_rise": 1,
	"units_per_grid_high_rise": 1,
	"group_petition_people": 2,
	"skip_level_gap": 1,
	"people_band_first_bound": 1,
	"people_band_second_bound": 1,
	"people_band_third_bound": 1,
	"major_case_people": 1,
	"min_floor_area_town_service_centre": 1,
	"min_floor_area_village_service_station": 1,
	"min_floor_area_service_hall": 1,
	"min_convenience_shops_per_community": 1,
	"students_per_teacher_primary": 1,
	"students_per_teacher_junior_secondary": 1,
	"min_beds_hospital": 1,
	"min_beds_community_health_centre": 1,
	"annual_report_years": 1,
}
PEOPLE_BAND_FIELDS = ("people_band_first_bound", "people_band_second_bound", "people_band_third_bound")


class GovernanceSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from xinqu_governance.governance.doctype.personal_data_reveal_role.personal_data_reveal_role import (
			PersonalDataRevealRole,
		)

		annual_report_years: DF.Int
		grid_household_target: DF.Int
		grid_household_tolerance_percent: DF.Int
		group_petition_people: DF.Int
		major_case_people: DF.Int
		min_beds_community_health_centre: DF.Int
		min_beds_hospital: DF.Int
		min_convenience_shops_per_community: DF.Int
		min_floor_area_service_hall: DF.Int
		min_floor_area_town_service_centre: DF.Int
		min_floor_area_village_service_station: DF.Int
		people_band_first_bound: DF.Int
		people_band_second_bound: DF.Int
		people_band_third_bound: DF.Int
		review_request_days: DF.Int
		reveal_roles: DF.TableMultiSelect[PersonalDataRevealRole]
		site_notes: DF.SmallText | None
		skip_level_gap: DF.Int
		students_per_teacher_junior_secondary: DF.Int
		students_per_teacher_primary: DF.Int
		units_per_grid_high_rise: DF.Int
		units_per_grid_small_high_rise: DF.Int
		village_decision_pass_percent: DF.Int
	# end: auto-generated types

	def validate(self):
		self.set_missing_rule_values()
		self.validate_grid_household_target()
		self.validate_village_decision_pass_percent()
		self.validate_rule_minimums()
		self.validate_people_bands()

	def onload(self):
		# the band the form's introduction shows, computed by the function every grid check uses
		from xinqu_governance.registry.utils import get_household_band

		self.set_onload("household_band", get_household_band())

	def set_missing_rule_values(self):
		"""A number a site never saved (its field added by an upgrade) takes its default, not 0."""
		for df in self.meta.get("fields", {"fieldtype": "Int"}):
			if df.default not in (None, "") and self.get(df.fieldname) in (None, ""):
				self.set(df.fieldname, cint(df.default))

	def validate_rule_minimums(self):
		for fieldname, minimum in POSITIVE_RULE_FIELDS.items():
			if cint(self.get(fieldname)) < minimum:
				frappe.throw(
					_("{0} must be at least {1}.").format(_(self.meta.get_label(fieldname)), minimum),
					title=_("Invalid Governance Settings"),
				)

	def validate_people_bands(self):
		bounds = [cint(self.get(fieldname)) for fieldname in PEOPLE_BAND_FIELDS]
		if not bounds[0] < bounds[1] < bounds[2]:
			frappe.throw(
				_("The people band bounds must increase: {0} < {1} < {2}.").format(
					*(_(self.meta.get_label(fieldname)) for fieldname in PEOPLE_BAND_FIELDS)
				),
				title=_("Invalid People Bands"),
			)

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
		if not 0 < cint(self.village_decision_pass_percent) < 100:
			frappe.throw(
				_("The village decision pass share must be between 1 and 99 percent."),
				title=_("Invalid Village Decision Pass Share"),
			)


def get_setting(fieldname: str) -> int:
	"""A number of Governance Settings; a field the site never saved reads as the DocType's default
	(the text's number), so each number is written once, in `governance_settings.json`."""
	value = frappe.get_cached_doc("Governance Settings").get(fieldname)
	return setting_default(fieldname) if value in (None, "") else cint(value)


def setting_default(fieldname: str) -> int:
	return cint(frappe.get_meta("Governance Settings").get_field(fieldname).default)


def get_review_request_days() -> int:
	"""Days after the reply within which a petitioner may ask for a review (复查) on /petition/track."""
	return get_setting("review_request_days")


def get_village_decision_pass_percent() -> int:
	"""A village decision passes when more than this percentage of those present vote for it."""
	return get_setting("village_decision_pass_percent")
