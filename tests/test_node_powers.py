"""A role is held at a node, not everywhere (issue 8 §3): what a Jurisdiction Assignment grants holds only
under its node, and only while the assignment is active (one definition, `governance.access`)."""

import frappe
import pytest
from xinqu_governance.cases.demo_data import holders
from xinqu_governance.cases.supervision import issuer_standing
from xinqu_governance.cases.workflow_guard import active_assignment_nodes, holds_role
from xinqu_governance.governance.access import is_active_on
from xinqu_governance.tests.factories import days_from_today

from tests.case_factories import make_case, new_tree, stage


@pytest.fixture
def people():
	return stage(new_tree())


def end_assignment_yesterday_without_the_daily_job(user: str, role: str, node: str) -> None:
	"""The assignment's period ended yesterday; the daily job that refreshes `is_active` has not run."""
	name = frappe.db.get_value("Jurisdiction Assignment", {"user": user, "role": role, "jurisdiction": node})
	frappe.db.set_value(
		"Jurisdiction Assignment",
		name,
		{"valid_from": days_from_today(-30), "valid_to": days_from_today(-1)},
		update_modified=False,
	)
	assert frappe.db.get_value("Jurisdiction Assignment", name, "is_active") == 1  # the stale flag


def test_an_assignment_past_its_period_counts_nowhere_before_the_daily_job(people):
	case = make_case("Dispute", people.grid_a1, how_found="Visit")
	assert issuer_standing(people.officer_a, case).name == people.town_a

	end_assignment_yesterday_without_the_daily_job(people.officer_a, "Town Officer", people.town_a)

	assert not is_active_on(days_from_today(-30), days_from_today(-1))
	assert issuer_standing(people.officer_a, case) is None  # supervision trusted the flag
	assert people.officer_a not in holders("Town Officer").values()  # so did the demo data
	assert not active_assignment_nodes(people.officer_a, "Town Officer", [people.town_a])
	assert not holds_role(people.officer_a, "Town Officer")
