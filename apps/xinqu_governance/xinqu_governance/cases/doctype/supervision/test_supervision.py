# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

"""Supervision 督办 and the accountability it leads to (`cases/supervision.py`), in Frappe's test
style so that `bench run-tests --app xinqu_governance` checks them on a bench: each test makes its own
tree, officer and case and rolls back."""

import datetime
from unittest.mock import patch

import frappe

from xinqu_governance.cases.supervision import SupervisionNotAllowedError, record_breached_supervisions
from xinqu_governance.governance.roles import TOWN_OFFICER
from xinqu_governance.tests.compat import IntegrationTestCase
from xinqu_governance.tests.factories import make_assignment, make_tree, make_user, unique

T0 = datetime.datetime(2026, 3, 2, 9, 0, 0)


class TestSupervision(IntegrationTestCase):
	def setUp(self):
		for doctype in ("Early Warning Rule", "SLA Rule", "Routing Rule"):
			rule = frappe.qb.DocType(doctype)
			frappe.qb.update(rule).set(rule.is_active, 0).where(rule.is_active == 1).run()
		self.tree = make_tree()
		self.town_officer = make_user("xq-town", roles=(TOWN_OFFICER,))
		make_assignment(self.town_officer, TOWN_OFFICER, self.tree.town_a, valid_from=T0.date())

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def make_dispute(self, jurisdiction: str):
		with patch("xinqu_governance.cases.sla.now", return_value=T0):
			return frappe.get_doc(
				{
					"doctype": "Dispute",
					"subject": unique("邻里纠纷"),
					"how_found": "Visit",
					"jurisdiction": jurisdiction,
					"reported_on": T0,
				}
			).insert()

	def supervise(self, case, deadline_hours: float = 48):
		frappe.set_user(self.town_officer)
		try:
			with patch("xinqu_governance.cases.sla.now", return_value=T0):
				return frappe.get_doc(
					{
						"doctype": "Supervision",
						"case_doctype": case.doctype,
						"case_name": case.name,
						"kind": "Yellow Card",
						"deadline": T0 + datetime.timedelta(hours=deadline_hours),
						"instruction": "限期化解并报告",
					}
				).insert()
		finally:
			frappe.set_user("Administrator")

	def test_the_town_supervises_a_village_case_but_not_its_own(self):
		issued = self.supervise(self.make_dispute(self.tree.village_a1))
		self.assertEqual((issued.issuer_jurisdiction, issued.issuer_level), (self.tree.town_a, "Town"))
		self.assertEqual(issued.jurisdiction, self.tree.village_a1)
		with self.assertRaises(SupervisionNotAllowedError):
			self.supervise(self.make_dispute(self.tree.town_a))  # a town case needs the county
		with self.assertRaises(SupervisionNotAllowedError):
			self.supervise(self.make_dispute(self.tree.village_b1))  # another town's village

	def test_an_unanswered_supervision_makes_one_accountability_record(self):
		case = self.make_dispute(self.tree.village_a1)
		issued = self.supervise(case, deadline_hours=48)
		self.assertEqual(record_breached_supervisions(now=T0 + datetime.timedelta(hours=47)), [])
		made = record_breached_supervisions(now=T0 + datetime.timedelta(hours=49))
		self.assertEqual(len(made), 1)
		self.assertEqual(frappe.db.get_value("Accountability Record", made[0], "supervision"), issued.name)
		self.assertEqual(frappe.db.get_value("Supervision", issued.name, "status"), "Breached")
		self.assertEqual(record_breached_supervisions(now=T0 + datetime.timedelta(hours=100)), [])
		self.assertEqual(frappe.db.count("Accountability Record", {"case_name": case.name}), 1)
