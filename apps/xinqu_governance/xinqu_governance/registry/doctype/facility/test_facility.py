# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe

from xinqu_governance.tests.compat import IntegrationTestCase
from xinqu_governance.tests.factories import make_tree


class TestFacility(IntegrationTestCase):
	def setUp(self):
		self.tree = make_tree()

	def tearDown(self):
		frappe.db.rollback()

	def test_village_service_station_below_500_square_metres_is_recorded_as_a_shortfall(self):
		station = frappe.get_doc(
			{
				"doctype": "Facility",
				"facility_name": "便民服务站",
				"facility_type": "Village Service Station",
				"jurisdiction": self.tree.village_a1,
				"floor_area": 450,
			}
		).insert()
		self.assertEqual(station.meets_standard, 0)
		self.assertIn("500", station.standard_notes)
		station.floor_area = 520
		station.save()
		self.assertEqual(station.meets_standard, 1)
		self.assertFalse(station.standard_notes)
