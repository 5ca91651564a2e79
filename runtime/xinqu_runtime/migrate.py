"""Fix 8: `migrate` re-syncs only the framework in monoframe.

With apps.py in place, Frappe's own SiteMigration (patches, DocType sync of every installed app,
fixtures, jobs, dashboards, customizations, after_migrate hooks) covers the apps too. Apps listed
in APPS but not yet installed are installed first (bench install-app), and the bench-build steps
(assets links, compiled translations) follow.
"""

from pathlib import Path


def migrate(frappe, site_dir: Path) -> None:
	from frappe.installer import install_app
	from frappe.migrate import SiteMigration

	from .apps import configured_apps
	from .site import after_apps_installed

	for app in configured_apps():
		if app not in frappe.get_installed_apps():
			install_app(app, set_as_patched=True)
			frappe.db.commit()
	SiteMigration(skip_search_index=True).run(site=frappe.local.site)
	frappe.init(force=True)
	frappe.connect()
	after_apps_installed(frappe, site_dir)
	frappe.db.commit()
