"""Routing by category and territory (条块结合、以块为主) and assignment (round robin, least loaded)."""

import frappe
import pytest
from frappe import _
from xinqu_governance.cases import assignment, routing
from xinqu_governance.cases.edit_rights import mark_system_write
from xinqu_governance.governance.site_language import in_site_language

from tests.test_case_rules_support import (
	T0,
	clock,
	make_dispute,
	make_routing_rule,
	make_officer,
	make_world,
	members,
)


@pytest.fixture
def world():
	return make_world()


def test_without_rules_the_territorial_unit_of_the_nodes_level_handles_it(world):
	with clock(T0):
		in_grid = make_dispute(world.grid_p1)
		in_town = make_dispute(world.town_h)
	assert (in_grid.handling_level, in_grid.handling_unit) == ("Village", world.station_p1)
	assert (in_town.handling_level, in_town.handling_unit) == ("Town", world.centre_h)
	assert in_grid.assisting_unit is None


def test_public_order_goes_to_pingan_police_with_huzhu_assisting(world):
	make_routing_rule(
		world.city,
		"County",
		category=world.public_order,
		lead_unit=world.police_p,
		assisting=[world.police_h],
	)
	with clock(T0):
		in_pingan = make_dispute(world.grid_p1, category=world.public_order)
		in_huzhu = make_dispute(world.grid_h1, category=world.public_order)
		other = make_dispute(world.grid_h1, category=world.neighbours)

	for case in (in_pingan, in_huzhu):
		assert case.handling_level == "County"
		assert case.handling_unit == world.police_p
		assert case.assisting_unit == world.police_h
		assert case.assigned_to in members(world.police_p)
	assert other.handling_unit == world.station_h1


def test_mosques_go_to_the_religious_affairs_bureau_with_the_town_co_managing(world):
	make_routing_rule(
		world.town_p, "County", category=world.mosque, lead_unit=world.religion_p, assisting=[world.centre_p]
	)
	with clock(T0):
		in_town = make_dispute(world.village_p2, category=world.mosque)
		elsewhere = make_dispute(world.village_h1, category=world.mosque)
	assert (in_town.handling_unit, in_town.assisting_unit) == (world.religion_p, world.centre_p)
	assert elsewhere.handling_unit == world.station_h1  # the territory is the town only


def test_a_rule_without_lead_unit_takes_the_covering_unit_of_its_department(world):
	make_routing_rule(world.city, "County", category=world.urban, department="Urban Management")
	with clock(T0):
		case = make_dispute(world.grid_p1, category=world.urban)
	assert (case.handling_level, case.handling_unit) == ("County", world.urban_p)


def test_deeper_territory_and_priority_decide_between_rules(world):
	wide = make_routing_rule(world.city, "County", category=world.urban, lead_unit=world.comprehensive_h)
	make_routing_rule(world.county_p, "County", category=world.urban, lead_unit=world.urban_p)
	with clock(T0):
		assert make_dispute(world.grid_p1, category=world.urban).handling_unit == world.urban_p
		assert make_dispute(world.grid_h1, category=world.urban).handling_unit == world.comprehensive_h

	frappe.db.set_value("Routing Rule", wide, "priority", 5)
	with clock(T0):
		assert make_dispute(world.grid_p1, category=world.urban).handling_unit == world.comprehensive_h


def test_escalation_route_walks_up_the_ladder(world):
	with clock(T0):
		case = make_dispute(world.grid_p1)
	assert routing.route_to_level(case, "Town").lead_unit == world.centre_p
	assert routing.route_to_level(case, "District").lead_unit == world.district
	assert routing.route_to_level(case, "County").lead_unit == world.comprehensive_p
	assert routing.route_to_level(case, "City").lead_unit == world.leading_group

	frappe.db.set_value("Handling Unit", world.district, "is_active", 0)
	found = routing.route_to_level(case, "District")
	assert (found.level, found.lead_unit) == ("County", world.comprehensive_p)


def test_a_workflow_level_change_moves_the_case_to_that_levels_unit(world):
	with clock(T0):
		case = make_dispute(world.grid_p1)
		case.handling_level = "Town"
		mark_system_write(case)  # the level is the workflow's or the escalation's to change
		case.save()
	assert case.handling_unit == world.centre_p
	assert case.assigned_to in members(world.centre_p)


def test_round_robin_takes_turns_and_keeps_the_pointer(world):
	team = members(world.station_p1)
	with clock(T0):
		picked = [make_dispute(world.grid_p1).assigned_to for _ in range(5)]
	assert picked == [team[0], team[1], team[0], team[1], team[0]]
	assert frappe.db.get_value("Handling Unit", world.station_p1, "last_assigned_user") == team[0]


def test_round_robin_skips_members_not_taking_cases(world):
	team = members(world.station_p1)
	unit = frappe.get_doc("Handling Unit", world.station_p1)
	unit.members[0].active = 0
	unit.save()
	with clock(T0):
		picked = {make_dispute(world.grid_p1).assigned_to for _ in range(3)}
	assert picked == {team[1]}


def test_least_loaded_picks_the_member_with_fewest_open_cases_across_case_types(world):
	frappe.db.set_value("Handling Unit", world.station_p1, "assignment_method", "Least Loaded")
	first, second = members(world.station_p1)
	with clock(T0):
		for _ in range(2):
			make_dispute(world.grid_p1, assigned_to=first, handling_unit=world.station_p1)
		frappe.get_doc(
			{
				"doctype": "Petition",
				"subject": "信访",
				"channel": "Visit",
				"content": "内容",
				"petitioner_name": "信访人",
				"jurisdiction": world.grid_p1,
				"assigned_to": second,
				"handling_unit": world.station_p1,
				"reported_on": T0,
			}
		).insert(ignore_permissions=True)
		assert assignment.open_case_counts([first, second]) == {first: 2, second: 1}
		assert make_dispute(world.grid_p1).assigned_to == second
		assert make_dispute(world.grid_p1).assigned_to in (first, second)

	# a withdrawn case no longer counts
	closed = frappe.get_all("Dispute", filters={"assigned_to": first}, pluck="name")
	for name in closed:
		frappe.db.set_value("Dispute", name, "is_withdrawn", 1)
	assert assignment.open_case_counts([first]) == {}


def test_manual_units_hand_new_cases_to_their_supervisor(world):
	frappe.db.set_value("Handling Unit", world.station_p1, "assignment_method", "Manual")
	supervisor = members(world.station_p1)[0]
	with clock(T0):
		case = make_dispute(world.grid_p1)
	# in the supervisor's queue to hand on; the unit has people, so nothing to warn about
	assert case.assigned_to == supervisor
	assert open_todos(case) == [supervisor]
	assert unassigned_warnings(case) == []


def open_todos(case) -> list[str]:
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": case.doctype, "reference_name": case.name, "status": "Open"},
		pluck="allocated_to",
	)


def unassigned_warnings(case) -> list[frappe._dict]:
	return frappe.get_all(
		"Early Warning",
		filters={"case_doctype": case.doctype, "case_name": case.name, "rule_type": "Unassigned Case"},
		fields=["name", "level", "jurisdiction", "message"],
	)


def test_a_case_nobody_in_its_unit_can_take_waits_with_the_supervisor_and_raises_a_warning(
	profile_notifications, mail_outbox, world
):
	"""The warning is told by the profile's Notification record of Early Warning (applied before the
	world, which the test rolls back): a bell entry on the warning for the town and the supervisor."""
	supervisor, other = members(world.station_p1)
	unit = frappe.get_doc("Handling Unit", world.station_p1)
	for row in unit.members:
		row.active = 0  # on leave: nobody takes new cases
	unit.save(ignore_permissions=True)
	town_officer = make_officer("Town Officer", world.town_p)

	with clock(T0):
		case = make_dispute(world.grid_p1)
	assert case.handling_unit == world.station_p1
	assert case.assigned_to == supervisor
	assert open_todos(case) == [supervisor]
	[warning] = unassigned_warnings(case)
	assert (warning.level, warning.jurisdiction) == ("Orange", world.town_p)
	assert world.station_p1 in warning.message
	told = frappe.get_all(
		"Notification Log",
		filters={"document_type": "Early Warning", "document_name": warning.name},
		pluck="for_user",
	)
	assert {town_officer, supervisor} <= set(told)

	# saved again: still one warning for this case and unit
	with clock(T0):
		case.reload()
		case.subject = "邻里纠纷(补充)"
		case.save(ignore_permissions=True)
	assert len(unassigned_warnings(case)) == 1


def test_a_unit_without_members_or_supervisor_leaves_nobody_but_the_warning_says_so(world):
	unit = frappe.get_doc("Handling Unit", world.station_p1)
	unit.members = []
	unit.save(ignore_permissions=True)
	with clock(T0):
		case = make_dispute(world.grid_p1)
	assert case.assigned_to is None
	assert open_todos(case) == []
	[warning] = unassigned_warnings(case)
	with in_site_language():
		said = _("No active member of {0} can take the case, and the unit has no supervisor: nobody holds it.")
	assert warning.message == said.format(world.station_p1)


def test_a_staffed_unit_raises_no_unassigned_warning(world):
	with clock(T0):
		case = make_dispute(world.grid_p1)
	assert case.assigned_to in members(world.station_p1)
	assert unassigned_warnings(case) == []


def test_the_profile_patch_assigns_open_cases_left_unowned(world):
	unit = frappe.get_doc("Handling Unit", world.station_p1)
	staff = [row.user for row in unit.members]
	unit.members = []
	unit.save(ignore_permissions=True)
	with clock(T0):
		case = make_dispute(world.grid_p1)
	assert case.assigned_to is None

	unit.reload()
	unit.append("members", {"user": staff[0], "is_supervisor": 1})
	unit.save(ignore_permissions=True)
	with clock(T0):
		assert assignment.assign_unowned_open_cases() >= 1
	case.reload()
	assert case.assigned_to == staff[0]
	assert open_todos(case) == [staff[0]]
