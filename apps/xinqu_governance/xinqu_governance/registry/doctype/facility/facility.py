# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import math

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder.functions import Count
from frappe.utils import add_years, getdate, today

from xinqu_governance.governance.doctype.governance_settings.governance_settings import get_setting
from xinqu_governance.registry.utils import (
	LEVEL_COUNTY,
	LEVEL_VILLAGE,
	ensure_index,
	get_ancestor_at_level,
	validate_jurisdiction_level,
	validate_phone,
)

# Standards of the 2015 guidance (§10, §13, §15, §18, §27), Governance Settings read by
# `facility_standards`. A shortfall is recorded on the record (meets_standard = 0, shortfalls listed)
# and shown as a warning: the facility exists and must be registered even when it falls short; the
# Grid Coverage / facility lists show what to fix.
# facility type -> the Governance Settings field of its minimum floor area (the floor area is
# mandatory for these types)
FLOOR_AREA_SETTING = {
	"Town Service Centre": "min_floor_area_town_service_centre",
	"Village Service Station": "min_floor_area_village_service_station",
	"Service Hall": "min_floor_area_service_hall",
}


def facility_standards() -> frappe._dict:
	"""The facility standards of the text, from Governance Settings: minimum floor area by facility
	type (§10: town 1000 m², village 500 m²; §27(1): service hall 300 m²), students per teacher by
	school level (§27(3): 1:20, 1:15), planned beds by clinic level (§15: 300, 40), convenience shops
	per community (§13: 3) and the years between a religious venue's reports (§18: 1)."""
	return frappe._dict(
		min_floor_area={kind: get_setting(fieldname) for kind, fieldname in FLOOR_AREA_SETTING.items()},
		students_per_teacher={
			"Primary": get_setting("students_per_teacher_primary"),
			"Junior Secondary": get_setting("students_per_teacher_junior_secondary"),
		},
		min_beds={
			"Hospital": get_setting("min_beds_hospital"),
			"Community Health Centre": get_setting("min_beds_community_health_centre"),
		},
		min_convenience_shops_per_community=get_setting("min_convenience_shops_per_community"),
		annual_report_years=get_setting("annual_report_years"),
	)


class Facility(Document):
	"""场所/设施."""

	def validate(self):
		self.validate_type_fields()
		self.validate_numbers()
		self.contact_phone = validate_phone(self.contact_phone, "Contact Phone")
		validate_jurisdiction_level(self.managing_county, LEVEL_COUNTY, "Managing County")
		self.check_standards()

	def validate_type_fields(self):
		"""What the form asks for through mandatory_depends_on, checked on the server too."""
		required = []
		if self.facility_type in FLOOR_AREA_SETTING and not self.floor_area:
			required.append("floor_area")
		if self.facility_type == "School" and not self.school_level:
			required.append("school_level")
		if required:
			frappe.throw(
				_("A {0} needs {1}.").format(
					_(self.facility_type), ", ".join(_(self.meta.get_label(f)) for f in required)
				),
				frappe.MandatoryError,
				title=_("Missing Values"),
			)

	def validate_numbers(self):
		for fieldname in (
			"floor_area",
			"students",
			"teachers",
			"beds",
			"officers",
			"camera_count",
			"parking_spaces",
		):
			if (self.get(fieldname) or 0) < 0:
				frappe.throw(
					_("{0} cannot be negative.").format(_(self.meta.get_label(fieldname))),
					title=_("Invalid Facility"),
				)

	def check_standards(self):
		shortfalls = facility_shortfalls(self)
		self.meets_standard = 0 if shortfalls else 1
		self.standard_notes = "\n".join(shortfalls) or None
		for message in shortfalls:
			frappe.msgprint(message, title=_("Below Standard"), indicator="orange")
		if self.facility_type == "Convenience Shop":
			village = get_ancestor_at_level(self.jurisdiction, LEVEL_VILLAGE)
			minimum = facility_standards().min_convenience_shops_per_community
			if village:
				count = count_convenience_shops([village]).get(village, 0) + (1 if self.is_new() else 0)
				if count < minimum:
					frappe.msgprint(
						_("{0} has {1} convenience shops; each community should have at least {2}.").format(
							village, count, minimum
						),
						title=_("Below Standard"),
						indicator="orange",
					)


def facility_shortfalls(doc) -> list[str]:
	"""The ways a facility falls short of the guidance, as translated sentences."""
	shortfalls = []
	kind = doc.facility_type
	standards = facility_standards()
	min_floor_area = standards.min_floor_area.get(kind)
	if min_floor_area and (doc.floor_area or 0) < min_floor_area:
		shortfalls.append(
			_("Floor area {0} m² is below the {1} m² required for a {2}.").format(
				doc.floor_area or 0, min_floor_area, _(kind)
			)
		)
	ratio = standards.students_per_teacher.get(doc.school_level)
	if kind == "School" and ratio and doc.students:
		needed = math.ceil(doc.students / ratio)
		if (doc.teachers or 0) < needed:
			shortfalls.append(
				_("{0} teachers for {1} students: a {2} school needs at least {3} (1:{4}).").format(
					doc.teachers or 0, doc.students, _(doc.school_level), needed, ratio
				)
			)
	min_beds = standards.min_beds.get(doc.clinic_level)
	if kind == "Clinic/Hospital" and min_beds and (doc.beds or 0) < min_beds:
		shortfalls.append(
			_("{0} beds: a {1} is planned with {2}.").format(doc.beds or 0, _(doc.clinic_level), min_beds)
		)
	if kind == "Religious Venue":
		years = standards.annual_report_years
		if not doc.management_committee:
			shortfalls.append(_("The religious venue has no management committee."))
		if not doc.last_annual_report_date:
			shortfalls.append(_("The religious venue has not filed an annual report."))
		elif getdate(doc.last_annual_report_date) < getdate(add_years(today(), -years)):
			shortfalls.append(
				_("The last annual report ({0}) is more than a year old.").format(doc.last_annual_report_date)
				if years == 1
				else _("The last annual report ({0}) is more than {1} years old.").format(
					doc.last_annual_report_date, years
				)
			)
	return shortfalls


def count_convenience_shops(villages) -> dict[str, int]:
	"""Convenience shops in use per village / community node (the node and its grids), from SQL."""
	villages = [v for v in villages if v]
	if not villages:
		return {}
	facility = frappe.qb.DocType("Facility")
	node = frappe.qb.DocType("Jurisdiction")
	village = frappe.qb.DocType("Jurisdiction").as_("village")
	rows = (
		frappe.qb.from_(facility)
		.join(node)
		.on(facility.jurisdiction == node.name)
		.join(village)
		.on((node.lft >= village.lft) & (node.rgt <= village.rgt))
		.select(village.name, Count(facility.name))
		.where(village.name.isin(villages))
		.where((facility.facility_type == "Convenience Shop") & (facility.status == "In Use"))
		.groupby(village.name)
		.run()
	)
	return dict(rows)


def communities_below_shop_minimum(town: str | None = None) -> list[dict]:
	"""Village / community nodes (under ``town`` if given) with fewer convenience shops in use than the
	standard (§13: 3)."""
	frappe.has_permission("Facility", "read", throw=True)
	filters = {"level": LEVEL_VILLAGE}
	if town:
		lft, rgt = frappe.db.get_value("Jurisdiction", town, ["lft", "rgt"])
		filters.update({"lft": [">", lft], "rgt": ["<", rgt]})
	villages = frappe.get_list("Jurisdiction", filters=filters, pluck="name", limit_page_length=0)
	counts = count_convenience_shops(villages)
	required = facility_standards().min_convenience_shops_per_community
	return [
		{"village": v, "convenience_shops": counts.get(v, 0), "required": required}
		for v in villages
		if counts.get(v, 0) < required
	]


def on_doctype_update():
	ensure_index("Facility", ["creation"])
