"""Dispute 矛盾纠纷: the grand-mediation path village → town → district → county with the right role at
the right level; refusals for the wrong role and the wrong level; closing rules."""

import frappe
import pytest
from frappe.model.workflow import WorkflowPermissionError, WorkflowTransitionError
from xinqu_governance.cases.doctype.stability_risk_assessment.stability_risk_assessment import (
	RiskAssessmentRequiredError,
)
from xinqu_governance.cases.workflow_guard import WorkflowLevelError

from tests.case_factories import (
	act,
	approved_assessment_of,
	as_user,
	case_profile,
	make_case,
	make_resident,
	new_tree,
	stage,
)

pytestmark = pytest.mark.usefixtures("case_profile")


@pytest.fixture
def people():
	return stage(new_tree())


def close_ready(dispute, **fields):
	"""Outcome, agreement and each party's satisfaction recorded (as Administrator)."""
	doc = frappe.get_doc("Dispute", dispute.name)
	doc.outcome = fields.get("outcome", "Agreement")
	doc.agreement_text = "双方同意按安置方案调换楼层"
	for row in doc.parties:
		row.satisfaction = "Satisfied"
	doc.save(ignore_permissions=True)
	return doc


def test_village_staff_registers_a_dispute_at_the_village_level(people):
	resident = make_resident(people.grid_a1)
	dispute = make_case(
		"Dispute",
		people.grid_a1,
		people.staff_a1,
		people_involved=12,
		parties=[{"resident": resident.name}, {"party_name": "王某", "party_role": "Respondent"}],
	)
	assert dispute.name.startswith("DSP-")
	assert dispute.workflow_state == "Reported"
	assert dispute.handling_level == "Village"
	assert dispute.people_band == "Under 50"
	assert not dispute.is_major_case
	assert dispute.parties[0].party_name == resident.full_name
	assert dispute.parties[0].citizen_id == resident.citizen_id
	assert dispute.state_entered_on and dispute.reported_on


def test_people_involved_bands_and_major_case(people):
	bands = {
		49: "Under 50",
		50: "50 to 100",
		100: "50 to 100",
		101: "100 to 500",
		500: "100 to 500",
		501: "Over 500",
	}
	for count, band in bands.items():
		dispute = make_case("Dispute", people.village_a1, people_involved=count)
		assert dispute.people_band == band, count
		assert dispute.is_major_case == (1 if count > 100 else 0), count


def test_full_escalation_path_village_town_district_county(people):
	dispute = make_case(
		"Dispute", people.grid_a1, people.staff_a1, parties=[{"party_name": "张某"}, {"party_name": "李某"}]
	)

	dispute = act(dispute, "Accept", people.staff_a1)
	assert (dispute.workflow_state, dispute.handling_level) == ("Mediation at Village", "Village")
	assert dispute.escalation_count == 0

	dispute = act(dispute, "Escalate to Town", people.staff_a1)
	assert (dispute.workflow_state, dispute.handling_level) == ("Mediation at Town", "Town")
	assert dispute.escalation_count == 1

	dispute = act(dispute, "Escalate to District", people.officer_a)
	assert (dispute.workflow_state, dispute.handling_level) == ("Mediation at District", "District")

	dispute = act(dispute, "Escalate to County", people.district_officer)
	assert (dispute.workflow_state, dispute.handling_level) == ("Mediation at County", "County")
	assert dispute.escalation_count == 3

	close_ready(dispute)
	dispute = act(dispute, "Close Case", people.county_officer)
	assert dispute.workflow_state == "Concluded"
	assert dispute.closed_on
	assert not dispute.is_withdrawn

	comments = frappe.get_all(
		"Comment",
		filters={"reference_doctype": "Dispute", "reference_name": dispute.name, "comment_type": "Workflow"},
	)
	assert len(comments) == 5


def test_returned_down_and_closed_at_the_town(people):
	dispute = make_case("Dispute", people.village_a1, people.staff_a1, parties=[{"party_name": "张某"}])
	dispute = act(dispute, "Accept", people.staff_a1)
	dispute = act(dispute, "Escalate to Town", people.staff_a1)
	dispute = act(dispute, "Return to Village", people.officer_a)
	assert (dispute.workflow_state, dispute.handling_level) == ("Mediation at Village", "Village")
	assert dispute.escalation_count == 1  # going down is not an escalation
	dispute = act(dispute, "Escalate to Town", people.staff_a1)
	close_ready(dispute, outcome="Partial Agreement")
	dispute = act(dispute, "Close Case", people.officer_a)
	assert dispute.workflow_state == "Concluded"


def test_town_screening_accepts_directly_at_the_town(people):
	dispute = make_case("Dispute", people.village_a2, people.officer_a, how_found="Screening")
	dispute = act(dispute, "Accept at Town", people.officer_a)
	assert (dispute.workflow_state, dispute.handling_level) == ("Mediation at Town", "Town")


def test_wrong_role_is_refused(people):
	dispute = make_case("Dispute", people.grid_a1, people.staff_a1)
	# a grid worker reads the case of his grid but holds no role of the transition
	with pytest.raises(WorkflowTransitionError):
		act(dispute, "Accept", people.grid_worker)
	dispute = act(dispute, "Accept", people.staff_a1)
	# a town officer may not take the village's escalation
	with pytest.raises(WorkflowTransitionError):
		act(dispute, "Escalate to Town", people.officer_a)
	# and the village may not skip the town
	with pytest.raises(WorkflowTransitionError):
		act(dispute, "Escalate to District", people.staff_a1)


def test_wrong_level_is_refused_with_a_clear_message(people):
	"""A user who can read the case and holds the role, but not at the transition's level."""
	from xinqu_governance.tests.factories import make_assignment

	dispute = make_case("Dispute", people.village_a1, people.staff_a1)
	# Village Staff of village A2 who is also Town Officer of town A (so he reads A1's cases)
	make_assignment(people.staff_a2, "Town Officer", people.town_a)
	with pytest.raises(WorkflowLevelError) as refused:
		act(dispute, "Accept", people.staff_a2)
	assert frappe._("Village Staff") in str(refused.value) and people.village_a1 in str(refused.value)
	assert frappe.get_value("Dispute", dispute.name, "workflow_state") == "Reported"

	dispute = act(dispute, "Accept", people.staff_a1)
	dispute = act(dispute, "Escalate to Town", people.staff_a1)
	dispute = act(dispute, "Escalate to District", people.officer_a)
	# a town officer of the town, not a member of the district's unit, stands at Town, not District
	with pytest.raises(WorkflowLevelError) as refused:
		act(dispute, "Escalate to County", people.officer_a)
	assert people.district_unit in str(refused.value)
	assert frappe._("Escalate to County") in str(refused.value)


def test_level_is_refused_on_a_direct_save_too(people):
	from xinqu_governance.tests.factories import make_assignment

	dispute = make_case("Dispute", people.village_a1, people.staff_a1)
	make_assignment(people.staff_a2, "Town Officer", people.town_a)
	with as_user(people.staff_a2):
		doc = frappe.get_doc("Dispute", dispute.name)
		doc.workflow_state = "Mediation at Village"
		with pytest.raises(WorkflowPermissionError):
			doc.save()


def test_other_town_cannot_even_open_the_case(people):
	dispute = make_case("Dispute", people.village_a1, people.staff_a1)
	act(dispute, "Accept", people.staff_a1)
	dispute = act(dispute, "Escalate to Town", people.staff_a1)
	with pytest.raises(frappe.PermissionError):
		act(dispute, "Escalate to District", people.officer_b)


def test_ended_assignment_no_longer_stands_at_the_level(people):
	from xinqu_governance.tests.factories import days_from_today

	dispute = make_case("Dispute", people.village_a1, people.staff_a1)
	assignment = frappe.get_doc("Jurisdiction Assignment", {"user": people.staff_a1})
	# ended yesterday: the role and the user permission stay until the daily job runs, but what the
	# assignment granted at the node is gone now (the write right itself, so the level too)
	frappe.db.set_value("Jurisdiction Assignment", assignment.name, "valid_to", days_from_today(-1))
	with pytest.raises(frappe.PermissionError):
		act(dispute, "Accept", people.staff_a1)


def test_closing_needs_outcome_agreement_and_every_partys_satisfaction(people):
	dispute = make_case(
		"Dispute",
		people.village_a1,
		people.staff_a1,
		parties=[{"party_name": "张某"}, {"party_name": "李某"}],
	)
	dispute = act(dispute, "Accept", people.staff_a1)

	# without an outcome the action is not offered (condition) …
	with pytest.raises(WorkflowTransitionError):
		act(dispute, "Close Case", people.staff_a1)

	doc = frappe.get_doc("Dispute", dispute.name)
	doc.outcome = "Agreement"
	doc.save(ignore_permissions=True)
	with pytest.raises(frappe.ValidationError, match="agreement"):
		act(dispute, "Close Case", people.staff_a1)

	doc = frappe.get_doc("Dispute", dispute.name)
	doc.agreement_text = "赔偿医药费2000元"
	doc.parties[0].satisfaction = "Satisfied"
	doc.save(ignore_permissions=True)
	with pytest.raises(frappe.ValidationError, match="李某"):
		act(dispute, "Close Case", people.staff_a1)

	doc = frappe.get_doc("Dispute", dispute.name)
	doc.parties[1].satisfaction = "Basically Satisfied"
	doc.save(ignore_permissions=True)
	assert act(dispute, "Close Case", people.staff_a1).workflow_state == "Concluded"


def test_a_major_dispute_closes_only_with_an_approved_risk_assessment(people):
	dispute = make_case(
		"Dispute",
		people.village_a1,
		people.staff_a1,
		people_involved=260,
		parties=[{"party_name": "回迁户代表"}],
	)
	assert dispute.is_major_case
	dispute = act(dispute, "Accept", people.staff_a1)
	close_ready(dispute)
	with pytest.raises(RiskAssessmentRequiredError):
		act(dispute, "Close Case", people.staff_a1)

	assessment = approved_assessment_of(dispute, people, "Medium", "包案领导逐户走访，落实安置政策解释")
	assert assessment.is_approved

	dispute = act(dispute, "Close Case", people.staff_a1)
	assert dispute.workflow_state == "Concluded"
	assert dispute.risk_assessment == assessment.name


def test_withdrawn_instead_of_deleted(people):
	dispute = make_case("Dispute", people.village_a1, people.staff_a1)
	dispute = act(dispute, "Withdraw", people.staff_a1)
	assert dispute.workflow_state == "Withdrawn"
	assert dispute.is_withdrawn and dispute.closed_on
	with as_user(people.staff_a1):
		assert not frappe.has_permission("Dispute", "delete", doc=dispute)
		with pytest.raises(frappe.PermissionError):
			frappe.delete_doc("Dispute", dispute.name)


def test_reopened_case_is_open_again(people):
	dispute = make_case("Dispute", people.village_a1, people.staff_a1, parties=[{"party_name": "张某"}])
	dispute = act(dispute, "Accept", people.staff_a1)
	close_ready(dispute)
	dispute = act(dispute, "Close Case", people.staff_a1)
	dispute = act(dispute, "Reopen", people.officer_a)
	assert (dispute.workflow_state, dispute.handling_level) == ("Mediation at Town", "Town")
	assert not dispute.closed_on


def test_governance_administrator_is_not_held_to_levels(people):
	from xinqu_governance.tests.factories import make_assignment, make_user

	admin = make_user("xq-case-admin")
	make_assignment(admin, "Governance Administrator", people.city)
	make_assignment(admin, "Village Staff", people.village_a2)  # the role, at another village
	dispute = make_case("Dispute", people.village_a1, people.staff_a1)
	assert act(dispute, "Accept", admin).workflow_state == "Mediation at Village"


def test_party_citizen_id_is_checked(people):
	with pytest.raises(frappe.ValidationError, match="110101199003071234"):
		make_case(
			"Dispute", people.village_a1, parties=[{"party_name": "张某", "citizen_id": "110101199003071234"}]
		)
	with pytest.raises(frappe.ValidationError):
		make_case("Dispute", people.village_a1, parties=[{"party_role": "Respondent"}])


def test_workflow_action_over_http_is_refused_with_the_level_message(people, live_server, http_login):
	"""A client taking an action it may not take at its level gets a 417 and the message naming role and node."""
	from tests.case_factories import PASSWORD, purge_cases
	from tests.factories import purge_tree
	from xinqu_governance.tests.factories import make_assignment

	try:
		dispute = make_case("Dispute", people.village_a1, people.staff_a1)
		make_assignment(people.staff_a2, "Town Officer", people.town_a)
		frappe.db.commit()
		url = f"{live_server}/api/method/frappe.model.workflow.apply_workflow"
		payload = {"doc": frappe.as_json(frappe.get_doc("Dispute", dispute.name).as_dict()), "action": "Accept"}

		refused = http_login(people.staff_a2, PASSWORD).post(url, data=payload)
		assert refused.status_code == 417
		assert people.village_a1 in refused.text and "WorkflowLevelError" in refused.text

		accepted = http_login(people.staff_a1, PASSWORD).post(url, data=payload)
		assert accepted.status_code == 200, accepted.text[:500]
		assert accepted.json()["message"]["workflow_state"] == "Mediation at Village"
	finally:
		frappe.db.rollback()
		purge_cases(people, commit=False)
		purge_tree(people, users=people.users)
