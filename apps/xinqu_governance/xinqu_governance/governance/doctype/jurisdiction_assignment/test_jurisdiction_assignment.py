# Copyright (c) 2025, Xinqu Governance Contributors
# For license information, please see license.txt

import frappe

from xinqu_governance.governance.access import expire_assignments, sync_user_access
from xinqu_governance.governance.doctype.jurisdiction_assignment.jurisdiction_assignment import (
	JurisdictionAssignmentError,
)
from xinqu_governance.governance.roles import (
	GOVERNANCE_ADMINISTRATOR,
	GRID_WORKER,
	TOWN_OFFICER,
	VILLAGE_STAFF,
)
from xinqu_governance.tests.compat import IntegrationTestCase
from xinqu_governance.tests.factories import (
	days_from_today,
	make_assignment,
	make_tree,
	make_user,
	user_jurisdictions,
	user_roles,
)


class TestJurisdictionAssignment(IntegrationTestCase):
	def setUp(self):
		self.tree = make_tree()
		self.user = make_user("xq-assign")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback()

	def test_role_must_fit_the_level(self):
		with self.assertRaises(JurisdictionAssignmentError):
			make_assignment(self.user, TOWN_OFFICER, self.tree.village_a1)
		with self.assertRaises(JurisdictionAssignmentError):
			make_assignment(self.user, VILLAGE_STAFF, self.tree.grid_a1)
		# a grid worker may be held at a grid or a village; an administrator anywhere
		make_assignment(self.user, GRID_WORKER, self.tree.grid_a1)
		make_assignment(self.user, GRID_WORKER, self.tree.village_a2)
		make_assignment(self.user, GOVERNANCE_ADMINISTRATOR, self.tree.county)

	def test_only_governance_roles_can_be_assigned(self):
		with self.assertRaises(JurisdictionAssignmentError):
			make_assignment(self.user, "System Manager", self.tree.town_a)

	def test_period_must_not_end_before_it_starts(self):
		with self.assertRaises(JurisdictionAssignmentError):
			make_assignment(
				self.user, TOWN_OFFICER, self.tree.town_a, days_from_today(0), days_from_today(-1)
			)

	def test_overlapping_duplicate_is_refused(self):
		make_assignment(self.user, TOWN_OFFICER, self.tree.town_a, days_from_today(-10), days_from_today(10))
		with self.assertRaises(JurisdictionAssignmentError):
			make_assignment(self.user, TOWN_OFFICER, self.tree.town_a, days_from_today(5))
		# a later, separate period is fine
		make_assignment(self.user, TOWN_OFFICER, self.tree.town_a, days_from_today(11), days_from_today(20))

	def test_assignment_grants_role_and_node(self):
		assignment = make_assignment(self.user, TOWN_OFFICER, self.tree.town_a)
		self.assertEqual(assignment.is_active, 1)
		self.assertEqual(assignment.jurisdiction_level, "Town")
		self.assertIn(TOWN_OFFICER, user_roles(self.user))
		self.assertEqual(user_jurisdictions(self.user), {self.tree.town_a})
		hide = frappe.db.get_value(
			"User Permission", {"user": self.user, "for_value": self.tree.town_a}, "hide_descendants"
		)
		self.assertEqual(hide, 0)

	def test_deleting_one_of_two_assignments_keeps_the_other(self):
		first = make_assignment(self.user, GRID_WORKER, self.tree.grid_a1)
		make_assignment(self.user, GRID_WORKER, self.tree.grid_a2)
		self.assertEqual(user_jurisdictions(self.user), {self.tree.grid_a1, self.tree.grid_a2})

		first.delete()
		self.assertIn(GRID_WORKER, user_roles(self.user))
		self.assertEqual(user_jurisdictions(self.user), {self.tree.grid_a2})

	def test_deleting_the_last_assignment_revokes_role_and_node(self):
		assignment = make_assignment(self.user, VILLAGE_STAFF, self.tree.village_a1)
		assignment.delete()
		self.assertNotIn(VILLAGE_STAFF, user_roles(self.user))
		self.assertEqual(user_jurisdictions(self.user), set())

	def test_moving_an_assignment_moves_the_access(self):
		assignment = make_assignment(self.user, VILLAGE_STAFF, self.tree.village_a1)
		assignment.jurisdiction = self.tree.village_b1
		assignment.save()
		self.assertEqual(user_jurisdictions(self.user), {self.tree.village_b1})

		other = make_user("xq-assign-other")
		assignment.user = other
		assignment.save()
		self.assertEqual(user_jurisdictions(self.user), set())
		self.assertNotIn(VILLAGE_STAFF, user_roles(self.user))
		self.assertEqual(user_jurisdictions(other), {self.tree.village_b1})
		self.assertIn(VILLAGE_STAFF, user_roles(other))

	def test_expiry_revokes_access(self):
		assignment = make_assignment(self.user, TOWN_OFFICER, self.tree.town_a, days_from_today(-30))
		self.assertIn(TOWN_OFFICER, user_roles(self.user))

		# the period ends yesterday: the daily job notices and takes the access away
		frappe.db.set_value("Jurisdiction Assignment", assignment.name, "valid_to", days_from_today(-1))
		self.assertIn(self.user, expire_assignments())
		self.assertEqual(frappe.db.get_value("Jurisdiction Assignment", assignment.name, "is_active"), 0)
		self.assertNotIn(TOWN_OFFICER, user_roles(self.user))
		self.assertEqual(user_jurisdictions(self.user), set())

		# nothing left to do on a second run
		self.assertNotIn(self.user, expire_assignments())

	def test_future_assignment_starts_granting_on_its_first_day(self):
		assignment = make_assignment(self.user, TOWN_OFFICER, self.tree.town_a, days_from_today(3))
		self.assertEqual(assignment.is_active, 0)
		self.assertNotIn(TOWN_OFFICER, user_roles(self.user))
		self.assertEqual(user_jurisdictions(self.user), set())

		frappe.db.set_value("Jurisdiction Assignment", assignment.name, "valid_from", days_from_today(0))
		expire_assignments()
		self.assertEqual(frappe.db.get_value("Jurisdiction Assignment", assignment.name, "is_active"), 1)
		self.assertIn(TOWN_OFFICER, user_roles(self.user))
		self.assertEqual(user_jurisdictions(self.user), {self.tree.town_a})

	def test_role_given_otherwise_is_not_removed(self):
		user = make_user("xq-assign-manual", roles=(VILLAGE_STAFF,))
		assignment = make_assignment(user, TOWN_OFFICER, self.tree.town_a)
		assignment.delete()
		# Town Officer came from the assignment and goes; Village Staff was given by hand and stays
		self.assertEqual(user_roles(user) & {TOWN_OFFICER, VILLAGE_STAFF}, {VILLAGE_STAFF})

	def test_sync_is_idempotent(self):
		make_assignment(self.user, TOWN_OFFICER, self.tree.town_a)
		changes = sync_user_access(self.user)
		self.assertEqual(
			changes, {"roles_added": [], "roles_removed": [], "nodes_added": [], "nodes_removed": []}
		)

	def test_daily_job_is_scheduled(self):
		method = "xinqu_governance.governance.access.expire_assignments"
		self.assertTrue(frappe.db.exists("Scheduled Job Type", {"method": method}))
