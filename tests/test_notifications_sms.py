"""Residents are told by SMS (the profile's Notification records of channel SMS, sent through Frappe's
SMS Settings): the petitioner on acceptance, transfer to a unit and reply, a service-request
applicant who left a phone on receipt, transfer and completion; each with the tracking code. The
gateway is a local HTTP receiver on 127.0.0.1 (tests/outbox.py), configured as Chinese SMS providers
take it (account, password, receiving number and text as GET parameters, fixtures/sms_settings.json).
Frappe sends an SMS at once, inside the request (`send_sms` → `send_via_gateway`), so nothing waits."""

import frappe
import pytest
from xinqu_governance.portal.case_tracking import tracking_code_of

from tests.case_factories import act, case_profile, make_case, new_tree, stage  # noqa: F401

pytestmark = pytest.mark.usefixtures("case_profile", "profile_notifications")

PHONE = "13800138000"


@pytest.fixture
def people():
	return stage(new_tree())


def texts_to(gateway, phone: str) -> list[str]:
	return [sms["params"]["c"] for sms in gateway.sms if sms["params"].get("m") == phone]


def test_the_petitioner_is_told_on_acceptance_transfer_and_reply_with_the_code(people, sms_gateway):
	petition = make_case("Petition", people.village_a1, people.staff_a1, petitioner_phone=PHONE)
	code = tracking_code_of("Petition", petition.name)  # registered at the window, it has one too
	assert code and sms_gateway.sms == []  # registered: nothing yet

	petition = act(petition, "Accept", people.officer_a)
	(accepted,) = texts_to(sms_gateway, PHONE)
	assert "已受理" in accepted and code in accepted and "/petition/track" in accepted
	(request,) = sms_gateway.sms
	assert request["method"] == "GET" and request["path"] == "/sms"
	assert (request["params"]["u"], request["params"]["p"]) == ("xinqu-demo", "demo-key")  # the account

	petition = act(petition, "Assign to Unit", people.officer_a)
	assert len(texts_to(sms_gateway, PHONE)) == 2
	transferred = texts_to(sms_gateway, PHONE)[1]
	assert "已转交" in transferred and petition.handling_unit in transferred and code in transferred

	frappe.db.set_value("Petition", petition.name, "reply", "经核实，已协调物业公司维修电梯。")
	act(petition, "Send Reply", people.staff_a1)
	texts = texts_to(sms_gateway, PHONE)
	assert len(texts) == 3 and "已答复" in texts[2] and code in texts[2]
	assert frappe.db.count("SMS Log", {"requested_numbers": PHONE}) == 3


def test_a_petition_without_a_phone_sends_nothing(people, sms_gateway):
	petition = make_case("Petition", people.village_a1, people.staff_a1, petitioner_phone=None)
	act(petition, "Accept", people.officer_a)
	assert sms_gateway.sms == []
	# Not every Error Log since: the session's background worker drains jobs other tests left (for
	# records they rolled back) and logs their failures at any moment. Only an error of this sending.
	assert not sending_errors_since(petition)


def sending_errors_since(case) -> list:
	"""The Error Logs written since `case` was made about it, a Notification or an SMS."""
	logs = frappe.get_all(
		"Error Log",
		filters={"creation": (">=", case.creation)},
		fields=["method", "error", "reference_doctype", "reference_name"],
	)
	return [
		log.method
		for log in logs
		if log.reference_name == case.name
		or log.reference_doctype == "Notification"
		or any(word in f"{log.method}\n{log.error}".lower() for word in ("sms", "notification", case.name.lower()))
	]


def test_a_service_request_applicant_with_a_phone_is_told_at_each_step(people, sms_gateway):
	phone = "13912345678"
	request = make_case("Service Request", people.village_a1, people.staff_a1, applicant_phone=phone)
	(received,) = texts_to(sms_gateway, phone)
	assert "已受理" in received and request.handling_unit in received

	request = act(request, "Transfer to Town", people.staff_a1)
	assert "已转交" in texts_to(sms_gateway, phone)[1]
	act(request, "Complete Request", people.officer_a)
	texts = texts_to(sms_gateway, phone)
	assert len(texts) == 3 and "办理结果：已办结" in texts[2]
	code = tracking_code_of("Service Request", request.name)  # filed at the window, it has one too
	assert code and all(code in text and "/petition/track" in text for text in texts)

	nobody = make_case("Service Request", people.village_a1, people.staff_a1, applicant_phone=None)
	act(nobody, "Start Handling", people.staff_a1)
	assert len(sms_gateway.sms) == 3


def test_a_petition_filed_on_the_portal_is_told_by_its_tracking_code(people, sms_gateway):
	from xinqu_governance.portal.submission import file_submission

	from tests.factories import citizen_ids

	phone = "13700001234"
	filed = file_submission(
		{
			"submission_type": "Petition",
			"jurisdiction": people.village_a1,
			"full_name": "张三",
			"phone": phone,
			"id_number": citizen_ids()[0],
			"category": None,
			"content": "小区门口的路灯坏了两个月 晚上出行不安全 请尽快维修",
		}
	)
	petition = frappe.get_doc("Petition", filed["case_number"])
	act(petition, "Accept", people.officer_a)
	(accepted,) = texts_to(sms_gateway, phone)
	assert f"查询编号{filed['tracking_code']}" in accepted  # as the portal showed it, e.g. 7KQ2-MX9D-R4TW
