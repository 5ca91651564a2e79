"""Who may change what on a case once it exists (issue 8 §2). Runs first on every save of a case
(`CaseWorkflowMixin.before_validate`), so it sees what the request changed before any rule sets a field.

- Fields only the system writes: the contract's bookkeeping fields (`SYSTEM_FIELDS`) and every other
  read-only field of the case change only through the code paths that own them (workflow, SLA,
  escalation, triage), which mark the document with `mark_system_write(doc)`. Entering a workflow state
  may set that state's `update_field` (Frappe's `apply_workflow` does it before saving). Any other change
  is refused, except `sla_status` and `sla_check_at`: the SLA job marks them without touching `modified`, so a form opened
  before the job ran still carries the old value; it is put back, not refused. A new case from a
  user request (not `ignore_permissions`) may not bring values for them (the handling level excepted).
- Edit rights per workflow state: in a state, only a role named in one of the state's `allow_edit`
  rows may change the case's fields, and only where the user holds that role (at the case's node or
  an ancestor, `governance.node_powers`). States marked `closes_case` (closed, withdrawn) are thereby
  read-only except for the roles their rows name: the profile names Governance Administrator
  (`workflows/*.json`). After a case is closed (not withdrawn) its follow-up fields (`FOLLOW_UP_FIELDS`:
  the 履行情况 of a mediation agreement) stay editable, and only they, by a user holding over the case
  a role that may close it (a transition into the closing state). The Administrator, a Governance Administrator over the case and code that
  saves with `ignore_permissions` are not held to state rights.
"""

import frappe
from frappe import _
from frappe.model import no_value_fields, table_fields
from frappe.model.workflow import get_workflow, get_workflow_name
from frappe.utils import cint, cstr, flt, get_datetime, getdate

from xinqu_governance.governance.node_powers import roles_held_over
from xinqu_governance.governance.roles import GOVERNANCE_ADMINISTRATOR, GOVERNANCE_ROLES

SYSTEM_FIELDS = (
	"handling_level",
	"state_entered_on",
	"response_due",
	"resolution_due",
	"sla_status",
	"escalation_count",
	"closed_on",
	"is_withdrawn",
)
# the follow-up of a closed case, by DocType: changed after the case is closed, and only these
FOLLOW_UP_FIELDS = {
	"Dispute": ("agreement_fulfilment", "fulfilment_checked_on", "fulfilment_note"),
}
# kept by a background job without a new `modified`: a stale form value is put back, not refused
RESTORED_FIELDS = ("sla_status", "sla_check_at")


class SystemFieldError(frappe.PermissionError):
	"""A request changed a field only the system writes."""


class StateEditError(frappe.PermissionError):
	"""The user may not change the case in its current workflow state."""


def mark_system_write(doc) -> None:
	"""Called by the code path that owns the system fields before it saves `doc`."""
	doc.flags.xq_system_write = True


def guard_case_edit(doc) -> None:
	if (
		doc.flags.xq_system_write
		or frappe.flags.in_install
		or frappe.flags.in_migrate
		or frappe.flags.in_patch
	):
		return
	if doc.is_new():
		if not doc.flags.ignore_permissions:
			refuse_system_values_on_insert(doc)
		return
	before = doc.get_doc_before_save()
	if before:
		refuse_system_field_changes(doc, before)
		refuse_edits_outside_state_rights(doc, before)


def refuse_system_values_on_insert(doc) -> None:
	"""A new case from a user request starts with the bookkeeping empty: the rules fill it in. (The
	handling level is intake data: a county window registers at the county level.)"""
	refused = [
		df
		for df in doc.meta.fields
		if df.fieldname in SYSTEM_FIELDS
		and df.fieldname != "handling_level"
		and normalised(df, doc.get(df.fieldname)) not in (None, 0)
	]
	if refused:
		throw_system_fields(doc, refused)


def refuse_system_field_changes(doc, before) -> None:
	entered = workflow_updates(doc, before)
	refused = []
	for df in system_fields(doc.meta):
		value = doc.get(df.fieldname)
		if same(df, value, before.get(df.fieldname)):
			continue
		if df.fieldname in entered and same(df, value, entered[df.fieldname]):
			continue
		if df.fieldname in RESTORED_FIELDS:
			doc.set(df.fieldname, before.get(df.fieldname))
			continue
		refused.append(df)
	if refused:
		throw_system_fields(doc, refused)


def throw_system_fields(doc, refused: list) -> None:
	frappe.throw(
		_("{0} {1}: only the system changes {2}.").format(
			_(doc.doctype), doc.name or "", ", ".join(_(df.label or df.fieldname) for df in refused)
		),
		SystemFieldError,
		title=_("Field Kept by the System"),
	)


def refuse_edits_outside_state_rights(doc, before) -> None:
	user = frappe.session.user
	if doc.flags.ignore_permissions or user == "Administrator" or not get_workflow_name(doc.doctype):
		return
	workflow = get_workflow(doc.doctype)
	state = before.get(workflow.workflow_state_field)
	if not state:
		return
	guarded = {df.fieldname for df in system_fields(doc.meta)} | {workflow.workflow_state_field}
	edited = [
		df
		for df in doc.meta.fields
		if df.fieldname not in guarded
		and (df.fieldtype in table_fields or df.fieldtype not in no_value_fields)
		and not same(df, doc.get(df.fieldname), before.get(df.fieldname))
	]
	if not edited:
		return
	editors = {row.allow_edit for row in workflow.states if row.state == state and row.allow_edit}
	held = roles_held_over(user, before.jurisdiction) | (set(frappe.get_roles(user)) - set(GOVERNANCE_ROLES))
	if editors & held or GOVERNANCE_ADMINISTRATOR in held:
		return
	if is_follow_up(doc.doctype, workflow, state, before, edited, held):
		return
	frappe.throw(
		_("{0} {1} is in state {2}: only a {3} over {4} may change it (you changed {5}).").format(
			_(doc.doctype),
			doc.name,
			_(state),
			" / ".join(_(role) for role in sorted(editors)) or _("nobody"),
			before.jurisdiction,
			", ".join(_(df.label or df.fieldname) for df in edited),
		),
		StateEditError,
		title=_("Not Editable in This State"),
	)


def is_follow_up(doctype, workflow, state, before, edited, held) -> bool:
	"""Only follow-up fields changed, on a case closed (not withdrawn), by a holder of a closing role."""
	allowed = FOLLOW_UP_FIELDS.get(doctype) or ()
	if not allowed or cint(before.get("is_withdrawn")) or any(df.fieldname not in allowed for df in edited):
		return False
	if not any(row.state == state and cint(row.get("closes_case")) for row in workflow.states):
		return False
	closers = {row.allowed for row in workflow.transitions if row.next_state == state}
	return bool(closers & held)


def follow_up_fields(doctype: str) -> tuple:
	return FOLLOW_UP_FIELDS.get(doctype) or ()


def system_fields(meta) -> list:
	"""The contract's system fields and every other read-only value field (not fetched from a link)."""
	return [
		df
		for df in meta.fields
		if df.fieldtype not in no_value_fields
		and df.fieldname != "workflow_state"
		and (df.fieldname in SYSTEM_FIELDS or (cint(df.read_only) and not df.fetch_from))
	]


def workflow_updates(doc, before) -> dict:
	"""{field: value} the state entered in this save sets (its `update_field`); leaving a withdrawal
	clears `is_withdrawn`."""
	if not get_workflow_name(doc.doctype):
		return {}
	workflow = get_workflow(doc.doctype)
	field = workflow.workflow_state_field
	if doc.get(field) == before.get(field):
		return {}
	updates = {}
	left = next((row for row in workflow.states if row.state == before.get(field)), None)
	if left and left.update_field == "is_withdrawn":
		updates["is_withdrawn"] = 0
	row = next((row for row in workflow.states if row.state == doc.get(field)), None)
	if row and row.update_field:
		updates[row.update_field] = row.update_value
	return updates


def same(df, a, b) -> bool:
	return normalised(df, a) == normalised(df, b)


def normalised(df, value):
	if df.fieldtype in table_fields:
		meta = frappe.get_meta(df.options)
		fields = [f for f in meta.fields if f.fieldtype not in no_value_fields]
		return [tuple(normalised(f, row.get(f.fieldname)) for f in fields) for row in value or []]
	if value in (None, ""):
		return None if df.fieldtype not in ("Int", "Check", "Float", "Currency", "Percent") else 0
	if df.fieldtype in ("Int", "Check"):
		return cint(value)
	if df.fieldtype in ("Float", "Currency", "Percent"):
		return flt(value)
	if df.fieldtype == "Datetime":
		return get_datetime(value).replace(microsecond=0)
	if df.fieldtype == "Date":
		return getdate(value)
	return cstr(value)
