# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

"""The SLA Rule and the engine that reads it (`cases/sla.py`, `cases/sla_schedule.py`, the SLA job in
`cases/escalation.py`), in Frappe's test style so that `bench run-tests --app xinqu_governance` checks
them on a bench: each test makes its own tree and rule and rolls back."""

import datetime
from unittest.mock import patch

import frappe

from xinqu_governance.cases import sla
from xinqu_governance.cases.escalation import run_sla_job
from xinqu_governance.tests.compat import IntegrationTestCase
from xinqu_governance.tests.factories import make_tree, unique

T0 = datetime.datetime(2026, 3, 2, 9, 0, 0)


def hours(n: float) -> datetime.timedelta:
	return datetime.timedelta(hours=n)


class TestSLARule(IntegrationTestCase):
	def setUp(self):
		# only this test's rules count (inside the test's transaction)
		rule = frappe.qb.DocType("SLA Rule")
		frappe.qb.update(rule).set(rule.is_active, 0).where(rule.is_active == 1).run()
		overdue = frappe.qb.DocType("Early Warning Rule")
		frappe.qb.update(overdue).set(overdue.is_active, 0).where(overdue.is_active == 1).run()
		self.tree = make_tree()

	def tearDown(self):
		frappe.db.rollback()

	def make_rule(self, **fields):
		return frappe.get_doc(
			{
				"doctype": "SLA Rule",
				"rule_name": unique("SLA "),
				"case_doctype": "Dispute",
				"resolution_hours": 72,
				"on_breach": sla.RAISE_WARNING,
				**fields,
			}
		).insert()

	def make_dispute(self):
		with patch("xinqu_governance.cases.sla.now", return_value=T0):
			return frappe.get_doc(
				{
					"doctype": "Dispute",
					"subject": unique("邻里纠纷"),
					"how_found": "Visit",
					"jurisdiction": self.tree.village_a1,
					"reported_on": T0,
				}
			).insert()

	def test_a_rule_is_for_a_case_type_and_escalates_upwards(self):
		with self.assertRaises(frappe.ValidationError):
			self.make_rule(case_doctype="ToDo")
		with self.assertRaises(frappe.ValidationError):
			self.make_rule(handling_level="Town", escalate_to_level="Town")
		self.make_rule(handling_level="Village", escalate_to_level="Town")

	def test_the_rule_sets_the_deadline_and_the_job_marks_it_once(self):
		self.make_rule(warn_before_hours=12)
		case = self.make_dispute()
		self.assertEqual(case.resolution_due, T0 + hours(72))
		self.assertEqual(case.sla_status, sla.ON_TRACK)
		self.assertEqual(case.sla_check_at, T0 + hours(60))  # the job's next moment: the window

		run_sla_job(now=T0 + hours(61))
		self.assertEqual(frappe.db.get_value("Dispute", case.name, "sla_status"), sla.DUE_SOON)
		run_sla_job(now=T0 + hours(73))
		self.assertEqual(frappe.db.get_value("Dispute", case.name, "sla_status"), sla.OVERDUE)
		self.assertEqual(frappe.db.count("Early Warning", {"case_name": case.name}), 1)  # a human is asked
		run_sla_job(now=T0 + hours(80))
		self.assertEqual(frappe.db.count("Early Warning", {"case_name": case.name}), 1)  # once
		self.assertIsNone(frappe.db.get_value("Dispute", case.name, "sla_check_at"))

	def test_changing_the_rule_reaches_the_open_cases(self):
		rule = self.make_rule(warn_before_hours=12)
		case = self.make_dispute()
		rule.warn_before_hours = 48
		rule.save()
		run_sla_job(now=T0 + hours(30))  # 42 h left: inside the new window
		self.assertEqual(frappe.db.get_value("Dispute", case.name, "sla_status"), sla.DUE_SOON)
