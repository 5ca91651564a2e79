"""Fix 20: the framework's name on the desk's app switcher, Desktop and sidebar.

- The fork's hooks call the framework "Monoframe Framework" (`app_title`, and the title of its own
  `add_to_apps_screen` entry): Frappe calls it "Frappe Framework". The runtime gives it Frappe's name.
- The fork's single-tenant cut reads `get_hooks("app_title")[0]` and `get_hooks("add_to_apps_screen")[0]`
  for *every* installed app when it creates the Desktop's app icons (Frappe reads each app's own hooks,
  `get_hooks(..., app_name=app)`), so an app's icon got the framework's title and route and the app's
  workspaces hang under it. After install and migrate the runtime gives each app's icon the app's own
  title, route and logo, as Frappe creates it.
"""

FRAMEWORK_TITLE = "Frappe Framework"


def apply(frappe) -> None:
	import frappe.hooks as framework_hooks

	renamed = framework_hooks.app_title
	framework_hooks.app_title = FRAMEWORK_TITLE
	for entry in getattr(framework_hooks, "add_to_apps_screen", []):
		if entry.get("title") == renamed:
			entry["title"] = FRAMEWORK_TITLE


def repair_app_icons(frappe) -> None:
	"""Each app's Desktop "App" icon under the app's own title, with its own route and logo."""
	for app in frappe.get_installed_apps():
		entries = frappe.get_hooks("add_to_apps_screen", app_name=app)
		titles = frappe.get_hooks("app_title", app_name=app)
		if not entries or not titles:
			continue
		title, entry = titles[0], entries[0]
		icon = frappe.db.get_value("Desktop Icon", {"icon_type": "App", "app": app}, "name")
		if not icon:
			continue
		if icon != title:
			same_name = frappe.db.get_value("Desktop Icon", title, ["icon_type", "app"], as_dict=True)
			if same_name and (same_name.icon_type == "App" or same_name.app not in (None, "", app)):
				continue  # another app's icon: leave both as they are
			if same_name:
				# the link icon of the app's workspace of the same name: Frappe creates the app's icon
				# first, and the workspace's one (same name) is then never made
				frappe.delete_doc("Desktop Icon", title, force=True, ignore_permissions=True)
			frappe.rename_doc("Desktop Icon", icon, title, force=True, show_alert=False)
			icon = title
		frappe.db.set_value(
			"Desktop Icon",
			icon,
			{"label": icon, "link": entry.get("route"), "logo_url": entry.get("logo")},
			update_modified=False,
		)
