"""The spreadsheet format of the registry import: its columns (Chinese headers, English labels or
field names), reading an xlsx or csv file row by row, and turning one row into field values with the
row's own errors (types, lengths, control characters, option values, dates, ID numbers, phones).

Nothing here reads the whole file or looks at other rows: see registry/importer.py for the household
checks and registry/import_spool.py for how rows are held while a file is imported.
"""

import codecs
import csv
import datetime
import io
import os
import re
from collections.abc import Iterable, Iterator

import frappe
from frappe import _

from xinqu_governance.registry import citizen_id
from xinqu_governance.registry.utils import is_valid_phone, normalize_phone

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
GROUP_SEPARATORS = re.compile("[,，、;；]")  # noqa: RUF001 (full-width, as typed)
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# what the import may change on a resident it finds by citizen ID number (reported, applied on confirm)
PERSON_FIELDS = (*RESIDENT_FIELDS[1:], "household", "grid", "jurisdiction")


class ImportFileError(frappe.ValidationError):
	pass


# ------------------------------------------------------------------ reading


def iter_table(source, filename: str) -> Iterator[list]:
	"""The rows of the first sheet (xlsx) or of the csv file, header row included, one at a time.

	``source``: a binary file object, or the content as bytes (or str, for csv). Nothing holds the whole
	file: csv is decoded as it is read, xlsx is parsed by openpyxl's read-only mode (which streams the
	sheet; only the workbook's shared-strings table is loaded whole, a limit of the xlsx format)."""
	extension = os.path.splitext(filename or "")[1].lower()
	if extension == ".xlsx":
		yield from _xlsx_rows(source)
	elif extension in (".csv", ".txt"):
		yield from _csv_rows(source)
	else:
		frappe.throw(
			_("Only .xlsx and .csv files can be imported, not {0}.").format(extension or filename),
			ImportFileError,
		)


def read_table(content: bytes | str, filename: str) -> list[list]:
	"""All rows of a small file at once (the shipped samples, tests)."""
	return list(iter_table(content, filename))


def _binary(source):
	return io.BytesIO(source) if isinstance(source, bytes) else source


def _xlsx_rows(source) -> Iterator[list]:
	from openpyxl import load_workbook

	workbook = load_workbook(_binary(source), read_only=True, data_only=True)
	try:
		for row in workbook.worksheets[0].iter_rows(values_only=True):
			yield list(row)
	finally:
		workbook.close()


CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # as saved by Excel outside and inside China
DECODE_BLOCK = 1 << 16


def _csv_rows(source) -> Iterator[list]:
	if isinstance(source, str):
		yield from csv.reader(io.StringIO(source))  # already text
		return
	stream = _binary(source)
	text = io.TextIOWrapper(stream, encoding=_csv_encoding(stream), newline="")
	try:
		yield from csv.reader(text)
	finally:
		text.detach()  # the caller closes its file


def _csv_encoding(stream) -> str:
	"""The first of CSV_ENCODINGS that decodes the whole stream, read in blocks (then rewound)."""
	for encoding in CSV_ENCODINGS:
		stream.seek(0)
		decoder = codecs.getincrementaldecoder(encoding)()
		try:
			while block := stream.read(DECODE_BLOCK):
				decoder.decode(block)
			decoder.decode(b"", final=True)
		except UnicodeDecodeError:
			continue
		stream.seek(0)
		return encoding
	frappe.throw(_("The csv file is neither UTF-8 nor GB18030 encoded."), ImportFileError)


def rows_from_table(table: Iterable[list]) -> tuple[Iterator[dict], list[str]]:
	"""(the rows as dicts with ``_row`` = spreadsheet row number, one at a time; keys of the columns
	present). The header is read at once, so a file without the required columns fails here."""
	lines = iter(table)
	first = next(lines, None)
	if first is None:
		frappe.throw(_("The file is empty."), ImportFileError)
	keys = _column_keys(first)
	return _row_dicts(lines, keys), [k for k in keys if k]


def _column_keys(first_row: list) -> list[str | None]:
	keys = []
	for cell in (str(cell or "").strip() for cell in first_row):
		keys.append(HEADER_TO_KEY.get(cell.lower()) if cell else None)
	missing = [COLUMNS[k][0] for k in REQUIRED if k not in keys]
	if missing:
		frappe.throw(_("The file lacks the columns {0}.").format(", ".join(missing)), ImportFileError)
	return keys


def _row_dicts(lines: Iterator[list], keys: list[str | None]) -> Iterator[dict]:
	for number, cells in enumerate(lines, start=2):
		if not any(cell not in (None, "") and str(cell).strip() for cell in cells):
			continue
		row = {"_row": number}
		for key, cell in zip(keys, cells, strict=False):
			if key:
				row[key] = cell
		yield row


# ------------------------------------------------------------------ value parsing


def cell_text(value) -> str:
	"""A cell as stripped text (a whole float as an integer: Excel's numbers)."""
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


class RowParser:
	"""Option spellings and column lengths, read once per import."""

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
		text = cell_text(value)
		if not text:
			return None
		option = self.maps[key].get(text.lower())
		if option is None:
			errors.append(_("{0}: {1} is not one of the allowed values.").format(column_label(key), text))
		return option

	def date(self, key, value, errors):
		if value in (None, ""):
			return None
		if isinstance(value, datetime.datetime):
			return value.date()
		if isinstance(value, datetime.date):
			return value
		text = cell_text(value).replace("/", "-").replace(".", "-")
		for fmt in ("%Y-%m-%d", "%Y%m%d"):
			try:
				return datetime.datetime.strptime(text, fmt).date()
			except ValueError:
				continue
		errors.append(
			_("{0}: {1} is not a date (use YYYY-MM-DD).").format(column_label(key), cell_text(value))
		)
		return None

	def integer(self, key, value, errors):
		text = cell_text(value)
		if not text:
			return None
		if text.isdigit():
			return int(text)
		errors.append(_("{0}: {1} is not a whole number.").format(column_label(key), text))
		return None

	def check(self, key, value, errors):
		text = cell_text(value).lower()
		if text in YES:
			return 1
		if text in NO:
			return 0
		errors.append(_("{0}: {1} is neither 是 nor 否.").format(column_label(key), cell_text(value)))
		return 0

	def groups(self, value, errors):
		result = []
		for part in GROUP_SEPARATORS.split(cell_text(value)):
			part = part.strip()
			if not part:
				continue
			option = self.special_groups.get(part.lower())
			if option is None:
				errors.append(_("Special group {0} is not one of the allowed values.").format(part))
			elif option not in result:
				result.append(option)
		return result


def column_label(key: str) -> str:
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
		errors.append(_("{0}: {1} is a date or time, not text.").format(column_label(key), value))
		return
	text = cell_text(value)
	if CONTROL_CHARACTER.search(text):
		errors.append(_("{0}: the value contains control characters.").format(column_label(key)))
	if limit and len(text) > limit:
		errors.append(_("{0}: {1} characters, at most {2} fit.").format(column_label(key), len(text), limit))


# ------------------------------------------------------------------ one row


TEXT_KEYS = ("origin_village", "compound", "building_number", "room", "grid", "jurisdiction", "floating_from")


def parse_row(row: dict, parser: RowParser, columns) -> dict:
	"""Turn one spreadsheet row into field values; its reasons go to ``['_errors']``."""
	errors = []
	parsed = {"_row": row["_row"], "_errors": errors}
	for key in columns:
		check_cell(key, row.get(key), parser.limits[key], errors)
	for key in REQUIRED:
		if not cell_text(row.get(key)):
			errors.append(_("{0} is empty.").format(column_label(key)))
	parsed["household_code"] = cell_text(row.get("household_code"))
	parsed["full_name"] = cell_text(row.get("full_name"))
	parsed["relation"] = (
		parser.select("relation", row.get("relation"), errors) if cell_text(row.get("relation")) else None
	)
	_parse_identity(row, parsed, errors)
	_parse_typed_columns(row, parsed, columns, parser, errors)
	for key in TEXT_KEYS:
		if key in columns:
			parsed[key] = cell_text(row.get(key)) or None
	if "phone" in columns:
		parsed["phone"] = _parse_phone(row.get("phone"), errors)
	if "is_floating" in columns:
		parsed["is_floating"] = parser.check("is_floating", row.get("is_floating"), errors)
		if parsed["is_floating"] and not parsed.get("floating_from"):
			errors.append(_("A floating resident needs {0}.").format(column_label("floating_from")))
	if "special_groups" in columns:
		parsed["special_groups"] = parser.groups(row.get("special_groups"), errors)
	return parsed


def _parse_identity(row: dict, parsed: dict, errors: list) -> None:
	"""Citizen ID number, and the birth date and sex it encodes."""
	number = cell_text(row.get("citizen_id"))
	if not number:
		return
	try:
		identity = citizen_id.parse(number)
	except citizen_id.CitizenIDError as error:
		errors.append(_("Citizen ID number {0}: {1}").format(number, error.message))
	else:
		parsed.update(citizen_id=identity.number, birth_date=identity.birth_date, sex=identity.sex)


def _parse_typed_columns(row: dict, parsed: dict, columns, parser: RowParser, errors: list) -> None:
	"""Options, dates and the unit number."""
	for key in RESIDENT_SELECTS + HOUSEHOLD_SELECTS:
		if key in columns:
			parsed[key] = parser.select(key, row.get(key), errors)
	for key in DATE_KEYS:
		if key in columns:
			parsed[key] = parser.date(key, row.get(key), errors)
	if "unit_number" in columns:
		parsed["unit_number"] = parser.integer("unit_number", row.get("unit_number"), errors)
		if parsed["unit_number"] is None and cell_text(row.get("unit_number")):
			parsed["_unreadable_dwelling"] = True  # reported; no follow-up errors about the dwelling


def _parse_phone(value, errors: list) -> str | None:
	phone = normalize_phone(cell_text(value))
	if phone and not is_valid_phone(phone):
		errors.append(
			_("{0}: {1} is neither a mobile nor a landline number.").format(column_label("phone"), phone)
		)
	return phone or None
