"""Questions the case forms ask of any case type."""

import frappe

from xinqu_governance.cases import supervision
from xinqu_governance.cases.case_types import case_doctypes


@frappe.whitelist()
def can_raise_supervision(case_doctype: str, case_name: str) -> bool:
	"""Whether the form offers "Raise Supervision" (the server checks again on insert)."""
	return supervision.can_raise_supervision(case_doctype, case_name)


@frappe.whitelist()
@frappe.validate_and_sanitize_search_inputs
def case_doctype_query(doctype: str, txt: str, searchfield: str, start: int, page_len: int, filters: dict | str | None) -> list:
	"""Link search for Case Type fields (rules, supervision, reports): only the case DocTypes."""
	txt = (txt or "").lower()
	names = [name for name in case_doctypes() if txt in name.lower() or txt in frappe._(name).lower()]
	return [[name] for name in names[start : start + page_len]]
