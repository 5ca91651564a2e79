"""Triage of a Grid Event into a case (the Grid Event form's "Triage" button)."""

import frappe

from xinqu_governance.cases import triage


@frappe.whitelist()
def targets(grid_event: str) -> list[str]:
	"""The case types the user may triage this event into now (none once triaged)."""
	return triage.triage_targets(grid_event)


@frappe.whitelist(methods=["POST"])
def triage_grid_event(grid_event: str, target_doctype: str, values: str | dict | None = None) -> dict:
	"""Make the case and link it both ways; {"doctype", "name"} of the new case."""
	return triage.triage_grid_event(grid_event, target_doctype, values)
