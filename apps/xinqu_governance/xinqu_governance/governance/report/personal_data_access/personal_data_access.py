# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

"""Who saw whose personal data: every full number revealed (Personal Data Reveal: who, when, which
record and field, why) and every desk view of a record with personal numbers (Frappe's View Log, for
the DocTypes with `track_views`), newest first. For the Governance Administrator (docs/security.md)."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate

from xinqu_governance.governance.personal_data import PERSONAL_DOCTYPES

REVEAL, VIEW = "Reveal", "View"


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return columns(), rows(filters)


def columns() -> list[dict]:
	return [
		{"fieldname": "on", "label": _("When"), "fieldtype": "Datetime", "width": 160},
		# Data, not Link: v15's report runner refuses Link columns to DocTypes the reader may not read
		# (User, DocType), tests/test_report_roles.py
		{"fieldname": "user", "label": _("User"), "fieldtype": "Data", "width": 180},
		{"fieldname": "action", "label": _("Action"), "fieldtype": "Data", "width": 80},
		{"fieldname": "reference_doctype", "label": _("Record Type"), "fieldtype": "Data", "width": 120},
		{
			"fieldname": "reference_name",
			"label": _("Record"),
			"fieldtype": "Dynamic Link",
			"options": "reference_doctype",
			"width": 140,
		},
		{"fieldname": "fieldname", "label": _("Field"), "fieldtype": "Data", "width": 140},
		{"fieldname": "reason", "label": _("Reason"), "fieldtype": "Data", "width": 260},
	]


def rows(filters) -> list[dict]:
	start = getdate(filters.from_date or add_days(getdate(), -30))
	end = add_days(getdate(filters.to_date or getdate()), 1)
	found = []
	if filters.action in (None, "", REVEAL):
		reveal = frappe.qb.DocType("Personal Data Reveal")
		query = (
			frappe.qb.from_(reveal)
			.select(
				reveal.revealed_on.as_("on"),
				reveal.user,
				reveal.reference_doctype,
				reveal.reference_name,
				reveal.fieldname,
				reveal.reason,
			)
			.where((reveal.revealed_on >= start) & (reveal.revealed_on < end))
		)
		if filters.user:
			query = query.where(reveal.user == filters.user)
		found += [{**row, "action": _(REVEAL)} for row in query.run(as_dict=True)]
	if filters.action in (None, "", VIEW):
		view = frappe.qb.DocType("View Log")
		query = (
			frappe.qb.from_(view)
			.select(
				view.creation.as_("on"),
				view.viewed_by.as_("user"),
				view.reference_doctype,
				view.reference_name,
			)
			.where(view.reference_doctype.isin(PERSONAL_DOCTYPES))
			.where((view.creation >= start) & (view.creation < end))
		)
		if filters.user:
			query = query.where(view.viewed_by == filters.user)
		found += [{**row, "action": _(VIEW)} for row in query.run(as_dict=True)]
	found.sort(key=lambda row: row["on"], reverse=True)
	return found
