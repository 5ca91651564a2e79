"""What a Governance Administrator may change without code: the app's forms, workflows, print formats
and notifications, through Frappe's own tools (Customize Form, Custom Field, Property Setter,
Workflow and its Workflow Builder, Print Format, Notification).

Frappe gives these tools to System Manager only. The app grants them to the Governance Administrator
as Custom DocPerms (what an administrator would set in Role Permissions Manager), at install and on
every migrate, and holds that role to the app's own DocTypes with a validate hook: a Governance
Administrator who is not a System Manager cannot customise User, Role or any other framework DocType.
"""

import frappe
from frappe import _
from frappe.permissions import add_permission, update_permission_property

from xinqu_governance.governance.link_access import app_modules, is_app_doctype
from xinqu_governance.governance.roles import GOVERNANCE_ADMINISTRATOR

# tool DocType → the field naming the DocType it customises (None: the tool itself)
CUSTOMIZING_TOOLS = {
	"Customize Form": None,
	"Custom Field": "dt",
	"Property Setter": "doc_type",
	"Workflow": "document_type",
	"Workflow State": None,
	"Workflow Action Master": None,
	"Print Format": "doc_type",
	"Notification": "document_type",
}
RIGHTS = ("read", "write", "create", "delete")
# the desk pages of the visual builders (Frappe lets System Manager open them)
BUILDER_PAGES = ("workflow-builder", "print-format-builder")

UNRESTRICTED_ROLES = ("Administrator", "System Manager")

# framework DocTypes the administrator's forms link to and Frappe keeps to System Managers: Frappe's
# "select" right lets a Link control search and validate them (the Jurisdiction Assignment's Role),
# without reading or changing anything else of them
SELECTABLE = ("Role",)


def grant_customization_rights() -> None:
	"""Custom DocPerms for the Governance Administrator on each tool and to select the DocTypes of
	`SELECTABLE` (idempotent)."""
	for doctype in CUSTOMIZING_TOOLS:
		if not frappe.db.exists("DocType", doctype):
			continue
		add_permission(doctype, GOVERNANCE_ADMINISTRATOR, 0)
		single = frappe.get_meta(doctype).issingle
		for right in RIGHTS:
			if single and right in ("create", "delete"):
				continue
			update_permission_property(doctype, GOVERNANCE_ADMINISTRATOR, 0, right, 1)
	for doctype in SELECTABLE:
		if not frappe.db.exists(
			"Custom DocPerm", {"parent": doctype, "role": GOVERNANCE_ADMINISTRATOR, "permlevel": 0}
		):
			add_permission(doctype, GOVERNANCE_ADMINISTRATOR, 0, "select")
	for page in BUILDER_PAGES:
		if frappe.db.exists("Page", page) and not frappe.db.exists(
			"Has Role", {"parenttype": "Page", "parent": page, "role": GOVERNANCE_ADMINISTRATOR}
		):
			doc = frappe.get_doc("Page", page)
			doc.append("roles", {"role": GOVERNANCE_ADMINISTRATOR})
			doc.db_update_all()


def app_doctypes() -> set[str]:
	"""Every DocType of the app's modules, child tables included (what export looks customisations up by)."""
	return set(frappe.get_all("DocType", filters={"module": ("in", app_modules())}, pluck="name"))


def customizes_only_app_doctypes(doc, method=None) -> None:
	"""doc_events validate of the tools: outside the app's DocTypes only System Managers customise."""
	if (
		set(frappe.get_roles()) & set(UNRESTRICTED_ROLES)
		or frappe.flags.in_install
		or frappe.flags.in_migrate
	):
		return
	field = CUSTOMIZING_TOOLS.get(doc.doctype)
	target = doc.get(field) if field else None
	if target and not is_app_doctype(target):
		frappe.throw(
			_("A Governance Administrator may customise only the governance DocTypes, not {0}.").format(
				_(target)
			),
			frappe.PermissionError,
		)


@frappe.whitelist()
def get_row_size_utilization(doctype: str) -> float:
	"""Customize Form asks how full the DocType's table row is; Frappe answers only users who may
	read DocType, a permission Frappe keeps to System Managers (Custom DocPerms do not apply to
	DocType). A Governance Administrator gets the answer for the governance DocTypes."""
	from frappe.core.doctype.doctype.doctype import get_row_size_utilization as frappe_row_size

	if frappe.has_permission("DocType") or GOVERNANCE_ADMINISTRATOR not in frappe.get_roles():
		return frappe_row_size(doctype)
	if doctype == "Customize Form":  # asked once before a DocType is chosen: a Single has no row
		return 0.0
	if not is_app_doctype(doctype):
		frappe.throw(
			_("A Governance Administrator may customise only the governance DocTypes, not {0}.").format(
				_(doctype)
			),
			frappe.PermissionError,
		)
	return frappe.utils.flt(frappe.db.get_row_size(doctype) / frappe.db.MAX_ROW_SIZE_LIMIT * 100, 2)
