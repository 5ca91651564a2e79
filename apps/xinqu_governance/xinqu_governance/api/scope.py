"""The node field of the forms scoped on the tree (governance/tree_scope.py): its link search."""

import frappe
from frappe.desk.search import search_widget


@frappe.whitelist()
def search_nodes(
	doctype: str,
	txt: str,
	searchfield: str | None = None,
	start: int = 0,
	page_len: int = 10,
	filters: dict | list | str | None = None,
	as_dict: bool = False,
) -> list:
	"""Frappe's own search of Jurisdiction, within the user's User Permissions. The `jurisdiction`
	field of a TREE_SCOPED DocType is marked `ignore_user_permissions` (so that lists scope it on the
	tree), and the desk would therefore search every node; the form's `set_query` sends the search
	here instead (public/js/tree_scope.bundle.js)."""
	results = search_widget(
		"Jurisdiction", txt, searchfield=searchfield, start=start, page_length=page_len, filters=filters, as_dict=as_dict
	)
	if results is None:  # versions that answer in the response
		results = frappe.response.pop("values", [])
	return results
