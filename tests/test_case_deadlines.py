"""The deadlines a case shows in fields of its own come from the SLA Rules only (cases/sla.py): a
petition's acceptance (信访件-登记受理) and reply (信访件-办理答复) deadlines, on the case and on the
residents' tracking page over HTTP, and a service request's due date, on insert and after a change."""

import frappe
import pytest
import requests
from frappe.utils import add_days, getdate
from xinqu_governance.portal.submission import file_submission

from tests.case_factories import (
	act,
	case_profile,
	clear_portal_rate_limits,
	make_case,
	new_tree,
	purge_cases,
	shipped_sla_rules,
	stage,
)
from tests.factories import make_jurisdiction_tree, purge_tree
from tests.test_portal_submission import good_values, purge_portal_submissions

pytestmark = pytest.mark.usefixtures("case_profile")


@pytest.fixture
def people():
	return stage(new_tree())


def set_hours(rule: str, hours: int) -> None:
	frappe.db.set_value("SLA Rule", rule, "resolution_hours", hours)


def test_petition_deadlines_follow_the_sla_rules(people):
	rules = shipped_sla_rules("Petition")
	set_hours(rules["信访件-登记受理"], 3 * 24)
	set_hours(rules["信访件-办理答复"], 20 * 24)
	petition = make_case("Petition", people.village_a1, people.staff_a1)
	assert petition.acceptance_due == add_days(getdate(petition.reported_on), 3)
	petition = act(petition, "Accept", people.officer_a)
	assert petition.reply_due == add_days(getdate(petition.accepted_on), 20)


def test_without_a_rule_a_petition_has_no_deadline(people):
	shipped_sla_rules("Petition")
	frappe.db.set_value("SLA Rule", {"case_doctype": "Petition"}, "is_active", 0)
	petition = make_case("Petition", people.village_a1, people.staff_a1)
	assert not petition.acceptance_due and not petition.resolution_due


@pytest.fixture
def committed_rules():
	"""The shipped Petition rules, committed for a server to read; put back as shipped afterwards."""
	before = frappe.get_all("SLA Rule", filters={"case_doctype": "Petition"}, fields=["name", "is_active"])
	rules = shipped_sla_rules("Petition")
	frappe.db.commit()
	tree = make_jurisdiction_tree()
	tree.users = []
	frappe.db.commit()
	clear_portal_rate_limits()
	yield rules, tree
	frappe.db.rollback()
	clear_portal_rate_limits()
	purge_portal_submissions(tree)
	purge_cases(tree, commit=False)
	purge_tree(tree, users=tree.users)
	shipped_sla_rules("Petition")
	for rule in before:
		frappe.db.set_value("SLA Rule", rule.name, "is_active", rule.is_active)
	frappe.db.commit()


def shown_deadline(live_server, code: str) -> str:
	page = requests.post(f"{live_server}/petition/track", data={"code": code}, timeout=30).text
	assert 'id="not-found"' not in page
	return page


def test_the_tracking_page_shows_the_deadline_of_the_rule(committed_rules, live_server):
	rules, tree = committed_rules
	set_hours(rules["信访件-登记受理"], 4 * 24)
	set_hours(rules["信访件-办理答复"], 30 * 24)
	frappe.db.commit()
	result = file_submission(good_values(tree))
	frappe.db.commit()
	petition = frappe.get_doc("Petition", result["case_number"])
	acceptance_due = add_days(getdate(petition.reported_on), 4).isoformat()
	assert acceptance_due in shown_deadline(live_server, result["tracking_code"])

	petition.workflow_state = "Accepted"  # as Administrator: the transition Accept
	petition.save()
	frappe.db.commit()
	reply_due = add_days(getdate(petition.accepted_on), 30).isoformat()
	page = shown_deadline(live_server, result["tracking_code"])
	assert reply_due in page and acceptance_due not in page


def test_service_request_due_date_is_the_sla_deadline_of_this_save(people):
	shipped_sla_rules("Service Request")  # 便民服务-一站式办结: 72 hours
	frappe.get_doc(
		{
			"doctype": "SLA Rule",
			"rule_name": f"SLA {frappe.generate_hash(length=8)}",
			"case_doctype": "Service Request",
			"workflow_state": "Transferred to Town",
			"resolution_hours": 10 * 24,
			"priority": 5,
		}
	).insert(ignore_permissions=True)
	request = make_case("Service Request", people.village_a1, people.staff_a1, service_type="Hukou")
	assert request.resolution_due
	assert request.due_date == getdate(request.resolution_due) == add_days(getdate(request.reported_on), 3)

	request = act(request, "Transfer to Town", people.staff_a1)
	assert request.due_date == getdate(request.resolution_due) == add_days(getdate(request.state_entered_on), 10)


def test_a_due_date_set_by_hand_is_kept(people):
	shipped_sla_rules("Service Request")
	own = add_days(getdate(), 30)
	request = make_case("Service Request", people.village_a1, people.staff_a1, due_date=own)
	assert request.due_date == own and getdate(request.resolution_due) != own
	request = act(request, "Transfer to Town", people.staff_a1)
	assert request.due_date == own
