"""Frappe's list and count methods, run with the shape of their query known to the tree scope.

The `permission_query_conditions` hook is asked for a condition without being told what query it
goes into, and for a scope of thousands of nodes the fastest SQL differs: a page of 20 wants each
row's node looked up in the tree as its sort index is read, a count wants the subtree's nodes first
(governance/tree_scope.py, `scope_condition`). These overrides (hooks.py
`override_whitelisted_methods`) run Frappe's own method unchanged inside `shaped_as(…)`; rows,
counts and permissions are Frappe's (tests/test_tree_scope.py compares every form's rows). Pages:
the desk's list and Report View, REST's get_list. Counts: the list's count, REST's, the list
sidebar's counts per value, Number Cards (and the app's own cards, cases/desk_cards.py). A query of
any other method keeps the plain list of the nodes, which serves every shape.

A grouped list (the Report View's group-by and aggregate columns, `group_by` of REST's get_list)
aggregates, so it runs as a count.

A filter `jurisdiction descendants of (inclusive) <node>` on a TREE_SCOPED DocType is, in Frappe,
one more IN list of every node below <node> (for a town, thousands of names rendered term by term
and weighed by MariaDB's optimizer, twice the scope's own cost). For a user whose scope the
`permission_query_conditions` hook applies (User Permissions on Jurisdiction for the DocType, a
role's read right) and who has no document of the DocType shared with him (Frappe ORs shared
documents past every condition, the filter's too), the filter is moved into the scope: the same
rows, as the node's subtree in the query's form (`tree_scope.narrowed_to`). Otherwise it stays
Frappe's.
"""

import frappe
from frappe.client import get_count as client_get_count
from frappe.client import get_list as client_get_list
from frappe.desk import listview, reportview
from frappe.desk.doctype.number_card import number_card

from xinqu_governance.governance import tree_scope
from xinqu_governance.governance.tree_scope import COUNT, PAGE, SCOPE_FIELD, TREE_SCOPED, shaped_as

SUBTREE = "descendants of (inclusive)"


def _shape_of_report_view() -> str:
	form = frappe.local.form_dict
	return COUNT if form.get("group_by") or form.get("aggregate_on_field") else PAGE


def _run_from_form(shape: str, method):
	"""A reportview method, its form's subtree filters moved into the scope where that is the same."""
	form = frappe.local.form_dict
	asked = form.get("filters")
	filters, within = scope_filters(form.get("doctype"), asked)
	if within:
		form.filters = filters
	try:
		with shaped_as(shape, within):
			return method()
	finally:
		if within:
			form.filters = asked


@frappe.whitelist()
def get() -> dict | list:
	"""`frappe.desk.reportview.get`: the desk's list and Report View."""
	return _run_from_form(_shape_of_report_view(), reportview.get)


@frappe.whitelist()
def get_list() -> list:
	"""`frappe.desk.reportview.get_list`."""
	return _run_from_form(_shape_of_report_view(), reportview.get_list)


@frappe.whitelist()
def get_count() -> int | None:
	"""`frappe.desk.reportview.get_count`: the list's count, bounded ("1000+") when it asks a limit."""
	return _run_from_form(COUNT, reportview.get_count)


@frappe.whitelist()
def get_list_of_documents(*args, **kwargs) -> list:
	"""`frappe.client.get_list` (REST); grouped, it aggregates."""
	kwargs["filters"], within = scope_filters(kwargs.get("doctype"), kwargs.get("filters"))
	with shaped_as(COUNT if kwargs.get("group_by") else PAGE, within):
		return frappe.call(client_get_list, *args, **kwargs)


@frappe.whitelist()
def count_documents(*args, **kwargs) -> int | None:
	"""`frappe.client.get_count` (REST)."""
	kwargs["filters"], within = scope_filters(kwargs.get("doctype"), kwargs.get("filters"))
	with shaped_as(COUNT, within):
		return frappe.call(client_get_count, *args, **kwargs)


@frappe.whitelist()
def number_card_result(*args, **kwargs) -> int | float:
	"""`…number_card.get_result`: a Number Card's count or sum."""
	with shaped_as(COUNT):
		return frappe.call(number_card.get_result, *args, **kwargs)


@frappe.whitelist()
def number_card_difference(*args, **kwargs) -> float | None:
	"""`…number_card.get_percentage_difference`: the card's count over the previous period."""
	with shaped_as(COUNT):
		return frappe.call(number_card.get_percentage_difference, *args, **kwargs)


@frappe.whitelist()
def group_by_count(*args, **kwargs) -> list[dict]:
	"""`frappe.desk.listview.get_group_by_count`: the list sidebar's counts per value."""
	with shaped_as(COUNT):
		return frappe.call(listview.get_group_by_count, *args, **kwargs)


def scope_filters(doctype: str | None, filters):
	"""(the filters without their `jurisdiction descendants of (inclusive) <node>` terms, {doctype:
	the nodes' roots}) where moving them into the scope gives the same rows (module docstring);
	else (filters, {})."""
	if doctype not in TREE_SCOPED or not filters or not _scope_applies(doctype):
		return filters, {}
	parsed = frappe.parse_json(filters)
	if isinstance(parsed, dict):
		terms = [(key, value) for key, value in parsed.items()]
		moved = [key for key, value in terms if key == SCOPE_FIELD and _subtree_node(value)]
		roots = [_root(_subtree_node(parsed[key])) for key in moved]
		kept = {key: value for key, value in parsed.items() if key not in moved}
	elif isinstance(parsed, list):
		moved = [term for term in parsed if _subtree_term_node(doctype, term)]
		roots = [_root(_subtree_term_node(doctype, term)) for term in moved]
		kept = [term for term in parsed if term not in moved]
	else:
		return filters, {}
	if not roots or None in roots:
		return filters, {}
	return kept, {doctype: roots}


def _scope_applies(doctype: str) -> bool:
	"""The hook applies the user's scope to every row of the query: he holds User Permissions on
	Jurisdiction for the DocType, a role's read (or select) right, and no shared document of it."""
	user = frappe.session.user
	rights = frappe.permissions.get_role_permissions(doctype, user=user)
	return bool(
		tree_scope.permitted_roots(user, doctype)
		and (rights.get("read") or rights.get("select"))
		and not frappe.share.get_shared(doctype, user)
	)


def _subtree_node(value) -> str | None:
	"""The node of a dict filter's value `["descendants of (inclusive)", node]`."""
	if isinstance(value, (list, tuple)) and len(value) == 2 and str(value[0]).lower() == SUBTREE and value[1]:
		return value[1]


def _subtree_term_node(doctype: str, term) -> str | None:
	"""The node of a list filter `[doctype, "jurisdiction", "descendants of (inclusive)", node]`
	(or without the doctype)."""
	if not isinstance(term, (list, tuple)) or len(term) not in (3, 4, 5):
		return None
	if len(term) == 3:
		term = [doctype, *term]
	if term[0] == doctype and term[1] == SCOPE_FIELD:
		return _subtree_node(term[2:4])


def _root(node: str) -> dict | None:
	"""The node as a root of the scope ({for_value, lft, rgt}), None if it does not exist (the filter
	then stays Frappe's)."""
	bounds = frappe.db.get_value("Jurisdiction", node, ["lft", "rgt"])
	if not bounds:
		return None
	return frappe._dict(for_value=node, lft=bounds[0], rgt=bounds[1], hide_descendants=0)
