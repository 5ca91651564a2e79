# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import datetime

import frappe

from xinqu_governance.registry.citizen_id import make_citizen_id
from xinqu_governance.registry.doctype.resident.resident import DuplicateResidentError, InvalidCitizenIDError
from xinqu_governance.tests.compat import IntegrationTestCase
from xinqu_governance.tests.factories import make_tree


def resident(jurisdiction, number, **fields):
	return frappe.get_doc(
		{
			"doctype": "Resident",
			"full_name": "测试居民",
			"citizen_id": number,
			"jurisdiction": jurisdiction,
			**fields,
		}
	)


class TestResident(IntegrationTestCase):
	def setUp(self):
		self.tree = make_tree()
		self.number = make_citizen_id("632121", datetime.date(1961, 7, 9), 417)
		frappe.db.delete("Resident", {"citizen_id": self.number})

	def tearDown(self):
		frappe.db.rollback()

	def test_fields_derived_from_the_citizen_id(self):
		doc = resident(self.tree.village_a1, self.number.lower()).insert()
		self.assertEqual(doc.citizen_id, self.number.upper())
		self.assertEqual(str(doc.birth_date), "1961-07-09")
		self.assertEqual(doc.sex, "Male")  # 17th digit 7

	def test_invalid_number(self):
		with self.assertRaises(InvalidCitizenIDError):
			resident(
				self.tree.village_a1, self.number[:-1] + ("0" if self.number[-1] != "0" else "1")
			).insert()

	def test_one_person_one_record(self):
		resident(self.tree.village_b1, self.number).insert()
		with self.assertRaises(DuplicateResidentError) as context:
			resident(self.tree.village_a1, self.number).insert()
		self.assertIn(self.tree.town_b, str(context.exception))
