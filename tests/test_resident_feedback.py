"""Residents are told and asked (issue 10): every petition and service request has a tracking code, also
when registered at a window; the acceptance notice prints it and /petition/track accepts it as printed;
after the reply the resident rates the handling and may ask for a review within the profile's deadline,
in a real Chromium on a phone against the live server. The fields only this path writes cannot be set
by staff, and every refusal changes nothing.

Everything the live server must see is committed and deleted afterwards.
"""

import frappe
import pytest
from frappe.utils import add_days, now_datetime
from playwright.sync_api import expect
from xinqu_governance.cases.edit_rights import SystemFieldError
from xinqu_governance.portal.resident_feedback import ResidentFeedbackError, rate, request_review
from xinqu_governance.portal.tracking import normalize_tracking_code

from tests.case_factories import as_user, case_profile, clear_portal_rate_limits, make_case, purge_cases, stage
from tests.desk import guest_phone
from tests.factories import make_jurisdiction_tree, purge_tree
from tests.test_print_formats import apply_print_profile

pytestmark = pytest.mark.usefixtures("case_profile")



def zh(text: str) -> str:
	return frappe._(text, lang="zh")


@pytest.fixture(scope="module")
def committed():
	frappe.set_user("Administrator")
	tree = stage(make_jurisdiction_tree())
	frappe.db.commit()
	clear_portal_rate_limits()
	yield tree
	frappe.db.rollback()
	clear_portal_rate_limits()
	purge_cases(tree, commit=False)
	purge_tree(tree, users=[v for k, v in tree.items() if isinstance(v, str) and "@" in v])


@pytest.fixture
def phone(chromium):
	"""A fresh phone-sized page (Chinese locale, no cookies)."""
	page = guest_phone(chromium)
	yield page
	page.context.close()


def replied_petition(tree, replied_days_ago: int = 2) -> frappe._dict:
	"""A petition registered at the village window, answered `replied_days_ago` days ago."""
	doc = make_case("Petition", tree.village_a1, channel="Visit", petitioner_phone="13912345678")
	replied = add_days(now_datetime(), -replied_days_ago)
	frappe.db.set_value(
		"Petition",
		doc.name,
		{"workflow_state": "Replied", "reply": "经核实，已协调解决安置房分配问题。", "replied_on": replied,
		 "reported_on": add_days(replied, -10), "handling_level": "Village"},
	)
	frappe.db.commit()
	return frappe._dict(name=doc.name, code=tracking_code(doc.name))


def tracking_code(name: str, doctype: str = "Petition") -> str:
	from xinqu_governance.portal.case_tracking import tracking_code_of

	return tracking_code_of(doctype, name)


def track(page, live_server, code: str) -> None:
	page.goto(f"{live_server}/petition/track")
	page.fill("#code", code)
	page.click("#track-form button[type=submit]")
	expect(page.locator("#progress")).to_be_visible()


def test_a_window_petition_has_the_code_its_notice_prints(committed, live_server, phone, tmp_path):
	apply_print_profile(tmp_path)  # the profile's 信访受理告知书 as it is in the repo
	doc = make_case("Petition", committed.village_a1, channel="Visit")
	frappe.db.commit()
	code = tracking_code(doc.name)
	assert len(code) == 14 and code.count("-") == 2
	html = frappe.get_print("Petition", doc.name, "信访受理告知书", doc=frappe.get_doc("Petition", doc.name))
	assert code in html and "/petition/track" in html
	track(phone, live_server, code)  # exactly as printed
	expect(phone.locator("#progress-case")).to_have_text(doc.name)
	expect(phone.locator("#rate-form")).to_have_count(0)  # nothing to rate before the reply
	# a service request registered at the window has one too
	request = make_case("Service Request", committed.village_a1)
	assert tracking_code(request.name, "Service Request")


def test_the_resident_rates_the_reply_once_and_asks_for_a_review(committed, live_server, phone):
	petition = replied_petition(committed)
	page = phone
	track(page, live_server, petition.code.lower().replace("-", " "))  # forgiving input
	expect(page.locator("#rate-form")).to_be_visible()
	page.locator("#rate-form input[value='Basically Satisfied']").check()
	page.click("#rate-form button[type=submit]")
	expect(page.locator("#feedback-done")).to_have_text(zh("Thank you. Your rating has been recorded."))
	expect(page.locator("#rating-given")).to_contain_text(zh("Basically Satisfied"))
	expect(page.locator("#rate-form")).to_have_count(0)
	frappe.db.rollback()
	stored = frappe.db.get_value("Petition", petition.name, ["self_rating", "self_rated_on", "satisfaction"], as_dict=True)
	assert stored.self_rating == "Basically Satisfied" and stored.self_rated_on and not stored.satisfaction
	with pytest.raises(ResidentFeedbackError):  # once
		rate("Petition", petition.name, "Dissatisfied")

	page.fill("#reason", "答复未解决实际问题，请求复查")
	page.click("#review-form button[type=submit]")
	expect(page.locator("#feedback-done")).to_be_visible()
	expect(page.locator("#review-filed")).to_be_visible()
	frappe.db.rollback()
	first = frappe.get_doc("Petition", petition.name)
	review = frappe.get_doc("Petition", first.review_petition)
	assert (review.is_appeal, review.previous_petition, review.workflow_state) == (1, first.name, "Registered")
	assert review.petitioned_at_level == "Town" and review.content == "答复未解决实际问题，请求复查"
	assert review.petitioner_phone == "13912345678"
	review_code = tracking_code(review.name)
	assert review_code in page.inner_text("#review-filed")
	assert frappe.db.exists("Comment", {"reference_name": first.name, "content": ("like", f"%{review.name}%")})
	with pytest.raises(ResidentFeedbackError):  # one review per petition
		request_review(first.name, "再次请求复查，理由同上")


def test_refusals_change_nothing(committed, live_server, phone):
	late = replied_petition(committed, replied_days_ago=31)  # the profile allows 30 days
	petitions = frappe.db.count("Petition")
	with pytest.raises(ResidentFeedbackError):
		request_review(late.name, "答复未解决实际问题，请求复查")
	with pytest.raises(ResidentFeedbackError):
		rate("Petition", late.name, "Very Happy")  # not a rating
	fresh = replied_petition(committed)
	with pytest.raises(ResidentFeedbackError):
		request_review(fresh.name, "短")  # no reason given
	frappe.db.rollback()
	assert frappe.db.count("Petition") == petitions + 1
	assert not frappe.db.get_value("Petition", late.name, "self_rating")
	assert not frappe.db.get_value("Petition", fresh.name, "review_petition")

	# on the page: the late petition offers the rating but no review; a bad POST is refused, not a 500
	track(phone, live_server, late.code)
	expect(phone.locator("#rate-form")).to_be_visible()
	expect(phone.locator("#review-form")).to_have_count(0)
	response = phone.request.post(
		f"{live_server}/petition/track", form={"code": late.code, "action": "review", "reason": "答复不满意请求复查"}
	)
	assert response.status == 200 and 'id="feedback-error"' in response.text()
	frappe.db.rollback()
	assert not frappe.db.get_value("Petition", late.name, "review_petition")


def test_staff_cannot_write_the_residents_rating(committed):
	petition = replied_petition(committed)
	with as_user(committed.staff_a1):
		doc = frappe.get_doc("Petition", petition.name)
		doc.self_rating = "Satisfied"
		with pytest.raises(SystemFieldError):
			doc.save()
	frappe.db.rollback()
	assert not frappe.db.get_value("Petition", petition.name, "self_rating")


def test_a_completed_service_request_is_rated_by_its_applicant(committed):
	request = make_case("Service Request", committed.village_a1)
	with pytest.raises(ResidentFeedbackError):
		rate("Service Request", request.name, "Satisfied")  # not completed yet
	frappe.db.set_value("Service Request", request.name, {"is_done": 1, "workflow_state": "Completed"})
	rate("Service Request", request.name, "Satisfied")
	assert frappe.db.get_value("Service Request", request.name, "self_rating") == "Satisfied"
	submission = frappe.db.get_value(
		"Public Submission", {"reference_name": request.name}, ["tracking_code", "submission_type"], as_dict=True
	)
	assert submission.submission_type == "Service Request"
	assert normalize_tracking_code(tracking_code(request.name, "Service Request")) == submission.tracking_code
