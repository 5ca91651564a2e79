"""Every case type is scoped by its `jurisdiction` through Frappe's own User Permissions: a village user
never sees another village's case (get_list, get_doc + has_permission, REST), a grid worker sees his
grid's, a town officer his town's; nobody of the six roles deletes a case."""

import frappe
import pytest
from xinqu_governance.governance.roles import GOVERNANCE_ROLES

from tests.case_factories import (
	CASE_DOCTYPES,
	PASSWORD,
	as_user,
	case_profile,
	make_case,
	new_tree,
	purge_cases,
	stage,
)
from tests.factories import purge_tree

pytestmark = pytest.mark.usefixtures("case_profile")


@pytest.fixture
def people():
	return stage(new_tree())


def cases_everywhere(people) -> dict:
	"""One case of every type at grid A1, village A1, village A2 and village B1."""
	return {
		(doctype, node): make_case(doctype, people[node]).name
		for doctype in CASE_DOCTYPES
		for node in ("grid_a1", "village_a1", "village_a2", "village_b1")
	}


def visible(doctype: str, names) -> set:
	return set(
		frappe.get_list(doctype, filters={"name": ("in", list(names))}, pluck="name", limit_page_length=0)
	)


def nodes_seen(cases: dict, doctype: str) -> set:
	names = {name: node for (dt, node), name in cases.items() if dt == doctype}
	return {names[name] for name in visible(doctype, names)}


READABLE_BY = {
	# role holder → nodes whose cases they list (None: the role does not read the case type)
	"staff_a1": {"grid_a1", "village_a1"},
	"grid_worker": {"grid_a1"},
	"officer_a": {"grid_a1", "village_a1", "village_a2"},
	"city_supervisor": {"grid_a1", "village_a1", "village_a2", "village_b1"},
}


@pytest.mark.parametrize("holder", sorted(READABLE_BY))
def test_get_list_of_every_case_type_is_scoped(people, holder):
	cases = cases_everywhere(people)
	with as_user(people[holder]):
		for doctype in CASE_DOCTYPES:
			if holder == "grid_worker" and doctype == "Stability Risk Assessment":
				assert not frappe.has_permission(doctype, "read")
				continue
			assert nodes_seen(cases, doctype) == READABLE_BY[holder], doctype


def test_get_doc_and_has_permission_of_another_village(people):
	cases = cases_everywhere(people)
	with as_user(people.staff_a1):
		for doctype in CASE_DOCTYPES:
			own = frappe.get_doc(doctype, cases[(doctype, "village_a1")])
			other = frappe.get_doc(doctype, cases[(doctype, "village_a2")])
			assert frappe.has_permission(doctype, "read", doc=own), doctype
			assert not frappe.has_permission(doctype, "read", doc=other), doctype
			assert not frappe.has_permission(doctype, "write", doc=other), doctype
			with pytest.raises(frappe.PermissionError):
				other.check_permission("read")


def test_village_user_cannot_create_a_case_in_another_village(people):
	with as_user(people.staff_a1):
		for doctype in ("Dispute", "Petition", "Service Request", "Grid Event", "Emergency Incident"):
			with pytest.raises(frappe.PermissionError):
				make_case(doctype, people.village_a2, people.staff_a1)


def test_city_supervisor_reads_but_does_not_change(people):
	cases = cases_everywhere(people)
	with as_user(people.city_supervisor):
		for doctype in CASE_DOCTYPES:
			doc = frappe.get_doc(doctype, cases[(doctype, "village_b1")])
			assert frappe.has_permission(doctype, "read", doc=doc)
			assert not frappe.has_permission(doctype, "write", doc=doc)
			assert not frappe.has_permission(doctype, "create")


def test_no_governance_role_deletes_a_case():
	for doctype in CASE_DOCTYPES:
		perms = frappe.get_meta(doctype).permissions
		deleters = {perm.role for perm in perms if perm.delete}
		assert not deleters & set(GOVERNANCE_ROLES), doctype
		assert frappe.get_meta(doctype).track_changes, doctype


def test_rest_lists_and_reads_only_the_users_village(people, live_server, http_login):
	try:
		cases = cases_everywhere(people)
		frappe.db.commit()

		session = http_login(people.staff_a1, PASSWORD)
		for doctype in CASE_DOCTYPES:
			mine = {name: node for (dt, node), name in cases.items() if dt == doctype}
			response = session.get(
				f"{live_server}/api/resource/{doctype}",
				params={
					"filters": frappe.as_json([["name", "in", list(mine)]]),
					"limit_page_length": 0,
				},
			)
			assert response.status_code == 200, (doctype, response.text[:300])
			listed = {mine[row["name"]] for row in response.json()["data"]}
			assert listed == {"grid_a1", "village_a1"}, doctype

			other = session.get(f"{live_server}/api/resource/{doctype}/{cases[(doctype, 'village_a2')]}")
			assert other.status_code == 403, (doctype, other.status_code)
			own = session.get(f"{live_server}/api/resource/{doctype}/{cases[(doctype, 'village_a1')]}")
			assert own.status_code == 200 and own.json()["data"]["jurisdiction"] == people.village_a1

		# nor can it be created there over REST
		created = session.post(
			f"{live_server}/api/resource/Dispute",
			json={"subject": "跨村登记", "jurisdiction": people.village_a2},
		)
		assert created.status_code == 403
	finally:
		frappe.db.rollback()
		purge_cases(people, commit=False)
		purge_tree(people, users=people.users)
