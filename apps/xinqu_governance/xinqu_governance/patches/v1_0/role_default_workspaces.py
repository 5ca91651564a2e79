"""Users who held their roles before the desk opened each role's workspace get their
`default_workspace` (governance/workspaces.py)."""

import frappe

from xinqu_governance.governance.access import sync_user_access


def execute():
	for user in frappe.get_all("Jurisdiction Assignment", pluck="user", distinct=True):
		if frappe.db.exists("User", user):
			sync_user_access(user)
