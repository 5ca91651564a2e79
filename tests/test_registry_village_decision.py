"""一事一议 and 村务公开 (Guiding Opinions §23): a village decision's meeting, vote and publication, the
pass share of Governance Settings, and the social stability risk assessment (§4) of a major decision,
linked both ways."""

import frappe
import pytest
from xinqu_governance.registry.doctype.village_decision.village_decision import (
	VillageDecisionError,
	make_risk_assessment,
)
from xinqu_governance.registry.utils import WrongJurisdictionLevelError

from tests.case_factories import act, as_user, case_profile, new_tree, stage, unique  # noqa: F401

pytestmark = pytest.mark.usefixtures("case_profile")


@pytest.fixture
def people():
	return stage(new_tree())


@pytest.fixture
def pass_percent():
	"""Set Governance Settings' pass share for a test (rolled back with the test)."""

	def set_to(value):
		settings = frappe.get_doc("Governance Settings")
		settings.village_decision_pass_percent = value
		settings.save(ignore_permissions=True)

	yield set_to
	frappe.db.rollback()
	frappe.clear_document_cache("Governance Settings", "Governance Settings")


def decision(village, user=None, **fields):
	doc = frappe.get_doc(
		{
			"doctype": "Village Decision",
			"matter": unique("硬化村内道路2公里"),
			"meeting_date": frappe.utils.add_days(frappe.utils.today(), -3),
			"jurisdiction": village,
			**fields,
		}
	)
	if user:
		with as_user(user):
			return doc.insert()
	return doc.insert(ignore_permissions=True)


def vote(doc, user=None, **counts):
	doc = frappe.get_doc("Village Decision", doc.name)
	doc.update(counts)
	if user:
		with as_user(user):
			return doc.save()
	return doc.save(ignore_permissions=True)


def test_the_result_follows_the_pass_share_of_the_settings(people, pass_percent):
	pass_percent(50)
	doc = decision(people.village_a1, eligible_count=60)
	assert doc.status == "Proposed" and not doc.result
	# 过半数: 21 of 41 present is more than half, 20 of 40 is not
	assert vote(doc, attendee_count=41, votes_for=21, votes_against=20).result == "Passed"
	doc = vote(doc, attendee_count=40, votes_for=20, votes_against=15, abstentions=5)
	assert (doc.result, doc.status) == ("Not Passed", "Decided")

	pass_percent(66)
	# 27 × 100 = 2700 > 40 × 66 = 2640; 26 × 100 = 2600 is not
	doc = vote(doc, votes_for=27, votes_against=13, abstentions=0)
	assert doc.result == "Passed" and "66" in doc.pass_rule
	assert vote(doc, votes_for=26, votes_against=14).result == "Not Passed"

	settings = frappe.get_doc("Governance Settings")
	settings.village_decision_pass_percent = 100
	with pytest.raises(frappe.ValidationError):
		settings.save(ignore_permissions=True)


def test_the_meeting_and_the_votes_must_add_up(people):
	with pytest.raises(WrongJurisdictionLevelError):
		decision(people.town_a)
	doc = decision(people.village_a1, eligible_count=30)
	with pytest.raises(VillageDecisionError, match="entitled"):
		vote(doc, attendee_count=31)
	with pytest.raises(VillageDecisionError, match="present"):
		vote(doc, votes_for=10)  # nobody recorded as present
	with pytest.raises(VillageDecisionError, match="counted"):
		vote(doc, attendee_count=20, votes_for=15, votes_against=6)
	assert frappe.db.get_value("Village Decision", doc.name, "status") == "Proposed"


def test_publication_comes_after_the_vote_and_freezes_it(people):
	doc = decision(people.village_a1)
	with pytest.raises(VillageDecisionError, match="vote"):
		vote(doc, publication_date=frappe.utils.today(), publication_place="村务公开栏")
	doc = vote(doc, attendee_count=35, votes_for=30, votes_against=5)
	with pytest.raises(VillageDecisionError, match="before the meeting"):
		vote(doc, publication_date=frappe.utils.add_days(doc.meeting_date, -1), publication_place="村务公开栏")
	with pytest.raises(VillageDecisionError, match="where"):
		vote(doc, publication_date=frappe.utils.today())
	doc = vote(doc, publication_date=frappe.utils.today(), publication_place="村务公开栏")
	assert doc.status == "Made Public"
	with pytest.raises(VillageDecisionError, match="published"):
		vote(doc, votes_for=29, votes_against=6)
	vote(doc, publication_notes="公示7天，无异议")  # the notes may still be added


def test_a_major_decision_is_voted_on_only_after_its_assessment_is_approved(people):
	doc = decision(people.village_a1, people.staff_a1, is_major_decision=1, details="每户筹资200元")
	with pytest.raises(VillageDecisionError, match="risk assessment"):
		vote(doc, people.staff_a1, attendee_count=50, votes_for=40, votes_against=10)

	# the village may not draft an assessment; the town does, from the decision
	with as_user(people.staff_a1), pytest.raises(frappe.PermissionError):
		make_risk_assessment(doc.name)
	with as_user(people.officer_a):
		name = make_risk_assessment(doc.name, "Resettlement")
		assert make_risk_assessment(doc.name) == name  # one assessment per decision
	assessment = frappe.get_doc("Stability Risk Assessment", name)
	assert (assessment.subject_type, assessment.subject, assessment.village_decision, assessment.jurisdiction) == (
		"Major Decision",
		doc.matter,
		doc.name,
		people.village_a1,
	)
	assert frappe.db.get_value("Village Decision", doc.name, "stability_risk_assessment") == name

	assessment.risk_level = "Medium"
	assessment.append("measures", {"risk_level": "Medium", "measure": "逐户解释筹资方案"})
	assessment.save(ignore_permissions=True)
	assessment = act(assessment, "Submit for Review", people.officer_a)
	with pytest.raises(VillageDecisionError):
		vote(doc, people.staff_a1, attendee_count=50, votes_for=40, votes_against=10)  # under review
	act(assessment, "Approve", people.county_officer)
	assert vote(doc, people.staff_a1, attendee_count=50, votes_for=40, votes_against=10).result == "Passed"


def test_an_ordinary_decision_is_not_assessed(people):
	doc = decision(people.village_a1)
	with as_user(people.officer_a), pytest.raises(VillageDecisionError):
		make_risk_assessment(doc.name)


def test_decisions_are_scoped_to_the_users_village(people):
	mine = decision(people.village_a1, people.staff_a1)
	other = decision(people.village_b1, people.staff_b1)
	with as_user(people.staff_a1):
		listed = set(frappe.get_list("Village Decision", pluck="name", limit_page_length=0))
		assert mine.name in listed and other.name not in listed
		assert not frappe.has_permission("Village Decision", "read", doc=other.name)
		with pytest.raises(frappe.PermissionError):
			decision(people.village_b1, people.staff_a1)
	with as_user(people.officer_a):
		assert frappe.has_permission("Village Decision", "write", doc=mine.name)
		assert not frappe.has_permission("Village Decision", "write", doc=other.name)
