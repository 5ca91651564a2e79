"""The county-level dispute rule sent every county's disputes to 平安县司法局; the profile now routes
them to the Justice unit of the case's own county (矛盾纠纷-县级调解-属地司法局): remove the old rule."""

import frappe

OLD_RULE = "矛盾纠纷-县级调解-平安县司法局"


def execute():
	if frappe.db.exists("Routing Rule", OLD_RULE):
		frappe.delete_doc("Routing Rule", OLD_RULE, ignore_permissions=True)
