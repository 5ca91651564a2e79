# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

"""Routing Rules and the router that reads them (`cases/routing.py`), in Frappe's test style so that
`bench run-tests --app xinqu_governance` checks them on a bench: 条块结合 — a category handled at
intake by a county department with another unit assisting, every other case by the territorial unit
of its level. Each test makes its own tree, units and rules and rolls back."""

import frappe

from xinqu_governance.tests.compat import IntegrationTestCase
from xinqu_governance.tests.factories import make_tree, make_user, unique


class TestRoutingRule(IntegrationTestCase):
	def setUp(self):
		rule = frappe.qb.DocType("Routing Rule")
		frappe.qb.update(rule).set(rule.is_active, 0).where(rule.is_active == 1).run()
		self.tree = make_tree()
		self.station = self.make_unit("Village Service Station", "Village", self.tree.village_a1)
		self.police = self.make_unit("County Department", "County", self.tree.county, "Public Security")
		self.assisting = self.make_unit("County Department", "County", self.tree.county, "Civil Affairs")
		self.category = (
			frappe.get_doc({"doctype": "Case Category", "category_name": unique("治安")})
			.insert()
			.name
		)

	def tearDown(self):
		frappe.db.rollback()

	def make_unit(self, unit_type, level, jurisdiction, department=None):
		return (
			frappe.get_doc(
				{
					"doctype": "Handling Unit",
					"unit_name": unique(f"{level}单位"),
					"unit_type": unit_type,
					"level": level,
					"jurisdiction": jurisdiction,
					"department": department,
					"members": [{"user": make_user("xq-route"), "is_supervisor": 1, "active": 1}],
				}
			)
			.insert()
			.name
		)

	def make_dispute(self, **fields):
		return frappe.get_doc(
			{
				"doctype": "Dispute",
				"subject": unique("纠纷"),
				"how_found": "Visit",
				"jurisdiction": self.tree.grid_a1,
				**fields,
			}
		).insert()

	def test_a_category_goes_at_intake_to_its_department_with_the_assisting_unit(self):
		frappe.get_doc(
			{
				"doctype": "Routing Rule",
				"rule_name": unique("治安-公安"),
				"is_active": 1,
				"category": self.category,
				"territory": self.tree.county,
				"handling_level": "County",
				"at_intake": 1,
				"lead_unit": self.police,
				"assisting_units": [{"handling_unit": self.assisting}],
			}
		).insert()
		case = self.make_dispute(category=self.category)
		self.assertEqual((case.handling_level, case.handling_unit), ("County", self.police))
		self.assertEqual(case.assisting_unit, self.assisting)
		self.assertTrue(case.assigned_to)  # the unit's member takes it

	def test_other_cases_go_to_the_territorial_unit_of_their_level(self):
		case = self.make_dispute()
		self.assertEqual((case.handling_level, case.handling_unit), ("Village", self.station))
