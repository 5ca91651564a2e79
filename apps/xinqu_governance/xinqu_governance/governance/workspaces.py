"""The role workspaces in the desk's boot.

Frappe v16 boots a sidebar for every public workspace (`bootinfo.workspace_sidebar_item`, keyed by the
lower-case title) whatever the workspace's roles, and the desk picks one of those sidebars for a form
or list: a village user's petition came up under the county's sidebar and breadcrumb. The sidebars of
workspaces restricted by roles the user does not hold are dropped here, so a user meets only the
workspaces of their roles. v15 has no such key and nothing changes.

Each governance user starts in the workspace of their role: `sync_default_workspace` sets the User's
`default_workspace` whenever their roles are synced from their Jurisdiction Assignments
(`access.sync_user_access`).
"""

import frappe

from xinqu_governance.governance.roles import GOVERNANCE_ROLES


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


def role_workspaces() -> dict[str, list[str]]:
	"""The app's role workspaces: {workspace: its roles}, for the workspaces of the app's modules that
	are restricted to roles (the Workspace's own Roles table, which an administrator may edit)."""
	modules = frappe.get_all("Module Def", filters={"app_name": "xinqu_governance"}, pluck="name")
	workspaces = frappe.get_all(
		"Workspace", filters={"module": ("in", modules), "public": 1}, pluck="name", ignore_permissions=True
	)
	rows = frappe.get_all(
		"Has Role",
		filters={"parenttype": "Workspace", "parent": ("in", workspaces or [""])},
		fields=["parent", "role"],
		ignore_permissions=True,
	)
	found: dict[str, list[str]] = {}
	for row in rows:
		found.setdefault(row.parent, []).append(row.role)
	return found


def role_workspace(roles) -> str | None:
	"""THE rule of where a governance user starts: the role workspace of their highest governance role
	(in the order of `GOVERNANCE_ROLES`, grid worker up to administrator); None without one."""
	by_role = {}
	for workspace, workspace_roles in sorted(role_workspaces().items()):
		for role in workspace_roles:
			by_role.setdefault(role, workspace)
	held = [role for role in GOVERNANCE_ROLES if role in set(roles) and role in by_role]
	return by_role[held[-1]] if held else None


def sync_default_workspace(user: str, roles) -> str | None:
	"""Point the user's `default_workspace` (Frappe's own User field: the desk opens it, and after
	login v16 goes there) to the role workspace of `roles`. A workspace the user chose that is not a
	role workspace is left alone; one the roles no longer give is cleared. Returns the workspace set."""
	if not frappe.get_meta("User").has_field("default_workspace"):
		return None
	current = frappe.db.get_value("User", user, "default_workspace")
	if current and current not in role_workspaces():
		return current
	wanted = role_workspace(roles)
	if (current or None) != wanted:
		frappe.db.set_value("User", user, "default_workspace", wanted, update_modified=False)
		frappe.clear_cache(user=user)
	return wanted
