"""A user sees and changes only what lies under the nodes of their active assignments.

Records here are Jurisdiction nodes themselves and Jurisdiction Assignments (both link a
Jurisdiction); scoping is Frappe's own User Permissions, maintained by the assignments.
"""

import frappe
import pytest
from frappe.desk.search import search_link

from xinqu_governance.governance.access import expire_assignments
from xinqu_governance.governance.roles import (
	GOVERNANCE_ADMINISTRATOR,
	GRID_WORKER,
	TOWN_OFFICER,
	VILLAGE_STAFF,
)
from xinqu_governance.tests.factories import days_from_today, make_assignment, make_tree, make_user


@pytest.fixture
def tree():
	return make_tree()


@pytest.fixture
def as_user():
	"""Switch user for a block; always back to Administrator afterwards."""

	class _AsUser:
		def __call__(self, user):
			frappe.set_user(user)
			return self

		def __enter__(self):
			return self

		def __exit__(self, *exc):
			frappe.set_user("Administrator")

	yield _AsUser()
	frappe.set_user("Administrator")


def visible_jurisdictions(tree) -> set[str]:
	"""The nodes of this test's tree that the current user can list."""
	mine = set(tree.values())
	return set(frappe.get_list("Jurisdiction", pluck="name", limit_page_length=0)) & mine


def link_search(doctype: str, txt: str) -> set[str]:
	results = search_link(doctype, txt, page_length=100)
	if results is None:  # older signature: results in the response
		results = frappe.response.get("results") or []
	return {row["value"] for row in results}


def test_village_user_lists_only_their_village(tree, as_user):
	staff = make_user("xq-village")
	make_assignment(staff, VILLAGE_STAFF, tree.village_a1)

	with as_user(staff):
		assert visible_jurisdictions(tree) == {tree.village_a1, tree.grid_a1}


def test_village_user_cannot_read_another_village(tree, as_user):
	staff = make_user("xq-village")
	make_assignment(staff, VILLAGE_STAFF, tree.village_a1)
	own = frappe.get_doc("Jurisdiction", tree.grid_a1)
	other_village = frappe.get_doc("Jurisdiction", tree.village_a2)
	other_grid = frappe.get_doc("Jurisdiction", tree.grid_b1)
	parent_town = frappe.get_doc("Jurisdiction", tree.town_a)

	with as_user(staff):
		assert frappe.has_permission("Jurisdiction", "read", doc=own)
		assert not frappe.has_permission("Jurisdiction", "read", doc=other_village)
		assert not frappe.has_permission("Jurisdiction", "read", doc=other_grid)
		assert not frappe.has_permission("Jurisdiction", "read", doc=parent_town)
		with pytest.raises(frappe.PermissionError):
			frappe.get_doc("Jurisdiction", tree.village_a2).check_permission("read")


def test_village_user_link_search_offers_only_their_nodes(tree, as_user):
	staff = make_user("xq-village")
	make_assignment(staff, VILLAGE_STAFF, tree.village_a1)
	tag = tree.city[len("测试市") :]

	with as_user(staff):
		found = link_search("Jurisdiction", tag)
	assert found == {tree.village_a1, tree.grid_a1}


def test_village_administrator_changes_only_their_village(tree, as_user):
	admin = make_user("xq-village-admin")
	make_assignment(admin, GOVERNANCE_ADMINISTRATOR, tree.village_a1)
	worker = make_user("xq-worker")

	with as_user(admin):
		own_grid = frappe.get_doc("Jurisdiction", tree.grid_a1)
		own_grid.description = "巡查重点 安置小区"
		own_grid.save()

		other_grid = frappe.get_doc("Jurisdiction", tree.grid_a2)
		other_grid.description = "不应保存"
		with pytest.raises(frappe.PermissionError):
			other_grid.save()

		# may assign a grid worker inside the village, not in the neighbouring one
		make_assignment(worker, GRID_WORKER, tree.grid_a1)
		with pytest.raises(frappe.PermissionError):
			frappe.get_doc(
				{
					"doctype": "Jurisdiction Assignment",
					"user": worker,
					"role": GRID_WORKER,
					"jurisdiction": tree.grid_a2,
				}
			).insert()


def test_town_user_sees_every_village_of_the_town_only(tree, as_user):
	officer = make_user("xq-town")
	make_assignment(officer, TOWN_OFFICER, tree.town_a)
	worker_a1 = make_user("xq-worker")
	worker_a2 = make_user("xq-worker")
	worker_b1 = make_user("xq-worker")
	in_a1 = make_assignment(worker_a1, GRID_WORKER, tree.grid_a1)
	in_a2 = make_assignment(worker_a2, GRID_WORKER, tree.village_a2)
	in_b1 = make_assignment(worker_b1, GRID_WORKER, tree.grid_b1)

	with as_user(officer):
		assert visible_jurisdictions(tree) == {
			tree.town_a,
			tree.village_a1,
			tree.village_a2,
			tree.grid_a1,
			tree.grid_a2,
		}
		assignments = set(frappe.get_list("Jurisdiction Assignment", pluck="name", limit_page_length=0))
		assert {in_a1.name, in_a2.name} <= assignments
		assert in_b1.name not in assignments
		assert frappe.has_permission("Jurisdiction Assignment", "read", doc=in_a2)
		assert not frappe.has_permission("Jurisdiction Assignment", "read", doc=in_b1)
		# read only: a town officer does not manage assignments
		assert not frappe.has_permission("Jurisdiction Assignment", "write", doc=in_a2)
		assert link_search("Jurisdiction", tree.city[len("测试市") :]) == visible_jurisdictions(tree)


def test_ended_assignment_stops_granting_access(tree, as_user):
	staff = make_user("xq-village")
	assignment = make_assignment(staff, VILLAGE_STAFF, tree.village_a1, days_from_today(-30))
	with as_user(staff):
		assert visible_jurisdictions(tree) == {tree.village_a1, tree.grid_a1}

	frappe.db.set_value("Jurisdiction Assignment", assignment.name, "valid_to", days_from_today(-1))
	expire_assignments()

	with as_user(staff):
		assert not frappe.has_permission("Jurisdiction", "read")
		with pytest.raises(frappe.PermissionError):
			frappe.get_list("Jurisdiction", limit_page_length=0)


def test_deleted_assignment_stops_granting_access(tree, as_user):
	officer = make_user("xq-town")
	assignment = make_assignment(officer, TOWN_OFFICER, tree.town_a)
	with as_user(officer):
		assert tree.village_a2 in visible_jurisdictions(tree)

	assignment.delete()

	with as_user(officer):
		assert not frappe.has_permission("Jurisdiction", "read")


def test_two_assignments_give_the_union_of_their_nodes(tree, as_user):
	worker = make_user("xq-worker")
	make_assignment(worker, GRID_WORKER, tree.grid_a1)
	make_assignment(worker, GRID_WORKER, tree.grid_b1)

	with as_user(worker):
		assert visible_jurisdictions(tree) == {tree.grid_a1, tree.grid_b1}
