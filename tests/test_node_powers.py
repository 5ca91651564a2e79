"""A role is held at a node, not everywhere (issue 8 §3): what a Jurisdiction Assignment grants holds only
under its node, and only while the assignment is active (one definition, `governance.access`)."""

import frappe
import pytest
from xinqu_demo.demo_data.cases import holders
from xinqu_governance.cases.supervision import issuer_standing
from xinqu_governance.cases.workflow_guard import (
	active_assignment_nodes,
	holds_role,
	level_refusal_message,
	user_stands_at_level,
)
from frappe.utils import getdate
from xinqu_governance.governance.access import is_active_on
from xinqu_governance.registry.grids import apply_grid_proposal
from xinqu_governance.tests.factories import days_from_today, make_assignment

from tests.case_factories import (
	PASSWORD,
	as_user,
	case_profile,
	make_case,
	make_resident,
	new_tree,
	purge_cases,
	stage,
	unique,
)
from tests.factories import make_building, make_compound, make_household, make_user_at, purge_tree

pytestmark = pytest.mark.usefixtures("case_profile")
HOOK = "xinqu_governance.governance.node_powers.has_node_permission"


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


# ------------------------------------------------------------------ powers held at a node


@pytest.fixture
def two_hats(people):
	"""Town Officer of town A and Village Staff of village B1 (another town)."""
	user = make_user_at("Town Officer", people.town_a, prefix="xq-two-hats")
	make_assignment(user, "Village Staff", people.village_b1)
	people.two_hats = user
	people.users.append(user)
	return people


def test_every_doctype_of_a_node_has_the_node_hook():
	hooks = frappe.get_hooks("has_permission")
	node_doctypes = {
		doctype
		for doctype in frappe.get_all(
			"DocType",
			filters={"module": ("in", ["Governance", "Registry", "Cases"]), "istable": 0},
			pluck="name",
		)
		if (frappe.get_meta(doctype).get_field("jurisdiction") or frappe._dict()).options == "Jurisdiction"
	} | {"Jurisdiction"}
	missing = {doctype for doctype in node_doctypes if HOOK not in hooks.get(doctype, [])}
	assert not missing


def test_town_officer_powers_stop_at_his_town(two_hats):
	p = two_hats
	at_b = make_case("Dispute", p.village_b1, how_found="Visit")
	resident_b = make_resident(p.village_b1)
	resident_a = make_resident(p.village_a1)
	compound_a = frappe.get_doc("Resettlement Compound", make_compound(p.village_a1))
	compound_b = frappe.get_doc("Resettlement Compound", make_compound(p.village_b1))
	with as_user(p.two_hats):
		assert frappe.has_permission("Resettlement Compound", "delete", doc=compound_a)
		assert not frappe.has_permission("Resettlement Compound", "delete", doc=compound_b)
		assert frappe.has_permission("Resettlement Compound", "write", doc=compound_b)  # as Village Staff
		assert frappe.has_permission("Resident", "write", doc=resident_b)  # Village Staff writes it
		assert frappe.has_permission("Dispute", "write", doc=at_b)
		compound = frappe.get_doc({"doctype": "Resettlement Compound", "compound_name": unique("小区")})
		compound.jurisdiction = p.village_b1
		assert not frappe.has_permission("Resettlement Compound", "create", doc=compound)
		compound.jurisdiction = p.village_a1
		assert frappe.has_permission("Resettlement Compound", "create", doc=compound)
	# moving a record needs the right at both ends: a City Supervisor (who reads, not writes) and
	# Village Staff of B1 may not pull village A1's resident into B1
	reader_and_staff = make_user_at("City Supervisor", p.city, prefix="xq-two-hats")
	make_assignment(reader_and_staff, "Village Staff", p.village_b1)
	with as_user(reader_and_staff):
		assert frappe.has_permission("Resident", "write", doc=resident_b)
		resident_a.jurisdiction = p.village_b1
		assert not frappe.has_permission("Resident", "write", doc=resident_a)


def test_an_ended_assignment_grants_nothing_at_its_node(two_hats):
	p = two_hats
	compound_a = frappe.get_doc("Resettlement Compound", make_compound(p.village_a1))
	with as_user(p.two_hats):
		assert frappe.has_permission("Resettlement Compound", "delete", doc=compound_a)
	end_assignment_yesterday_without_the_daily_job(p.two_hats, "Town Officer", p.town_a)
	with as_user(p.two_hats):
		assert not frappe.has_permission("Resettlement Compound", "delete", doc=compound_a)


def test_rest_refuses_the_town_officers_powers_in_his_other_village(two_hats, live_server, http_login):
	p = two_hats
	try:
		resident_b = make_resident(p.village_b1)
		own_assignment = frappe.db.get_value(
			"Jurisdiction Assignment", {"user": p.staff_a1, "jurisdiction": p.village_a1}
		)
		other_assignment = frappe.db.get_value(
			"Jurisdiction Assignment", {"user": p.staff_b1, "jurisdiction": p.village_b1}
		)
		frappe.db.commit()
		session = http_login(p.two_hats, PASSWORD)
		api = f"{live_server}/api/resource"

		assert session.delete(f"{api}/Resident/{resident_b.name}").status_code == 403
		assert frappe.db.exists("Resident", resident_b.name)
		for node, status in ((p.village_b1, 403), (p.village_a1, 200)):
			compound = session.post(
				f"{api}/Resettlement Compound", json={"compound_name": unique("小区"), "jurisdiction": node}
			)
			assert compound.status_code == status, compound.text[:300]
			assessment = session.post(
				f"{api}/Stability Risk Assessment",
				json={
					"subject": unique("评估"),
					"jurisdiction": node,
					"subject_type": "Major Decision",
					"risk_field": "Resettlement",
				},
			)
			assert assessment.status_code == status, assessment.text[:300]
		# who holds which role is the Town Officer's to read in his town, not a Village Staff's
		assert session.get(f"{api}/Jurisdiction Assignment/{own_assignment}").status_code == 200
		assert session.get(f"{api}/Jurisdiction Assignment/{other_assignment}").status_code == 403
	finally:
		frappe.db.rollback()
		purge_cases(p, commit=False)
		for doctype in ("Resettlement Compound", "Stability Risk Assessment"):
			frappe.db.delete(doctype, {"owner": p.two_hats})
		purge_tree(p, users=p.users)


# ------------------------------------------------------------------ people are not hard-deleted by staff


def test_only_administrators_hard_delete_people():
	for doctype in ("Resident", "Household"):
		deleters = {perm.role for perm in frappe.get_meta(doctype).permissions if perm.delete}
		assert deleters == {"System Manager", "Governance Administrator"}, doctype


def test_a_person_who_leaves_is_recorded_not_deleted(people):
	building = make_building(make_compound(people.village_a1), "1", "Small High-rise", floors=2, units=1)
	household = make_household(people.village_a1, members=2, dwelling=f"{building}-1-101")
	(grid,) = apply_grid_proposal(frappe.db.get_value("Building", building, "compound"))
	household.reload()
	assert frappe.db.get_value("Grid Profile", grid, "resident_count") == 2
	leaver = frappe.get_doc("Resident", household.members[1].resident)

	with as_user(people.officer_a):
		assert not frappe.has_permission("Resident", "delete", doc=leaver)
		leaver.residence_status = "Merged into Another Record"
		with pytest.raises(frappe.ValidationError, match="merged into"):
			leaver.save()
		leaver = frappe.get_doc("Resident", leaver.name)
		leaver.residence_status = "Deceased"
		leaver.save()
	assert (leaver.status_since, frappe.db.exists("Resident", leaver.name)) == (getdate(), leaver.name)
	assert frappe.db.get_value("Grid Profile", grid, "resident_count") == 1  # counts those living here


def test_rest_delete_of_a_resident_is_for_the_administrator(people, live_server, http_login):
	try:
		resident = make_resident(people.village_a1)
		admin = make_user_at("Governance Administrator", people.city, prefix="xq-np-admin")
		people.users.append(admin)
		frappe.db.commit()
		url = f"{live_server}/api/resource/Resident/{resident.name}"

		officer = http_login(people.officer_a, PASSWORD)
		assert officer.delete(url).status_code == 403
		moved = officer.put(url, json={"residence_status": "Moved Out"})
		assert moved.status_code == 200 and moved.json()["data"]["status_since"]
		assert http_login(admin, PASSWORD).delete(url).status_code in (200, 202)
		assert not frappe.db.exists("Resident", resident.name)
	finally:
		frappe.db.rollback()
		purge_cases(people, commit=False)
		purge_tree(people, users=people.users)


def test_a_transition_without_a_level_still_needs_its_role_over_the_case(two_hats):
	p = two_hats
	assert user_stands_at_level(p.two_hats, "Town Officer", None, p.village_a1)
	assert not user_stands_at_level(p.two_hats, "Town Officer", None, p.village_b1)
	assert user_stands_at_level(p.two_hats, "Village Staff", None, p.grid_b1)
	assert "over" in level_refusal_message("Town Officer", None, "Close Case", p.village_b1)


def test_the_desk_offers_only_the_workflow_actions_the_server_accepts(two_hats, live_server, http_login):
	"""The form's Actions menu asks `frappe.model.workflow.get_transitions`: in village B1, where he is
	Village Staff only, the two-hat user is offered the village's actions, not the Town Officer's
	("Accept at Town"); in his own town A he is offered those too. Each one offered is accepted."""
	import json

	p = two_hats
	in_b = make_case("Dispute", p.village_b1, how_found="Visit")
	in_a = make_case("Dispute", p.village_a1, how_found="Visit")
	frappe.db.commit()
	try:
		session = http_login(p.two_hats, PASSWORD)

		def offered(case) -> set[str]:
			response = session.post(
				f"{live_server}/api/method/frappe.model.workflow.get_transitions",
				data={"doc": json.dumps(frappe.get_doc("Dispute", case.name).as_dict(), default=str)},
			)
			assert response.status_code == 200, response.text[:300]
			return {t["action"] for t in response.json()["message"]}

		assert offered(in_b) == {"Accept", "Withdraw"}  # Village Staff's, at village B1
		assert offered(in_a) == {"Accept at Town", "Withdraw"}  # Town Officer's, over village A1
		for case, action in ((in_b, "Accept"), (in_a, "Accept at Town")):
			response = session.post(
				f"{live_server}/api/method/frappe.model.workflow.apply_workflow",
				data={"doc": json.dumps(frappe.get_doc("Dispute", case.name).as_dict(), default=str), "action": action},
			)
			assert response.status_code == 200, (action, response.text[:300])
	finally:
		frappe.db.rollback()
		purge_cases(p, commit=False)
		purge_tree(p, users=p.users)
