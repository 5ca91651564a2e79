# Copyright (c) 2026, Xinqu Governance Contributors
# For license information, please see license.txt

import datetime
import random

import frappe

from xinqu_governance.registry.citizen_id import make_citizen_id
from xinqu_governance.registry.grids import apply_grid_proposal
from xinqu_governance.registry.report.grid_coverage.grid_coverage import execute
from xinqu_governance.tests.compat import IntegrationTestCase
from xinqu_governance.tests.factories import make_tree


class TestGridCoverage(IntegrationTestCase):
	"""Rows worked out by hand: a compound with one multi-storey building of 2 units x 1 floor x 1 door
	(one grid, 2 households = far below the 45-75 band of 60 +/- 25 %), a household in the village
	without a grid, and a grid node whose profile has no worker."""

	def setUp(self):
		self.tree = make_tree()
		t = self.tree
		self.compound = (
			frappe.get_doc(
				{
					"doctype": "Resettlement Compound",
					"compound_name": f"报表小区{t.town_a}",
					"jurisdiction": t.village_a1,
				}
			)
			.insert()
			.name
		)
		building = (
			frappe.get_doc(
				{
					"doctype": "Building",
					"compound": self.compound,
					"building_number": "1",
					"building_type": "Multi-storey",
					"floors": 1,
					"unit_count": 2,
					"dwellings_per_floor": 1,
				}
			)
			.insert()
			.name
		)
		for unit in (1, 2):
			self.make_household(t.village_a1, dwelling=f"{building}-{unit}-101", members=unit)
		self.make_household(t.village_a1, members=3)  # no dwelling, no grid
		(self.grid,) = apply_grid_proposal(self.compound)

	def tearDown(self):
		frappe.db.rollback()

	def make_household(self, jurisdiction, members, dwelling=None):
		residents = [
			frappe.get_doc(
				{
					"doctype": "Resident",
					"full_name": f"报表{i}",
					"citizen_id": new_citizen_id(),
					"jurisdiction": jurisdiction,
				}
			).insert()
			for i in range(members)
		]
		return frappe.get_doc(
			{
				"doctype": "Household",
				"jurisdiction": jurisdiction,
				"dwelling": dwelling,
				"head": residents[0].name,
				"transition_status": "Allocated" if dwelling else "Awaiting Allocation",
				"members": [
					{"resident": r.name, "relation": "Head" if not n else "Spouse"}
					for n, r in enumerate(residents)
				],
			}
		).insert()

	def test_rows(self):
		_columns, rows = execute(frappe._dict(jurisdiction=self.tree.town_a))
		by_problem = {}
		for row in rows:
			by_problem.setdefault(row["problem"], []).append(row)

		t = self.tree
		outside = {r["jurisdiction"]: r for r in by_problem["Outside Band"]}
		self.assertEqual(set(outside), {self.grid, t.grid_a1, t.grid_a2})  # town A's grid nodes
		self.assertEqual(outside[self.grid]["households"], 2)
		self.assertEqual(outside[self.grid]["residents"], 3)  # 1 + 2 members
		self.assertEqual(outside[self.grid]["deviation"], round((2 - 60) * 100 / 60, 1))
		self.assertEqual(outside[self.grid]["band"], "45-75")
		self.assertEqual(outside[t.grid_a1]["households"], 0)
		# nobody works in any of them (the tree's grid nodes have no profile at all)
		no_worker = {r["jurisdiction"] for r in by_problem["No Grid Worker"]}
		self.assertEqual(no_worker, {self.grid, t.grid_a1, t.grid_a2})

		households = {r["jurisdiction"]: r["households"] for r in by_problem["Households Without Grid"]}
		self.assertEqual(households, {self.tree.village_a1: 1})
		residents = {r["jurisdiction"]: r["residents"] for r in by_problem["Residents Without Grid"]}
		self.assertEqual(residents, {self.tree.village_a1: 3})

	def test_filters(self):
		_columns, rows = execute(frappe._dict(jurisdiction=self.tree.town_b))
		# town B: only its empty grid node without profile, nothing of town A
		self.assertEqual(
			{(r["jurisdiction"], r["problem"]) for r in rows},
			{(self.tree.grid_b1, "Outside Band"), (self.tree.grid_b1, "No Grid Worker")},
		)
		_columns, rows = execute(frappe._dict(jurisdiction=self.tree.town_a, problem="No Grid Worker"))
		self.assertEqual({r["problem"] for r in rows}, {"No Grid Worker"})


def new_citizen_id() -> str:
	while True:
		born = datetime.date(1950, 1, 1) + datetime.timedelta(days=random.randrange(20000))
		number = make_citizen_id("632121", born, random.randrange(1000))
		if not frappe.db.exists("Resident", {"citizen_id": number}):
			return number
