# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import datetime
import random

import frappe

from xinqu_governance.registry.citizen_id import make_citizen_id
from xinqu_governance.tests.compat import IntegrationTestCase
from xinqu_governance.tests.factories import make_tree


def new_resident(jurisdiction):
	while True:
		number = make_citizen_id(
			"632126",
			datetime.date(1950, 1, 1) + datetime.timedelta(days=random.randrange(20000)),
			random.randrange(1000),
		)
		if not frappe.db.exists("Resident", {"citizen_id": number}):
			break
	return frappe.get_doc(
		{"doctype": "Resident", "full_name": "成员", "citizen_id": number, "jurisdiction": jurisdiction}
	).insert()


class TestHousehold(IntegrationTestCase):
	def setUp(self):
		self.tree = make_tree()

	def tearDown(self):
		frappe.db.rollback()

	def test_members_follow_the_household_into_its_grid(self):
		head, child = new_resident(self.tree.village_a1), new_resident(self.tree.village_a1)
		household = frappe.get_doc(
			{
				"doctype": "Household",
				"jurisdiction": self.tree.grid_a1,
				"head": head.name,
				"members": [{"resident": child.name, "relation": "Son"}],
			}
		).insert()
		self.assertEqual(household.member_count, 2)  # the head was added as a member
		self.assertEqual(household.grid, self.tree.grid_a1)
		for name in (head.name, child.name):
			self.assertEqual(
				frappe.db.get_value("Resident", name, ["household", "grid", "jurisdiction"]),
				(household.name, self.tree.grid_a1, self.tree.grid_a1),
			)
