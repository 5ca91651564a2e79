"""SLA rules: which rule governs a case (most specific wins) and the deadlines it sets."""

import frappe
import pytest
from xinqu_governance.cases import sla
from xinqu_governance.cases.edit_rights import mark_system_write

from tests.test_case_rules_support import T0, clock, hours, make_dispute, make_sla_rule, make_world


@pytest.fixture
def world():
	return make_world()


def rule(name, priority=0, **fields):
	return frappe._dict(name=name, priority=priority, **fields)


def test_most_specific_rule_wins():
	rules = [
		rule("any"),
		rule("level", handling_level="Village"),
		rule("state", workflow_state="Mediating"),
		rule("category", category="Land"),
		rule("category+state", category="Land", workflow_state="Mediating"),
	]
	rules.sort(key=sla.rule_precedence)
	case = frappe._dict(category="Land", workflow_state="Mediating", handling_level="Village")
	assert sla.match_sla_rule(case, rules).name == "category+state"
	case = frappe._dict(category="Land", workflow_state="Accepted", handling_level="Village")
	assert sla.match_sla_rule(case, rules).name == "category"
	case = frappe._dict(category="Wages", workflow_state="Mediating", handling_level="Town")
	assert sla.match_sla_rule(case, rules).name == "state"
	case = frappe._dict(category="Wages", workflow_state="Accepted", handling_level="Village")
	assert sla.match_sla_rule(case, rules).name == "level"
	case = frappe._dict(category="Wages", workflow_state="Accepted", handling_level="Town")
	assert sla.match_sla_rule(case, rules).name == "any"


def test_priority_beats_specificity():
	rules = sorted([rule("specific", category="Land"), rule("urgent", priority=10)], key=sla.rule_precedence)
	assert sla.match_sla_rule(frappe._dict(category="Land"), rules).name == "urgent"


def test_status_windows():
	due = T0 + hours(10)
	assert sla.status_at(T0, due, 2) == sla.ON_TRACK
	assert sla.status_at(T0 + hours(8), due, 2) == sla.DUE_SOON
	assert sla.status_at(T0 + hours(10), due, 2) == sla.OVERDUE
	assert sla.status_at(T0 + hours(9), due, 0) == sla.ON_TRACK
	assert sla.status_at(T0, None, 2) == ""


def test_insert_sets_deadlines_from_the_matching_rule(world):
	make_sla_rule(world, resolution_hours=240, response_hours=24, warn_before_hours=24)
	make_sla_rule(
		world, category=world.neighbours, resolution_hours=72, response_hours=4, warn_before_hours=12
	)
	with clock(T0):
		general = make_dispute(world.grid_p1)
		neighbours = make_dispute(world.grid_p1, category=world.neighbours)

	assert general.resolution_due == T0 + hours(240)
	assert general.response_due == T0 + hours(24)
	assert general.state_entered_on == T0
	assert general.sla_status == sla.ON_TRACK
	assert neighbours.resolution_due == T0 + hours(72)
	assert neighbours.response_due == T0 + hours(4)


def test_level_change_restarts_the_clock_with_that_levels_rule(world):
	make_sla_rule(world, handling_level="Village", resolution_hours=72)
	make_sla_rule(world, handling_level="Town", resolution_hours=168)
	with clock(T0):
		case = make_dispute(world.grid_p1)
	assert case.handling_level == "Village"
	assert case.resolution_due == T0 + hours(72)

	with clock(T0 + hours(30)):
		case.handling_level = "Town"
		mark_system_write(case)  # the level is the workflow's or the escalation's to change
		case.save()
	assert case.resolution_due == T0 + hours(30 + 168)
	assert case.response_due is None  # set once at intake, from the rule of that moment (none here)


def test_no_matching_rule_means_no_deadline(world):
	make_sla_rule(world, category=world.urban, resolution_hours=24)
	with clock(T0):
		case = make_dispute(world.grid_p1, category=world.neighbours)
	assert case.resolution_due is None
	assert not case.sla_status


def test_inactive_rule_is_ignored(world):
	make_sla_rule(world, resolution_hours=24, is_active=0)
	with clock(T0):
		case = make_dispute(world.grid_p1)
	assert case.resolution_due is None


def test_rule_for_something_that_is_not_a_case_is_refused(world):
	with pytest.raises(frappe.ValidationError):
		make_sla_rule(world, case_doctype="Handling Unit")
