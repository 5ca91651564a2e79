"""Import of households and residents from spreadsheets (xlsx or csv) with Chinese headers.

One row per resident; the rows of one household share its household code (户编号) and the household's
own columns (dwelling, dates, statuses) are given on any of its rows, consistently.

The import runs in two passes:

1. Validate every row (citizen ID checksum and birth date, phone, option values, dates, integers,
   link values such as villages, grids and dwellings, one head per household, no citizen ID twice,
   permissions of the importing user). Each bad row is reported with its spreadsheet row number
   (the header is row 1) and its reasons. A household with any bad row is not imported at all, and
   its other rows are reported as skipped: nothing is half-written.
2. Write the good households set-based (multi-row INSERTs, UPDATEs of changed rows only) in chunks;
   each chunk is one savepoint / transaction, and a household never spans two chunks.

Re-importing the same file changes nothing: residents are matched by citizen ID number, households
by household code, and a row is written only when a value differs.

A value longer than its column (from the meta: `length`, else Frappe's 140 for Data and Link), a
control character or a value of the wrong type is an error of its row. A row whose citizen ID number
belongs to a resident the user may change and that would change that resident (name, place,
household, other fields) is reported in `changes` with the fields that change; its household is
written only when the import is called with `confirm` (otherwise it waits, reported as pending).

Frappe's Data Import is not used because it cannot promise per-row errors for link values (one bad
link blocks the whole import) and integers ("abc" becomes 0), and because it inserts one document
at a time (about 600 per second) where this path does thousands of rows per second.
"""

import csv
import datetime
import io
import os
import re
from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count

from xinqu_governance.registry import citizen_id
from xinqu_governance.registry.bulk import insert_rows, new_child_name, reserve_series
from xinqu_governance.registry.grids import recount_grids
from xinqu_governance.registry.housing import dwelling_name, recount_housing, unit_name
from xinqu_governance.registry.hukou import hukou_addresses
from xinqu_governance.registry.utils import (
	LEVEL_GRID,
	LEVEL_TOWN,
	LEVEL_VILLAGE,
	analyze_tables,
	get_ancestor_at_level,
	is_valid_phone,
	normalize_phone,
)

RESIDENT_SERIES_PREFIX, RESIDENT_SERIES_DIGITS = "RES-", 7
CHUNK_HOUSEHOLDS = 2000
LOOKUP_BATCH = 5000
ANALYZE_AFTER_ROWS = 20_000  # a bulk load this large leaves the optimizer's statistics stale

# header (Chinese, or the English label, or the field name) -> key
COLUMNS = {
	"household_code": ("户编号", "Household Code"),
	"relation": ("与户主关系", "Relation to Head"),
	"full_name": ("姓名", "Full Name"),
	"citizen_id": ("身份证号", "公民身份号码", "身份证号码", "Citizen ID Number"),
	"ethnicity": ("民族", "Ethnicity"),
	"religion": ("宗教信仰", "宗教", "Religion"),
	"phone": ("联系电话", "电话", "Phone"),
	"hukou_type": ("户口类型", "Hukou Type"),
	"is_floating": ("流动人口", "Floating Population"),
	"floating_from": ("来自何地", "流出地", "Came From"),
	"employment_status": ("就业状况", "Employment Status"),
	"training_interest": ("培训意向", "Training Wanted"),
	"pension_insurance": ("养老保险", "Pension Insurance"),
	"medical_insurance": ("医疗保险", "Medical Insurance"),
	"special_groups": ("特殊人群", "Special Groups"),
	"household_type": ("户类型", "Household Type"),
	"origin_village": ("原籍村", "原村", "Origin Village"),
	"compound": ("安置小区", "Resettlement Compound"),
	"building_number": ("楼栋", "楼号", "Building Number"),
	"unit_number": ("单元", "Unit Number"),
	"room": ("房号", "Room"),
	"allocation_date": ("分房日期", "Allocation Date"),
	"move_in_date": ("入住日期", "Move-in Date"),
	"transition_status": ("过渡状态", "Transition Status"),
	"hukou_status": ("户籍状态", "Hukou Status"),
	"hukou_conversion_date": ("农转非日期", "Agricultural to Non-agricultural Conversion Date"),
	"low_income_status": ("低保状态", "低保", "Low-income Status"),
	"grid": ("网格", "Grid"),
	"jurisdiction": ("所属村(社区)", "所属村（社区）", "所属村", "Village / Community", "Jurisdiction"),  # noqa: RUF001 (full-width brackets as typed)
}
HEADER_TO_KEY = {}
for _key, _headers in COLUMNS.items():
	HEADER_TO_KEY[_key] = _key
	for _header in _headers:
		HEADER_TO_KEY[_header.strip().lower()] = _key

REQUIRED = ("household_code", "relation", "full_name", "citizen_id")
RESIDENT_SELECTS = (
	"ethnicity",
	"religion",
	"hukou_type",
	"employment_status",
	"training_interest",
	"pension_insurance",
	"medical_insurance",
)
HOUSEHOLD_SELECTS = ("household_type", "transition_status", "hukou_status", "low_income_status")
HOUSEHOLD_KEYS = (
	"household_type",
	"origin_village",
	"compound",
	"building_number",
	"unit_number",
	"room",
	"allocation_date",
	"move_in_date",
	"transition_status",
	"hukou_status",
	"hukou_conversion_date",
	"low_income_status",
	"grid",
	"jurisdiction",
)
DATE_KEYS = ("allocation_date", "move_in_date", "hukou_conversion_date")
RESIDENT_FIELDS = (
	"citizen_id",
	"full_name",
	"sex",
	"birth_date",
	"ethnicity",
	"religion",
	"phone",
	"hukou_type",
	"is_floating",
	"floating_from",
	"employment_status",
	"training_interest",
	"pension_insurance",
	"medical_insurance",
)
HOUSEHOLD_FIELDS = (
	"household_type",
	"origin_village",
	"dwelling",
	"compound",
	"allocation_date",
	"move_in_date",
	"transition_status",
	"hukou_status",
	"hukou_conversion_date",
	"low_income_status",
)
ALLOWANCE_STATUSES = (
	"Urban Minimum Living Allowance",
	"Rural Minimum Living Allowance",
	"Extreme Poverty Support",
)
YES = {"是", "y", "yes", "1", "true", "√", "有"}
NO = {"否", "n", "no", "0", "false", "", "无"}
RELATION_ALIASES = {
	"户主": "Head",
	"本人": "Head",
	"妻": "Spouse",
	"夫": "Spouse",
	"妻子": "Spouse",
	"丈夫": "Spouse",
	"子": "Son",
	"长子": "Son",
	"次子": "Son",
	"女": "Daughter",
	"长女": "Daughter",
	"次女": "Daughter",
	"父亲": "Parent",
	"母亲": "Parent",
	"父": "Parent",
	"母": "Parent",
	"孙子": "Grandchild",
	"孙女": "Grandchild",
	"外孙": "Grandchild",
	"外孙女": "Grandchild",
	"祖父": "Grandparent",
	"祖母": "Grandparent",
	"兄": "Sibling",
	"弟": "Sibling",
	"姐": "Sibling",
	"妹": "Sibling",
	"儿媳": "Daughter-in-law",
	"女婿": "Son-in-law",
	"岳父": "Parent-in-law",
	"岳母": "Parent-in-law",
	"公公": "Parent-in-law",
	"婆婆": "Parent-in-law",
}


# column key → the field its value is written to (or looked up in): where its length limit is read
COLUMN_FIELDS = {
	**{key: ("Resident", key) for key in (*RESIDENT_FIELDS, "is_floating", "floating_from")},
	**{
		key: ("Household", key)
		for key in HOUSEHOLD_KEYS
		if key not in ("building_number", "unit_number", "room")
	},
	"household_code": ("Household", "household_code"),
	"relation": ("Household Member", "relation"),
	"building_number": ("Building", "building_number"),
	"unit_number": ("Building Unit", "unit_number"),
	"room": ("Dwelling", "room"),
	"special_groups": ("Resident", "special_groups"),
}
VARCHAR_TYPES = ("Data", "Link", "Dynamic Link", "Select", "Read Only", "Phone", "Autocomplete")
TEXT_TYPES = ("Small Text", "Text", "Long Text", "Code", "Text Editor")
TEXT_COLUMN_CHARACTERS = 16383  # a MariaDB `text` column holds 65535 bytes, 4 per character at worst
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# what the import may change on a resident it finds by citizen ID number (reported, applied on confirm)
PERSON_FIELDS = (*RESIDENT_FIELDS[1:], "household", "grid", "jurisdiction")

COUNTERS = (
	"rows_valid",
	"residents_created",
	"residents_updated",
	"residents_unchanged",
	"households_created",
	"households_updated",
	"households_unchanged",
	"households_pending",
)


class ImportFileError(frappe.ValidationError):
	pass


# ------------------------------------------------------------------ reading


def read_table(content: bytes | str, filename: str) -> list[list]:
	"""Rows of the first sheet (xlsx) or of the csv file, header row included."""
	extension = os.path.splitext(filename or "")[1].lower()
	if extension == ".xlsx":
		from openpyxl import load_workbook

		workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
		try:
			return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
		finally:
			workbook.close()
	if extension in (".csv", ".txt"):
		if isinstance(content, bytes):
			for encoding in ("utf-8-sig", "gb18030"):
				try:
					content = content.decode(encoding)
					break
				except UnicodeDecodeError:
					continue
			else:
				frappe.throw(_("The csv file is neither UTF-8 nor GB18030 encoded."), ImportFileError)
		return [row for row in csv.reader(io.StringIO(content))]
	frappe.throw(
		_("Only .xlsx and .csv files can be imported, not {0}.").format(extension or filename),
		ImportFileError,
	)


def rows_from_table(table: list[list]) -> tuple[list[dict], list[str]]:
	"""(rows as dicts with ``_row`` = spreadsheet row number, keys of the columns present)."""
	if not table:
		frappe.throw(_("The file is empty."), ImportFileError)
	header = [str(cell or "").strip() for cell in table[0]]
	keys = []
	unknown = []
	for cell in header:
		key = HEADER_TO_KEY.get(cell.lower()) if cell else None
		if cell and not key:
			unknown.append(cell)
		keys.append(key)
	missing = [COLUMNS[k][0] for k in REQUIRED if k not in keys]
	if missing:
		frappe.throw(_("The file lacks the columns {0}.").format(", ".join(missing)), ImportFileError)
	rows = []
	for number, cells in enumerate(table[1:], start=2):
		if not any(cell not in (None, "") and str(cell).strip() for cell in cells):
			continue
		row = {"_row": number}
		for key, cell in zip(keys, cells, strict=False):
			if key:
				row[key] = cell
		rows.append(row)
	return rows, [k for k in keys if k]


# ------------------------------------------------------------------ value parsing


def _text(value) -> str:
	if value is None:
		return ""
	if isinstance(value, float) and value.is_integer():
		value = int(value)
	return str(value).strip()


def _translations() -> dict[str, str]:
	"""English → Chinese of the site's translations (apps' catalogues and the Translation DocType),
	so that spreadsheets may spell Select options in Chinese."""
	from frappe.translate import get_all_translations

	return get_all_translations("zh")


def _option_map(doctype: str, fieldname: str) -> dict[str, str]:
	"""Accepted spellings (option, its Chinese translation, lower-cased) → option value."""
	options = [o for o in (frappe.get_meta(doctype).get_field(fieldname).options or "").split("\n") if o]
	translations = _translations()
	mapping = {}
	for option in options:
		mapping[option.lower()] = option
		if option in translations:
			mapping[translations[option].lower()] = option
	return mapping


class _Parser:
	def __init__(self):
		self.maps = {key: _option_map("Resident", key) for key in RESIDENT_SELECTS}
		self.maps.update({key: _option_map("Household", key) for key in HOUSEHOLD_SELECTS})
		self.maps["relation"] = _option_map("Household Member", "relation")
		for alias, option in RELATION_ALIASES.items():
			self.maps["relation"].setdefault(alias, option)
		ethnicity = self.maps["ethnicity"]
		for spelling, option in list(ethnicity.items()):  # 回族 and 回 both
			if spelling.endswith("族"):
				ethnicity.setdefault(spelling[:-1], option)
		self.special_groups = _option_map("Resident Special Group", "special_group")
		self.limits = {key: max_length(key) for key in COLUMN_FIELDS}

	def select(self, key, value, errors):
		text = _text(value)
		if not text:
			return None
		option = self.maps[key].get(text.lower())
		if option is None:
			errors.append(_("{0}: {1} is not one of the allowed values.").format(_column_label(key), text))
		return option

	def date(self, key, value, errors):
		if value in (None, ""):
			return None
		if isinstance(value, datetime.datetime):
			return value.date()
		if isinstance(value, datetime.date):
			return value
		text = _text(value).replace("/", "-").replace(".", "-")
		for fmt in ("%Y-%m-%d", "%Y%m%d"):
			try:
				return datetime.datetime.strptime(text, fmt).date()
			except ValueError:
				continue
		errors.append(_("{0}: {1} is not a date (use YYYY-MM-DD).").format(_column_label(key), _text(value)))
		return None

	def integer(self, key, value, errors):
		text = _text(value)
		if not text:
			return None
		if text.isdigit():
			return int(text)
		errors.append(_("{0}: {1} is not a whole number.").format(_column_label(key), text))
		return None

	def check(self, key, value, errors):
		text = _text(value).lower()
		if text in YES:
			return 1
		if text in NO:
			return 0
		errors.append(_("{0}: {1} is neither 是 nor 否.").format(_column_label(key), _text(value)))
		return 0

	def groups(self, value, errors):
		result = []
		for part in (
			_text(value).replace("，", ",").replace("、", ",").replace(";", ",").replace("；", ",").split(",")  # noqa: RUF001
		):
			part = part.strip()
			if not part:
				continue
			option = self.special_groups.get(part.lower())
			if option is None:
				errors.append(_("Special group {0} is not one of the allowed values.").format(part))
			elif option not in result:
				result.append(option)
		return result


def _column_label(key: str) -> str:
	return COLUMNS[key][0]


def max_length(key: str) -> int | None:
	"""Characters the column's field holds (None: not a text field)."""
	doctype, fieldname = COLUMN_FIELDS[key]
	df = frappe.get_meta(doctype).get_field(fieldname)
	if df is None or df.fieldtype in VARCHAR_TYPES:
		return (df and int(df.length or 0)) or frappe.db.VARCHAR_LEN
	if df.fieldtype in TEXT_TYPES:
		return TEXT_COLUMN_CHARACTERS
	return None


def check_cell(key: str, value, limit: int | None, errors: list) -> None:
	"""The cell's type, control characters and length (`limit`: see max_length)."""
	if value is None:
		return
	if isinstance(value, datetime.date | datetime.time) and key not in DATE_KEYS:
		errors.append(_("{0}: {1} is a date or time, not text.").format(_column_label(key), value))
		return
	text = _text(value)
	if CONTROL_CHARACTER.search(text):
		errors.append(_("{0}: the value contains control characters.").format(_column_label(key)))
	if limit and len(text) > limit:
		errors.append(_("{0}: {1} characters, at most {2} fit.").format(_column_label(key), len(text), limit))


# ------------------------------------------------------------------ validation


class ImportResult(frappe._dict):
	pass


def parse_row(row: dict, parser: _Parser, columns) -> dict:
	"""Turn one spreadsheet row into field values; reasons go to ``row['_errors']``."""
	errors = []
	parsed = {"_row": row["_row"], "_errors": errors}
	for key in columns:
		check_cell(key, row.get(key), parser.limits[key], errors)
	for key in REQUIRED:
		if not _text(row.get(key)):
			errors.append(_("{0} is empty.").format(_column_label(key)))
	parsed["household_code"] = _text(row.get("household_code"))
	parsed["full_name"] = _text(row.get("full_name"))
	parsed["relation"] = (
		parser.select("relation", row.get("relation"), errors) if _text(row.get("relation")) else None
	)

	number = _text(row.get("citizen_id"))
	if number:
		try:
			identity = citizen_id.parse(number)
		except citizen_id.CitizenIDError as error:
			errors.append(_("Citizen ID number {0}: {1}").format(number, error.message))
		else:
			parsed.update(citizen_id=identity.number, birth_date=identity.birth_date, sex=identity.sex)

	for key in RESIDENT_SELECTS + HOUSEHOLD_SELECTS:
		if key in columns:
			parsed[key] = parser.select(key, row.get(key), errors)
	for key in DATE_KEYS:
		if key in columns:
			parsed[key] = parser.date(key, row.get(key), errors)
	if "unit_number" in columns:
		parsed["unit_number"] = parser.integer("unit_number", row.get("unit_number"), errors)
		if parsed["unit_number"] is None and _text(row.get("unit_number")):
			parsed["_unreadable_dwelling"] = True  # reported; no follow-up errors about the dwelling
	for key in (
		"origin_village",
		"compound",
		"building_number",
		"room",
		"grid",
		"jurisdiction",
		"floating_from",
	):
		if key in columns:
			parsed[key] = _text(row.get(key)) or None
	if "phone" in columns:
		phone = normalize_phone(_text(row.get("phone")))
		if phone and not is_valid_phone(phone):
			errors.append(
				_("{0}: {1} is neither a mobile nor a landline number.").format(_column_label("phone"), phone)
			)
		parsed["phone"] = phone or None
	if "is_floating" in columns:
		parsed["is_floating"] = parser.check("is_floating", row.get("is_floating"), errors)
		if parsed["is_floating"] and not parsed.get("floating_from"):
			errors.append(_("A floating resident needs {0}.").format(_column_label("floating_from")))
	if "special_groups" in columns:
		parsed["special_groups"] = parser.groups(row.get("special_groups"), errors)
	return parsed


class _Context:
	"""What validation needs from the database, loaded once and in batches."""

	def __init__(self, user: str):
		J = frappe.qb.DocType("Jurisdiction")
		self.levels = dict(frappe.qb.from_(J).select(J.name, J.level).run())
		self.allowed = _allowed_jurisdictions(user)

	def permitted(self, jurisdiction: str | None) -> bool:
		return self.allowed is None or jurisdiction in self.allowed


def _allowed_jurisdictions(user: str) -> set[str] | None:
	"""Jurisdictions the user may write to (the permitted nodes and their descendants); None = all."""
	if user == "Administrator" or "System Manager" in frappe.get_roles(user):
		return None
	permissions = frappe.permissions.get_user_permissions(user).get("Jurisdiction")
	if not permissions:
		return None
	allowed = set()
	for permission in permissions:
		allowed.add(permission.get("doc"))
		allowed.update(frappe.db.get_descendants("Jurisdiction", permission.get("doc")) or [])
	return allowed


def _fetch_in_batches(doctype, field, values, fields):
	values = list({v for v in values if v})
	table = frappe.qb.DocType(doctype)
	result = {}
	for start in range(0, len(values), LOOKUP_BATCH):
		batch = values[start : start + LOOKUP_BATCH]
		rows = (
			frappe.qb.from_(table)
			.select(*[table[f] for f in fields])
			.where(table[field].isin(batch))
			.run(as_dict=True)
		)
		for row in rows:
			result[row[field]] = row
	return result


def validate_rows(rows: list[dict], columns, user: str) -> tuple[list[dict], list[dict]]:
	"""Return (good household groups, error report). A group: household values + its resident rows."""
	parser = _Parser()
	context = _Context(user)
	parsed_rows = [parse_row(row, parser, columns) for row in rows]

	# a citizen ID appears once in the file
	first_row = {}
	for row in parsed_rows:
		number = row.get("citizen_id")
		if not number:
			continue
		if number in first_row:
			row["_errors"].append(
				_("Citizen ID number {0} already appears in row {1}.").format(number, first_row[number])
			)
		else:
			first_row[number] = row["_row"]

	groups = {}
	for row in parsed_rows:
		groups.setdefault(row["household_code"] or f"\0{row['_row']}", []).append(row)

	existing_residents = _fetch_in_batches(
		"Resident", "citizen_id", first_row, ["name", "citizen_id", *PERSON_FIELDS]
	)
	existing_households = _fetch_in_batches(
		"Household",
		"name",
		[c for c in groups if not c.startswith("\0")],
		["name", "jurisdiction", "dwelling"],
	)

	households = []
	for code, members in groups.items():
		household = _household_values(code, members, columns)
		households.append((household, members))

	dwellings = _fetch_in_batches(
		"Dwelling",
		"name",
		[h.get("dwelling") for h, _m in households],
		["name", "jurisdiction", "grid", "compound", "household"],
	)
	claimed_dwellings = {}
	for household, members in households:
		_validate_household(household, members, context, dwellings, claimed_dwellings)
		for row in members:
			existing = existing_residents.get(row.get("citizen_id"))
			if existing and not context.permitted(existing.jurisdiction):
				row["_errors"].append(
					_("A resident with citizen ID number {0} is already registered in {1}.").format(
						row["citizen_id"],
						get_ancestor_at_level(existing.jurisdiction, LEVEL_TOWN) or _("another jurisdiction"),
					)
				)
			row["_existing"] = existing
			row["_changes"] = person_changes(row, existing, household) if existing else {}
		existing = existing_households.get(household["household_code"])
		if existing and not context.permitted(existing.jurisdiction):
			household["_errors"].append(
				_("Household {0} belongs to a jurisdiction you cannot change.").format(existing.name)
			)
		household["_existing"] = existing

	good, report = [], []
	for household, members in households:
		bad_rows = [row for row in members if row["_errors"]]
		if household["_errors"]:
			first = members[0]
			first["_errors"].extend(household["_errors"])
			if first not in bad_rows:
				bad_rows.insert(0, first)
		if not bad_rows:
			changes = [
				{
					"row": row["_row"],
					"household_code": household["household_code"],
					"resident": row["_existing"].name,
					"citizen_id": row["citizen_id"],
					"fields": row["_changes"],
				}
				for row in members
				if row.get("_changes")
			]
			good.append({"household": household, "members": members, "changes": changes})
			continue
		bad_numbers = [row["_row"] for row in bad_rows]
		for row in members:
			if row["_errors"]:
				reason = "; ".join(row["_errors"])
			else:
				reason = _("Not imported: household {0} has errors in rows {1}.").format(
					household["household_code"], ", ".join(str(n) for n in bad_numbers)
				)
			report.append(
				{"row": row["_row"], "household_code": household["household_code"], "reason": reason}
			)
	report.sort(key=lambda r: r["row"])
	return good, report


def person_changes(row: dict, existing, household: dict) -> dict:
	"""Field → {"from", "to"} of what the row would change on the resident it names."""
	if household["_errors"] or row["_errors"]:
		return {}
	wanted = {f: row[f] for f in RESIDENT_FIELDS[1:] if f in row}
	wanted.update(
		household=household["household_code"], grid=household["grid"], jurisdiction=household["jurisdiction"]
	)
	return {
		field: {"from": existing.get(field), "to": value}
		for field, value in wanted.items()
		if _differs(existing.get(field), value)
	}


def _household_values(code: str, members: list[dict], columns) -> dict:
	household = {"household_code": "" if code.startswith("\0") else code, "_errors": [], "_columns": set()}
	for key in HOUSEHOLD_KEYS:
		if key not in columns:
			continue
		household["_columns"].add(key)
		values = {row.get(key) for row in members if row.get(key) not in (None, "")}
		if len(values) > 1:
			household["_errors"].append(
				_("Household {0}: the rows disagree on {1} ({2}).").format(
					code, _column_label(key), ", ".join(sorted(str(v) for v in values))
				)
			)
		household[key] = values.pop() if len(values) == 1 else None
	parts = [household.get(k) for k in ("compound", "building_number", "unit_number", "room")]
	if any(row.get("_unreadable_dwelling") for row in members):
		household["_unreadable_dwelling"] = True
	elif any(parts):
		if not all(parts):
			household["_errors"].append(
				_("Give all of {0}, {1}, {2} and {3} for the dwelling, or none.").format(
					*[_column_label(k) for k in ("compound", "building_number", "unit_number", "room")]
				)
			)
		else:
			compound, building, unit, room = parts
			household["dwelling"] = dwelling_name(unit_name(f"{compound}-{building}", unit), room)
	return household


def _validate_household(household, members, context, dwellings, claimed_dwellings):
	errors = household["_errors"]
	if not household["household_code"]:
		return
	heads = [row for row in members if row.get("relation") == "Head"]
	if len(heads) != 1:
		errors.append(
			_("Household {0} has {1} rows with relation 户主 (Head); it needs exactly one.").format(
				household["household_code"], len(heads)
			)
		)
	for key, level in (("origin_village", LEVEL_VILLAGE), ("grid", LEVEL_GRID)):
		value = household.get(key)
		if value and context.levels.get(value) != level:
			errors.append(_("{0}: {1} is not a known {2}.").format(_column_label(key), value, _(level)))
	if household.get("jurisdiction") and household["jurisdiction"] not in context.levels:
		errors.append(
			_("{0}: {1} is not a known jurisdiction.").format(
				_column_label("jurisdiction"), household["jurisdiction"]
			)
		)

	dwelling_id = household.get("dwelling")
	dwelling = dwellings.get(dwelling_id) if dwelling_id else None
	if dwelling_id and not dwelling:
		errors.append(_("Dwelling {0} does not exist.").format(dwelling_id))
	elif dwelling:
		if dwelling.household and dwelling.household != household["household_code"]:
			errors.append(
				_("Dwelling {0} is already allocated to household {1}.").format(
					dwelling_id, dwelling.household
				)
			)
		elif dwelling_id in claimed_dwellings:
			errors.append(
				_("Dwelling {0} is also given to household {1} in this file.").format(
					dwelling_id, claimed_dwellings[dwelling_id]
				)
			)
		claimed_dwellings.setdefault(dwelling_id, household["household_code"])
		household["compound"] = dwelling.compound

	grid = (dwelling.grid if dwelling else None) or household.get("grid")
	if (
		not grid
		and household.get("jurisdiction")
		and context.levels.get(household["jurisdiction"]) == LEVEL_GRID
	):
		grid = household["jurisdiction"]
	jurisdiction = grid or (dwelling.jurisdiction if dwelling else None) or household.get("jurisdiction")
	if household.get("_unreadable_dwelling"):
		return  # the row's own error says what to fix; placing the household would only guess
	if not jurisdiction:
		errors.append(
			_("Household {0} has no place: give {1}, {2} or a dwelling.").format(
				household["household_code"], _column_label("jurisdiction"), _column_label("grid")
			)
		)
	elif not context.permitted(jurisdiction):
		errors.append(_("You may not add households to {0}.").format(jurisdiction))
	household["grid"] = grid
	household["jurisdiction"] = jurisdiction

	status = household.get("transition_status")
	if not status:
		status = (
			"Moved In"
			if dwelling and household.get("move_in_date")
			else "Allocated"
			if dwelling
			else "Awaiting Allocation"
		)
		household["transition_status"] = status
		household["_columns"].add("transition_status")
	if status in ("Allocated", "Moved In") and not dwelling:
		errors.append(_("Transition status {0} needs an allocated dwelling.").format(_(status)))
	if status == "Moved In" and not household.get("move_in_date"):
		errors.append(_("Enter the move-in date."))
	if (
		household.get("allocation_date")
		and household.get("move_in_date")
		and household["move_in_date"] < household["allocation_date"]
	):
		errors.append(_("The move-in date is before the allocation date."))


# ------------------------------------------------------------------ writing


def write_groups(
	groups: list[dict], *, commit: bool = True, chunk_households: int = CHUNK_HOUSEHOLDS
) -> dict:
	"""Upsert validated household groups set-based, one savepoint (and commit) per chunk."""
	totals = defaultdict(int)
	grids, compounds = set(), set()
	for start in range(0, len(groups), chunk_households):
		chunk = groups[start : start + chunk_households]
		savepoint = f"registry_import_{start}"
		frappe.db.savepoint(savepoint)
		try:
			counts, chunk_grids, chunk_compounds = _write_chunk(chunk)
		except Exception:
			frappe.db.rollback(save_point=savepoint)
			raise
		for key, value in counts.items():
			totals[key] += value
		grids |= chunk_grids
		compounds |= chunk_compounds
		if commit:
			frappe.db.commit()
	recount_grids(grids)
	recount_housing(compounds)
	if commit:
		frappe.db.commit()
		if totals["residents_created"] + totals["households_created"] >= ANALYZE_AFTER_ROWS:
			analyze_tables(("Resident", "Household", "Household Member"))
	return dict(totals)


def _write_chunk(chunk: list[dict]):
	counts = defaultdict(int)
	R = frappe.qb.DocType("Resident")
	H = frappe.qb.DocType("Household")
	M = frappe.qb.DocType("Household Member")
	S = frappe.qb.DocType("Resident Special Group")
	D = frappe.qb.DocType("Dwelling")
	now = frappe.utils.now_datetime()
	grids, compounds = set(), set()

	# --- residents
	all_rows = [row for group in chunk for row in group["members"]]
	current = _fetch_in_batches(
		"Resident",
		"citizen_id",
		[r["citizen_id"] for r in all_rows],
		["name", "citizen_id", "household", "grid", *RESIDENT_FIELDS[1:], "jurisdiction"],
	)
	new_rows = [r for r in all_rows if r["citizen_id"] not in current]
	names = iter(reserve_series(RESIDENT_SERIES_PREFIX, len(new_rows), RESIDENT_SERIES_DIGITS))
	for row in all_rows:
		row["_name"] = current[row["citizen_id"]].name if row["citizen_id"] in current else next(names)

	inserts, special_rows = [], []
	for group in chunk:
		household = group["household"]
		location = {
			"household": household["household_code"],
			"grid": household["grid"],
			"jurisdiction": household["jurisdiction"],
		}
		grids.add(household["grid"])
		for row in group["members"]:
			values = {f: row.get(f) for f in RESIDENT_FIELDS if f in row}
			values.update(location)
			existing = current.get(row["citizen_id"])
			if existing is None:
				values.setdefault("ethnicity", "Han")
				values.setdefault("is_floating", 0)
				inserts.append({"name": row["_name"], **values})
				counts["residents_created"] += 1
			else:
				grids.add(existing.grid)
				changed = {f: v for f, v in values.items() if _differs(existing.get(f), v)}
				if changed:
					query = frappe.qb.update(R).set(R.modified, now)
					for field, value in changed.items():
						query = query.set(R[field], value)
					query.where(R.name == existing.name).run()
					counts["residents_updated"] += 1
				else:
					counts["residents_unchanged"] += 1
			if "special_groups" in row:
				special_rows.append((row["_name"], row["special_groups"], existing is None))
	insert_rows("Resident", inserts)

	# special groups: replace only where the set changed
	old_groups = defaultdict(list)
	names_to_check = [name for name, _g, is_new in special_rows if not is_new]
	for start in range(0, len(names_to_check), LOOKUP_BATCH):
		for parent, group_name in (
			frappe.qb.from_(S)
			.select(S.parent, S.special_group)
			.where((S.parenttype == "Resident") & S.parent.isin(names_to_check[start : start + LOOKUP_BATCH]))
			.orderby(S.idx)
			.run()
		):
			old_groups[parent].append(group_name)
	replace, child_inserts = [], []
	for name, wanted, is_new in special_rows:
		if not is_new and old_groups.get(name, []) == wanted:
			continue
		if not is_new:
			replace.append(name)
		child_inserts.extend(
			{
				"name": new_child_name(),
				"parent": name,
				"parenttype": "Resident",
				"parentfield": "special_groups",
				"idx": i,
				"special_group": g,
			}
			for i, g in enumerate(wanted, start=1)
		)
	if replace:
		frappe.qb.from_(S).delete().where((S.parenttype == "Resident") & S.parent.isin(replace)).run()
	insert_rows("Resident Special Group", child_inserts)

	# --- households
	codes = [g["household"]["household_code"] for g in chunk]
	existing_households = _fetch_in_batches(
		"Household",
		"name",
		codes,
		[
			"name",
			"head",
			"head_name",
			"head_phone",
			"member_count",
			"grid",
			"jurisdiction",
			"hukou_address",
			*HOUSEHOLD_FIELDS,
		],
	)
	# 户籍随房走 (§9): a household given a dwelling takes its address as hukou address
	addresses = hukou_addresses(g["household"].get("dwelling") for g in chunk)
	household_inserts = []
	for group in chunk:
		household = group["household"]
		head = next(row for row in group["members"] if row.get("relation") == "Head")
		values = {
			f: household.get(f)
			for f in HOUSEHOLD_FIELDS
			if f in household["_columns"] or f in ("dwelling", "compound")
		}
		if "dwelling" not in household:
			values.pop("dwelling", None)
			values.pop("compound", None)
		elif values.get("dwelling"):
			values["hukou_address"] = addresses.get(values["dwelling"], "")
		values.update(
			head=head["_name"],
			head_name=head.get("full_name"),
			head_phone=head.get("phone"),
			member_count=len(group["members"]),
			grid=household["grid"],
			jurisdiction=household["jurisdiction"],
		)
		compounds.add(values.get("compound"))
		existing = existing_households.get(household["household_code"])
		if existing is None:
			values.setdefault("household_type", "Resettled")
			values.setdefault("hukou_status", "Agricultural")
			values.setdefault("low_income_status", "None")
			household_inserts.append(
				{"name": household["household_code"], "household_code": household["household_code"], **values}
			)
			counts["households_created"] += 1
		else:
			grids.add(existing.grid)
			compounds.add(existing.compound)
			changed = {f: v for f, v in values.items() if f in existing and _differs(existing.get(f), v)}
			if changed:
				query = frappe.qb.update(H).set(H.modified, now)
				for field, value in changed.items():
					query = query.set(H[field], value)
				query.where(H.name == existing.name).run()
				counts["households_updated"] += 1
				if "dwelling" in changed and existing.dwelling:
					frappe.qb.update(D).set(D.household, None).set(D.allocation_status, "Vacant").where(
						D.name == existing.dwelling
					).run()
			else:
				counts["households_unchanged"] += 1
	insert_rows("Household", household_inserts)

	# --- members: replace a household's rows only when they changed
	old_members = defaultdict(list)
	for start in range(0, len(codes), LOOKUP_BATCH):
		for parent, resident, relation in (
			frappe.qb.from_(M)
			.select(M.parent, M.resident, M.relation)
			.where((M.parenttype == "Household") & M.parent.isin(codes[start : start + LOOKUP_BATCH]))
			.orderby(M.idx)
			.run()
		):
			old_members[parent].append((resident, relation))
	replace, member_inserts = [], []
	for group in chunk:
		code = group["household"]["household_code"]
		wanted = [(row["_name"], row["relation"]) for row in group["members"]]
		if old_members.get(code, []) == wanted:
			continue
		if code in old_members:
			replace.append(code)
		member_inserts.extend(
			{
				"name": new_child_name(),
				"parent": code,
				"parenttype": "Household",
				"parentfield": "members",
				"idx": i,
				"resident": name,
				"full_name": row.get("full_name"),
				"relation": relation,
			}
			for i, ((name, relation), row) in enumerate(zip(wanted, group["members"], strict=True), start=1)
		)
	if replace:
		frappe.qb.from_(M).delete().where((M.parenttype == "Household") & M.parent.isin(replace)).run()
		staying = [row["_name"] for group in chunk for row in group["members"]]
		(
			frappe.qb.update(R)
			.set(R.household, None)
			.set(R.modified, now)
			.where(R.household.isin(replace) & R.name.notin(staying))
			.run()
		)
	# residents who moved here from another household leave its member table
	moved = [
		row["_name"]
		for group in chunk
		for row in group["members"]
		if row.get("_existing")
		and row["_existing"].household not in (None, "", group["household"]["household_code"])
	]
	if moved:
		left = (
			frappe.qb.from_(M)
			.select(M.parent)
			.distinct()
			.where((M.parenttype == "Household") & M.resident.isin(moved) & M.parent.notin(codes))
			.run(pluck=True)
		)
		frappe.qb.from_(M).delete().where(
			(M.parenttype == "Household") & M.resident.isin(moved) & M.parent.notin(codes)
		).run()
		_refresh_member_counts(left)
		frappe.qb.update(H).set(H.head, None).set(H.head_name, None).where(
			H.name.isin(left) & H.head.isin(moved)
		).run()
		grids |= set(frappe.qb.from_(H).select(H.grid).where(H.name.isin(left)).run(pluck=True))
	insert_rows("Household Member", member_inserts)

	# --- dwellings
	by_status = defaultdict(list)
	for group in chunk:
		household = group["household"]
		if household.get("dwelling"):
			status = "Occupied" if household.get("transition_status") == "Moved In" else "Allocated"
			by_status[status].append((household["dwelling"], household["household_code"]))
	for status, pairs in by_status.items():
		for start in range(0, len(pairs), LOOKUP_BATCH):
			batch = pairs[start : start + LOOKUP_BATCH]
			household_of = Case()
			for dwelling, code in batch:
				household_of = household_of.when(D.name == dwelling, code)
			frappe.qb.update(D).set(D.household, household_of).set(D.allocation_status, status).where(
				D.name.isin([d for d, _c in batch])
			).run()

	counts["rows_valid"] = len(all_rows)
	return counts, {g for g in grids if g}, {c for c in compounds if c}


def _refresh_member_counts(households):
	if not households:
		return
	H = frappe.qb.DocType("Household")
	M = frappe.qb.DocType("Household Member")
	counts = dict(
		frappe.qb.from_(M)
		.select(M.parent, Count(M.name))
		.where((M.parenttype == "Household") & M.parent.isin(households))
		.groupby(M.parent)
		.run()
	)
	for household in households:
		frappe.qb.update(H).set(H.member_count, counts.get(household, 0)).where(H.name == household).run()


def _differs(old, new) -> bool:
	if old in (None, "") and new in (None, ""):
		return False
	if isinstance(new, datetime.date) and not isinstance(new, datetime.datetime):
		return str(old) != new.isoformat()
	if isinstance(new, int | float) and not isinstance(new, bool):
		try:
			return float(old or 0) != float(new)
		except (TypeError, ValueError):
			return True
	return (old or "") != (new or "")


# ------------------------------------------------------------------ entry points


def import_rows(
	rows: list[dict],
	columns,
	*,
	user: str | None = None,
	dry_run: bool = False,
	confirm: bool = False,
	commit: bool = True,
) -> dict:
	"""Validate and import parsed spreadsheet rows. Returns the counts, the per-row error report and
	the rows that change existing residents (`changes`); households with such rows are written only
	when `confirm` is given."""
	user = user or frappe.session.user
	good, report = validate_rows(rows, columns, user)
	ready = [group for group in good if confirm or not group["changes"]]
	result = ImportResult(
		rows=len(rows),
		households_valid=len(good),
		rows_rejected=len(report),
		errors=report,
		changes=[change for group in good for change in group["changes"]],
		**{key: 0 for key in COUNTERS},
	)
	result.households_pending = len(good) - len(ready)
	if not dry_run and ready:
		result.update(write_groups(ready, commit=commit))
	return result


def import_content(content: bytes | str, filename: str, **kwargs) -> dict:
	rows, columns = rows_from_table(read_table(content, filename))
	return import_rows(rows, columns, **kwargs)


def import_file(path: str, **kwargs) -> dict:
	"""Import a file from disk (the bench command's entry point)."""
	with open(path, "rb") as f:
		return import_content(f.read(), os.path.basename(path), **kwargs)


def import_registry_file(file_url: str, dry_run: int = 0, confirm: int = 0) -> dict:
	"""Import an uploaded xlsx / csv file (a File record's URL). Returns counts, row errors and the rows
	that change existing residents; those are applied only with `confirm=1`."""
	for doctype in ("Household", "Resident"):
		frappe.has_permission(doctype, "create", throw=True)
		frappe.has_permission(doctype, "write", throw=True)
	file = frappe.get_doc("File", {"file_url": file_url})
	file.check_permission("read")
	# the raw bytes: File.get_content() decodes text on newer Frappe (UTF-8, then windows-1250), which
	# garbles a GB18030 csv; read_table picks the encoding itself
	with open(file.get_full_path(), "rb") as f:
		content = f.read()
	return import_content(
		content, file.file_name, dry_run=bool(int(dry_run or 0)), confirm=bool(int(confirm or 0))
	)
