"""Exports carry no live spreadsheet formulas.

A resident named `=HYPERLINK("http://…","点击")` (typed on the portal, or imported) became a live
formula in a csv or xlsx export: Excel runs it when a clerk opens the file. The app has no export of
its own; its records leave through Frappe's exports, the Report View / list export
(`frappe.desk.reportview.export_query`) and the query-report export
(`frappe.desk.query_report.export_query`). Both are overridden (`override_whitelisted_methods` in
hooks.py) by wrappers that run Frappe's export unchanged and then neutralise the file it returns:
a text cell starting with = + - @ tab or CR (and not a plain number) gets a leading apostrophe,
and in xlsx is stored as text, never as a formula.

Not covered: exports Frappe sends by e-mail in the background (`export_in_background`) and the
Data Export tool (System Manager only).
"""

import csv
import io

import frappe

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_number(text: str) -> bool:
	try:
		float(text)
	except ValueError:
		return False
	return True


def neutralise(value):
	"""The value a spreadsheet shows as text, not as a formula."""
	if isinstance(value, str) and value.startswith(FORMULA_START) and not is_number(value):
		return "'" + value
	return value


def neutralise_csv(content: bytes, delimiter: str = ",") -> bytes:
	text = content.decode("utf-8-sig")
	rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
	if not any(neutralise(cell) is not cell for row in rows for cell in row):
		return content
	buffer = io.StringIO()
	csv.writer(buffer, delimiter=delimiter).writerows([[neutralise(cell) for cell in row] for row in rows])
	return buffer.getvalue().encode("utf-8")


def neutralise_xlsx(content: bytes) -> bytes:
	from openpyxl import load_workbook

	workbook = load_workbook(io.BytesIO(content))
	for sheet in workbook.worksheets:
		for row in sheet.iter_rows():
			for cell in row:
				if isinstance(cell.value, str) and (
					cell.data_type == "f" or neutralise(cell.value) != cell.value
				):
					cell.value = neutralise(cell.value)
					cell.data_type = "s"
	buffer = io.BytesIO()
	workbook.save(buffer)
	return buffer.getvalue()


def neutralise_response(delimiter: str) -> None:
	"""Neutralise the file a Frappe export put into the response (nothing when it sent none)."""
	response = frappe.response
	if response.get("type") != "binary" or not response.get("filecontent"):
		return
	filename = str(response.get("filename") or "").lower()
	if filename.endswith(".csv"):
		response["filecontent"] = neutralise_csv(response["filecontent"], delimiter)
	elif filename.endswith(".xlsx"):
		response["filecontent"] = neutralise_xlsx(response["filecontent"])


def _csv_delimiter() -> str:
	return str(frappe.form_dict.get("csv_delimiter") or ",")[0]


@frappe.whitelist()
def export_report_view() -> None:
	"""Frappe's Report View export (`frappe.desk.reportview.export_query`), formulas neutralised."""
	from frappe.desk.reportview import export_query

	delimiter = _csv_delimiter()
	export_query()
	neutralise_response(delimiter)


@frappe.whitelist()
def export_query_report() -> None:
	"""Frappe's query-report export (`frappe.desk.query_report.export_query`), formulas neutralised."""
	from frappe.desk.query_report import export_query

	delimiter = _csv_delimiter()
	export_query()
	neutralise_response(delimiter)
