"""A link may only point to, and copy from, a record the user can read.

Frappe copies `fetch_from` values from the linked record on every save, and some controllers copy
from a linked record themselves; neither asks whether the user may read that record. So a village
officer who is refused a resident of another village could still get the resident's name, ID number
and phone back by linking him from a case. `validate_link_access` (a `validate` doc event on every
DocType of the app, `APP_DOCTYPES`, child tables walked from their parent) refuses such a link with
`LinkAccessError`: for each *guarded* link whose value is new or changed it asks
`frappe.has_permission(target, "read", name)` for the session user.

Guarded links, read from the meta:
- every Link field that a `fetch_from` of the same DocType reads from;
- every Dynamic Link field;
- the links that a controller copies from itself (`SERVER_COPIED_LINKS`).

Writes by Administrator and system writes (`doc.flags.ignore_permissions`, install / migrate /
patch) are not checked: the code that makes them has checked what it links.
"""

import functools

import frappe
from frappe import _

# The app's DocTypes that have a form of their own (child tables are walked from their parent):
# hooks.py hangs `validate_link_access` on each. A test checks the list against the app's modules.
APP_DOCTYPES = (
	*("Governance Settings", "Jurisdiction", "Jurisdiction Assignment"),
	*("Building", "Building Unit", "Dwelling", "Facility", "Grid Profile", "Household"),
	*("Organisation", "Resettlement Compound", "Resident", "Village Decision"),
	*("Accountability Record", "Case Category", "Case Type", "Dispute", "Early Warning", "Early Warning Rule"),
	*("Measure Count", "Personal Data Reveal"),
	*("Emergency Incident", "Grid Event", "Handling Unit", "Petition", "Public Submission"),
	*("Routing Rule", "SLA Rule", "Service Request", "Stability Risk Assessment", "Supervision"),
)

# DocType → its Link fields whose target a controller copies values from in Python
SERVER_COPIED_LINKS = {
	"Organisation Member": ("resident",),  # Organisation.validate_members: member_name (full name)
	"Building": ("compound",),  # Building.validate: jurisdiction of the compound
	# StabilityRiskAssessment.validate_subject: matter and jurisdiction of the decision
	"Stability Risk Assessment": ("village_decision",),
}


class LinkAccessError(frappe.PermissionError):
	"""A link names a record the user is not permitted to read."""


@functools.cache
def app_modules() -> tuple[str, ...]:
	"""The app's modules (modules.txt)."""
	return tuple(frappe.get_module_list("xinqu_governance"))


def is_app_doctype(doctype: str) -> bool:
	return frappe.get_meta(doctype).module in app_modules()


def guarded_links(doctype: str) -> list[tuple[str, str, str, str]]:
	"""(fieldname, fieldtype, options, permission type) of the guarded links of `doctype`.

	A link that copies nothing but the target's title (e.g. a User's or a Resident's full name) needs
	"select": Frappe shows that title in the link itself to whoever may select the record. Any other
	copy, and every Dynamic Link, needs "read".
	"""
	meta = frappe.get_meta(doctype)
	fetched = {}
	for df in meta.fields:
		if df.get("fetch_from"):
			link, _dot, source = df.fetch_from.partition(".")
			fetched.setdefault(link, set()).add(source)
	for link in SERVER_COPIED_LINKS.get(doctype, ()):
		fetched.setdefault(link, set()).add(None)  # copied in Python: not only the title
	guarded = []
	for df in meta.fields:
		if df.fieldtype == "Dynamic Link":
			guarded.append((df.fieldname, df.fieldtype, df.options, "read"))
		elif df.fieldtype == "Link" and df.fieldname in fetched:
			title = frappe.get_meta(df.options).title_field
			only_title = bool(title) and fetched[df.fieldname] == {title}
			guarded.append((df.fieldname, df.fieldtype, df.options, "select" if only_title else "read"))
	return guarded


def validate_link_access(doc, method=None):
	"""Doc event (validate, each of `APP_DOCTYPES`): refuse a new or changed guarded link to a record the user cannot read."""
	if is_system_write(doc) or not is_app_doctype(doc.doctype):
		return
	before = None if doc.is_new() else doc.get_doc_before_save()
	check_row_links(doc, before)
	for table in doc.meta.get_table_fields():
		before_rows = {row.name: row for row in (before.get(table.fieldname) if before else [])}
		for row in doc.get(table.fieldname):
			check_row_links(row, before_rows.get(row.name))


def is_system_write(doc) -> bool:
	return (
		frappe.session.user == "Administrator"
		or bool(doc.flags.ignore_permissions)
		or bool(frappe.flags.in_install or frappe.flags.in_migrate or frappe.flags.in_patch)
	)


def record_exists(doctype: str, name: str) -> bool:
	return bool(frappe.db.exists("DocType", doctype) and frappe.db.exists(doctype, name))


def may_link(doctype: str, name: str, ptype: str, user: str) -> bool:
	"""Reading a record includes selecting it: a user who may read a Resident may link it even where
	the link needs only "select" (Frappe's DocPerms seldom grant select on its own)."""
	if frappe.has_permission(doctype, ptype, doc=name, user=user):
		return True
	return ptype == "select" and frappe.has_permission(doctype, "read", doc=name, user=user)


def check_row_links(row, before_row) -> None:
	user = frappe.session.user
	for fieldname, fieldtype, options, ptype in guarded_links(row.doctype):
		target = row.get(options) if fieldtype == "Dynamic Link" else options
		name = row.get(fieldname)
		if not target or not name:
			continue
		if (
			before_row
			and before_row.get(fieldname) == name
			and (fieldtype == "Link" or before_row.get(options) == target)
		):
			continue  # unchanged: it was allowed when it was set
		if not record_exists(target, name):
			continue  # Frappe's own link validation reports it
		if not may_link(target, name, ptype, user):
			label = _(row.meta.get_label(fieldname))
			frappe.throw(
				_("{0}: you are not permitted to read {1} {2}, so you cannot link it.").format(
					label, _(target), name
				),
				LinkAccessError,
				title=_("Not Permitted"),
			)
