"""Citizen ID numbers and phone numbers: in full only to the roles that need them, masked for the rest.

The model (docs/security.md, "Personal data"):
- Every *personal field* (a Data field named for an ID number or a phone, or with options "Phone";
  `personal_kind`, read from the meta) sits at **permlevel 1**. Frappe itself then leaves it out, for
  a user without read at level 1 on the DocType (child tables: on their parent), of the form
  (`apply_fieldlevel_read_permissions`), the REST and list reads, Report View and its export
  (`DatabaseQuery.apply_fieldlevel_read_permissions`, v15 and v16) and the print view's fields; and
  puts back on save what such a user sends for it (`validate_higher_perm_levels`). Who has level 1 is
  data: the level-1 DocPerm rows of the DocType (shipped: System Manager, Governance Administrator,
  Village Staff, Grid Worker), editable in the Role Permission Manager.
- Beside it, at level 0, its masked copy `<field>_masked` (`632126********8196`, `153****8766`),
  set by `set_masked_numbers` on every save (a `validate` doc event) and by the patch
  `patches/v1_0/mask_personal_numbers.py` for rows saved before. Lists, grids, reports and print
  formats show the masked copy to whoever may not read the full number (`shown`).
- "Break the glass": `reveal_personal_number` returns one full number to a role that Governance
  Settings' `reveal_roles` names, with a reason, and logs it (Personal Data Reveal); the report
  Personal Data Access lists the reveals and the desk views of residents (Frappe's View Log:
  Resident has `track_views`).

Frappe v16's DocField `mask` would do part of this, but v15 has no such property; permlevel works on both.
"""

import frappe
from frappe import _
from frappe.query_builder import Case, CustomFunction
from frappe.query_builder.functions import Concat
from frappe.utils import now_datetime

MASKED_SUFFIX = "_masked"

# kind → characters kept at the start and at the end; the rest become "*"
MASKS = {"id_number": (6, 4), "phone": (3, 4)}

# Parents of the personal fields (child tables are walked from them): hooks.py hangs the doc events
# on each. tests/test_personal_data.py checks this list against the meta of every app DocType.
PERSONAL_DOCTYPES = (
	*("Resident", "Household", "Grid Profile", "Organisation"),
	*("Petition", "Service Request", "Grid Event", "Dispute"),
)

# Fields whose names look personal but hold an office's number, published to residents anyway
NOT_PERSONAL = {
	("Facility", "contact_phone"): "the facility's own number, posted at its door",
	("Organisation", "contact_phone"): "the organisation's office number",
}


class RevealNotAllowedError(frappe.PermissionError):
	pass


def personal_kind(doctype: str, df) -> str | None:
	"""The kind of personal number a field holds ("id_number" or "phone"), or None."""
	fieldname = df.fieldname or ""
	if df.fieldtype != "Data" or fieldname.endswith(MASKED_SUFFIX) or (doctype, fieldname) in NOT_PERSONAL:
		return None
	if "citizen_id" in fieldname or "id_number" in fieldname:
		return "id_number"
	if "phone" in fieldname or "mobile" in fieldname or df.options == "Phone":
		return "phone"
	return None


def personal_fields(doctype: str) -> dict[str, str]:
	"""fieldname → kind, for the personal fields of one DocType (its own, not its child tables')."""
	return {
		df.fieldname: kind
		for df in frappe.get_meta(doctype).fields
		if (kind := personal_kind(doctype, df))
	}


def mask(value: str | None, kind: str) -> str | None:
	"""`632126198807018196` → `632126********8196`; `15309728766` → `153****8766`; a number too short
	to keep anything is all stars. The same rule as `masked_sql`."""
	if not value:
		return value
	head, tail = MASKS[kind]
	if len(value) <= head + tail:
		return "*" * len(value)
	return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


_Left = CustomFunction("LEFT", ["text", "length"])
_Right = CustomFunction("RIGHT", ["text", "length"])
_Repeat = CustomFunction("REPEAT", ["text", "times"])
_CharLength = CustomFunction("CHAR_LENGTH", ["text"])


def masked_sql(column, kind: str):
	"""`mask` as a query-builder expression on `column`, for set-based backfills."""
	head, tail = MASKS[kind]
	return (
		Case()
		.when(
			_CharLength(column) > head + tail,
			Concat(_Left(column, head), _Repeat("*", _CharLength(column) - head - tail), _Right(column, tail)),
		)
		.else_(_Repeat("*", _CharLength(column)))
	)


def fill_masked_columns(doctype: str) -> None:
	"""Set every row's masked copies from its full numbers, in one UPDATE per field (patch, tests)."""
	table = frappe.qb.DocType(doctype)
	for fieldname, kind in personal_fields(doctype).items():
		column = table[fieldname]
		frappe.qb.update(table).set(table[fieldname + MASKED_SUFFIX], masked_sql(column, kind)).where(
			column.isnotnull() & (column != "")
		).run()
		frappe.qb.update(table).set(table[fieldname + MASKED_SUFFIX], None).where(
			column.isnull() | (column == "")
		).run()


def _rows(doc):
	yield doc
	for table in doc.meta.get_table_fields():
		yield from doc.get(table.fieldname) or []


def set_masked_numbers(doc, method=None) -> None:
	"""Doc event (validate, each of `PERSONAL_DOCTYPES`): the masked copy of every personal number of
	the document and of its child rows, from the full number as it will be saved."""
	for row in _rows(doc):
		for fieldname, kind in personal_fields(row.doctype).items():
			row.set(fieldname + MASKED_SUFFIX, mask(row.get(fieldname), kind))


def keep_fetched_numbers(doc, method=None) -> None:
	"""Doc event (before_insert): a number the server has just fetched from a linked record (fetch_from,
	e.g. a petition's petitioner → his ID number) is not the user's input, so Frappe's reset of the
	level-1 fields the user may not write (`validate_higher_perm_levels`, which on insert runs after
	the fetch) must not blank it. A number typed without a link, or other than the linked record's
	(`fetch_if_empty` keeps a typed one), is still reset."""
	fetched = []
	for df in doc.meta.fields:
		if not df.fetch_from or df.fieldname not in personal_fields(doc.doctype) or not doc.get(df.fieldname):
			continue
		link_fieldname, source = df.fetch_from.split(".", 1)
		link = doc.meta.get_field(link_fieldname)
		if link and link.fieldtype == "Link" and doc.get(link_fieldname):
			if frappe.db.get_value(link.options, doc.get(link_fieldname), source) == doc.get(df.fieldname):
				fetched.append(df.fieldname)
	if fetched:
		doc.flags.ignore_permlevel_for_fields = [*(doc.flags.ignore_permlevel_for_fields or []), *fetched]


def hide_unreadable_numbers(doc, method=None) -> None:
	"""Doc event (on_change, the last step of a save or insert): Frappe's REST insert and update
	(`/api/resource`, v15 and v16) answer with the document as it is in memory, so a user who may not
	read a number got it back in full (a petition's fetched ID number, a resident's stored phone put
	back by `validate_higher_perm_levels`), where Frappe's reads and the desk's save leave it out. After
	a user's own save in a request the document drops what the user may not read, with Frappe's own
	`apply_fieldlevel_read_permissions`; system writes (`ignore_permissions`) keep their values."""
	if not getattr(frappe.local, "request", None) or doc.flags.ignore_permissions:
		return
	if may_read_full_numbers(doc.doctype):
		return
	doc.apply_fieldlevel_read_permissions()


def _parent_doctype(doctype: str) -> str:
	"""The DocType whose permissions govern `doctype`'s fields (a child table's parent)."""
	if not frappe.get_meta(doctype).istable:
		return doctype
	for parent in PERSONAL_DOCTYPES:
		if any(df.options == doctype for df in frappe.get_meta(parent).get_table_fields()):
			return parent
	return doctype


def may_read_full_numbers(doctype: str, user: str | None = None) -> bool:
	"""Whether the user may read level-1 fields of `doctype` (child tables: of their parent), from the
	DocType's permission rows as Frappe reads them (custom ones included)."""
	user = user or frappe.session.user
	if user == "Administrator":
		return True
	roles = set(frappe.get_roles(user))
	return any(
		perm.permlevel == 1 and perm.read and perm.role in roles
		for perm in frappe.get_meta(_parent_doctype(doctype)).permissions
	)


def shown(doctype: str, fieldname: str, value: str | None) -> str:
	"""A personal number as the session user may see it: in full, or masked (print formats, reports)."""
	kind = personal_fields(doctype).get(fieldname)
	if not value or not kind or may_read_full_numbers(doctype):
		return value or ""
	return mask(value, kind)


def reveal_roles() -> set[str]:
	"""The roles Governance Settings names as allowed to reveal a full number (`reveal_roles`)."""
	return {row.role for row in frappe.get_cached_doc("Governance Settings").get("reveal_roles") or []}


def may_reveal(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user == "Administrator" or bool(reveal_roles() & set(frappe.get_roles(user)))


def reveal_personal_number(doctype: str, name: str, fieldname: str, reason: str) -> str:
	"""Break the glass: the full number in `fieldname` of `doctype` `name` (a child row's name for a
	child table's field), for a holder of a role Governance Settings names in `reveal_roles` who may
	read the record, with a reason; logged as a Personal Data Reveal."""
	reason = (reason or "").strip()
	if not reason:
		frappe.throw(_("Give the reason why you need the full number."), title=_("Reason Required"))
	if not may_reveal():
		frappe.throw(
			_("Your roles may not reveal full ID or phone numbers."),
			RevealNotAllowedError,
			title=_("Not Permitted"),
		)
	if not frappe.db.exists("DocType", doctype) or fieldname not in personal_fields(doctype):
		frappe.throw(
			_("{0} of {1} is not an ID or phone number.").format(fieldname, doctype), title=_("Not Permitted")
		)
	record = frappe.db.get_value(doctype, name, ["name", fieldname], as_dict=True)
	if not record:
		frappe.throw(_("{0} {1} does not exist.").format(_(doctype), name), frappe.DoesNotExistError)
	parent_doctype, parent_name = doctype, name
	if frappe.get_meta(doctype).istable:
		parent_doctype, parent_name = frappe.db.get_value(doctype, name, ["parenttype", "parent"])
	if not frappe.has_permission(parent_doctype, "read", parent_name):
		frappe.throw(
			_("You are not permitted to read {0} {1}.").format(_(parent_doctype), parent_name),
			frappe.PermissionError,
		)
	frappe.get_doc(
		{
			"doctype": "Personal Data Reveal",
			"user": frappe.session.user,
			"revealed_on": now_datetime(),
			"reference_doctype": parent_doctype,
			"reference_name": parent_name,
			"field_doctype": doctype,
			"fieldname": fieldname,
			"reason": reason,
		}
	).insert(ignore_permissions=True)
	return record.get(fieldname) or ""


def add_to_boot(bootinfo) -> None:
	"""`frappe.boot.xinqu_personal_fields` (DocType → its personal fieldnames, child tables included)
	and `xinqu_may_reveal`, for the desk's reveal button (public/js/personal_data.bundle.js)."""
	if frappe.session.user == "Guest":
		return
	fields = {}
	for doctype in PERSONAL_DOCTYPES:
		fields[doctype] = list(personal_fields(doctype))
		for table in frappe.get_meta(doctype).get_table_fields():
			if child_fields := personal_fields(table.options):
				fields[table.options] = list(child_fields)
	bootinfo.xinqu_personal_fields = fields
	bootinfo.xinqu_may_reveal = may_reveal()
