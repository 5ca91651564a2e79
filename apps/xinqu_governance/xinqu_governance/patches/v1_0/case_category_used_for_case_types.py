"""Case Category's `used_for` was a Select of fixed case types (All, Dispute, Petition, ...); it is now
a Table MultiSelect of Case Types (no row: every case type), so a case type added as data can be
chosen. Each category's old value becomes one row (All or empty: none), read from the old column,
which the model sync leaves in the table, and then cleared there, so the patch is idempotent.
The Case Types of the app's DocTypes are made first (they are what the rows link to)."""

import frappe
from frappe.query_builder import Field

from xinqu_governance.cases.doctype.case_type.case_type import ensure_case_types

OLD_ALL = "All"


def execute():
	if not frappe.db.has_column("Case Category", "used_for"):
		return  # a site installed after the change never had the column
	ensure_case_types()
	table = frappe.qb.Table("tabCase Category")
	old_used_for = Field("used_for", table=table)
	rows = (
		frappe.qb.from_(table)
		.select(table.name, old_used_for)
		.where(old_used_for.isnotnull() & (old_used_for != ""))
		.run(as_dict=True)
	)
	# cleared before the categories are loaded, which would read the old value as the table's
	frappe.qb.update(table).set(old_used_for, None).where(table.name.isin([row.name for row in rows] or [""])).run()
	for row in rows:
		if row.used_for != OLD_ALL and frappe.db.exists("Case Type", row.used_for):
			category = frappe.get_doc("Case Category", row.name)
			if not any(use.case_type == row.used_for for use in category.used_for):
				category.append("used_for", {"case_type": row.used_for})
				category.flags.ignore_permissions = True
				category.save()
