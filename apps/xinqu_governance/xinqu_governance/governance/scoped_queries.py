"""Frappe's list and count methods, run with the shape of their query known to the tree scope.

The `permission_query_conditions` hook is asked for a condition without being told what query it
goes into, and for a scope of thousands of nodes the fastest SQL differs: a page of 20 wants each
row's node looked up in the tree as its sort index is read, a count wants the subtree's nodes first
(governance/tree_scope.py, `scope_condition`). These overrides (hooks.py
`override_whitelisted_methods`) run Frappe's own method unchanged inside `shaped_as(…)`; rows,
counts and permissions are Frappe's (tests/test_tree_scope.py compares every form's rows). A query
of any other method keeps the plain list of the nodes, which serves every shape.

A grouped list (the Report View's group-by and aggregate columns, `group_by` of REST's get_list)
aggregates, so it runs as a count.
"""

import frappe
from frappe.client import get_count as client_get_count
from frappe.client import get_list as client_get_list
from frappe.desk import reportview

from xinqu_governance.governance.tree_scope import COUNT, PAGE, shaped_as


def _shape_of_report_view() -> str:
	form = frappe.local.form_dict
	return COUNT if form.get("group_by") or form.get("aggregate_on_field") else PAGE


@frappe.whitelist()
def get():
	"""`frappe.desk.reportview.get`: the desk's list and Report View."""
	with shaped_as(_shape_of_report_view()):
		return reportview.get()


@frappe.whitelist()
def get_list():
	"""`frappe.desk.reportview.get_list`."""
	with shaped_as(_shape_of_report_view()):
		return reportview.get_list()


@frappe.whitelist()
def get_count():
	"""`frappe.desk.reportview.get_count`: the list's count, bounded ("1000+") when it asks a limit."""
	with shaped_as(COUNT):
		return reportview.get_count()


@frappe.whitelist()
def get_list_of_documents(*args, **kwargs):
	"""`frappe.client.get_list` (REST); grouped, it aggregates."""
	with shaped_as(COUNT if kwargs.get("group_by") else PAGE):
		return frappe.call(client_get_list, *args, **kwargs)


@frappe.whitelist()
def count_documents(*args, **kwargs):
	"""`frappe.client.get_count` (REST)."""
	with shaped_as(COUNT):
		return frappe.call(client_get_count, *args, **kwargs)
