# Copyright (c) 2025, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe

from xinqu_governance.governance.doctype.governance_settings.governance_settings import get_setting
from xinqu_governance.registry.utils import get_household_band
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
		self.assertEqual(get_household_band(), (45, 75))

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

	def test_a_rule_never_saved_reads_as_its_default(self):
		"""A site upgraded from before a rule field existed has no value for it: the rule is the
		DocType's default (the text's number), and saving the settings stores that default."""
		singles = frappe.qb.DocType("Singles")
		frappe.qb.from_(singles).delete().where(
			(singles.doctype == "Governance Settings") & (singles.field == "group_petition_people")
		).run()
		frappe.clear_document_cache("Governance Settings", "Governance Settings")
		self.assertIsNone(frappe.get_doc("Governance Settings").group_petition_people)
		self.assertEqual(get_setting("group_petition_people"), 5)

		frappe.get_doc("Governance Settings").save()
		self.assertEqual(frappe.db.get_single_value("Governance Settings", "group_petition_people"), 5)

	def test_people_bands_must_increase(self):
		settings = frappe.get_doc("Governance Settings")
		settings.people_band_second_bound = settings.people_band_third_bound
		with self.assertRaises(frappe.ValidationError):
			settings.save()
