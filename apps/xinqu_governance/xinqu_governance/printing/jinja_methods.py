"""Jinja methods of the district's official documents (the profile's `print_formats/`).

Registered one by one under the `jinja` hook, so a print format calls them by name, e.g.
`{% set person = xq_person(row.resident) %}`. They gather what a printed document needs from the
records around it: a party's or member's sex, ethnicity, birth date and address (Resident →
Household → Dwelling), a grid's households, the case a supervision is about, the people's mediation
committee of a place.

Permissions: Frappe has checked that the user may print the document before its template runs; these
helpers read only records that belong to that document (its parties, members, grid, case) and do so
without a second check, as a print format's own `frappe.db.get_value` calls would. None of them is
whitelisted for HTTP. Every helper returns empty values ("" / empty dict / []) for a missing link, so
a template prints a blank to write on instead of "None".

ID and phone numbers come out as the user may see them (`governance.personal_data.shown`): in full for
a role with read at permlevel 1, else masked; a template prints a document's own number with
`xq_number(doc, "petitioner_phone")`.
"""

import frappe
from frappe import _
from frappe.utils import cint, formatdate, get_datetime, get_url, getdate

from xinqu_governance.cases.mediating_body import ancestor_of_level, committee_of, mediating_body
from xinqu_governance.governance.personal_data import shown
from xinqu_governance.portal.case_tracking import tracking_code_of
from xinqu_governance.printing.in_force import draft_mark

GRID, VILLAGE, TOWN = "Grid", "Village", "Town"
# the fields holding a case's account of the matter, by preference
CASE_TEXT_FIELDS = ("description", "content", "assessment", "details", "situation")


def xq_cn_date(value) -> str:
	"""A date as written on Chinese official documents (2026年3月5日); "" when empty."""
	if not value:
		return ""
	date = getdate(value)
	return f"{date.year}年{date.month}月{date.day}日"


def xq_number(row, fieldname: str) -> str:
	"""A personal number of a document or child row being printed, in full or masked (module docstring)."""
	if not row:
		return ""
	return shown(row.doctype, fieldname, row.get(fieldname))


def xq_date(value) -> str:
	"""A date (or the date of a datetime) in the site's date format; "" when empty."""
	return formatdate(getdate(value)) if value else ""


def xq_datetime(value) -> str:
	"""A datetime as date (site format) and hours:minutes, e.g. 2026-12-05 09:30; "" when empty."""
	if not value:
		return ""
	moment = get_datetime(value)
	return f"{formatdate(moment.date())} {moment:%H:%M}"


def xq_tracking_code(doc) -> str:
	"""The tracking code of a petition or service request as the resident enters it at /petition/track
	(7KQ2-MX9D-R4TW); "" for any other document."""
	return tracking_code_of(doc.doctype, doc.name) if doc and doc.get("name") else ""


def xq_user_name(user: str | None) -> str:
	"""The full name of a user, "" for none (and for Administrator / Guest, who are not people)."""
	if not user or user in ("Administrator", "Guest"):
		return ""
	return frappe.db.get_value("User", user, "full_name") or ""


def xq_dwelling_address(dwelling: str | None) -> frappe._dict:
	"""compound, building (3号楼), unit (2单元), room (502室), floor and the whole `text`."""
	empty = frappe._dict(compound="", building="", unit="", room="", floor="", text="")
	if not dwelling:
		return empty
	row = frappe.db.get_value(
		"Dwelling", dwelling, ["compound", "building", "building_unit", "room", "floor"], as_dict=True
	)
	if not row:
		return empty
	building_number = frappe.db.get_value("Building", row.building, "building_number") if row.building else ""
	unit_number = (
		frappe.db.get_value("Building Unit", row.building_unit, "unit_number") if row.building_unit else ""
	)
	address = frappe._dict(
		compound=row.compound or "",
		building=f"{building_number}号楼" if building_number else "",
		unit=f"{unit_number}单元" if unit_number else "",
		room=f"{row.room}室" if row.room else "",
		floor=f"{row.floor}层" if cint(row.floor) else "",
	)
	address.text = "".join((address.compound, address.building, address.unit, address.room))
	return address


def xq_person(resident: str | None) -> frappe._dict:
	"""What a document prints about a person: full_name, sex, ethnicity, religion, hukou_type
	(translated), birth_date (site format), age, citizen_id, phone, address, special_groups."""
	person = frappe._dict(
		full_name="",
		sex="",
		ethnicity="",
		religion="",
		hukou_type="",
		birth_date="",
		age="",
		citizen_id="",
		phone="",
		address="",
		special_groups="",
		household="",
	)
	if not resident:
		return person
	row = frappe.db.get_value(
		"Resident",
		resident,
		[
			"full_name",
			"sex",
			"ethnicity",
			"religion",
			"hukou_type",
			"birth_date",
			"citizen_id",
			"phone",
			"household",
		],
		as_dict=True,
	)
	if not row:
		return person
	person.update(
		full_name=row.full_name or "",
		sex=_(row.sex) if row.sex else "",
		ethnicity=_(row.ethnicity) if row.ethnicity else "",
		religion=_(row.religion) if row.religion else "",
		hukou_type=_(row.hukou_type) if row.hukou_type else "",
		birth_date=xq_date(row.birth_date),
		age=_age(row.birth_date),
		citizen_id=shown("Resident", "citizen_id", row.citizen_id),
		phone=shown("Resident", "phone", row.phone),
		household=row.household or "",
	)
	if row.household:
		dwelling = frappe.db.get_value("Household", row.household, "dwelling")
		person.address = xq_dwelling_address(dwelling).text
	groups = frappe.get_all(
		"Resident Special Group",
		filters={"parent": resident, "parenttype": "Resident"},
		pluck="special_group",
		order_by="idx asc",
	)
	person.special_groups = "、".join(_(group) for group in groups if group)
	return person


def _age(birth_date) -> str:
	if not birth_date:
		return ""
	born, today = getdate(birth_date), getdate()
	return str(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))


def xq_household_members(household: str | None) -> list[frappe._dict]:
	"""The members of a household in table order, each an `xq_person` with its `relation`."""
	if not household:
		return []
	rows = frappe.get_all(
		"Household Member",
		filters={"parent": household, "parenttype": "Household"},
		fields=["resident", "relation"],
		order_by="idx asc",
	)
	members = []
	for row in rows:
		person = xq_person(row.resident)
		person.relation = _(row.relation) if row.relation else ""
		members.append(person)
	return members


def xq_grid_households(grid: str | None) -> list[frappe._dict]:
	"""The households of a grid in the order of their addresses (building, unit, floor, room):
	household code, head's name and phone, member count, address, low-income status."""
	if not grid:
		return []
	households = frappe.get_all(
		"Household",
		filters={"grid": grid},
		fields=["name", "head_name", "head_phone", "member_count", "dwelling", "low_income_status"],
		order_by="name asc",
	)
	dwellings = {
		row.name: row
		for row in frappe.get_all(
			"Dwelling",
			filters={"name": ("in", [h.dwelling for h in households if h.dwelling] or [""])},
			fields=["name", "compound", "building", "building_unit", "floor", "room"],
		)
	}
	buildings = _numbers("Building", "building_number", {d.building for d in dwellings.values()})
	units = _numbers("Building Unit", "unit_number", {d.building_unit for d in dwellings.values()})

	out = []
	for household in households:
		dwelling = dwellings.get(household.dwelling)
		address, sort_key = "", ("~",)
		if dwelling:
			building, unit = buildings.get(dwelling.building, ""), units.get(dwelling.building_unit, "")
			address = "".join(
				(
					f"{building}号楼" if building else "",
					f"{unit}单元" if unit else "",
					f"{dwelling.room}室" if dwelling.room else "",
				)
			)
			sort_key = (
				dwelling.compound or "",
				_natural(building),
				_natural(unit),
				cint(dwelling.floor),
				_natural(dwelling.room),
			)
		out.append(
			(
				sort_key,
				frappe._dict(
					household_code=household.name,
					head_name=household.head_name or "",
					head_phone=shown("Household", "head_phone", household.head_phone),
					member_count=cint(household.member_count),
					address=address,
					compound=dwelling.compound if dwelling else "",
					low_income_status=_(household.low_income_status)
					if household.low_income_status and household.low_income_status != "None"
					else "",
				),
			)
		)
	out.sort(key=lambda item: (item[0], item[1].household_code))
	return [row for _key, row in out]


def _numbers(doctype: str, fieldname: str, names: set) -> dict:
	names = sorted(name for name in names if name)
	if not names:
		return {}
	return {
		row.name: row.get(fieldname)
		for row in frappe.get_all(doctype, filters={"name": ("in", names)}, fields=["name", fieldname])
	}


def _natural(value) -> tuple:
	text = str(value or "")
	return (0, int(text), "") if text.isdigit() else (1, 0, text)


def xq_ancestor(jurisdiction: str | None, level: str) -> str:
	"""The node of `level` that contains `jurisdiction` (itself if it has that level), else ""."""
	return ancestor_of_level(jurisdiction, level)


def xq_mediation_committee(jurisdiction: str | None) -> str:
	"""The people's mediation committee of a place: the nearest Organisation of type Mediation
	Committee at the place's village (else town) or above it, else "<village or town>人民调解委员会"."""
	if not jurisdiction or not frappe.db.exists("Jurisdiction", jurisdiction):
		return ""
	return committee_of(xq_ancestor(jurisdiction, VILLAGE) or xq_ancestor(jurisdiction, TOWN) or jurisdiction)


def xq_mediating_body(dispute) -> frappe._dict:
	"""Who concluded the dispute's mediation (`cases.mediating_body`), as the agreement prints it:
	committee (with the seal), level (translated), unit, mediator and recorder (full names), signed_on
	(2026年3月5日, "" before an agreement)."""
	body = mediating_body(dispute)
	return frappe._dict(
		committee=body.committee,
		level=_(body.level) if body.level else "",
		unit=body.unit,
		mediator=xq_user_name(body.mediator),
		recorder=xq_user_name(body.recorder),
		signed_on=xq_cn_date(body.signed_on),
	)


def xq_draft_mark(doc) -> str:
	"""草稿 / 未生效 while the document's case is not where the document attests, else "" (`printing.in_force`)."""
	return draft_mark(doc)


def xq_site_url(path: str = "") -> str:
	"""The site's address with `path` (where a printed document sends people), e.g. https://…/petition/track."""
	return get_url(path)


def xq_case_summary(doctype: str | None, name: str | None) -> frappe._dict:
	"""What a transfer or supervision sheet prints about its case: the case type (translated), number,
	subject, place, time received, handling unit and level, the account of the matter (`text`)."""
	summary = frappe._dict(
		doctype_label="",
		name=name or "",
		subject="",
		jurisdiction="",
		reported_on="",
		handling_unit="",
		handling_level="",
		assigned_to="",
		text="",
	)
	if not doctype or not name or not frappe.db.exists(doctype, name):
		return summary
	meta = frappe.get_meta(doctype)
	text_field = next((f for f in CASE_TEXT_FIELDS if meta.has_field(f)), None)
	fields = [
		f
		for f in ("subject", "jurisdiction", "reported_on", "handling_unit", "handling_level", "assigned_to")
		if meta.has_field(f)
	]
	row = frappe.db.get_value(doctype, name, fields + ([text_field] if text_field else []), as_dict=True)
	summary.update(
		doctype_label=_(doctype),
		subject=row.get("subject") or "",
		jurisdiction=row.get("jurisdiction") or "",
		reported_on=xq_date(row.get("reported_on")),
		handling_unit=row.get("handling_unit") or "",
		handling_level=_(row.handling_level) if row.get("handling_level") else "",
		assigned_to=xq_user_name(row.get("assigned_to")),
		text=(row.get(text_field) or "") if text_field else "",
	)
	return summary


def xq_coverage_label(building: str | None, building_unit: str | None = None) -> str:
	"""A grid's coverage row as people say it: 3号楼 or 3号楼2单元 (the compound left out)."""
	building_number = frappe.db.get_value("Building", building, "building_number") if building else ""
	unit_number = frappe.db.get_value("Building Unit", building_unit, "unit_number") if building_unit else ""
	return "".join(
		(f"{building_number}号楼" if building_number else "", f"{unit_number}单元" if unit_number else "")
	)


def xq_grid_team(grid: str | None) -> frappe._dict:
	"""The people of a grid (from its Grid Profile): `workers` (name, phone, is_lead), `workers_text`
	(张三 13800000000、李四 …), `building_head` and `building_head_phone`."""
	team = frappe._dict(workers=[], workers_text="", building_head="", building_head_phone="")
	if not grid or not frappe.db.exists("Grid Profile", grid):
		return team
	head = frappe.db.get_value(
		"Grid Profile", grid, ["building_head_name", "building_head_phone"], as_dict=True
	)
	team.building_head = head.building_head_name or ""
	team.building_head_phone = shown("Grid Profile", "building_head_phone", head.building_head_phone)
	rows = frappe.get_all(
		"Grid Profile Worker",
		filters={"parent": grid, "parenttype": "Grid Profile"},
		fields=["user", "worker_name", "phone", "is_lead"],
		order_by="is_lead desc, idx asc",
	)
	for row in rows:
		team.workers.append(
			frappe._dict(
				name=row.worker_name or xq_user_name(row.user),
				phone=shown("Grid Profile Worker", "phone", row.phone),
				is_lead=cint(row.is_lead),
			)
		)
	team.workers_text = "、".join(
		" ".join(part for part in (worker.name, worker.phone) if part) for worker in team.workers
	)
	return team
