"""Custom fields the app's code reads on Frappe's own DocTypes, created by the app itself.

As hrms does (`hrms/setup.py`), they are made on install and on every migrate with Frappe's
`create_custom_fields`, so the app works on a site without the deployment profile. The profile
ships the same fields in `fixtures/custom_field.json`; applying it changes nothing when they agree.
"""

from frappe.custom.doctype.custom_field.custom_field import create_custom_fields

from xinqu_governance.cases.case_types import HANDLING_LEVELS


def workflow_custom_fields() -> dict[str, list[dict]]:
	"""`required_level` on Workflow Transition (read by `cases.workflow_guard`) and `closes_case` on
	Workflow Document State (the states that close a case)."""
	return {
		"Workflow Transition": [
			{
				"fieldname": "required_level",
				"label": "Required Level",
				"fieldtype": "Select",
				"options": "\n" + "\n".join(HANDLING_LEVELS),
				"insert_after": "allowed",
				"in_list_view": 1,
				"description": "The level at which the user must hold the role over the case (the case's node "
				"or an ancestor, or a handling unit of that level)",
			}
		],
		"Workflow Document State": [
			{
				"fieldname": "closes_case",
				"label": "Closes the Case",
				"fieldtype": "Check",
				"default": "0",
				"insert_after": "allow_edit",
				"in_list_view": 1,
				"description": "Entering this state closes the case (Closed On is set; SLA clocks stop)",
			}
		],
	}


def ensure_custom_fields() -> None:
	"""after_install and after_migrate: create or update the fields above (idempotent)."""
	create_custom_fields(workflow_custom_fields(), update=True)
