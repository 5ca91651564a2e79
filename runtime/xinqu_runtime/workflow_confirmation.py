"""Fix 15: every workflow action in the fork's desk first reads `Workflow.enable_action_confirmation`
with `frappe.client.get_value`, which only users who may read Workflow (System Managers) pass: for
everyone else the action button silently does nothing (403). This is Frappe's own bug of the v16 line
the fork was cut from (frappe/frappe#34991), fixed upstream by reading the setting from the workflow
map the desk already has (frappe/frappe#36955). Answer that one question for a user who may read
the DocType the workflow runs on; every other `get_value` is Frappe's.
"""


def apply(frappe) -> None:
	import frappe.client as client

	original = client.get_value

	def get_value(doctype, fieldname, filters=None, as_dict=True, debug=False, parent=None):
		if doctype == "Workflow" and fieldname == "enable_action_confirmation":
			conditions = frappe.parse_json(filters) if filters else {}
			target = conditions.get("document_type") if isinstance(conditions, dict) else None
			if target and frappe.has_permission(target, "read"):
				value = frappe.db.get_value("Workflow", {"document_type": target, "is_active": 1}, fieldname)
				return {fieldname: value or 0}
		return original(doctype, fieldname, filters=filters, as_dict=as_dict, debug=debug, parent=parent)

	client.get_value = frappe.whitelist()(get_value)
