"""Stability Risk Assessment 社会稳定风险评估 (§4) and Emergency Incident 突发事件 (§19)."""

import frappe
import pytest
from frappe.model.workflow import WorkflowTransitionError
from xinqu_governance.cases.doctype.stability_risk_assessment.stability_risk_assessment import (
	RiskAssessmentRequiredError,
	require_risk_assessment,
)

from tests.case_factories import (
	act,
	approved_assessment_of,
	as_user,
	case_profile,
	make_case,
	new_tree,
	stage,
)

pytestmark = pytest.mark.usefixtures("case_profile")

DECISION = "高铁新区第二批回迁安置房分配方案"


@pytest.fixture
def people():
	return stage(new_tree())


def draft(people, **fields):
	values = {
		"subject": DECISION,
		"subject_type": "Major Decision",
		"risk_field": "Resettlement",
		"assessment": "涉及8个村回迁户，分配顺序易引发攀比",
		**fields,
	}
	return make_case("Stability Risk Assessment", people.town_a, people.officer_a, **values)


def test_assessment_review_approval_and_follow_up(people):
	assessment = draft(people)
	assert assessment.name.startswith("SRA-") and assessment.workflow_state == "Draft"
	assert assessment.handling_level == "Town"

	# no risk level: the action is not offered
	with pytest.raises(WorkflowTransitionError):
		act(assessment, "Submit for Review", people.officer_a)
	frappe.db.set_value("Stability Risk Assessment", assessment.name, "risk_level", "High")
	# a measure for the high level is required before review
	with pytest.raises(frappe.ValidationError):
		act(assessment, "Submit for Review", people.officer_a)

	doc = frappe.get_doc("Stability Risk Assessment", assessment.name)
	doc.append("measures", {"risk_level": "High", "measure": "分配方案公示7天，现场抽签，纪检全程监督"})
	doc.append("measures", {"risk_level": "Medium", "measure": "包村干部逐户解释政策"})
	doc.save(ignore_permissions=True)
	assessment = act(assessment, "Submit for Review", people.officer_a)
	assert assessment.workflow_state == "Under Review"

	# the town does not approve its own decision
	with pytest.raises(WorkflowTransitionError):
		act(assessment, "Approve", people.officer_a)
	assessment = act(assessment, "Approve", people.county_officer)
	assert assessment.workflow_state == "Approved" and assessment.is_approved
	assert assessment.approved_by == people.county_officer and assessment.approved_on

	assessment = act(assessment, "Start Follow-up", people.officer_a)
	assessment = act(assessment, "Close Case", people.county_officer)
	assert assessment.workflow_state == "Concluded" and assessment.is_approved and assessment.closed_on


def test_approver_cannot_approve_an_assessment_he_drafted(people):
	assessment = make_case(
		"Stability Risk Assessment",
		people.county,
		people.county_officer,
		subject=DECISION,
		risk_level="Low",
		measures=[{"risk_level": "Low", "measure": "常规宣传"}],
	)
	assessment = act(assessment, "Submit for Review", people.county_officer)
	with pytest.raises(frappe.ValidationError):
		act(assessment, "Approve", people.county_officer)


def test_returned_assessment_goes_back_for_review(people):
	assessment = draft(
		people, risk_level="Medium", measures=[{"risk_level": "Medium", "measure": "入户走访"}]
	)
	assessment = act(assessment, "Submit for Review", people.officer_a)
	assessment = act(assessment, "Return", people.county_officer)
	assert assessment.workflow_state == "Returned" and not assessment.is_approved
	assessment = act(assessment, "Submit for Review", people.officer_a)
	assert assessment.workflow_state == "Under Review"


def test_a_major_decision_is_approved_only_with_an_approved_assessment(people):
	with as_user(people.officer_a), pytest.raises(RiskAssessmentRequiredError):
		require_risk_assessment("Major Decision", DECISION)

	assessment = draft(
		people, risk_level="Medium", measures=[{"risk_level": "Medium", "measure": "入户走访"}]
	)
	assessment = act(assessment, "Submit for Review", people.officer_a)
	with as_user(people.officer_a), pytest.raises(RiskAssessmentRequiredError):
		require_risk_assessment("Major Decision", DECISION)  # not approved yet

	assessment = act(assessment, "Approve", people.county_officer)
	with as_user(people.officer_a):
		assert require_risk_assessment("Major Decision", DECISION) == assessment.name


def test_case_assessment_names_a_case(people):
	with pytest.raises(frappe.ValidationError):
		draft(people, subject_type="Major Case")
	with pytest.raises(frappe.ValidationError):
		draft(people, subject_type="Major Case", reference_doctype="User", reference_name="Administrator")


# ------------------------------------------------------------------ emergency incidents


def test_emergency_incident_response_and_escalation(people):
	incident = make_case(
		"Emergency Incident",
		people.village_a1,
		people.staff_a1,
		kind="Ethnic or Religious",
		people_involved=60,
		contingency_plan="启动新区涉民族宗教因素突发事件应急预案",
	)
	assert incident.name.startswith("INC-") and incident.workflow_state == "Reported"
	assert incident.people_band == "50 to 100" and not incident.is_major_case

	incident = act(incident, "Respond", people.officer_a)
	assert (incident.workflow_state, incident.handling_level) == ("Responding", "Town")
	incident = act(incident, "Escalate to County", people.officer_a)
	assert (incident.workflow_state, incident.handling_level) == ("County Response", "County")

	with pytest.raises(WorkflowTransitionError):  # nothing logged yet
		act(incident, "Contain", people.county_officer)
	doc = frappe.get_doc("Emergency Incident", incident.name)
	doc.append("response_log", {"action_taken": "县公安局、民宗局到场疏导，双方代表座谈"})
	doc.save(ignore_permissions=True)
	assert doc.response_log[0].logged_on

	incident = act(incident, "Contain", people.county_officer)
	incident = act(incident, "Close Case", people.officer_a)
	assert incident.workflow_state == "Concluded" and incident.closed_on


def test_a_major_incident_closes_only_with_an_approved_assessment(people):
	incident = make_case(
		"Emergency Incident",
		people.village_a1,
		people.staff_a1,
		people_involved=600,
		response_log=[{"action_taken": "现场处置"}],
	)
	assert incident.people_band == "Over 500" and incident.is_major_case
	incident = act(incident, "Respond", people.officer_a)
	incident = act(incident, "Contain", people.officer_a)
	with pytest.raises(RiskAssessmentRequiredError):
		act(incident, "Close Case", people.officer_a)

	assessment = approved_assessment_of(incident, people, "High", "善后方案逐户落实，专人稳控")
	assert assessment.subject and assessment.is_approved
	incident = act(incident, "Close Case", people.officer_a)
	assert incident.workflow_state == "Concluded"


def test_incident_reported_by_the_village_cannot_be_handled_by_it(people):
	incident = make_case("Emergency Incident", people.village_a1, people.staff_a1)
	with pytest.raises(WorkflowTransitionError):
		act(incident, "Respond", people.staff_a1)
