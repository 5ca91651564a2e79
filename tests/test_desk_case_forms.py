"""The case forms in the desk, in Chromium, as the staged user who would use them: the SLA deadline and
status as the form's headline and as a pill in the list, "Triage into Case" on a grid event,
"Raise Supervision" for a user above the case's level (and only for them: the server decides) and
"Record Mediation Session" on a dispute. Each button is clicked and what the user then sees is checked,
and so is the database.

The client code is `public/js/case_desk.bundle.js` (every case DocType) and the DocTypes' own
`grid_event.js` / `dispute.js`; the server methods are `cases.triage.triage_targets` /
`triage_grid_event` and `cases.supervision.can_raise_supervision`.
"""


import frappe
import pytest
from frappe.utils import add_days, now_datetime
from xinqu_governance.cases.supervision import can_raise_supervision
from xinqu_governance.cases.triage import triage_targets

from tests.case_factories import PASSWORD, act, as_user, case_profile, make_case, purge_cases, stage
from tests.desk import DESKTOP, SCREENS, SIZES, desk_as, zh
from tests.factories import make_jurisdiction_tree, purge_tree





@pytest.fixture(scope="module")
def people(case_profile):  # noqa: F811
	"""Staged users, an overdue dispute at village A1 and a verified grid event at grid A1."""
	frappe.set_user("Administrator")
	tree = make_jurisdiction_tree()
	people = stage(tree)
	people.dispute = make_case("Dispute", tree.village_a1).name
	frappe.db.set_value(
		"Dispute", people.dispute, {"sla_status": "Overdue", "resolution_due": add_days(now_datetime(), -1)}
	)
	people.reported_event = make_case("Grid Event", tree.grid_a1).name
	reported_by_phone = make_case(
		"Grid Event", tree.grid_a1, contact_name="王某某", contact_phone="13800000000"
	)
	people.verified_event = act(reported_by_phone, "Verify Event", people.staff_a1).name
	frappe.db.commit()
	yield people
	frappe.db.rollback()
	for name in frappe.get_all("Supervision", filters={"case_name": people.dispute}, pluck="name"):
		frappe.delete_doc("Supervision", name, force=True, ignore_permissions=True)
	frappe.db.commit()
	purge_cases(tree)
	purge_tree(tree, users=people.users)


def desk_of(chromium, live_server, user, size=DESKTOP):
	return desk_as(chromium, live_server, user, PASSWORD, size)


def button(desk, label: str):
	return desk.page.get_by_role("button", name=zh(label), exact=True)


def fresh():
	frappe.db.rollback()  # see what the live server committed


# --- the server decides which buttons a user gets -----------------------------------------------------


def test_only_a_user_above_the_case_may_raise_supervision(people):
	allowed = {}
	for who in ("staff_a1", "officer_a", "officer_b", "county_officer", "grid_worker"):
		with as_user(people[who]):
			allowed[who] = can_raise_supervision("Dispute", people.dispute)
	assert allowed == {
		"staff_a1": False,  # the village handles it
		"officer_a": True,
		"officer_b": False,  # another town
		"county_officer": True,
		"grid_worker": False,
	}


def test_triage_is_offered_where_the_workflow_allows_it(people):
	with as_user(people.staff_a1):
		assert triage_targets(people.reported_event) == []  # not verified yet
		# the Case Types marked as triage targets (cases/default_case_types.json), in their order
		assert triage_targets(people.verified_event) == [
			"Dispute",
			"Emergency Incident",
			"Petition",
			"Service Request",
		]
	with as_user(people.grid_worker):
		assert triage_targets(people.verified_event) == []


# --- SLA on the form and in the list -------------------------------------------------------------------


@pytest.mark.parametrize("size", list(SIZES))
def test_sla_deadline_and_status_head_the_form_and_mark_the_list(people, chromium, live_server, size):
	desk = desk_of(chromium, live_server, people.staff_a1, SIZES[size])
	try:
		desk.open_form("Dispute", people.dispute)
		headline = desk.page.locator(".form-message:visible").inner_text()
		assert zh("Overdue") in headline
		due, state = frappe.db.get_value("Dispute", people.dispute, ["resolution_due", "workflow_state"])
		assert zh("Resolution due {0}").split("{0}")[0].strip() in headline
		assert due.strftime("%H:%M") in headline
		# the state in words: the title's pill on a desktop, the headline on a phone (where the title
		# shows the state as a dot)
		states = desk.page.locator(".page-head .indicator-pill:visible, .form-message .xq-state:visible").all_inner_texts()
		assert [text.strip() for text in states if text.strip()] == [zh(state)]
		desk.open_list("Dispute")
		row = desk.page.locator(".list-row-container", has_text=people.dispute)
		assert row.locator(".xq-sla-status:visible").inner_text().strip() == zh("Overdue")
		assert desk.take_problems() == []
	finally:
		desk.page.context.close()


def test_case_list_indicator_without_a_workflow_shows_sla_and_closure(people, chromium, live_server):
	desk = desk_of(chromium, live_server, people.staff_a1)
	try:
		desk.open_list("Dispute")
		indicators = desk.page.evaluate(
			"""() => ['Overdue', 'Due Soon', 'Met', 'On Track'].map(s => frappe.listview_settings['Dispute']
				.get_indicator({sla_status: s, workflow_state: 'Reported'}))
				.concat([frappe.listview_settings['Dispute'].get_indicator({closed_on: '2026-12-01', sla_status: 'Met'})])"""
		)
		assert indicators == [
			[zh("Overdue"), "red", "sla_status,=,Overdue"],
			[zh("Due Soon"), "orange", "sla_status,=,Due Soon"],
			[zh("Met"), "blue", "sla_status,=,Met"],
			[zh("Reported"), "blue", "workflow_state,=,Reported"],
			[zh("Closed"), "green", "closed_on,is,set"],
		]
		assert desk.take_problems() == []
	finally:
		desk.page.context.close()


# --- the buttons -----------------------------------------------------------------------------------------


def test_triage_into_case_opens_the_new_case_linked_back(people, chromium, live_server):
	worker = desk_of(chromium, live_server, people.grid_worker)
	try:
		worker.open_form("Grid Event", people.verified_event)
		assert button(worker, "Triage into Case").count() == 0
		assert worker.take_problems() == []
	finally:
		worker.page.context.close()

	desk = desk_of(chromium, live_server, people.staff_a1)
	try:
		desk.open_form("Grid Event", people.reported_event)
		assert button(desk, "Triage into Case").count() == 0  # the workflow wants it verified first
		desk.open_form("Grid Event", people.verified_event)
		button(desk, "Triage into Case").click()
		dialog = desk.page.locator(".modal.show")
		dialog.locator("select").select_option("Petition")
		dialog.locator(".btn-primary").click()
		desk.page.wait_for_function(
			"() => window.cur_frm && cur_frm.doctype === 'Petition' && !cur_frm.is_new()"
		)
		desk.wait_idle()
		case = desk.page.evaluate("() => cur_frm.docname")
		link = desk.page.locator('.form-layout [data-fieldname="source_event"]')
		assert people.verified_event in link.inner_text()
		desk.screenshot(SCREENS / "triaged_into_petition.png")
		assert desk.take_problems() == []
	finally:
		desk.page.context.close()

	fresh()
	event = frappe.db.get_value(
		"Grid Event",
		people.verified_event,
		["triaged_to_doctype", "triaged_to", "workflow_state"],
		as_dict=True,
	)
	assert (event.triaged_to_doctype, event.triaged_to, event.workflow_state) == ("Petition", case, "Triaged")
	petition = frappe.db.get_value("Petition", case, ["source_event", "petitioner_name"], as_dict=True)
	assert (petition.source_event, petition.petitioner_name) == (people.verified_event, "王某某")


def test_raise_supervision_only_for_a_user_above_and_it_is_recorded(people, chromium, live_server):
	staff = desk_of(chromium, live_server, people.staff_a1)
	try:
		staff.open_form("Dispute", people.dispute)
		assert button(staff, "Raise Supervision").count() == 0
		assert staff.take_problems() == []
	finally:
		staff.page.context.close()

	desk = desk_of(chromium, live_server, people.officer_a)
	try:
		desk.open_form("Dispute", people.dispute)
		button(desk, "Raise Supervision").click()
		desk.page.wait_for_function("() => window.cur_dialog && cur_dialog.fields_dict.instruction")
		desk.page.evaluate(
			"(deadline) => cur_dialog.set_value('deadline', deadline)",
			add_days(now_datetime(), 3).strftime("%Y-%m-%d %H:%M:%S"),
		)
		desk.page.locator(".modal.show [data-fieldname='instruction'] textarea").fill("请三日内答复办理进展")
		desk.page.locator(".modal.show .btn-primary").click()
		desk.page.wait_for_selector(".alert-message, .desk-alert", state="attached")
		desk.wait_idle()
		fresh()
		(supervision,) = frappe.get_all(
			"Supervision",
			filters={"case_doctype": "Dispute", "case_name": people.dispute},
			fields=["name", "issued_by", "kind", "instruction", "status"],
		)
		assert (supervision.issued_by, supervision.kind, supervision.instruction, supervision.status) == (
			people.officer_a,
			"Ordinary",
			"请三日内答复办理进展",
			"Open",
		)
		desk.page.wait_for_function(
			"(name) => document.querySelector('.new-timeline')?.innerText.includes(name)",
			arg=supervision.name,
		)
		assert desk.take_problems() == []
	finally:
		desk.page.context.close()


def test_record_mediation_session_adds_a_row_and_saves(people, chromium, live_server):
	desk = desk_of(chromium, live_server, people.staff_a1)
	try:
		desk.open_form("Dispute", people.dispute)
		before = desk.page.evaluate("() => (cur_frm.doc.mediation_sessions || []).length")
		button(desk, "Record Mediation Session").click()
		desk.page.wait_for_selector(".modal.show [data-fieldname='summary'] textarea")
		desk.page.locator(".modal.show [data-fieldname='location'] input").fill("村调解室")
		desk.page.locator(".modal.show [data-fieldname='summary'] textarea").fill("双方同意下周再谈")
		desk.page.locator(".modal.show .btn-primary").click()
		desk.page.wait_for_function(
			"(n) => cur_frm.doc.mediation_sessions.length === n && !cur_frm.is_dirty() && !document.querySelector('.modal.show')",
			arg=before + 1,
		)
		desk.wait_idle()
		grid = desk.page.locator('.form-layout [data-fieldname="mediation_sessions"]')
		assert people.staff_a1 in grid.inner_text()  # the grid's columns: time, type, mediator, result
		assert grid.locator(".grid-body .grid-row").count() == before + 1
		desk.screenshot(SCREENS / "mediation_session_recorded.png")
		assert desk.take_problems() == []
	finally:
		desk.page.context.close()

	fresh()
	rows = frappe.get_all(
		"Mediation Session",
		filters={"parent": people.dispute, "parenttype": "Dispute"},
		fields=["location", "summary", "mediator", "session_on", "handling_level"],
	)
	assert len(rows) == before + 1
	assert any(  # the level the dispute is handled at, kept by the server
		(r.location, r.summary, r.mediator, r.handling_level)
		== ("村调解室", "双方同意下周再谈", people.staff_a1, "Village")
		and r.session_on
		for r in rows
	)


def test_record_fulfilment_on_a_concluded_dispute(people, chromium, live_server):
	"""The concluded dispute's form is read-only for the village; "Record Fulfilment" still records the
	履行情况 (status, date, note) through the server, under the edit rights."""
	dispute = act(
		make_case("Dispute", people.village_a1, people.staff_a1, parties=[{"party_name": "张某"}]),
		"Accept",
		people.staff_a1,
	)
	with as_user(people.staff_a1):
		doc = frappe.get_doc("Dispute", dispute.name)
		doc.update(
			{
				"outcome": "Agreement",
				"agreement_text": "双方同意调换楼层",
				"parties": [{"party_name": "张某", "satisfaction": "Satisfied"}],
			}
		)
		doc.save()
	act(doc, "Close Case", people.staff_a1)
	frappe.db.commit()
	desk = desk_of(chromium, live_server, people.staff_a1)
	try:
		desk.open_form("Dispute", dispute.name)
		button(desk, "Record Fulfilment").click()
		desk.page.wait_for_selector(".modal.show [data-fieldname='fulfilment_note'] textarea")
		desk.page.locator(".modal.show [data-fieldname='agreement_fulfilment'] select").select_option(
			"Partially Fulfilled"
		)
		desk.page.locator(".modal.show [data-fieldname='fulfilment_note'] textarea").fill("搬家费尚未支付")
		desk.page.locator(".modal.show .btn-primary").click()
		desk.page.wait_for_function(
			"() => cur_frm.doc.agreement_fulfilment === 'Partially Fulfilled' && !document.querySelector('.modal.show')"
		)
		desk.wait_idle()
		assert desk.take_problems() == []
	finally:
		desk.page.context.close()

	fresh()
	row = frappe.db.get_value(
		"Dispute",
		dispute.name,
		["workflow_state", "agreement_fulfilment", "fulfilment_checked_on", "fulfilment_note"],
		as_dict=True,
	)
	assert (row.workflow_state, row.agreement_fulfilment, row.fulfilment_note) == (
		"Concluded",
		"Partially Fulfilled",
		"搬家费尚未支付",
	)
	assert row.fulfilment_checked_on == frappe.utils.getdate()


def test_record_turned_criminal_on_a_concluded_dispute(people, chromium, live_server):
	"""民转刑 is learned after the dispute is concluded: the button is there on the read-only form."""
	concluded = make_case("Dispute", people.village_a1).name
	frappe.db.set_value(
		"Dispute",
		concluded,
		{"workflow_state": "Concluded", "outcome": "Mediation Failed", "closed_on": now_datetime()},
	)
	frappe.db.commit()
	desk = desk_of(chromium, live_server, people.staff_a1)
	try:
		desk.open_form("Dispute", concluded)
		button(desk, "Record Turned Criminal").click()
		desk.page.wait_for_selector(".modal.show [data-fieldname='criminal_case_reference'] input")
		desk.page.locator(".modal.show [data-fieldname='criminal_case_reference'] input").fill("公刑立字〔2026〕88号")
		desk.page.locator(".modal.show .btn-primary").click()
		desk.page.wait_for_function("() => cur_frm.doc.turned_criminal === 1 && !document.querySelector('.modal.show')")
		desk.wait_idle()
		assert desk.page.get_by_role("button", name=zh("Record Turned Criminal"), exact=True).count() == 0
		assert "公刑立字〔2026〕88号" in desk.page.locator(".form-layout").first.inner_text()
		assert desk.take_problems() == []
	finally:
		desk.page.context.close()
	fresh()
	row = frappe.db.get_value(
		"Dispute", concluded, ["turned_criminal", "turned_criminal_on", "criminal_case_reference", "workflow_state"],
		as_dict=True,
	)
	assert (row.turned_criminal, row.criminal_case_reference, row.workflow_state) == (1, "公刑立字〔2026〕88号", "Concluded")
	assert str(row.turned_criminal_on) == frappe.utils.today()


def test_a_phone_list_names_each_cases_state(people, chromium, live_server):
	"""On a phone the list has no state column: the row's pill names the workflow state in words."""
	from tests.desk import PHONE

	desk = desk_of(chromium, live_server, people.staff_a1, PHONE)
	try:
		desk.open_list("Dispute")
		row = desk.page.locator(".list-row-container", has_text=people.dispute).first
		desk.screenshot(SCREENS / "dispute_list_phone.png")
		state = frappe.db.get_value("Dispute", people.dispute, "workflow_state")
		shown = [t.strip() for t in row.locator(".indicator-pill:visible").all_inner_texts()]
		assert any(zh(state) in t for t in shown), shown
		assert desk.take_problems() == []
	finally:
		desk.page.context.close()
