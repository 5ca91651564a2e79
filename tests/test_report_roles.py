"""Every Script Report of the app runs for every governance role it is shared with, through Frappe's
report runner over HTTP, with rows in it.

Frappe v15's runner (`frappe.desk.query_report.generate_report_result` → `get_filtered_data` →
`get_user_match_filters`) builds the match conditions of the target of every Link column that has a
value, and `DatabaseQuery.build_match_conditions` refuses ("No permission to read {0}") a DocType the
user has neither read nor select permission on, nor any User Permission for. The runtime's runner
(v16's query engine) does not refuse, so the test checks v15's rule on the columns and rows the
report returned as well.
"""

import json
from pathlib import Path

import frappe
import pytest
from frappe.utils import add_to_date, now_datetime
from xinqu_governance.governance.roles import (
	CITY_SUPERVISOR,
	COUNTY_OFFICER,
	GOVERNANCE_ADMINISTRATOR,
	GRID_WORKER,
	TOWN_OFFICER,
	VILLAGE_STAFF,
)

from tests.case_factories import PASSWORD, case_profile, make_case, new_tree, purge_cases
from tests.factories import make_resident, make_user_at, purge_registry, purge_tree

pytestmark = pytest.mark.usefixtures("case_profile")

APP = Path(__file__).resolve().parents[1] / "apps" / "xinqu_governance" / "xinqu_governance"
SCRIPT_REPORTS = sorted(
	doc["name"]
	for doc in (json.loads(path.read_text()) for path in APP.glob("*/report/*/*.json"))
	if doc.get("doctype") == "Report" and doc.get("report_type") == "Script Report"
)
# where each role is held in the test tree (cases are made at grid A1, under all of these)
HELD_AT = {
	GRID_WORKER: "grid_a1",
	VILLAGE_STAFF: "village_a1",
	TOWN_OFFICER: "town_a",
	COUNTY_OFFICER: "county",
	CITY_SUPERVISOR: "city",
	GOVERNANCE_ADMINISTRATOR: "city",
}


def v15_refuses_link_target(doctype: str, user: str) -> bool:
	"""v15's `DatabaseQuery.build_match_conditions` check, as the report runner reaches it."""
	from frappe.model.db_query import has_any_user_permission_for_doctype

	meta = frappe.get_meta(doctype)
	permissions = frappe.permissions.get_role_permissions(meta, user=user)
	return not (
		meta.istable
		or permissions.get("select")
		or permissions.get("read")
		or has_any_user_permission_for_doctype(doctype, user, None)
	)


def linked_doctypes_with_values(columns: list[dict], rows: list[dict]) -> set[str]:
	return {
		column["options"]
		for column in columns
		if column.get("fieldtype") == "Link" and any(row.get(column["fieldname"]) for row in rows)
	}


def test_every_script_report_runs_for_every_role_it_is_shared_with(live_server, http_login):
	assert {"Governance Measures", "Grid Coverage", "Overdue Queue"} <= set(SCRIPT_REPORTS)
	tree = new_tree()
	users = {role: make_user_at(role, tree[node], prefix="xq-rep") for role, node in HELD_AT.items()}
	try:
		# rows: an overdue dispute at grid A1 (Overdue Queue), the test tree's grids have no grid
		# worker (Grid Coverage), Governance Measures always lists its indicators
		dispute = make_case("Dispute", tree.grid_a1, assigned_to=users[VILLAGE_STAFF])
		frappe.db.set_value(
			"Dispute",
			dispute.name,
			{"sla_status": "Overdue", "resolution_due": add_to_date(now_datetime(), hours=-5)},
			update_modified=False,
		)
		# a resident's record viewed in the desk (Personal Data Access)
		resident = make_resident(tree.grid_a1)
		frappe.get_doc(
			{
				"doctype": "View Log",
				"viewed_by": users[VILLAGE_STAFF],
				"reference_doctype": "Resident",
				"reference_name": resident.name,
			}
		).insert(ignore_permissions=True)
		frappe.db.commit()

		ran = []
		for report in SCRIPT_REPORTS:
			shared_with = set(frappe.get_all("Has Role", filters={"parent": report}, pluck="role"))
			for role, user in users.items():
				if role not in shared_with:
					continue
				session = http_login(user, PASSWORD)
				response = session.get(
					f"{live_server}/api/method/frappe.desk.query_report.run",
					params={
						"report_name": report,
						"filters": json.dumps({"jurisdiction": tree[HELD_AT[role]]}),
					},
					timeout=60,
				)
				assert response.status_code == 200, (report, role, json.loads(json.loads(response.json().get("_server_messages", "[\"{}\"]"))[0]).get("message") if response.status_code != 200 else "")
				result = response.json()["message"]
				assert result["result"], (report, role, response.text[:800])
				with_user = frappe.get_doc("User", user)
				frappe.set_user(with_user.name)
				try:
					refused = {
						doctype
						for doctype in linked_doctypes_with_values(result["columns"], result["result"])
						if v15_refuses_link_target(doctype, user)
					}
				finally:
					frappe.set_user("Administrator")
				assert not refused, f"v15 refuses {report} to {role}: no read permission on {refused}"
				ran.append((report, role))
		assert {report for report, _role in ran} == set(SCRIPT_REPORTS)
		assert ("Overdue Queue", VILLAGE_STAFF) in ran and ("Grid Coverage", GRID_WORKER) in ran
	finally:
		frappe.db.rollback()
		frappe.db.delete("View Log", {"viewed_by": ("in", list(users.values()))})
		purge_cases(tree, commit=False)
		purge_registry(tree, commit=False)
		purge_tree(tree, users=list(users.values()))


def test_the_case_reports_open_on_the_users_own_node():
	"""Opened without the (required) jurisdiction filter, Governance Measures and Overdue Queue cover the
	user's own node instead of failing with "Filter missing"; the desk gets the same node as the filter's
	default through `frappe.boot`."""
	from xinqu_governance.cases.report.governance_measures import governance_measures
	from xinqu_governance.cases.report.overdue_queue import overdue_queue
	from xinqu_governance.governance.access import boot_session
	from xinqu_governance.tests.factories import make_assignment

	tree = new_tree()
	officer = make_user_at(TOWN_OFFICER, tree.town_a, password=None, prefix="xq-rep")
	both_towns = make_user_at(TOWN_OFFICER, tree.town_b, password=None, prefix="xq-rep")
	make_assignment(both_towns, TOWN_OFFICER, tree.town_a)
	here = make_case("Dispute", tree.grid_a1)
	there = make_case("Dispute", tree.grid_b1)
	for name in (here.name, there.name):
		frappe.db.set_value(
			"Dispute", name, {"sla_status": "Overdue", "resolution_due": add_to_date(now_datetime(), hours=-5)}
		)

	frappe.set_user(officer)
	try:
		bootinfo = frappe._dict()
		boot_session(bootinfo)
		assert bootinfo.xinqu_jurisdiction == tree.town_a
		_columns, rows = overdue_queue.execute({})
		assert [row.case for row in rows] == [here.name]
		_columns, measures, _message, _chart = governance_measures.execute({})
		assert measures
	finally:
		frappe.set_user("Administrator")

	# of two towns held, the first in tree order; the filter, when given, wins
	frappe.set_user(both_towns)
	try:
		assert [row.case for row in overdue_queue.execute({})[1]] == [here.name]
		assert [row.case for row in overdue_queue.execute({"jurisdiction": tree.town_b})[1]] == [there.name]
	finally:
		frappe.set_user("Administrator")

	# a user without a node (an administrator) gets the root of the only tree, or has to choose
	new_tree()
	with pytest.raises(frappe.ValidationError, match="Choose a jurisdiction"):
		overdue_queue.execute({})
