# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

"""Overdue Queue: the open cases under a jurisdiction (a town, usually) that are Overdue or Due Soon,
across case types, most urgent first — one page of them.

Permission: the user must be able to read the chosen jurisdiction node (User Permissions on
Jurisdiction reach a node's descendants, so every case under a readable node is in the user's
scope) and each case type listed (role permission). One query per case type and status (Overdue,
then Due Soon): status, open and territory conditions, ordered by `resolution_due` with a limit,
served by the (sla_status, resolution_due) index that `case_types.ensure_case_indexes` keeps on every
case DocType; the pages are merged by deadline.
"""

import frappe
from frappe import _
from frappe.utils import cint, flt, get_datetime, time_diff_in_hours

from xinqu_governance.cases import sla
from xinqu_governance.cases.case_types import case_doctypes
from xinqu_governance.governance.access import cases_report_node
from xinqu_governance.governance.tree_scope import PAGE, roots_condition

DEFAULT_PAGE_LENGTH = 100
MAX_PAGE_LENGTH = 500
QUEUE_STATUSES = (sla.OVERDUE, sla.DUE_SOON)
# A territory of up to this many nodes reaches MariaDB as their list, a larger one as the tree's range
# read per row (tree_scope.roots_condition). Lower than the lists' own limit: the queue runs one query
# per case type and status (14) and pays the optimizer's look at a list (~13 µs a name) in each.
# Measured as a town's officer on the 100k-case benchmark site (docs/benchmarks.md): a town of 153
# nodes 37 ms as the list, 12 ms as the range; a village of 49 nodes 20 / 16 ms; a village of one
# node 5 ms as the list, 34 ms as the range (which walks every due case of the site).
LIST_LIMIT = 20


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return get_columns(), get_data(filters)


def get_columns() -> list[dict]:
	"""Link columns only to the app's own DocTypes, which every role of the report reads: Frappe v15's
	report runner refuses the whole report ("No permission to read DocType") when a Link column with
	values points at a DocType the user may not read (DocType, User, Workflow State for most roles).
	`case_type` holds the DocType name for the `case` Dynamic Link (the desk link to the case) and is
	shown translated by the report's formatter."""
	return [
		{"fieldname": "case_type", "label": _("Case Type"), "fieldtype": "Data", "width": 120},
		{
			"fieldname": "case",
			"label": _("Case"),
			"fieldtype": "Dynamic Link",
			"options": "case_type",
			"width": 150,
		},
		{"fieldname": "subject", "label": _("Subject"), "fieldtype": "Data", "width": 200},
		{"fieldname": "sla_status", "label": _("SLA Status"), "fieldtype": "Data", "width": 90},
		{"fieldname": "resolution_due", "label": _("Resolution Due"), "fieldtype": "Datetime", "width": 150},
		{
			"fieldname": "hours_overdue",
			"label": _("Hours Overdue"),
			"fieldtype": "Float",
			"precision": 1,
			"width": 100,
		},
		{
			"fieldname": "jurisdiction",
			"label": _("Jurisdiction"),
			"fieldtype": "Link",
			"options": "Jurisdiction",
			"width": 150,
		},
		{
			"fieldname": "category",
			"label": _("Category"),
			"fieldtype": "Link",
			"options": "Case Category",
			"width": 120,
		},
		{"fieldname": "workflow_state", "label": _("Workflow State"), "fieldtype": "Data", "width": 130},
		{"fieldname": "handling_level", "label": _("Handling Level"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "handling_unit",
			"label": _("Handling Unit"),
			"fieldtype": "Link",
			"options": "Handling Unit",
			"width": 160,
		},
		{"fieldname": "assigned_to", "label": _("Assigned To"), "fieldtype": "Data", "width": 150},
		{"fieldname": "escalation_count", "label": _("Escalations"), "fieldtype": "Int", "width": 80},
	]


def get_data(filters) -> list[dict]:
	node = cases_report_node(filters)

	statuses = [filters.sla_status] if filters.get("sla_status") in QUEUE_STATUSES else list(QUEUE_STATUSES)
	page_length = min(cint(filters.get("page_length")) or DEFAULT_PAGE_LENGTH, MAX_PAGE_LENGTH)
	moment = sla.now()
	territory = territory_of(node)

	rows = []
	for doctype in queue_doctypes(filters.get("case_type")):
		# Overdue deadlines all lie before Due Soon ones: a page per status, most urgent first, each an
		# equality on sla_status ordered by resolution_due (the composite index, no sort)
		for status in statuses:
			wanted = page_length - sum(1 for row in rows if row.case_type == doctype)
			if wanted <= 0:
				break
			rows.extend(queue_page(doctype, territory, status, filters.get("handling_unit"), wanted))
	rows.sort(key=lambda row: get_datetime(row.resolution_due))
	rows = rows[:page_length]
	for row in rows:
		row.hours_overdue = flt(time_diff_in_hours(moment, row.resolution_due), 1)
		row.sla_status_key, row.sla_status = row.sla_status, _(row.sla_status)
		row.workflow_state = _(row.workflow_state) if row.workflow_state else None
	return rows


def territory_of(node: str) -> str:
	"""SQL: a case's `jurisdiction` within the node and every node below it, in the form of a page
	(governance/tree_scope.py `roots_condition`: a town's nodes as the tree's range, read per row as
	the deadline index is walked, not a list the optimizer spends milliseconds on before each of the
	queue's queries; up to LIST_LIMIT nodes as their list)."""
	lft, rgt = frappe.db.get_value("Jurisdiction", node, ["lft", "rgt"])
	root = frappe._dict(for_value=node, lft=lft, rgt=rgt, hide_descendants=0)
	return roots_condition("c.jurisdiction", [root], PAGE, list_limit=LIST_LIMIT)


def queue_doctypes(case_type: str | None) -> list[str]:
	doctypes = case_doctypes()
	if case_type:
		if case_type not in doctypes:
			frappe.throw(_("{0} is not a case type.").format(_(case_type)), title=_("Not a Case Type"))
		doctypes = [case_type]
	return [doctype for doctype in doctypes if frappe.has_permission(doctype, "read")]


def queue_page(doctype: str, territory: str, status: str, handling_unit, page_length: int):
	"""One page of `doctype`'s open cases of `status` in the territory, by deadline: an equality on
	sla_status ordered by resolution_due (the composite index, no sort)."""
	subject = "c.subject" if frappe.get_meta(doctype).has_field("subject") else "c.name"
	unit = "and c.handling_unit = %(unit)s" if handling_unit else ""
	rows = frappe.db.sql(
		f"""select c.name as `case`, {subject} as subject, c.sla_status, c.resolution_due,
			c.jurisdiction, c.category, c.workflow_state, c.handling_level, c.handling_unit,
			c.assigned_to, c.escalation_count
		from `tab{doctype}` c
		where c.sla_status = %(status)s and ({territory}) and c.closed_on is null
			and c.is_withdrawn = 0 {unit}
		order by c.resolution_due
		limit %(limit)s""",
		{"status": status, "unit": handling_unit, "limit": page_length},
		as_dict=True,
	)
	for row in rows:
		row.case_type = doctype
	return rows
