# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

"""The Early Warning Rule and the engine that reads it (`cases/early_warning.py`, on every case save),
in Frappe's test style so that `bench run-tests --app xinqu_governance` checks them on a bench: each
test makes its own tree and rule and rolls back."""

import datetime
from unittest.mock import patch

import frappe

from xinqu_governance.tests.compat import IntegrationTestCase
from xinqu_governance.tests.factories import make_tree, unique

T0 = datetime.datetime(2026, 3, 2, 9, 0, 0)


class TestEarlyWarningRule(IntegrationTestCase):
	def setUp(self):
		# only this test's rules count (inside the test's transaction)
		for doctype in ("Early Warning Rule", "SLA Rule", "Routing Rule"):
			rule = frappe.qb.DocType(doctype)
			frappe.qb.update(rule).set(rule.is_active, 0).where(rule.is_active == 1).run()
		self.tree = make_tree()

	def tearDown(self):
		frappe.db.rollback()

	def make_rule(self, **fields):
		return frappe.get_doc(
			{
				"doctype": "Early Warning Rule",
				"rule_name": unique("预警 "),
				"rule_type": "Repeated Subject",
				"case_doctype": "Dispute",
				"subject_field": "location",
				"window_days": 7,
				"min_count": 3,
				"level": "Yellow",
				**fields,
			}
		).insert()

	def make_dispute(self, location: str, reported_on=T0):
		with patch("xinqu_governance.cases.sla.now", return_value=reported_on):
			return frappe.get_doc(
				{
					"doctype": "Dispute",
					"subject": unique("邻里纠纷"),
					"how_found": "Visit",
					"jurisdiction": self.tree.village_a1,
					"location": location,
					"reported_on": reported_on,
				}
			).insert()

	def warnings_of(self, case):
		return frappe.get_all(
			"Early Warning",
			filters={"case_doctype": case.doctype, "case_name": case.name},
			fields=["rule", "jurisdiction", "level"],
		)

	def test_a_rule_needs_a_case_type_and_a_real_subject_field(self):
		with self.assertRaises(frappe.ValidationError):
			self.make_rule(case_doctype="ToDo")
		with self.assertRaises(frappe.ValidationError):
			self.make_rule(case_doctype=None)
		with self.assertRaises(frappe.ValidationError):
			self.make_rule(subject_field="no_such_field")
		with self.assertRaises(frappe.ValidationError):
			self.make_rule(subject_field=None)

	def test_the_third_case_at_one_place_in_the_window_raises_one_warning_above(self):
		rule = self.make_rule()
		cases = [self.make_dispute("幸福小区3号楼") for _ in range(3)]
		elsewhere = self.make_dispute("幸福小区5号楼")
		self.assertEqual([len(self.warnings_of(case)) for case in cases], [0, 0, 1])
		warning = self.warnings_of(cases[2])[0]
		# raised where the level above the handling village sees it: the town
		self.assertEqual((warning.rule, warning.jurisdiction, warning.level), (rule.name, self.tree.town_a, "Yellow"))
		self.assertEqual(self.warnings_of(elsewhere), [])
		cases[2].save()  # saved again: not raised twice
		self.assertEqual(len(self.warnings_of(cases[2])), 1)

	def test_cases_outside_the_window_do_not_count(self):
		self.make_rule()
		self.make_dispute("幸福小区3号楼", T0)
		self.make_dispute("幸福小区3号楼", T0 + datetime.timedelta(days=3))
		late = self.make_dispute("幸福小区3号楼", T0 + datetime.timedelta(days=9))
		self.assertEqual(self.warnings_of(late), [])

	def test_an_inactive_rule_raises_nothing(self):
		self.make_rule(is_active=0)
		cases = [self.make_dispute("幸福小区3号楼") for _ in range(3)]
		self.assertEqual(self.warnings_of(cases[2]), [])
