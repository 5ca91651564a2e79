# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

"""The Case Type registry and what reads it (triage targets, portal types, intake field map), in
Frappe's test style so that `bench run-tests --app xinqu_governance` checks them on a bench; each test
rolls back."""

import frappe

from xinqu_governance.cases.doctype.case_type.case_type import (
	intake_values,
	portal_case_types,
	triage_targets,
)
from xinqu_governance.tests.compat import IntegrationTestCase


class TestCaseType(IntegrationTestCase):
	def tearDown(self):
		frappe.db.rollback()
		frappe.cache.delete_value("xinqu_case_type_settings")
		frappe.local.flags.pop("xinqu_case_type_settings", None)

	def test_the_apps_case_types_offer_triage_and_the_portal(self):
		self.assertEqual(
			sorted(triage_targets()), ["Dispute", "Emergency Incident", "Petition", "Service Request"]
		)
		self.assertEqual(sorted(portal_case_types()), ["Petition", "Service Request"])

	def test_a_case_type_is_a_case_doctype_with_real_fields(self):
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc({"doctype": "Case Type", "case_doctype": "ToDo"}).insert()
		case_type = frappe.get_doc("Case Type", "Service Request")
		case_type.append("intake_fields", {"intake_value": "Location", "case_field": "no_such_field"})
		with self.assertRaises(frappe.ValidationError):
			case_type.save()

	def test_an_edit_in_the_desk_changes_what_the_engines_read(self):
		case_type = frappe.get_doc("Case Type", "Service Request")
		case_type.is_triage_target = 0
		case_type.portal_label = ""
		case_type.append(
			"intake_fields",
			{"intake_value": "Fixed Value", "case_field": "window_number", "applies_to": "Portal", "fixed_value": "9"},
		)
		case_type.save()
		self.assertNotIn("Service Request", triage_targets())
		self.assertNotIn("Service Request", portal_case_types())
		values = intake_values("Service Request", "Portal", {"content": "办理医保", "full_name": "张三"})
		self.assertEqual(
			values, {"request_details": "办理医保", "applicant_name": "张三", "window_number": "9"}
		)
		# a row for the grid event only is not taken from a portal submission, and the reverse
		self.assertEqual(
			intake_values("Service Request", "Grid Event", {"resident": "R-1", "id_number": "x"}),
			{"applicant": "R-1"},
		)
