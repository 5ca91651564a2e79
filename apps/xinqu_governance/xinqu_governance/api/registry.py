"""The people registry: what the Resident and Village Decision forms ask, and the registry import."""

import frappe

from xinqu_governance.registry import importer
from xinqu_governance.registry.doctype.resident import resident
from xinqu_governance.registry.doctype.village_decision import village_decision


@frappe.whitelist()
def read_citizen_id(number: str) -> dict:
	"""Birth date and sex an ID number carries, or why it is not valid (the Resident form, live)."""
	return resident.read_citizen_id(number)


@frappe.whitelist(methods=["POST"])
def make_risk_assessment(decision: str, risk_field: str = "Other") -> str:
	return village_decision.make_risk_assessment(decision, risk_field)


@frappe.whitelist(methods=["POST"])
def import_registry_file(file_url: str, dry_run: int = 0, confirm: int = 0) -> dict:
	"""Import an uploaded households file (xlsx or csv); see docs/registry.md."""
	return importer.import_registry_file(file_url, dry_run=dry_run, confirm=confirm)
