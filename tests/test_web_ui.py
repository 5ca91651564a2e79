"""The pages we serve ourselves, in a real Chromium against the live server: the residents' portal
(/petition, /petition/track) and the grid workers' mobile page (/grid).

Everything the live server must see is committed by the module fixture and deleted afterwards.
Screenshots of each page go to /tmp/xq_ui_*.png.
"""

import base64
import re

import frappe
import pytest
from playwright.sync_api import expect
from xinqu_governance.portal.tracking import generate_tracking_code, normalize_tracking_code

from tests.case_factories import case_profile, clear_portal_rate_limits, make_unit, purge_cases, unique
from tests.desk import guest_phone
from tests.factories import (
	PASSWORD,
	citizen_ids,
	count,
	make_household,
	make_jurisdiction_tree,
	make_user_at,
	purge_tree,
)

pytestmark = pytest.mark.usefixtures("case_profile")

# a 1x1 PNG, the photo a grid worker attaches
PNG = base64.b64decode(
	"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def screenshot(page, name: str) -> None:
	"""The whole page from the top (a scrolled page would draw its sticky bar over the content)."""
	page.evaluate("window.scrollTo(0, 0)")
	page.screenshot(path=f"/tmp/xq_ui_{name}.png", full_page=True)


def zh(text: str) -> str:
	return frappe._(text, lang="zh")


def fresh_counts(*doctypes) -> tuple[int, ...]:
	frappe.db.rollback()  # a new snapshot: see what the live server committed
	return tuple(count(doctype) for doctype in doctypes)


@pytest.fixture(scope="module")
def site():
	"""A tree with a village handling unit, a grid worker at grid A1, a household there, a category."""
	frappe.set_user("Administrator")
	tree = make_jurisdiction_tree()
	tree.unit = make_unit("Village", tree.village_a1)
	tree.grid_worker = make_user_at("Grid Worker", tree.grid_a1, prefix="xq-ui-grid")
	tree.household = make_household(tree.grid_a1, members=3)
	tree.category = (
		frappe.get_doc(
			{"doctype": "Case Category", "category_name": unique("测试网上诉求")}
		)
		.insert(ignore_permissions=True)
		.name
	)
	frappe.db.commit()
	clear_portal_rate_limits()
	yield tree
	frappe.db.rollback()
	clear_portal_rate_limits()
	lft, rgt = frappe.db.get_value("Jurisdiction", tree.city, ["lft", "rgt"])
	nodes = frappe.get_all("Jurisdiction", filters={"lft": (">=", lft), "rgt": ("<=", rgt)}, pluck="name")
	frappe.db.delete("Public Submission", {"jurisdiction": ("in", nodes)})
	for name in frappe.get_all("File", filters={"owner": tree.grid_worker}, pluck="name"):
		frappe.delete_doc("File", name, ignore_permissions=True, force=True)
	purge_cases(tree, commit=False)
	frappe.db.delete("Case Category", {"name": tree.category})
	purge_tree(tree, users=[tree.grid_worker])


@pytest.fixture(scope="module")
def browser(chromium):  # noqa: F811
	"""The session's Chromium (one Playwright per test session: its sync API cannot nest)."""
	return chromium


@pytest.fixture
def phone(browser):
	"""A fresh phone-sized page (Chinese locale, no cookies)."""
	page = guest_phone(browser)
	yield page
	page.context.close()


def fill_petition(page, tree, **values):
	page.select_option("#jurisdiction", tree.village_a1)
	page.fill("#full_name", values.get("full_name", "李四"))
	page.fill("#phone", values.get("phone", "13812345678"))
	page.fill("#id_number", values.get("id_number", ""))
	page.fill("#content", values.get("content", "安置小区3号楼楼道灯坏了一个月 老人晚上上下楼不安全"))


# ------------------------------------------------------------------ residents' portal


def test_guest_files_a_petition_and_follows_it_with_the_code(site, live_server, phone):
	page = phone
	page.goto(f"{live_server}/petition")
	expect(page.locator("h1")).to_have_text(zh("Residents' Petitions and Requests"))
	id_number = citizen_ids()[0]
	fill_petition(page, site, id_number=id_number)
	page.select_option("#category", site.category)
	screenshot(page, "petition_form")

	page.click("#submit-button")
	expect(page.locator("#submission-done")).to_be_visible()
	code = page.inner_text("#done-code").strip()
	case_number = page.inner_text("#done-case").strip()
	assert re.fullmatch(r"[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}", code), code
	screenshot(page, "petition_done")

	frappe.db.rollback()
	record = frappe.get_doc("Public Submission", {"tracking_code": normalize_tracking_code(code)})
	assert (record.reference_doctype, record.reference_name) == ("Petition", case_number)
	petition = frappe.get_doc("Petition", case_number)
	assert petition.jurisdiction == site.village_a1 and petition.category == site.category
	assert petition.petitioner_name == "李四" and petition.petitioner_id_number == id_number
	assert petition.channel == "Internet" and petition.workflow_state == "Registered"
	frappe.db.set_value("Petition", case_number, "handling_unit", site.unit)
	frappe.db.commit()

	page.click("#submission-done button[type=submit]")
	expect(page.locator("#progress")).to_be_visible()
	expect(page.locator("#progress-case")).to_have_text(case_number)
	expect(page.locator("#progress-status")).to_have_text(zh("Registered"))
	text = page.inner_text("#progress")
	assert site.unit in text
	assert "李四" not in text and "13812345678" not in text and id_number not in text
	screenshot(page, "track_found")


def test_a_service_request_asks_for_the_service(site, live_server, phone):
	page = phone
	page.goto(f"{live_server}/petition")
	expect(page.locator("#service-type-field")).to_be_hidden()
	page.locator("input[name=submission_type][value='Service Request']").check()
	expect(page.locator("#service-type-field")).to_be_visible()
	fill_petition(page, site, content="想咨询城乡居民养老保险的缴费档次和办理流程")
	page.click("#submit-button")
	expect(page.locator("[data-error-for=service_type]")).not_to_be_empty()
	screenshot(page, "service_request_errors")
	page.select_option("#service_type", "Pension")
	page.click("#submit-button")
	expect(page.locator("#submission-done")).to_be_visible()
	case_number = page.inner_text("#done-case").strip()
	frappe.db.rollback()
	assert frappe.db.get_value("Service Request", case_number, "service_type") == "Pension"


def test_bad_input_shows_the_errors_and_creates_nothing(site, live_server, phone):
	page = phone
	before = fresh_counts("Petition", "Public Submission")
	page.goto(f"{live_server}/petition")
	good = citizen_ids()[0]
	bad_id = good[:-1] + ("0" if good[-1] != "0" else "1")  # wrong check character
	fill_petition(page, site, id_number=bad_id, content="")
	page.click("#submit-button")
	expect(page.locator("[data-error-for=id_number]")).not_to_be_empty()
	expect(page.locator("[data-error-for=content]")).to_have_text(zh("Describe your matter."))
	expect(page.locator("#form-error")).to_be_visible()
	expect(page.locator("#id_number")).to_have_class(re.compile("invalid"))
	expect(page.locator("#submission-done")).to_be_hidden()
	screenshot(page, "petition_errors")
	assert fresh_counts("Petition", "Public Submission") == before


def test_a_wrong_code_is_not_found(site, live_server, phone):
	page = phone
	page.goto(f"{live_server}/petition/track")
	page.fill("#code", generate_tracking_code())
	page.click("#track-form button[type=submit]")
	expect(page.locator("#not-found")).to_have_text(
		zh("No matter was found for this tracking code. Check the code and try again.")
	)
	expect(page.locator("#progress")).to_have_count(0)
	screenshot(page, "track_not_found")

	page.fill("#code", "<script>alert(1)</script>")
	page.click("#track-form button[type=submit]")
	expect(page.locator("#not-found")).to_be_visible()
	assert page.input_value("#code") == "<script>alert(1)</script>"  # echoed escaped, not run


# ------------------------------------------------------------------ grid workers' page


def log_in(page, live_server, user):
	page.goto(f"{live_server}/grid")
	screenshot(page, "grid_login")
	page.fill("#usr", user)
	page.fill("#pwd", "wrong password")
	page.click("#login-button")
	expect(page.locator("#login-error")).to_have_text(zh("Wrong user name or password."))
	page.fill("#pwd", PASSWORD)
	page.click("#login-button")
	expect(page.locator("#my-grids")).to_be_visible()


def test_grid_worker_reports_an_event_from_the_phone(site, live_server, phone):
	page = phone
	log_in(page, live_server, site.grid_worker)
	expect(page.locator(f"#my-grids li[data-node='{site.grid_a1}']")).to_be_visible()
	screenshot(page, "grid_home")

	page.select_option("#event-type", "Hazard")
	page.fill("#event-description", "5号楼2单元楼道堆放杂物 堵塞消防通道")
	page.fill("#event-location", "5号楼2单元")
	page.set_input_files(
		"#event-photo", files=[{"name": "hazard.png", "mimeType": "image/png", "buffer": PNG}]
	)
	page.click("#event-submit")
	expect(page.locator("#event-message.alert-ok")).to_be_visible()
	name = re.search(r"EVT-\d{4}-\d+", page.inner_text("#event-message")).group(0)
	screenshot(page, "grid_reported")

	frappe.db.rollback()
	event = frappe.get_doc("Grid Event", name)
	assert event.jurisdiction == site.grid_a1 and event.reported_by == site.grid_worker
	assert event.event_type == "Hazard" and event.location == "5号楼2单元"
	assert event.workflow_state == "Reported" and event.photo and event.photo.startswith("/private/files/")

	page.click(".tab[data-tab=events]")
	item = page.locator(f"#event-list li[data-name='{name}']")
	expect(item).to_be_visible()
	expect(item).to_contain_text(zh("Hazard"))
	expect(item).to_contain_text(zh("Reported"))
	screenshot(page, "grid_events")


def test_grid_worker_cannot_report_for_another_grid(site, live_server, phone, http_login):
	page = phone
	before = fresh_counts("Grid Event")
	log_in(page, live_server, site.grid_worker)
	# the page offers only the worker's grids; force another grid into the form
	page.evaluate(
		"""(grid) => {
			const select = document.getElementById("event-jurisdiction");
			select.add(new Option(grid, grid));
			select.value = grid;
		}""",
		site.grid_a2,
	)
	page.select_option("#event-type", "Urban Management")
	page.fill("#event-description", "别的网格的占道经营")
	page.click("#event-submit")
	expect(page.locator("#event-message.alert-error")).to_contain_text(
		zh("You may report events only in your own grid.")
	)
	screenshot(page, "grid_refused")

	session = http_login(site.grid_worker, PASSWORD)
	response = session.post(
		f"{live_server}/api/resource/Grid Event",
		json={"subject": "x", "event_type": "Hazard", "jurisdiction": site.grid_a2},
		timeout=30,
	)
	assert response.status_code == 403
	assert fresh_counts("Grid Event") == before
	assert count("Grid Event", jurisdiction=site.grid_a2) == 0


def test_grid_worker_finds_a_household_of_the_grid(site, live_server, phone):
	page = phone
	log_in(page, live_server, site.grid_worker)
	page.click(".tab[data-tab=households]")
	head_name = site.household.head_name
	page.fill("#household-query", head_name[-6:])
	page.click("#household-search button[type=submit]")
	item = page.locator(f"#household-list li[data-name='{site.household.name}']")
	expect(item).to_be_visible()
	expect(item).to_contain_text(head_name)
	expect(item).to_contain_text(zh("{0} members").format(3))
	screenshot(page, "grid_households")

	page.click("#logout-button")
	expect(page.locator("#login-form")).to_be_visible()
