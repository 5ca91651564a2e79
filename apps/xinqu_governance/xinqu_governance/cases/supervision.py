"""Supervision 督办 and accountability 问责 (§6: 从预防、发现、包案、调处到督办、问责).

Who may issue: a user holding an active Jurisdiction Assignment at a node that covers the case's
jurisdiction (the node itself or an ancestor) and stands above the level handling the case on the
ladder Village < Town < District < County < City (a grid or village node counts as Village). The
deepest such node is recorded as the issuer's. Administrator (system jobs, data repair) is exempt.

Who may reply: the case's assignee, a member of its handling unit, or an administrator; the reply
sets `replied_on` / `replied_by` and the status Replied. After issue, only the issuer (or an
administrator) changes the kind, deadline, instruction or closes it.

The daily job `record_breached_supervisions` makes one Accountability Record for each supervision
still Open (no reply) after its deadline and marks it Breached: selected set-based with an
anti-join on Accountability Record, and `Accountability Record.supervision` is unique, so a second
run makes nothing.

Who is told (Notification records of the profile, cases/notifications.py): on issue the responsible
user, the handling unit's members and supervisors; a day before the deadline the same people while
it is unanswered; on reply the issuer; on breach (the Accountability Record) the issuer, the
responsible user and the unit's supervisors.
"""

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate

from xinqu_governance.cases import sla
from xinqu_governance.cases.assignment import active_members, supervisors_of
from xinqu_governance.cases.case_types import (
	NODE_RANK,
	is_case_doctype,
	level_rank,
	node_bounds,
	supervising_node,
)
from xinqu_governance.cases.timeline import add_case_entry
from xinqu_governance.governance.access import active_on
from xinqu_governance.governance.site_language import human_datetime, in_site_language

OPEN = "Open"
REPLIED = "Replied"
BREACHED = "Breached"
CLOSED = "Closed"

ADMINISTRATORS = ("Administrator",)
ADMIN_ROLES = ("System Manager", "Governance Administrator")


class SupervisionNotAllowedError(frappe.PermissionError):
	"""The issuer does not hold a role above the level handling the case."""


def is_administrator(user: str | None = None) -> bool:
	user = user or frappe.session.user
	return user in ADMINISTRATORS or bool(set(frappe.get_roles(user)) & set(ADMIN_ROLES))


def issuer_standing(user: str, case) -> frappe._dict | None:
	"""The deepest node where `user` holds an active role covering the case and above its level."""
	bounds = node_bounds(case.jurisdiction)
	if not bounds:
		return None
	assignment = frappe.qb.DocType("Jurisdiction Assignment")
	node = frappe.qb.DocType("Jurisdiction")
	nodes = (
		frappe.qb.from_(assignment)
		.join(node)
		.on(node.name == assignment.jurisdiction)
		.select(node.name, node.level, node.lft)
		.where(
			(assignment.user == user)
			& active_on(assignment)
			& (node.lft <= bounds[0])
			& (node.rgt >= bounds[1])
		)
		.run(as_dict=True)
	)
	case_rank = level_rank(case.get("handling_level"))
	above = [row for row in nodes if NODE_RANK.get(row.level, -1) > case_rank]
	return max(above, key=lambda row: row.lft) if above else None


def may_supervise(case, user: str | None = None) -> bool:
	"""The rule of the module docstring: `user` may issue a supervision on `case`."""
	user = user or frappe.session.user
	return user in ADMINISTRATORS or bool(issuer_standing(user, case))


def can_raise_supervision(case_doctype: str, case_name: str) -> bool:
	"""Whether the current user may issue a supervision on the case (the case form shows its button)."""
	if not is_case_doctype(case_doctype) or not frappe.has_permission("Supervision", "create"):
		return False
	case = frappe.get_doc(case_doctype, case_name)
	return bool(case.has_permission("read")) and may_supervise(case)


def level_of_node(node_level: str) -> str | None:
	return {"Grid": "Village", "Village": "Village", "Town": "Town", "County": "County", "City": "City"}.get(
		node_level
	)


def validate_supervision(doc) -> None:
	"""Called by the Supervision controller's validate."""
	if not is_case_doctype(doc.case_doctype):
		frappe.throw(_("{0} is not a case type.").format(_(doc.case_doctype)), title=_("Not a Case"))
	case = frappe.get_doc(doc.case_doctype, doc.case_name)
	if doc.is_new():
		doc.issued_by = frappe.session.user
		doc.issued_on = sla.now()
		doc.jurisdiction = case.jurisdiction
		doc.handling_unit = case.get("handling_unit")
		doc.case_handling_level = case.get("handling_level")
		doc.responsible_user = case.get("assigned_to")
		validate_issuer(doc, case)
	else:
		validate_changes_by_issuer(doc)
	validate_deadline(doc)
	set_reply(doc)


def validate_issuer(doc, case) -> None:
	if frappe.session.user in ADMINISTRATORS:
		return
	standing = issuer_standing(frappe.session.user, case)
	if not standing:
		frappe.throw(
			_(
				"Only a user holding a role above level {0} over {1} may supervise this case; you hold none."
			).format(_(case.get("handling_level") or ""), case.jurisdiction),
			SupervisionNotAllowedError,
			title=_("Not Allowed to Supervise"),
		)
	doc.issuer_jurisdiction = standing.name
	doc.issuer_level = level_of_node(standing.level)


def validate_changes_by_issuer(doc) -> None:
	if doc.issued_by == frappe.session.user or is_administrator():
		return
	before = doc.get_doc_before_save()
	if not before:
		return
	for fieldname in ("kind", "deadline", "instruction", "case_doctype", "case_name"):
		if doc.has_value_changed(fieldname):
			frappe.throw(
				_("Only the issuer may change the {0} of a supervision.").format(
					_(doc.meta.get_label(fieldname))
				),
				frappe.PermissionError,
				title=_("Not Allowed"),
			)
	if doc.status == CLOSED and before.status != CLOSED:
		frappe.throw(
			_("Only the issuer may close a supervision."), frappe.PermissionError, title=_("Not Allowed")
		)


def validate_deadline(doc) -> None:
	if doc.deadline and doc.issued_on and get_datetime(doc.deadline) <= get_datetime(doc.issued_on):
		frappe.throw(_("The reply deadline must be after the time of issue."), title=_("Invalid Deadline"))


def set_reply(doc) -> None:
	if not doc.reply or (not doc.is_new() and not doc.has_value_changed("reply")):
		return
	user = frappe.session.user
	allowed = {
		doc.responsible_user,
		*active_members(doc.handling_unit or ""),
		*supervisors_of(doc.handling_unit),
	}
	if user not in allowed and not is_administrator(user):
		frappe.throw(
			_("Only the handling unit {0} replies to this supervision.").format(doc.handling_unit or "-"),
			frappe.PermissionError,
			title=_("Not Allowed"),
		)
	doc.replied_by = user
	doc.replied_on = sla.now()
	if doc.status == OPEN:
		doc.status = REPLIED


@in_site_language()
def after_issue(doc) -> None:
	"""Timeline entry on the case (in the site's language). The responsible user, the unit's members
	and supervisors are told by the Notification "supervision issued" (cases/notifications.py)."""
	text = _("Supervision {0} ({1}) issued by {2}: reply by {3}. {4}").format(
		doc.name, _(doc.kind), doc.issued_by, human_datetime(doc.deadline), doc.instruction
	)
	add_case_entry(doc.case_doctype, doc.case_name, text)


@in_site_language()
def after_reply(doc) -> None:
	text = _("Reply to supervision {0} by {1}: {2}").format(doc.name, doc.replied_by, doc.reply)
	add_case_entry(doc.case_doctype, doc.case_name, text)


# ------------------------------------------------------------------------------------------------
# Daily job


@in_site_language()
def record_breached_supervisions(now=None) -> list[str]:
	"""Daily: an Accountability Record for each Open supervision past its deadline, exactly once."""
	moment = get_datetime(now) if now else sla.now()
	supervision = frappe.qb.DocType("Supervision")
	record = frappe.qb.DocType("Accountability Record")
	breached = (
		frappe.qb.from_(supervision)
		.left_join(record)
		.on(record.supervision == supervision.name)
		.select(
			supervision.name,
			supervision.kind,
			supervision.deadline,
			supervision.case_doctype,
			supervision.case_name,
			supervision.jurisdiction,
			supervision.issuer_jurisdiction,
			supervision.issued_by,
			supervision.handling_unit,
			supervision.responsible_user,
		)
		.where(
			(supervision.status == OPEN)
			& (supervision.deadline < moment)
			& (supervision.reply.isnull() | (supervision.reply == ""))
			& record.name.isnull()
		)
		.orderby(supervision.deadline)
		.run(as_dict=True)
	)
	made = [make_accountability_record(row) for row in breached]
	if breached:
		frappe.qb.update(supervision).set(supervision.status, BREACHED).where(
			supervision.name.isin([row.name for row in breached]) & (supervision.status == OPEN)
		).run()
	return made


def make_accountability_record(row) -> str:
	record = frappe.get_doc(
		{
			"doctype": "Accountability Record",
			"supervision": row.name,
			"kind": row.kind,
			"breach_date": getdate(row.deadline),
			"jurisdiction": row.issuer_jurisdiction or supervising_node(row.jurisdiction),
			"case_doctype": row.case_doctype,
			"case_name": row.case_name,
			"case_jurisdiction": row.jurisdiction,
			"responsible_unit": row.handling_unit,
			"responsible_user": row.responsible_user,
			"status": "Open",
		}
	).insert(ignore_permissions=True)
	text = _("Supervision {0} was not answered by {1}: accountability record {2}.").format(
		row.name, human_datetime(row.deadline), record.name
	)
	add_case_entry(row.case_doctype, row.case_name, text)
	return record.name
