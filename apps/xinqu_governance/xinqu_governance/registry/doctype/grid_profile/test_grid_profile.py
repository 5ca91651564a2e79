# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe

from xinqu_governance.tests.compat import IntegrationTestCase
from xinqu_governance.tests.factories import make_tree


class TestGridProfile(IntegrationTestCase):
	def setUp(self):
		self.tree = make_tree()

	def tearDown(self):
		frappe.db.rollback()

	def test_named_after_its_grid_node_and_one_per_node(self):
		profile = frappe.get_doc({"doctype": "Grid Profile", "jurisdiction": self.tree.grid_a1}).insert()
		self.assertEqual(profile.name, self.tree.grid_a1)
		self.assertEqual(profile.village, self.tree.village_a1)
		self.assertEqual(frappe.db.get_value("Grid Profile", profile.name, "band_status"), "Below Band")
		with self.assertRaises(frappe.DuplicateEntryError):
			frappe.get_doc({"doctype": "Grid Profile", "jurisdiction": self.tree.grid_a1}).insert()

	def test_only_grid_nodes(self):
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc({"doctype": "Grid Profile", "jurisdiction": self.tree.village_a1}).insert()
