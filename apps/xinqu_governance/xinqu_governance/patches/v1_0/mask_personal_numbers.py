"""Rows saved before ID and phone numbers moved to permlevel 1 get their masked copies
(`<field>_masked`, shown to whoever may not read the full number): one UPDATE per field, for every
DocType with personal numbers and its child tables (governance/personal_data.py)."""

import frappe

from xinqu_governance.governance.personal_data import PERSONAL_DOCTYPES, fill_masked_columns


def execute():
	for doctype in PERSONAL_DOCTYPES:
		fill_masked_columns(doctype)
		for table in frappe.get_meta(doctype).get_table_fields():
			fill_masked_columns(table.options)
