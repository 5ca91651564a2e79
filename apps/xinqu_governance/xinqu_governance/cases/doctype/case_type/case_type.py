# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

"""Case Type: what a case DocType offers beyond the case contract, as data the desk edits.

The contract itself is the DocType's (cases/case_types.py). A Case Type record says whether a grid
event may be triaged into the type (`is_triage_target`), whether residents may file it on the public
portal (`portal_label`; such cases get a tracking code), and which of the case's fields a triaged
event or a portal submission fills (`intake_fields`). Triage, the portal, the tracking code and Case
Category's `used_for` all read these records; nothing lists case types in code.
"""

import json
import os

import frappe
from frappe import _
from frappe.model.document import Document

from xinqu_governance.cases.case_types import (
	clear_case_doctypes_cache,
	is_case_doctype,
	missing_contract_fields,
)

# Intake values and the grid event field / portal form value each is read from.
GRID_EVENT_VALUES = {
	"Description": "description",
	"Contact Name": "contact_name",
	"Contact Phone": "contact_phone",
	"Resident": "resident",
	"Location": "location",
}
PORTAL_VALUES = {
	"Description": "content",
	"Contact Name": "full_name",
	"Contact Phone": "phone",
	"Citizen ID Number": "id_number",
	"Service Type": "service_type",
}
FIXED_VALUE = "Fixed Value"
CACHE_KEY = "xinqu_case_type_settings"


class CaseType(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from xinqu_governance.cases.doctype.case_type_intake_field.case_type_intake_field import (
			CaseTypeIntakeField,
		)

		case_doctype: DF.Link
		intake_fields: DF.Table[CaseTypeIntakeField]
		is_triage_target: DF.Check
		portal_label: DF.Data | None
	# end: auto-generated types

	def validate(self):
		self.validate_case_doctype()
		self.validate_intake_fields()

	def validate_case_doctype(self):
		if not is_case_doctype(self.case_doctype):
			frappe.throw(
				_("{0} is not a case DocType: a case type is a DocType of module Cases with the case contract.").format(
					_(self.case_doctype)
				),
				title=_("Not a Case DocType"),
			)
		gaps = missing_contract_fields(self.case_doctype)
		if gaps:
			frappe.throw(
				_("{0} does not carry the case contract: {1}.").format(_(self.case_doctype), "; ".join(gaps)),
				title=_("Incomplete Case Contract"),
			)

	def validate_intake_fields(self):
		meta = frappe.get_meta(self.case_doctype)
		for row in self.intake_fields:
			if not meta.has_field(row.case_field):
				frappe.throw(
					_("Row {0}: {1} has no field {2}.").format(row.idx, _(self.case_doctype), row.case_field),
					title=_("Unknown Field"),
				)
			if row.intake_value == FIXED_VALUE and not row.fixed_value:
				frappe.throw(_("Row {0}: enter the fixed value.").format(row.idx), title=_("Missing Value"))

	def on_update(self):
		clear_case_type_cache()

	def on_trash(self):
		clear_case_type_cache()


def clear_case_type_cache(doc=None, method=None):
	frappe.local.flags.pop(CACHE_KEY, None)
	frappe.cache.delete_value(CACHE_KEY)


def case_type_settings() -> dict[str, dict]:
	"""{case DocType: {"is_triage_target", "portal_label", "intake_fields": [rows]}} of every Case
	Type whose DocType is a case DocType now (cached for the site; cleared when a Case Type changes)."""
	cached = frappe.local.flags.get(CACHE_KEY)
	if cached is None:
		cached = frappe.cache.get_value(CACHE_KEY, generator=_read_case_type_settings) or {}
		frappe.local.flags[CACHE_KEY] = cached
	return {doctype: settings for doctype, settings in cached.items() if is_case_doctype(doctype)}


def _read_case_type_settings() -> dict[str, dict]:
	settings = {
		row.name: {"is_triage_target": row.is_triage_target, "portal_label": row.portal_label, "intake_fields": []}
		for row in frappe.get_all(
			"Case Type", fields=["name", "is_triage_target", "portal_label"], order_by="name asc"
		)
	}
	rows = frappe.get_all(
		"Case Type Intake Field",
		filters={"parenttype": "Case Type", "parentfield": "intake_fields"},
		fields=["parent", "intake_value", "case_field", "applies_to", "fixed_value"],
		order_by="parent asc, idx asc",
	)
	for row in rows:
		if row.parent in settings:
			settings[row.parent]["intake_fields"].append(dict(row))
	return settings


def triage_targets() -> list[str]:
	"""The case DocTypes a grid event may be triaged into."""
	return [doctype for doctype, settings in case_type_settings().items() if settings["is_triage_target"]]


def portal_case_types() -> dict[str, str]:
	"""{case DocType: its label on the portal} of the types residents may file (and track)."""
	return {
		doctype: settings["portal_label"]
		for doctype, settings in case_type_settings().items()
		if settings["portal_label"]
	}


def takes_intake_value(doctype: str, channel: str, intake_value: str) -> bool:
	"""True when the type's intake rows fill a field from `intake_value` on `channel`."""
	rows = case_type_settings().get(doctype, {}).get("intake_fields", [])
	return any(
		row["intake_value"] == intake_value and row["applies_to"] in (channel, "Grid Event and Portal")
		for row in rows
	)


def intake_values(doctype: str, channel: str, source) -> dict:
	"""The case fields a `channel` ("Grid Event" or "Portal") fills from `source` (the grid event, or
	the portal's clean values), by the Case Type's intake rows; empty values are left out."""
	source_fields = GRID_EVENT_VALUES if channel == "Grid Event" else PORTAL_VALUES
	rows = case_type_settings().get(doctype, {}).get("intake_fields", [])
	values = {}
	for row in rows:
		if row["applies_to"] not in (channel, "Grid Event and Portal"):
			continue
		if row["intake_value"] == FIXED_VALUE:
			values[row["case_field"]] = row["fixed_value"]
		elif row["intake_value"] in source_fields:
			value = source.get(source_fields[row["intake_value"]])
			if value not in (None, ""):
				values.setdefault(row["case_field"], value)
	return values


def ensure_case_types() -> None:
	"""after_install / after_migrate: the Case Type of each case DocType the app ships
	(cases/default_case_types.json), made when missing and never overwritten (the desk or the profile
	may have changed it since)."""
	path = os.path.join(os.path.dirname(__file__), "..", "..", "default_case_types.json")
	with open(path, encoding="utf-8") as defaults:
		records = json.load(defaults)
	clear_case_doctypes_cache()  # the DocTypes may have been made in this very install
	for record in records:
		if is_case_doctype(record["case_doctype"]) and not frappe.db.exists("Case Type", record["case_doctype"]):
			frappe.get_doc(record).insert(ignore_permissions=True)
	clear_case_type_cache()
