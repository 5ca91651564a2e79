"""Grids (§11): the proposal rule per building type, applying it, and counts after moves."""

import bisect

import frappe
import pytest
from xinqu_governance.registry.grids import (
	GridCoverageConflictError,
	apply_grid_proposal,
	move_building_to_grid,
	move_units_to_grid,
	propose_grids,
)
from xinqu_governance.registry.utils import get_household_band

from tests.factories import make_building, make_compound, make_household, make_jurisdiction_tree


@pytest.fixture
def tree():
	return make_jurisdiction_tree()


@pytest.fixture
def compound(tree):
	return make_compound(tree.village_a1)


def grid_counts(grid):
	return frappe.db.get_value("Grid Profile", grid, ["household_count", "resident_count"])


def live_counts(grid):
	return (frappe.db.count("Household", {"grid": grid}), frappe.db.count("Resident", {"grid": grid}))


def test_multi_storey_one_building_per_grid(compound):
	a = make_building(compound, "1", "Multi-storey", floors=6, units=5, per_floor=2)
	b = make_building(compound, "2", "Multi-storey", floors=6, units=3, per_floor=2)
	proposal = propose_grids(compound)
	assert [(g.building, g.unit_numbers, g.dwellings) for g in proposal.grids] == [
		(a, [1, 2, 3, 4, 5], 60),
		(b, [1, 2, 3], 36),
	]
	assert proposal.basis == "dwellings"  # nobody lives there yet
	low, high = get_household_band()
	assert (low, high) == (45, 75)  # target 60 ± 25 %
	assert [g.status for g in proposal.grids] == ["Within Band", "Below Band"]


def test_small_high_rise_two_units_per_grid(compound):
	building = make_building(compound, "5", "Small High-rise", floors=15, units=5, per_floor=2)
	proposal = propose_grids(compound)
	assert [g.unit_numbers for g in proposal.grids] == [[1, 2], [3, 4], [5]]
	assert [g.count for g in proposal.grids] == [60, 60, 30]
	assert all(g.building == building for g in proposal.grids)


def test_high_rise_one_unit_per_grid(compound):
	make_building(compound, "9", "High-rise", floors=30, units=3, per_floor=2)
	proposal = propose_grids(compound)
	assert [g.unit_numbers for g in proposal.grids] == [[1], [2], [3]]
	assert [g.count for g in proposal.grids] == [60, 60, 60]
	assert {g.status for g in proposal.grids} == {"Within Band"}


def test_buildings_are_taken_in_natural_number_order(compound):
	for number in ("10", "2", "1"):
		make_building(compound, number, "Multi-storey", floors=2, units=1, per_floor=1)
	assert [g.building_number for g in propose_grids(compound).grids] == ["1", "2", "10"]


def test_apply_creates_grid_nodes_and_profiles_and_is_idempotent(tree, compound):
	building = make_building(compound, "1", "Small High-rise", floors=3, units=4, per_floor=2)
	household = make_household(tree.village_a1, members=2, dwelling=f"{building}-3-101")
	created = apply_grid_proposal(compound)
	assert created == [f"{tree.village_a1}第2网格", f"{tree.village_a1}第3网格"]  # 第1网格 exists in the tree
	for grid in created:
		assert frappe.db.get_value("Jurisdiction", grid, ["level", "parent_jurisdiction"]) == (
			"Grid",
			tree.village_a1,
		)
		assert frappe.db.get_value("Grid Profile", grid, "village") == tree.village_a1
	assert frappe.db.get_value("Building Unit", f"{building}-3", "grid") == created[1]
	household.reload()
	assert (household.grid, household.jurisdiction) == (created[1], created[1])
	assert grid_counts(created[1]) == (1, 2)
	assert grid_counts(created[0]) == (0, 0)
	assert frappe.db.get_value("Grid Profile", created[0], "band_status") == "Below Band"
	assert apply_grid_proposal(compound) == []


def assert_tree_sound() -> None:
	"""The whole Jurisdiction nested set is sound: every lft / rgt value used once, every node inside
	its parent, and inside each node's interval exactly its subtree by parent links (gaps are allowed:
	the tests' clean-up deletes nodes without closing them)."""
	nodes = frappe.get_all("Jurisdiction", fields=["name", "parent_jurisdiction", "lft", "rgt"])
	by_name = {node.name: node for node in nodes}
	values = [v for node in nodes for v in (node.lft, node.rgt)]
	assert len(set(values)) == len(values)
	size = dict.fromkeys(by_name, 1)
	for node in nodes:
		parent = node.parent_jurisdiction
		while parent:
			size[parent] += 1
			parent = by_name[parent].parent_jurisdiction
		if node.parent_jurisdiction:
			outer = by_name[node.parent_jurisdiction]
			assert outer.lft < node.lft < node.rgt < outer.rgt, node.name
	lefts = sorted(node.lft for node in nodes)
	wrong = [
		(n.name, n.lft, n.rgt, size[n.name])
		for n in nodes
		if bisect.bisect_left(lefts, n.rgt) - bisect.bisect_right(lefts, n.lft) != size[n.name] - 1
	]
	assert not wrong, wrong[:5]


def test_grids_made_together_keep_the_tree_sound(tree, compound):
	"""The grids of a proposal get their place in the tree by one shift (`reserve_leaves`), the nodes
	to their right (village A2, town B) move past them, and a grid made one at a time after them by
	Frappe's own add fits in too."""
	for number in ("1", "2", "3"):
		make_building(compound, number, "Multi-storey", floors=2, units=1, per_floor=2)
	right_of_them = frappe.db.get_value("Jurisdiction", tree.village_b1, ["lft", "rgt"])
	created = apply_grid_proposal(compound)
	assert len(created) == 3
	lft, rgt = frappe.db.get_value("Jurisdiction", tree.village_a1, ["lft", "rgt"])
	for grid in created:
		inside = frappe.db.get_value("Jurisdiction", grid, ["lft", "rgt"])
		assert lft < inside[0] < inside[1] < rgt
	moved = frappe.db.get_value("Jurisdiction", tree.village_b1, ["lft", "rgt"])
	assert moved == (right_of_them[0] + 6, right_of_them[1] + 6)
	assert_tree_sound()
	one_more = frappe.get_doc(
		{"doctype": "Jurisdiction", "jurisdiction_name": "单独网格", "level": "Grid", "parent_jurisdiction": tree.village_a1}
	).insert(ignore_permissions=True)
	assert frappe.db.get_value("Jurisdiction", one_more.name, "parent_jurisdiction") == tree.village_a1
	assert_tree_sound()


def test_households_count_once_people_live_there(tree, compound):
	building = make_building(compound, "1", "High-rise", floors=2, units=2, per_floor=2)
	make_household(tree.village_a1, members=1, dwelling=f"{building}-1-101")
	proposal = propose_grids(compound)
	assert proposal.basis == "households"
	assert [(g.households, g.dwellings) for g in proposal.grids] == [(1, 4), (0, 4)]


def test_moving_a_building_between_grids_keeps_counts_right(tree, compound):
	first = make_building(compound, "1", "Multi-storey", floors=2, units=2, per_floor=2)
	second = make_building(compound, "2", "Multi-storey", floors=2, units=2, per_floor=2)
	for room in ("1-101", "1-102", "2-201"):
		make_household(tree.village_a1, members=2, dwelling=f"{first}-{room}")
	make_household(tree.village_a1, members=3, dwelling=f"{second}-1-101")
	grid_one, grid_two = apply_grid_proposal(compound)
	assert grid_counts(grid_one) == (3, 6)
	assert grid_counts(grid_two) == (1, 3)

	move_building_to_grid(first, grid_two)
	assert grid_counts(grid_one) == live_counts(grid_one) == (0, 0)
	assert grid_counts(grid_two) == live_counts(grid_two) == (4, 9)
	assert frappe.get_all("Grid Profile Coverage", filters={"parent": grid_one}) == []
	assert set(
		frappe.get_all("Household", filters={"grid": grid_two}, pluck="jurisdiction", distinct=True)
	) == {grid_two}
	assert set(
		frappe.get_all("Resident", filters={"grid": grid_two}, pluck="jurisdiction", distinct=True)
	) == {grid_two}
	rows = frappe.get_all(
		"Grid Profile Coverage", filters={"parent": grid_two}, fields=["building", "household_count"]
	)
	assert sum(r.household_count for r in rows) == 4


def test_moving_one_unit_splits_a_whole_building_row(tree, compound):
	first = make_building(compound, "1", "Multi-storey", floors=2, units=2, per_floor=2)
	make_building(compound, "2", "Multi-storey", floors=2, units=1, per_floor=2)
	make_household(tree.village_a1, members=1, dwelling=f"{first}-1-101")
	make_household(tree.village_a1, members=2, dwelling=f"{first}-2-101")
	grid_one, grid_two = apply_grid_proposal(compound)
	move_units_to_grid([f"{first}-2"], grid_two)
	assert grid_counts(grid_one) == live_counts(grid_one) == (1, 1)
	assert grid_counts(grid_two) == live_counts(grid_two) == (1, 2)
	coverage = frappe.get_all("Grid Profile Coverage", filters={"parent": grid_one}, pluck="building_unit")
	assert coverage == [f"{first}-1"]


def test_moving_a_household_to_another_dwelling_moves_it_between_grids(tree, compound):
	building = make_building(compound, "1", "High-rise", floors=2, units=2, per_floor=2)
	household = make_household(tree.village_a1, members=3, dwelling=f"{building}-1-101")
	grid_one, grid_two = apply_grid_proposal(compound)
	assert grid_counts(grid_one) == (1, 3)
	household.reload()
	household.dwelling = f"{building}-2-201"
	household.save()
	assert household.grid == grid_two
	assert grid_counts(grid_one) == live_counts(grid_one) == (0, 0)
	assert grid_counts(grid_two) == live_counts(grid_two) == (1, 3)


def test_moving_a_household_without_dwelling_between_grids(tree):
	household = make_household(tree.grid_a1, members=2)
	profiles = [
		frappe.get_doc({"doctype": "Grid Profile", "jurisdiction": g}).insert()
		for g in (tree.grid_a1, tree.grid_a2)
	]
	assert grid_counts(profiles[0].name) == (1, 2)
	household.grid = tree.grid_a2
	household.save()
	assert household.jurisdiction == tree.grid_a2
	assert grid_counts(tree.grid_a1) == (0, 0)
	assert grid_counts(tree.grid_a2) == (1, 2)


def test_a_unit_cannot_be_in_two_grids(tree, compound):
	building = make_building(compound, "1", "Multi-storey", floors=1, units=1, per_floor=1)
	apply_grid_proposal(compound)
	with pytest.raises(GridCoverageConflictError):
		frappe.get_doc(
			{"doctype": "Grid Profile", "jurisdiction": tree.grid_a1, "coverage": [{"building": building}]}
		).insert()


def test_grid_profile_needs_a_grid_node(tree):
	with pytest.raises(frappe.ValidationError):
		frappe.get_doc({"doctype": "Grid Profile", "jurisdiction": tree.village_a1}).insert()


def test_deleting_a_grid_profile_returns_households_to_the_village(tree, compound):
	building = make_building(compound, "1", "Multi-storey", floors=1, units=1, per_floor=2)
	household = make_household(tree.village_a1, members=1, dwelling=f"{building}-1-101")
	(grid,) = apply_grid_proposal(compound)
	frappe.delete_doc("Grid Profile", grid)
	household.reload()
	assert (household.grid, household.jurisdiction) == (None, tree.village_a1)
	assert frappe.db.get_value("Building Unit", f"{building}-1", "grid") is None


def test_worker_count_and_band_status(tree):
	from tests.factories import make_user_at

	user = make_user_at("Grid Worker", tree.grid_a1, password=None)
	profile = frappe.get_doc(
		{
			"doctype": "Grid Profile",
			"jurisdiction": tree.grid_a1,
			"workers": [{"user": user, "phone": "13900000000"}],
		}
	).insert()
	assert profile.worker_count == 1
	assert frappe.db.get_value("Grid Profile", profile.name, "worker_count") == 1
	assert frappe.db.get_value("Grid Profile", profile.name, "band_status") == "Below Band"
