"""Fix 6 (part): Frappe's `init(site, sites_path, new_site, force)` signature and `local.site`.

monoframe's `init(force=False)` takes no site, so Frappe code calling `frappe.init(site)` (app
bench commands, background jobs) would pass the site name as `force`; and `frappe.local.site`
is never set, which makes monoframe ignore every app's `jinja` hook. The runtime has one site
per working directory: the site argument is accepted and the site is named after the database.
"""


def apply(frappe) -> None:
	original_init = frappe.init

	def init(site=None, sites_path=None, new_site=False, force=False):
		original_init(force=force)
		frappe.local.site = frappe.local.conf.get("db_name") or "site"

	frappe.init = init
