"""Service Request 便民服务 (one window, one stop) and Grid Event 网格事件 (report, verify, triage into
another case with links both ways, dispatch to a department, resolve)."""

import frappe
import pytest
from frappe.model.workflow import WorkflowTransitionError
from xinqu_governance.cases.triage import TriageError, triage_grid_event

from tests.case_factories import (
	act,
	as_user,
	case_profile,
	make_case,
	make_resident,
	make_unit,
	new_tree,
	stage,
)

pytestmark = pytest.mark.usefixtures("case_profile")


@pytest.fixture
def people():
	return stage(new_tree())


# ------------------------------------------------------------------ service requests


def test_service_request_done_at_one_stop(people):
	resident = make_resident(people.grid_a1)
	request = make_case(
		"Service Request",
		people.village_a1,
		people.staff_a1,
		subject=None,
		service_type="Medical Insurance",
		applicant=resident.name,
		applicant_name=None,
		window_number="2",
	)
	assert request.name.startswith("SRQ-") and request.workflow_state == "Received at Window"
	assert request.applicant_name == resident.full_name and request.subject
	request = act(request, "Start Handling", people.staff_a1)
	request = act(request, "Complete Request", people.staff_a1)
	assert request.workflow_state == "Completed"
	assert request.is_done and request.done_at_one_stop and request.closed_on


def test_service_request_transferred_to_town_is_not_one_stop(people):
	request = make_case("Service Request", people.village_a1, people.staff_a1, service_type="Hukou")
	request = act(request, "Transfer to Town", people.staff_a1)
	assert (request.workflow_state, request.handling_level) == ("Transferred to Town", "Town")
	assert request.escalation_count == 1
	with pytest.raises(WorkflowTransitionError):
		act(request, "Complete Request", people.staff_a1)
	request = act(request, "Complete Request", people.officer_a)
	assert request.is_done and not request.done_at_one_stop


def test_service_request_refused_with_a_reason(people):
	request = make_case(
		"Service Request", people.village_a1, people.staff_a1, service_type="Subsistence Allowance"
	)
	with pytest.raises(WorkflowTransitionError):
		act(request, "Refuse", people.staff_a1)
	frappe.db.set_value("Service Request", request.name, "result", "家庭人均收入高于当地低保标准")
	request = act(request, "Refuse", people.staff_a1)
	assert request.workflow_state == "Refused" and not request.is_done and request.closed_on


def test_service_request_wrong_level(people):
	from xinqu_governance.tests.factories import make_assignment

	request = make_case("Service Request", people.grid_a1, people.staff_a1)
	make_assignment(people.staff_b1, "Grid Worker", people.grid_a1)
	with pytest.raises(frappe.PermissionError):  # a Grid Worker may not change a service request
		act(request, "Complete Request", people.staff_b1)


# ------------------------------------------------------------------ grid events


# a 1 x 1 transparent PNG
PNG = bytes.fromhex(
	"89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
	"0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def report(people, **fields):
	fields.setdefault("description", "3号楼住户与楼下商户因油烟排放发生争吵")
	return make_case("Grid Event", people.grid_a1, people.grid_worker, **fields)


def test_grid_worker_reports_an_event_in_his_grid(people):
	photo = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{frappe.generate_hash(length=8)}.png",
			"content": PNG,
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	event = report(people, location="幸福小区3号楼", photo=photo.file_url)
	assert event.name.startswith("EVT-") and event.workflow_state == "Reported"
	assert event.reported_by == people.grid_worker and event.handling_level == "Village"
	# not in another grid
	with pytest.raises(frappe.PermissionError):
		make_case("Grid Event", people.grid_a2, people.grid_worker)


def test_triage_into_a_dispute_links_both_ways(people):
	resident = make_resident(people.grid_a1)
	event = report(people, resident=resident.name)
	event = act(event, "Verify Event", people.staff_a1)

	with as_user(people.staff_a1):
		created = triage_grid_event(event.name, "Dispute")
	dispute = frappe.get_doc("Dispute", created["name"])
	event = frappe.get_doc("Grid Event", event.name)

	assert (event.triaged_to_doctype, event.triaged_to) == ("Dispute", dispute.name)
	assert event.workflow_state == "Triaged" and event.closed_on
	assert event.triaged_by == people.staff_a1
	assert dispute.source_event == event.name
	assert dispute.how_found == "Grid Report"
	assert dispute.jurisdiction == people.grid_a1 and dispute.subject == event.subject
	assert dispute.parties[0].resident == resident.name
	assert dispute.workflow_state == "Reported" and dispute.owner == people.staff_a1

	with as_user(people.staff_a1), pytest.raises(TriageError):
		triage_grid_event(event.name, "Petition")


@pytest.mark.parametrize(
	("target", "values"),
	[
		("Petition", {"petitioner_name": "赵某"}),
		("Service Request", {"applicant_name": "钱某", "service_type": "Employment"}),
		("Emergency Incident", {"people_involved": 30}),
	],
)
def test_triage_into_other_case_types(people, target, values):
	event = report(people, event_type="Security Lead" if target == "Emergency Incident" else "Public Opinion")
	event = act(event, "Verify Event", people.staff_a1)
	with as_user(people.officer_a):
		created = triage_grid_event(event.name, target, frappe.as_json(values))
	case = frappe.get_doc(target, created["name"])
	assert case.source_event == event.name
	assert frappe.get_value("Grid Event", event.name, ["triaged_to_doctype", "triaged_to"]) == (
		target,
		case.name,
	)
	if target == "Emergency Incident":
		assert case.kind == "Public Security"


def test_grid_worker_cannot_triage_and_unverified_events_are_not_triaged(people):
	event = report(people)
	with as_user(people.grid_worker), pytest.raises(frappe.PermissionError):
		triage_grid_event(event.name, "Dispute")  # a grid worker may not create disputes
	with as_user(people.staff_a1), pytest.raises(TriageError):
		triage_grid_event(event.name, "Dispute")  # still "Reported": verify first
	with as_user(people.staff_a1), pytest.raises(TriageError):
		triage_grid_event(event.name, "Supervision")
	assert not frappe.db.exists("Dispute", {"source_event": event.name})


def test_triage_action_cannot_be_taken_without_a_case(people):
	event = act(report(people), "Verify Event", people.staff_a1)
	with pytest.raises(WorkflowTransitionError):
		act(event, "Triage", people.staff_a1)


def test_urban_management_event_is_dispatched_to_the_department(people):
	"""条块结合: urban management in the district is 平安县's, whichever county the town is in; the
	department's officer resolves it as a member of the case's handling unit."""
	from xinqu_governance.tests.factories import make_assignment, make_jurisdiction, make_user

	other_county = make_jurisdiction(frappe.generate_hash(length=8) + "县", "County", people.city)
	officer = make_user("xq-case-cg")
	make_assignment(officer, "County Officer", other_county)
	urban = make_unit("County", other_county, members=[officer], department="Urban Management")

	event = report(people, event_type="Urban Management", subject="小区门口占道经营")
	event = act(event, "Verify Event", people.staff_a1)
	event = act(event, "Dispatch to Department", people.staff_a1)
	assert (event.workflow_state, event.handling_level) == ("With Department", "County")

	frappe.db.set_value("Grid Event", event.name, "handling_unit", urban)
	frappe.share.add("Grid Event", event.name, officer, write=1, flags={"ignore_share_permission": True})
	event = act(event, "Resolve", officer)
	assert event.workflow_state == "Resolved" and event.closed_on


def test_only_fitting_events_go_to_a_department(people):
	event = act(report(people, event_type="Public Opinion"), "Verify Event", people.staff_a1)
	with pytest.raises(WorkflowTransitionError):
		act(event, "Dispatch to Department", people.staff_a1)


def test_grid_worker_resolves_on_site_or_withdraws(people):
	assert act(report(people), "Resolve on Site", people.grid_worker).workflow_state == "Resolved"
	withdrawn = act(report(people), "Withdraw", people.grid_worker)
	assert withdrawn.is_withdrawn and withdrawn.workflow_state == "Withdrawn"
