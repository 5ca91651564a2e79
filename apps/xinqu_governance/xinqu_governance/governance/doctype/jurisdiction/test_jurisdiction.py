# Copyright (c) 2025, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe

from xinqu_governance.governance.doctype.jurisdiction.jurisdiction import JurisdictionLevelError
from xinqu_governance.tests.compat import IntegrationTestCase
from xinqu_governance.tests.factories import make_jurisdiction, make_tree, unique


class TestJurisdiction(IntegrationTestCase):
	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_child_sits_one_level_below_its_parent(self):
		tree = make_tree()
		self.assertEqual(
			frappe.db.get_value("Jurisdiction", tree.grid_a1, "parent_jurisdiction"), tree.village_a1
		)

		# a town directly under the city skips the county level
		with self.assertRaises(JurisdictionLevelError):
			make_jurisdiction(unique("跳级镇"), "Town", tree.city)
		# a grid directly under a town skips the village level
		with self.assertRaises(JurisdictionLevelError):
			make_jurisdiction(unique("跳级网格"), "Grid", tree.town_a)
		# a village under a village is a level too low
		with self.assertRaises(JurisdictionLevelError):
			make_jurisdiction(unique("同级村"), "Village", tree.village_a1)

	def test_city_is_a_root_and_other_levels_need_a_parent(self):
		tree = make_tree()
		with self.assertRaises(JurisdictionLevelError):
			make_jurisdiction(unique("下级市"), "City", tree.county)
		with self.assertRaises(JurisdictionLevelError):
			make_jurisdiction(unique("无上级县"), "County")

	def test_moving_a_node_under_a_wrong_level_is_refused(self):
		tree = make_tree()
		village = frappe.get_doc("Jurisdiction", tree.village_a1)
		village.parent_jurisdiction = tree.county
		with self.assertRaises(JurisdictionLevelError):
			village.save()

	def test_group_flag_follows_the_level(self):
		tree = make_tree()
		self.assertEqual(frappe.db.get_value("Jurisdiction", tree.village_a1, "is_group"), 1)
		self.assertEqual(frappe.db.get_value("Jurisdiction", tree.grid_a1, "is_group"), 0)

		# a grid stays a leaf even when asked to be a group
		grid = frappe.get_doc("Jurisdiction", tree.grid_a1)
		grid.is_group = 1
		grid.save()
		self.assertEqual(grid.is_group, 0)

	def test_nested_set_holds_the_subtree(self):
		tree = make_tree()
		descendants = set(frappe.db.get_descendants("Jurisdiction", tree.town_a))
		self.assertEqual(descendants, {tree.village_a1, tree.village_a2, tree.grid_a1, tree.grid_a2})
		self.assertNotIn(tree.village_b1, descendants)
