"""Petition 信访件: one-window intake with a receipt, acceptance within 15 days, assignment, reply within
60 days, satisfaction, reopening and appeal; group (集体访), skip-level (越级访) and repeat flags."""

import frappe
import pytest
from frappe.model.workflow import WorkflowTransitionError
from frappe.utils import add_days, getdate

from tests.case_factories import act, case_profile, make_case, make_resident, new_tree, shipped_sla_rules, stage

pytestmark = pytest.mark.usefixtures("case_profile")


@pytest.fixture
def people():
	shipped_sla_rules("Petition")  # the 15 and 60 days are the district's SLA Rules
	return stage(new_tree())


def test_intake_at_one_window_gives_a_receipt(people):
	resident = make_resident(people.grid_a1, phone="13800001111")
	petition = make_case(
		"Petition",
		people.village_a1,
		people.staff_a1,
		channel="Visit",
		petitioner=resident.name,
		petitioner_name=None,
		intake_window="甲镇一村便民服务站1号窗口",
	)
	assert petition.name.startswith("PET-")
	assert petition.workflow_state == "Registered"
	assert petition.acknowledgement_no and petition.reported_on
	assert petition.acceptance_due == add_days(getdate(petition.reported_on), 15)
	assert petition.petitioner_name == resident.full_name
	assert petition.petitioner_id_number == resident.citizen_id
	assert petition.petitioner_phone == "13800001111"
	assert (petition.matter_level, petition.petitioned_at_level) == ("Village", "Village")
	assert not petition.is_group and not petition.is_skip_level and petition.repeat_count == 0


def test_full_path_accept_assign_reply_close(people):
	petition = make_case("Petition", people.village_a1, people.staff_a1)
	petition = act(petition, "Accept", people.officer_a)
	assert petition.workflow_state == "Accepted"
	assert petition.accepted_on
	assert petition.reply_due == add_days(getdate(petition.accepted_on), 60)

	petition = act(petition, "Assign to Unit", people.officer_a)  # the unit routing chose
	assert petition.workflow_state == "Assigned" and petition.handling_unit

	with pytest.raises(WorkflowTransitionError):  # no reply written yet
		act(petition, "Send Reply", people.staff_a1)
	frappe.db.set_value("Petition", petition.name, "reply", "经核实，已协调物业公司维修电梯。")
	petition = act(petition, "Send Reply", people.staff_a1)
	assert petition.workflow_state == "Replied" and petition.replied_on

	frappe.db.set_value("Petition", petition.name, "satisfaction", "Satisfied")
	petition = act(petition, "Close Case", people.officer_a)
	assert petition.workflow_state == "Concluded" and petition.closed_on


def test_refusal_needs_a_written_notice(people):
	petition = make_case("Petition", people.village_a1, people.staff_a1)
	# the village station cannot refuse to accept; the town can, with a written reply
	with pytest.raises(WorkflowTransitionError):
		act(petition, "Refuse to Accept", people.staff_a1)
	with pytest.raises(WorkflowTransitionError):
		act(petition, "Refuse to Accept", people.officer_a)
	frappe.db.set_value("Petition", petition.name, "reply", "该事项已进入诉讼程序，请依法向人民法院提出。")
	petition = act(petition, "Refuse to Accept", people.officer_a)
	assert petition.workflow_state == "Not Accepted" and petition.closed_on
	assert not petition.accepted_on


def test_reopened_when_the_petitioner_is_dissatisfied(people):
	petition = make_case("Petition", people.village_a1, people.staff_a1, handling_unit=people.unit_a1)
	for action, user in (("Accept", people.staff_a1), ("Assign to Unit", people.staff_a1)):
		petition = act(petition, action, user)
	frappe.db.set_value("Petition", petition.name, "reply", "已答复")
	petition = act(petition, "Send Reply", people.staff_a1)
	frappe.db.set_value("Petition", petition.name, "satisfaction", "Basically Satisfied")
	petition = act(petition, "Close Case", people.staff_a1)
	with pytest.raises(WorkflowTransitionError):
		act(petition, "Reopen", people.officer_a)
	frappe.db.set_value("Petition", petition.name, "satisfaction", "Dissatisfied")
	petition = act(petition, "Reopen", people.officer_a)
	assert petition.workflow_state == "Assigned" and not petition.closed_on


def test_appeal_links_the_previous_petition(people):
	first = make_case("Petition", people.village_a1, petitioner_id_number="63212119800101001X")
	with pytest.raises(frappe.ValidationError):
		make_case("Petition", people.village_a1, is_appeal=1)
	appeal = make_case("Petition", people.village_a1, is_appeal=1, previous_petition=first.name)
	assert appeal.previous_petition == first.name


def test_group_petition_from_five_people(people):
	assert not make_case("Petition", people.village_a1, people_count=4).is_group
	assert make_case("Petition", people.village_a1, people_count=5).is_group


def test_skip_level_petition(people):
	# the town window for a village matter is one level up: not skip-level
	at_town = make_case("Petition", people.village_a1, channel="Visit", petitioned_at_level="Town")
	assert not at_town.is_skip_level
	# a village matter brought to the county skips the town and the district
	at_county = make_case("Petition", people.village_a1, channel="Visit", petitioned_at_level="County")
	assert at_county.is_skip_level
	# a letter to the county is forwarded, not a skip-level visit
	letter = make_case("Petition", people.village_a1, channel="Postal Letter", petitioned_at_level="County")
	assert not letter.is_skip_level
	# a town matter brought to the city
	town_matter = make_case("Petition", people.town_a, channel="Visit", petitioned_at_level="City")
	assert town_matter.matter_level == "Town" and town_matter.is_skip_level


def test_repeat_petitions_by_the_same_person(people):
	resident = make_resident(people.grid_a1)
	first = make_case("Petition", people.village_a1, petitioner=resident.name, petitioner_name=None)
	second = make_case("Petition", people.village_a2, petitioner_id_number=resident.citizen_id)
	third = make_case("Petition", people.village_a1, petitioner=resident.name, petitioner_name=None)
	assert (first.repeat_count, second.repeat_count, third.repeat_count) == (0, 1, 2)
	other = make_case("Petition", people.village_a1, petitioner_id_number="63212119800101001X")
	assert other.repeat_count == 0


def test_village_staff_of_another_village_cannot_accept(people):
	from xinqu_governance.tests.factories import make_assignment

	petition = make_case("Petition", people.grid_a1, people.staff_a1)
	# Village Staff of A2 who is also grid worker of A1's grid: reads the petition, holds Village Staff,
	# but not over A1's grid, where a Grid Worker may not even change a petition
	make_assignment(people.staff_a2, "Grid Worker", people.grid_a1)
	with pytest.raises(frappe.PermissionError):
		act(petition, "Accept", people.staff_a2)
	# a town officer above the village may accept at the town level
	make_assignment(people.staff_a2, "Town Officer", people.town_a)
	assert act(petition, "Accept", people.staff_a2).workflow_state == "Accepted"


def test_withdrawn(people):
	petition = make_case("Petition", people.village_a1, people.staff_a1)
	petition = act(petition, "Withdraw", people.staff_a1)
	assert petition.is_withdrawn and petition.workflow_state == "Withdrawn"
