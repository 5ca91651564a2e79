"""Residents' personal numbers: "break the glass" from the desk form (docs/security.md)."""

import frappe

from xinqu_governance.governance import personal_data


@frappe.whitelist(methods=["POST"])
def reveal_personal_number(doctype: str, name: str, fieldname: str, reason: str) -> str:
	"""One full ID or phone number, for a role Governance Settings names, with a reason (logged)."""
	return personal_data.reveal_personal_number(doctype, name, fieldname, reason)
