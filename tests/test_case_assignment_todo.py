"""A case's assignee is a Frappe assignment (ToDo / `_assign`): routing and escalation move it, an
assignment made in the desk moves `assigned_to`, and a user who may not work the case is refused."""

import json

import frappe
import pytest

from tests.case_factories import PASSWORD, act, case_profile, make_case, make_unit, new_tree, purge_cases, stage  # noqa: F401
from tests.factories import make_user_at, purge_tree

pytestmark = pytest.mark.usefixtures("case_profile")

ADD = "/api/method/frappe.desk.form.assign_to.add"  # called as the desk does: the args as form fields
GETDOC = "/api/method/frappe.desk.form.load.getdoc"


@pytest.fixture
def people():
	return stage(new_tree())


def open_todos(case) -> list[str]:
	return frappe.get_all(
		"ToDo",
		filters={"reference_type": case.doctype, "reference_name": case.name, "status": "Open"},
		pluck="allocated_to",
	)


def todo_status(case, user) -> str | None:
	return frappe.db.get_value(
		"ToDo", {"reference_type": case.doctype, "reference_name": case.name, "allocated_to": user}, "status"
	)


def assigned(case) -> list[str]:
	return json.loads(frappe.db.get_value(case.doctype, case.name, "_assign") or "[]")


def test_routing_and_escalation_move_the_frappe_assignment(people):
	dispute = make_case("Dispute", people.grid_a1, people.staff_a1)
	assert (dispute.handling_unit, dispute.assigned_to) == (people.unit_a1, people.staff_a1)
	assert open_todos(dispute) == [people.staff_a1]
	assert assigned(dispute) == [people.staff_a1]

	dispute = act(dispute, "Accept", people.staff_a1)
	assert open_todos(dispute) == [people.staff_a1]  # a save that keeps the assignee adds nothing

	dispute = act(dispute, "Escalate to Town", people.staff_a1)
	assert (dispute.handling_unit, dispute.assigned_to) == (people.unit_town_a, people.officer_a)
	assert todo_status(dispute, people.staff_a1) == "Closed"
	assert open_todos(dispute) == [people.officer_a]
	assert assigned(dispute) == [people.officer_a]
	assert frappe.db.get_value(dispute.doctype, dispute.name, "assigned_to") == people.officer_a


def test_desk_assignment_moves_assigned_to_and_an_unrelated_user_is_refused(people, live_server, http_login):
	try:
		dispute = make_case("Dispute", people.grid_a1, people.staff_a1)
		frappe.db.commit()

		# the desk's own form API shows the assignment to the assignee
		staff = http_login(people.staff_a1, PASSWORD)
		loaded = staff.get(f"{live_server}{GETDOC}", params={"doctype": "Dispute", "name": dispute.name})
		assert loaded.status_code == 200, loaded.text[:500]
		body = loaded.json()
		assert [row["owner"] for row in body["docinfo"]["assignments"]] == [people.staff_a1]
		# and the list's "Assigned to me" filter finds it
		mine = staff.get(
			f"{live_server}/api/resource/Dispute",
			params={"filters": json.dumps([["_assign", "like", f"%{people.staff_a1}%"]]), "fields": '["name"]'},
		)
		assert mine.status_code == 200, mine.text[:500]
		assert [row["name"] for row in mine.json()["data"]] == [dispute.name]

		# reassigned in the desk to the town officer over the village: `assigned_to` follows
		moved = staff.post(
			f"{live_server}{ADD}",
			data={"assign_to": json.dumps([people.officer_a]), "doctype": "Dispute", "name": dispute.name},
		)
		assert moved.status_code == 200, moved.text[:500]
		frappe.db.rollback()  # a fresh snapshot of what the server committed
		assert frappe.db.get_value("Dispute", dispute.name, "assigned_to") == people.officer_a
		assert open_todos(dispute) == [people.officer_a]
		assert todo_status(dispute, people.staff_a1) == "Closed"
		assert assigned(dispute) == [people.officer_a]

		# village staff of another town holds no role over the case and is in no unit of it
		refused = staff.post(
			f"{live_server}{ADD}",
			data={"assign_to": json.dumps([people.staff_b1]), "doctype": "Dispute", "name": dispute.name},
		)
		assert refused.status_code == 417, refused.text[:500]
		assert "AssigneeNotInCaseError" in refused.text
		frappe.db.rollback()
		assert frappe.db.get_value("Dispute", dispute.name, "assigned_to") == people.officer_a
		assert open_todos(dispute) == [people.officer_a]
		assert todo_status(dispute, people.staff_b1) is None
	finally:
		frappe.db.rollback()
		purge_cases(people, commit=False)
		purge_tree(people, users=people.users)


def test_the_patch_gives_cases_assigned_before_their_frappe_assignment(people):
	from xinqu_governance.cases.assignment_todo import backfill_assignments

	dispute = make_case("Dispute", people.grid_a1, people.staff_a1)
	closed = make_case("Dispute", people.grid_a1, people.staff_a1)
	for case in (dispute, closed):  # as the cases assigned before this release are
		frappe.db.delete("ToDo", {"reference_type": "Dispute", "reference_name": case.name})
		frappe.db.set_value("Dispute", case.name, "_assign", None, update_modified=False)
	frappe.db.set_value("Dispute", closed.name, "closed_on", frappe.utils.now_datetime())

	assert backfill_assignments() >= 1
	assert open_todos(dispute) == [people.staff_a1]
	assert assigned(dispute) == [people.staff_a1]
	assert open_todos(closed) == []
	assert backfill_assignments() == 0  # idempotent


def test_an_officer_of_another_county_assigned_a_case_reads_lists_and_works_it(people, live_server, http_login):
	"""条块结合: the county department that handles the case sits in another county, where its officer
	holds his role. Assigned in the desk (Frappe's `assign_to.add`), he reads the case, finds it under
	"Assigned to me" and resolves it over HTTP: Frappe consults the assignment's DocShare when the role
	at the node refuses (the node hook and the tree scope do refuse him there), and only for the case
	assigned to him."""
	from xinqu_governance.tests.factories import make_jurisdiction

	other_county = make_jurisdiction(frappe.generate_hash(length=8) + "县", "County", people.city)
	officer = make_user_at("County Officer", other_county, prefix="xq-case-oc")
	urban = make_unit("County", other_county, members=[officer], department="Urban Management")
	description = "小区门口占道经营，影响通行"
	try:
		event = make_case("Grid Event", people.grid_a1, people.grid_worker, event_type="Urban Management", description=description)
		event = act(act(event, "Verify Event", people.staff_a1), "Dispatch to Department", people.staff_a1)
		unassigned = make_case("Grid Event", people.grid_a1, people.grid_worker, event_type="Urban Management", description=description)
		frappe.db.set_value("Grid Event", event.name, "handling_unit", urban)  # the routing rule's pick
		frappe.db.commit()

		staff = http_login(people.staff_a1, PASSWORD)
		assigned_now = staff.post(
			f"{live_server}{ADD}",
			data={"assign_to": json.dumps([officer]), "doctype": "Grid Event", "name": event.name},
		)
		assert assigned_now.status_code == 200, assigned_now.text[:500]

		client = http_login(officer, PASSWORD)
		loaded = client.get(f"{live_server}/api/resource/Grid Event/{event.name}")
		assert loaded.status_code == 200, loaded.text[:500]
		assert loaded.json()["data"]["description"] == description
		refused = client.get(f"{live_server}/api/resource/Grid Event/{unassigned.name}")
		assert refused.status_code == 403, refused.text[:300]
		listed = client.get(
			f"{live_server}/api/resource/Grid Event",
			params={"filters": json.dumps([["_assign", "like", f"%{officer}%"]]), "fields": '["name"]'},
		)
		assert listed.status_code == 200, listed.text[:500]
		assert [row["name"] for row in listed.json()["data"]] == [event.name]
		everything = client.get(f"{live_server}/api/resource/Grid Event", params={"limit_page_length": 0})
		assert [row["name"] for row in everything.json()["data"]] == [event.name]

		resolved = client.post(
			f"{live_server}/api/method/frappe.model.workflow.apply_workflow",
			data={"doc": json.dumps(loaded.json()["data"]), "action": "Resolve"},
		)
		assert resolved.status_code == 200, resolved.text[:800]
		frappe.db.rollback()
		assert frappe.db.get_value("Grid Event", event.name, "workflow_state") == "Resolved"
	finally:
		frappe.db.rollback()
		purge_cases(people, commit=False)
		purge_tree(people, users=[*people.users, officer])
