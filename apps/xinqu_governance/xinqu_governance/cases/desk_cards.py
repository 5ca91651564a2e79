"""The numbers on the role workspaces that span every case DocType (Number Cards of type Custom).

Each count adds up Frappe's own Number Card count (`number_card.get_result`, which runs `get_list`
with the user's permissions) over the case DocTypes the user may read, so "my area" follows the
user's jurisdiction scope exactly as the lists do. A case is open while `closed_on` is not set and it
is not withdrawn.
"""

import frappe
from frappe.desk.doctype.number_card.number_card import get_result

from xinqu_governance.cases import sla
from xinqu_governance.cases.case_types import case_doctypes
from xinqu_governance.governance.tree_scope import COUNT, shaped_as

OPEN_CASE = (("closed_on", "is", "not set"), ("is_withdrawn", "=", 0))


def readable_case_doctypes() -> list[str]:
	return [dt for dt in case_doctypes() if frappe.has_permission(dt, "read")]


def count_open_cases(*conditions: tuple) -> int:
	"""Open cases matching `conditions` ((field, operator, value), ...) the user can see, all types."""
	total = 0
	with shaped_as(COUNT):  # counts: a large scope as the nested-set semi-join (governance/tree_scope.py)
		for doctype in readable_case_doctypes():
			filters = [[doctype, *condition] for condition in (*OPEN_CASE, *conditions)]
			total += int(get_result(frappe._dict(document_type=doctype, function="Count"), filters))
	return total


def my_unit_names(user: str | None = None) -> list[str]:
	"""The handling units in which `user` is an active member."""
	return frappe.get_all(
		"Handling Unit Member",
		filters={"user": user or frappe.session.user, "parenttype": "Handling Unit", "active": 1},
		pluck="parent",
		distinct=True,
	)


def card(value: int, route: list | None = None, route_options: dict | None = None) -> dict:
	"""What a Custom Number Card method returns: the number, how to format it, where a click goes."""
	return {"value": value, "fieldtype": "Int", "route": route, "route_options": route_options}


@frappe.whitelist()
def my_open_cases(filters: str | dict | None = None) -> dict:
	return card(count_open_cases(("assigned_to", "=", frappe.session.user)))


@frappe.whitelist()
def my_unit_queue(filters: str | dict | None = None) -> dict:
	units = my_unit_names()
	return card(count_open_cases(("handling_unit", "in", units)) if units else 0)


@frappe.whitelist()
def cases_due_soon(filters: str | dict | None = None) -> dict:
	return card(count_open_cases(("sla_status", "=", sla.DUE_SOON)))


@frappe.whitelist()
def overdue_cases(filters: str | dict | None = None) -> dict:
	return card(count_open_cases(("sla_status", "=", sla.OVERDUE)), route=["query-report", "Overdue Queue"])


@frappe.whitelist()
def supervision_to_answer(filters: str | dict | None = None) -> dict:
	"""Open supervisions addressed to the user or to a unit the user works in."""
	if not frappe.has_permission("Supervision", "read"):
		return card(0)
	units = my_unit_names()
	addressed = [["Supervision", "responsible_user", "=", frappe.session.user]]
	if units:
		addressed.append(["Supervision", "handling_unit", "in", units])
	names = frappe.get_list(
		"Supervision",
		filters=[["Supervision", "status", "=", "Open"]],
		or_filters=addressed,
		pluck="name",
		limit_page_length=0,
	)
	return card(len(names), route=["List", "Supervision"], route_options={"status": "Open"})
