# Copyright (c) 2025, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe

from xinqu_governance.governance.doctype.governance_settings.governance_settings import (
	get_grid_household_bounds,
)
from xinqu_governance.tests.compat import IntegrationTestCase


class TestGovernanceSettings(IntegrationTestCase):
	def tearDown(self):
		frappe.db.rollback()
		frappe.clear_document_cache("Governance Settings", "Governance Settings")

	def test_grid_household_bounds_follow_the_settings(self):
		settings = frappe.get_doc("Governance Settings")
		settings.grid_household_target = 60
		settings.grid_household_tolerance_percent = 25
		settings.save()
		self.assertEqual(get_grid_household_bounds(), (45, 75))

	def test_target_must_be_positive_and_tolerance_a_percentage(self):
		settings = frappe.get_doc("Governance Settings")
		settings.grid_household_target = 0
		with self.assertRaises(frappe.ValidationError):
			settings.save()

		settings = frappe.get_doc("Governance Settings")
		settings.grid_household_target = 60
		settings.grid_household_tolerance_percent = 150
		with self.assertRaises(frappe.ValidationError):
			settings.save()
