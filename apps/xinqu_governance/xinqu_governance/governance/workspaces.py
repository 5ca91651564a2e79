"""The role workspaces in the desk's boot.

Frappe v16 boots a sidebar for every public workspace (`bootinfo.workspace_sidebar_item`, keyed by the
lower-case title) whatever the workspace's roles, and the desk picks one of those sidebars for a form
or list: a village user's petition came up under the county's sidebar and breadcrumb. The sidebars of
workspaces restricted by roles the user does not hold are dropped here, so a user meets only the
workspaces of their roles. v15 has no such key and nothing changes.
"""

import frappe


def drop_sidebars_of_forbidden_workspaces(bootinfo) -> None:
	"""`extend_bootinfo`: keep a role-restricted workspace's sidebar only for users who may open it."""
	sidebars = bootinfo.get("workspace_sidebar_item")
	pages = (bootinfo.get("workspaces") or {}).get("pages")
	if not sidebars or pages is None or frappe.session.user == "Administrator":
		return
	allowed = {page.get("name") for page in pages if page}
	restricted = frappe.get_all(
		"Has Role",
		filters={"parenttype": "Workspace"},
		pluck="parent",
		distinct=True,
		ignore_permissions=True,
	)
	for workspace in set(restricted) - allowed:
		sidebars.pop(workspace.lower(), None)
