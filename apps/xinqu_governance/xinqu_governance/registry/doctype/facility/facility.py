# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import math

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.query_builder.functions import Count
from frappe.utils import add_years, getdate, today

from xinqu_governance.registry.utils import (
	LEVEL_COUNTY,
	LEVEL_VILLAGE,
	ensure_index,
	get_ancestor_at_level,
	validate_jurisdiction_level,
	validate_phone,
)

# Standards of the 2015 guidance (§10, §13, §15, §18, §27). A shortfall is recorded on the record
# (meets_standard = 0, shortfalls listed) and shown as a warning: the facility exists and must be
# registered even when it falls short; the Grid Coverage / facility lists show what to fix.
MIN_FLOOR_AREA = {
	"Town Service Centre": 1000,  # §10: 每个乡镇不少于1000平方米
	"Village Service Station": 500,  # §10: 每个村不少于500平方米
	"Service Hall": 300,  # §27(1): 300平方米的便民服务大厅
}
STUDENTS_PER_TEACHER = {"Primary": 20, "Junior Secondary": 15}  # §27(3): 小学1:20、初中1:15
MIN_BEDS = {"Hospital": 300, "Community Health Centre": 40}  # §15
MIN_CONVENIENCE_SHOPS_PER_COMMUNITY = 3  # §13: 每个社区至少设置3个便民利民服务店
ANNUAL_REPORT_YEARS = 1  # §18: 年度情况报告制度


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
		if self.facility_type in MIN_FLOOR_AREA and not self.floor_area:
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
			if village:
				count = count_convenience_shops([village]).get(village, 0) + (1 if self.is_new() else 0)
				if count < MIN_CONVENIENCE_SHOPS_PER_COMMUNITY:
					frappe.msgprint(
						_("{0} has {1} convenience shops; each community should have at least {2}.").format(
							village, count, MIN_CONVENIENCE_SHOPS_PER_COMMUNITY
						),
						title=_("Below Standard"),
						indicator="orange",
					)


def facility_shortfalls(doc) -> list[str]:
	"""The ways a facility falls short of the guidance, as translated sentences."""
	shortfalls = []
	kind = doc.facility_type
	if kind in MIN_FLOOR_AREA and (doc.floor_area or 0) < MIN_FLOOR_AREA[kind]:
		shortfalls.append(
			_("Floor area {0} m² is below the {1} m² required for a {2}.").format(
				doc.floor_area or 0, MIN_FLOOR_AREA[kind], _(kind)
			)
		)
	if kind == "School" and doc.school_level in STUDENTS_PER_TEACHER and doc.students:
		ratio = STUDENTS_PER_TEACHER[doc.school_level]
		needed = math.ceil(doc.students / ratio)
		if (doc.teachers or 0) < needed:
			shortfalls.append(
				_("{0} teachers for {1} students: a {2} school needs at least {3} (1:{4}).").format(
					doc.teachers or 0, doc.students, _(doc.school_level), needed, ratio
				)
			)
	if (
		kind == "Clinic/Hospital"
		and doc.clinic_level in MIN_BEDS
		and (doc.beds or 0) < MIN_BEDS[doc.clinic_level]
	):
		shortfalls.append(
			_("{0} beds: a {1} is planned with {2}.").format(
				doc.beds or 0, _(doc.clinic_level), MIN_BEDS[doc.clinic_level]
			)
		)
	if kind == "Religious Venue":
		if not doc.management_committee:
			shortfalls.append(_("The religious venue has no management committee."))
		if not doc.last_annual_report_date:
			shortfalls.append(_("The religious venue has not filed an annual report."))
		elif getdate(doc.last_annual_report_date) < getdate(add_years(today(), -ANNUAL_REPORT_YEARS)):
			shortfalls.append(
				_("The last annual report ({0}) is more than a year old.").format(doc.last_annual_report_date)
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


@frappe.whitelist()
def communities_below_shop_minimum(town: str | None = None) -> list[dict]:
	"""Village / community nodes (under ``town`` if given) with fewer than 3 convenience shops in use."""
	frappe.has_permission("Facility", "read", throw=True)
	filters = {"level": LEVEL_VILLAGE}
	if town:
		lft, rgt = frappe.db.get_value("Jurisdiction", town, ["lft", "rgt"])
		filters.update({"lft": [">", lft], "rgt": ["<", rgt]})
	villages = frappe.get_list("Jurisdiction", filters=filters, pluck="name", limit_page_length=0)
	counts = count_convenience_shops(villages)
	return [
		{"village": v, "convenience_shops": counts.get(v, 0), "required": MIN_CONVENIENCE_SHOPS_PER_COMMUNITY}
		for v in villages
		if counts.get(v, 0) < MIN_CONVENIENCE_SHOPS_PER_COMMUNITY
	]


def on_doctype_update():
	ensure_index("Facility", ["creation"])
