"""Fix 11: monoframe's `is_setup_complete()` asks `db.table_exists("System Settings")` first.

System Settings is a Single: it has no table of its own, so the check is always False and every
desk route goes to the setup wizard. Frappe v15 reads the Single's `setup_complete` (v16 reads the
Installed Application rows, which the single-tenant fork dropped); read the Single.
"""


def apply(frappe) -> None:
	def is_setup_complete() -> bool:
		return bool(frappe.db.get_single_value("System Settings", "setup_complete"))

	frappe.is_setup_complete = is_setup_complete
