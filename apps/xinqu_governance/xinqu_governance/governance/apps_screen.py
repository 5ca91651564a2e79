"""Who sees the app's tile on Frappe's apps screen (`add_to_apps_screen` in hooks.py)."""

import frappe

from xinqu_governance.governance.roles import GOVERNANCE_ROLES

ADMINISTRATOR_ROLES = ("Administrator", "System Manager")


def has_app_permission() -> bool:
	"""The tile shows for holders of a governance role and for system managers; other desk users
	(e.g. of another app on the same site) do not get it."""
	roles = set(frappe.get_roles())
	return bool(roles & (set(GOVERNANCE_ROLES) | set(ADMINISTRATOR_ROLES)))
