"""The residents' portal without a browser: validation, filing, tracking codes, what tracking shows,
and the guest endpoint over HTTP (nothing written on bad input, rate limit, no REST on the cases)."""

import re

import frappe
import pytest
import requests
from xinqu_governance.portal import case_tracking, submission
from xinqu_governance.portal.submission import (
	PublicSubmissionError,
	case_progress,
	file_submission,
	validate_submission,
	village_options,
)
from xinqu_governance.portal.tracking import (
	TRACKING_ALPHABET,
	format_tracking_code,
	generate_tracking_code,
	is_tracking_code,
	normalize_tracking_code,
)

from tests.case_factories import case_profile, clear_portal_rate_limits, make_unit, purge_cases, unique
from tests.factories import PASSWORD, citizen_ids, count, make_jurisdiction_tree, make_user_at, purge_tree

pytestmark = pytest.mark.usefixtures("case_profile")


def checksum_failed_message() -> str:
	"""What the registry's citizen_id module says of a wrong check character (in the current language)."""
	return frappe._("The check character is wrong (checksum failed).")


SUBMIT_URL = "/api/method/xinqu_governance.api.portal.submit"


@pytest.fixture
def tree():
	return make_jurisdiction_tree()


@pytest.fixture
def category():
	return (
		frappe.get_doc(
			{"doctype": "Case Category", "category_name": unique("测试诉求类别")}
		)
		.insert(ignore_permissions=True)
		.name
	)


def good_values(tree, **overrides):
	values = {
		"submission_type": "Petition",
		"jurisdiction": tree.village_a1,
		"full_name": "张三",
		"phone": "13912345678",
		"id_number": citizen_ids()[0],
		"category": None,
		"content": "小区门口的路灯坏了两个月 晚上出行不安全 请尽快维修",
	}
	values.update(overrides)
	return values


def wrong_checksum(number: str) -> str:
	last = number[-1]
	return number[:-1] + ("0" if last != "0" else "1")


# ------------------------------------------------------------------ tracking codes


def test_tracking_codes_are_random_readable_and_forgiving():
	codes = {generate_tracking_code() for _ in range(200)}
	assert len(codes) == 200
	for code in codes:
		assert len(code) == 12 and set(code) <= set(TRACKING_ALPHABET) and is_tracking_code(code)
	assert not set("0O1I") & set(TRACKING_ALPHABET)
	code = "7KQ2MX9DR4TW"
	assert format_tracking_code(code) == "7KQ2-MX9D-R4TW"
	assert normalize_tracking_code(" 7kq2-mx9d r4tw ") == code
	assert not is_tracking_code("7KQ2MX9DR4T0")  # a zero is never part of a code
	assert not is_tracking_code("7KQ2MX9DR4T")


# ------------------------------------------------------------------ validation


def test_valid_values_have_no_errors(tree, category):
	clean, errors = validate_submission(good_values(tree, category=category, id_number=None))
	assert errors == {}
	assert clean.jurisdiction == tree.village_a1 and clean.category == category and clean.id_number is None


def test_each_bad_value_is_named(tree):
	values = good_values(
		tree,
		submission_type="Lawsuit",
		jurisdiction=tree.grid_a1,  # a grid, not a village
		full_name="  ",
		phone="12345",
		id_number=wrong_checksum(citizen_ids()[0]),
		content="太短",
		category="no such category",
	)
	_clean, errors = validate_submission(values)
	assert set(errors) == {
		"submission_type",
		"jurisdiction",
		"full_name",
		"phone",
		"id_number",
		"content",
		"category",
	}
	assert checksum_failed_message() in errors["id_number"]


def test_service_request_needs_a_service_type(tree):
	_clean, errors = validate_submission(good_values(tree, submission_type="Service Request"))
	assert set(errors) == {"service_type"}
	_clean, errors = validate_submission(
		good_values(tree, submission_type="Service Request", service_type="Nope")
	)
	assert set(errors) == {"service_type"}
	_clean, errors = validate_submission(
		good_values(tree, submission_type="Service Request", service_type="Pension")
	)
	assert errors == {}


def test_category_must_fit_the_kind(tree):
	for_disputes = (
		frappe.get_doc(
			{"doctype": "Case Category", "category_name": unique("纠纷类别"), "used_for": [{"case_type": "Dispute"}]}
		)
		.insert(ignore_permissions=True)
		.name
	)
	_clean, errors = validate_submission(good_values(tree, category=for_disputes))
	assert set(errors) == {"category"}


def test_village_options_list_only_villages(tree):
	offered = {name for group in village_options() for name in group["villages"]}
	assert {tree.village_a1, tree.village_a2, tree.village_b1} <= offered
	assert not {tree.grid_a1, tree.town_a, tree.city} & offered
	town_of = {name: group["town"] for group in village_options() for name in group["villages"]}
	assert town_of[tree.village_a1] == tree.town_a


# ------------------------------------------------------------------ filing


def test_a_petition_is_filed_online_with_a_tracking_code(tree, category):
	values = good_values(tree, category=category)
	result = file_submission(values)
	record = frappe.get_doc(
		"Public Submission", {"tracking_code": normalize_tracking_code(result["tracking_code"])}
	)
	assert record.reference_doctype == "Petition" and record.reference_name == result["case_number"]
	assert record.jurisdiction == tree.village_a1 and record.submission_type == "Petition"
	petition = frappe.get_doc("Petition", result["case_number"])
	assert petition.channel == case_tracking.online_channel() == "Internet"
	assert petition.jurisdiction == tree.village_a1 and petition.category == category
	assert petition.petitioner_name == "张三" and petition.petitioner_phone == "13912345678"
	assert petition.petitioner_id_number == values["id_number"]
	assert petition.content == values["content"]
	assert petition.workflow_state == "Registered"


def test_a_complaint_is_a_petition_marked_as_complaint(tree):
	result = file_submission(good_values(tree, submission_type="Complaint", id_number=""))
	petition = frappe.get_doc("Petition", result["case_number"])
	site_lang = submission.site_language()
	assert petition.subject.startswith(frappe._("Complaint: {0}", lang=site_lang).format(""))
	assert (
		frappe.db.get_value("Public Submission", {"reference_name": petition.name}, "submission_type")
		== "Complaint"
	)
	assert petition.petitioner_id_number is None


def test_a_service_request_is_filed(tree):
	result = file_submission(
		good_values(
			tree,
			submission_type="Service Request",
			service_type="Medical Insurance",
			content="办理医保转移接续手续",
		)
	)
	request = frappe.get_doc("Service Request", result["case_number"])
	assert request.service_type == "Medical Insurance" and request.request_details == "办理医保转移接续手续"
	assert request.applicant_name == "张三" and request.jurisdiction == tree.village_a1


def test_bad_input_writes_nothing(tree):
	petitions, submissions = count("Petition"), count("Public Submission")
	with pytest.raises(PublicSubmissionError) as raised:
		file_submission(good_values(tree, id_number=wrong_checksum(citizen_ids()[0]), content=""))
	assert checksum_failed_message() in str(raised.value)
	assert frappe.local.response["field_errors"].keys() == {"id_number", "content"}
	assert (count("Petition"), count("Public Submission")) == (petitions, submissions)


# ------------------------------------------------------------------ tracking


def test_progress_shows_status_unit_dates_and_reply_only(tree):
	unit = make_unit("Village", tree.village_a1)
	result = file_submission(good_values(tree))
	frappe.db.set_value("Petition", result["case_number"], "handling_unit", unit)
	progress = case_progress(result["tracking_code"].lower())
	assert progress["case_number"] == result["case_number"]
	assert progress["status"] == frappe._("Registered") and progress["handling_unit"] == unit
	assert progress["reply"] == "" and progress["submitted_on"]
	assert set(progress) == {
		"tracking_code",
		"case_number",
		"submission_type",
		"submission_type_label",
		"status",
		"is_closed",
		"handling_unit",
		"submitted_on",
		"due_on",
		"closed_on",
		"reply",
		"replied_on",
		"feedback",
	}
	assert progress["feedback"]["can_rate"] is False  # no reply yet
	assert "张三" not in str(progress) and "13912345678" not in str(progress)

	frappe.db.set_value("Petition", result["case_number"], "reply", "路灯已于本周修复")
	assert case_progress(result["tracking_code"])["reply"] == "路灯已于本周修复"


def test_unknown_or_malformed_codes_find_nothing(tree):
	file_submission(good_values(tree))
	assert case_progress(generate_tracking_code()) is None
	assert case_progress("") is None
	assert case_progress("' OR 1=1 --") is None


# ------------------------------------------------------------------ over HTTP (guest)


@pytest.fixture
def committed_tree():
	tree = make_jurisdiction_tree()
	tree.users = []
	frappe.db.commit()
	clear_portal_rate_limits()
	yield tree
	frappe.db.rollback()
	clear_portal_rate_limits()
	purge_portal_submissions(tree)
	purge_cases(tree, commit=False)
	purge_tree(tree, users=tree.users)


def purge_portal_submissions(tree) -> None:
	lft, rgt = frappe.db.get_value("Jurisdiction", tree.city, ["lft", "rgt"])
	nodes = frappe.get_all("Jurisdiction", filters={"lft": (">=", lft), "rgt": ("<=", rgt)}, pluck="name")
	frappe.db.delete("Public Submission", {"jurisdiction": ("in", nodes)})


def test_guest_files_over_http_and_bad_input_is_refused(committed_tree, live_server):
	url = live_server + SUBMIT_URL
	before = count("Petition"), count("Public Submission")
	bad = requests.post(url, data=good_values(committed_tree, phone="abc", content=""), timeout=30)
	assert bad.status_code == 417
	assert set(bad.json()["field_errors"]) == {"phone", "content"}
	assert (count("Petition"), count("Public Submission")) == before

	good = requests.post(url, data=good_values(committed_tree), timeout=30)
	assert good.status_code == 200, good.text
	code = good.json()["message"]["tracking_code"]
	frappe.db.rollback()  # see what the server committed
	assert frappe.db.get_value(
		"Public Submission", {"tracking_code": normalize_tracking_code(code)}, "jurisdiction"
	) == (committed_tree.village_a1)

	only_post = requests.get(url, params=good_values(committed_tree), timeout=30)
	assert only_post.status_code in (403, 405)


def test_submissions_are_rate_limited(committed_tree, live_server):
	url = live_server + SUBMIT_URL
	statuses = [
		requests.post(url, data={"submission_type": "Petition"}, timeout=30).status_code
		for _ in range(submission.DEFAULT_SUBMISSIONS_PER_HOUR + 1)
	]
	assert statuses[:-1] == [417] * submission.DEFAULT_SUBMISSIONS_PER_HOUR
	assert statuses[-1] == 429


def test_a_forged_forwarded_address_does_not_reset_the_limit(committed_tree, live_server):
	"""No proxy is trusted by default: X-Forwarded-For sent by the client is ignored."""
	url = live_server + SUBMIT_URL
	statuses = [
		requests.post(
			url,
			data={"submission_type": "Petition"},
			headers={"X-Forwarded-For": f"203.0.113.{i}"},
			timeout=30,
		).status_code
		for i in range(submission.DEFAULT_SUBMISSIONS_PER_HOUR + 1)
	]
	assert statuses[-1] == 429, statuses
	for i in range(3):
		page = requests.post(
			f"{live_server}/petition/track",
			data={"code": generate_tracking_code()},
			headers={"X-Forwarded-For": f"198.51.100.{i}"},
			timeout=30,
		).text
		assert 'id="not-found"' in page
	lookups = [key for key in frappe.cache.get_keys("xinqu-portal-lookup:")]
	assert lookups and all("198.51.100" not in str(key) for key in lookups)


def request_from(remote: str, forwarded: str | None):
	from werkzeug.test import EnvironBuilder
	from werkzeug.wrappers import Request

	headers = {"X-Forwarded-For": forwarded} if forwarded else {}
	return Request(EnvironBuilder(headers=headers, environ_base={"REMOTE_ADDR": remote}).get_environ())


@pytest.mark.parametrize(
	"trusted, remote, forwarded, client",
	[
		(None, "192.0.2.7", "203.0.113.9", "192.0.2.7"),  # default: no proxy trusted
		(["127.0.0.1"], "192.0.2.7", "203.0.113.9", "192.0.2.7"),  # not from the proxy
		(["127.0.0.1"], "127.0.0.1", "203.0.113.9", "203.0.113.9"),
		(
			["127.0.0.1"],
			"127.0.0.1",
			"6.6.6.6, 203.0.113.9",
			"203.0.113.9",
		),  # the client's own entry is skipped
		(["127.0.0.1", "10.0.0.0/8"], "127.0.0.1", "6.6.6.6, 203.0.113.9, 10.1.2.3", "203.0.113.9"),
		("127.0.0.1", "127.0.0.1", None, "127.0.0.1"),
	],
)
def test_forwarded_addresses_count_only_from_trusted_proxies(monkeypatch, trusted, remote, forwarded, client):
	from xinqu_governance.portal.client_address import client_address

	monkeypatch.setitem(frappe.local.conf, "xinqu_trusted_proxies", trusted)
	monkeypatch.setattr(frappe.local, "request", request_from(remote, forwarded), raising=False)
	assert client_address() == client


def test_guests_have_no_rest_access_to_cases_or_codes(live_server):
	for doctype in ("Petition", "Service Request", "Public Submission"):
		response = requests.get(f"{live_server}/api/resource/{doctype}", timeout=30)
		assert response.status_code == 403, (doctype, response.status_code)
		response = requests.post(
			f"{live_server}/api/resource/{doctype}", json={"subject": "x", "jurisdiction": "x"}, timeout=30
		)
		assert response.status_code == 403, (doctype, response.status_code)


def test_staff_logged_in_on_the_portal_submit_with_the_pages_csrf_token(
	committed_tree, live_server, http_login
):
	staff = make_user_at("Village Staff", committed_tree.village_a1, prefix="xq-portal-staff")
	committed_tree.users.append(staff)
	frappe.db.commit()
	session = http_login(staff, PASSWORD)
	session.headers.pop("X-Frappe-CSRF-Token")  # sent by hand below
	page = session.get(f"{live_server}/petition", timeout=30).text
	token = re.search(r'name="csrf_token" value="([^"]*)"', page).group(1)
	assert token
	refused = session.post(live_server + SUBMIT_URL, data=good_values(committed_tree), timeout=30)
	assert refused.status_code == 400 or refused.json().get("exc_type") == "CSRFTokenError"
	response = session.post(
		live_server + SUBMIT_URL,
		data={**good_values(committed_tree), "csrf_token": token},
		headers={"X-Frappe-CSRF-Token": token},
		timeout=30,
	)
	assert response.status_code == 200, response.text


def test_only_administrators_read_public_submissions(tree):
	result = file_submission(good_values(tree))
	record = frappe.get_doc(
		"Public Submission", {"tracking_code": normalize_tracking_code(result["tracking_code"])}
	)
	staff = make_user_at("Village Staff", tree.village_a1, password=None, prefix="xq-portal-staff")
	admin = make_user_at("Governance Administrator", tree.city, password=None, prefix="xq-portal-admin")
	assert not frappe.has_permission("Public Submission", "read", doc=record, user=staff)
	assert frappe.has_permission("Public Submission", "read", doc=record, user=admin)
	assert not frappe.has_permission("Public Submission", "create", user=admin)
	assert not frappe.has_permission("Public Submission", "read", user="Guest")


def test_tracking_lookups_are_rate_limited(committed_tree, live_server):
	url = f"{live_server}/petition/track"
	for _ in range(submission.DEFAULT_LOOKUPS_PER_HOUR):
		page = requests.post(url, data={"code": generate_tracking_code()}, timeout=30).text
		assert 'id="not-found"' in page
	page = requests.post(url, data={"code": generate_tracking_code()}, timeout=30).text
	assert 'id="lookup-error"' in page and 'id="not-found"' not in page
