"""Fix 19: after login the fork's desk opens the Desktop of icons even for a user whose User record
names a `default_workspace`. That is Frappe's own bug of the v16 line the fork was cut from
(frappe/frappe#38691, #35554), fixed upstream by sending such a user to the default workspace after
login (frappe/frappe#38726); v15's desk home opens the default workspace already. Where login sends a
desk user (`get_default_path`, read by the login response and by `/login` when already logged in)
answers the user's default workspace when they may open it; everyone else goes where the fork sends
them.
"""


def apply(frappe) -> None:
	import frappe.apps as apps
	import frappe.auth as auth
	import frappe.www.login as login
	from frappe.desk.desktop import get_workspace_sidebar_items
	from frappe.desk.utils import slug

	original = apps.get_default_path

	def default_workspace_path() -> str | None:
		if frappe.session.user == "Guest" or frappe.session.data.get("user_type") == "Website User":
			return None
		name = frappe.db.get_value("User", frappe.session.user, "default_workspace")
		if not name:
			return None
		page = next((p for p in get_workspace_sidebar_items()["pages"] if p.get("name") == name), None)
		if not page:
			return None  # not (or no longer) allowed to open it
		return "/desk/" + slug(name) if page.get("public") else "/desk/private/" + slug(page.get("title") or name)

	def get_default_path(*args, **kwargs):
		return default_workspace_path() or original(*args, **kwargs)

	apps.get_default_path = get_default_path
	auth.get_default_path = get_default_path
	login.get_default_path = get_default_path
