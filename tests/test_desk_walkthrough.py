"""One dispute through the desk, in Chromium, as the people who act at each step.

A grid worker on a phone reports a dispute lead (a new Grid Event form, saved); village staff triage
it into a Dispute (the server method the desk's button calls), accept it from the form's Actions
menu, record two mediation sessions (the second failing) and escalate it to the town; the town
officer, on a phone, records the agreement and closes it from the Actions menu; before that the
county officer issues a yellow card from the dispute's form. Each step asserts
what the user sees in the desk (state indicator, the timeline line, the assignee in the sidebar,
the SLA indicator) and what the database holds.

Field values are typed, picked from Select controls and chosen from Link dropdowns as a user does
(tests/desk.py); rows of child tables and the dialog's date are still set through the desk's form
model (`frappe.model.set_value`, `cur_dialog.set_value`); saving and workflow actions are clicks on
the desk's own buttons.
"""


import frappe
import pytest

from tests.case_factories import case_profile, purge_cases, stage  # noqa: F401
from tests.desk import DESKTOP, PHONE, SCREENS, desk_as, zh
from tests.factories import PASSWORD, make_jurisdiction_tree, purge_tree, unique





@pytest.fixture(scope="module")
def people(case_profile):  # noqa: F811
	frappe.set_user("Administrator")
	tree = make_jurisdiction_tree()
	staged = stage(tree)
	# the dispute deadline of the text's rules (the profile's SLA rules are not loaded in the suite)
	rule = frappe.get_doc(
		{
			"doctype": "SLA Rule",
			"rule_name": unique("矛盾纠纷办理时限"),
			"case_doctype": "Dispute",
			"resolution_hours": 72,
			"on_breach": "Escalate automatically",
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()
	yield staged
	frappe.db.rollback()
	frappe.delete_doc("SLA Rule", rule.name, force=True, ignore_permissions=True)
	for name in frappe.get_all("Supervision", filters={"jurisdiction": ("in", [tree.village_a1])}, pluck="name"):
		frappe.delete_doc("Supervision", name, force=True, ignore_permissions=True)
	frappe.db.commit()
	purge_cases(tree)
	purge_tree(tree, users=staged.users)




def state_colour(state: str) -> str:
	"""The indicator colour Frappe gives a workflow state: its Workflow State style."""
	style = frappe.db.get_value("Workflow State", state, "style") or ""
	return {"Primary": "blue", "Info": "light-blue", "Success": "green", "Warning": "orange", "Danger": "red", "Inverse": "black"}.get(style, "gray")


def shown_colour(desk) -> str:
	return desk.page.evaluate(
		"""() => { const pill = cur_frm.page.indicator[0];
			return [...pill.classList].find(c => !['indicator-pill', 'no-indicator-dot', 'whitespace-nowrap', 'ellipsis'].includes(c)) || ''; }"""
	)


def shown_assignees(desk) -> list[str]:
	"""Who the form's sidebar shows under "Assigned To" (Frappe's docinfo assignments)."""
	return desk.page.evaluate("() => (cur_frm.get_docinfo().assignments || []).map(a => a.owner)")


def take_action(desk, action: str, state: str) -> None:
	"""Actions menu → the action, as the user clicks it."""
	page = desk.page
	dialogs = page.locator(".modal.show").all_inner_texts()
	assert not dialogs, f"a dialog is open before {action}: {dialogs}"
	page.locator(".page-actions .actions-btn-group > button:visible").first.click()
	page.locator(".page-actions .actions-btn-group .dropdown-menu a:visible", has_text=zh(action)).first.click()
	try:
		page.wait_for_function("(s) => cur_frm && cur_frm.doc.workflow_state === s", arg=state, timeout=30_000)
	except Exception:
		desk.screenshot(SCREENS / "failed_action.png")
		raise AssertionError(f"{action} did not lead to {state}: " + "\n".join(desk.take_problems())) from None
	desk.wait_idle()


def shown_state(desk, expected: str) -> str:
	"""The state pill beside the form's title, once the form has redrawn it (or what it shows)."""
	script = "() => cur_frm.page.indicator.text().trim()"
	try:
		desk.page.wait_for_function(f"(s) => ({script})() === s", arg=expected, timeout=10_000)
	except Exception:
		pass
	return desk.page.evaluate(script)


def timeline_text(desk) -> str:
	return desk.page.locator(".timeline-items, .new-timeline").first.inner_text()


def clean(desk, step: str) -> None:
	problems = desk.take_problems()
	assert problems == [], f"{step}: " + "\n".join(problems)


def test_a_dispute_goes_from_the_grid_to_the_town_and_is_closed(people, chromium, live_server):
	SCREENS.mkdir(parents=True, exist_ok=True)
	grid = desk_as(chromium, live_server, people.grid_worker, PASSWORD, PHONE)
	try:
		# 1. the grid worker reports a dispute lead from the phone
		grid.open_new("Grid Event")
		grid.type_into("subject", "两户因排水沟堵塞发生争执")
		grid.select("event_type", "Dispute Lead")
		grid.choose_link("jurisdiction", people.grid_a1)
		grid.page.wait_for_function("(j) => cur_frm.doc.jurisdiction === j", arg=people.grid_a1)
		grid.save()
		event = grid.page.evaluate("() => cur_frm.doc.name")
		clean(grid, "grid worker reports")
		grid.screenshot(SCREENS / "grid_event_phone.png")
	finally:
		grid.page.context.close()
	frappe.db.rollback()
	assert frappe.db.get_value("Grid Event", event, "owner") == people.grid_worker

	village = desk_as(chromium, live_server, people.staff_a1, PASSWORD, DESKTOP)
	try:
		# 2. village staff triage the lead into a dispute (the form's button calls this method)
		village.open_form("Grid Event", event)
		take_action(village, "Verify Event", "Verified")
		dispute = village.page.evaluate(
			"""(ev) => new Promise((resolve) => frappe.call({
				method: 'xinqu_governance.api.triage.triage_grid_event',
				args: {grid_event: ev, target_doctype: 'Dispute'},
				callback: (r) => resolve(r.message.name),
				error: (r) => resolve({error: JSON.stringify(r).slice(0, 1500)}),
			}))""",
			event,
		)
		assert isinstance(dispute, str), dispute
		village.open_form("Dispute", dispute)
		assert shown_state(village, zh("Reported")) == zh("Reported")

		# 3. accept, two mediation sessions (the second fails), escalate to the town
		take_action(village, "Accept", "Mediation at Village")
		assert shown_state(village, zh("Mediation at Village")) == zh("Mediation at Village")
		assert shown_assignees(village) == [people.staff_a1]
		# the SLA clock runs from acceptance: the form holds its deadline
		assert village.page.evaluate("() => !!cur_frm.doc.resolution_due")
		village.page.evaluate(
			"""() => {
				for (const [when, result] of [['2026-12-01 10:00:00', 'Continued'], ['2026-12-02 15:00:00', 'Mediation Failed']]) {
					const row = cur_frm.add_child('mediation_sessions');
					frappe.model.set_value(row.doctype, row.name, 'session_on', when);
					frappe.model.set_value(row.doctype, row.name, 'result', result);
					frappe.model.set_value(row.doctype, row.name, 'summary', '双方各执一词');
				}
			}"""
		)
		village.select("outcome", "Mediation Failed")
		village.save()
		# the saved form draws its table again after the save's refresh (the rows are re-rendered)
		sessions = village.page.locator("[data-fieldname='mediation_sessions'] .grid-body .grid-row")
		sessions.nth(1).wait_for()
		assert sessions.count() == 2
		take_action(village, "Escalate to Town", "Mediation at Town")
		assert shown_state(village, zh("Mediation at Town")) == zh("Mediation at Town")
		clean(village, "village staff")
		village.screenshot(SCREENS / "dispute_escalated_desktop.png")
	finally:
		village.page.context.close()
	frappe.db.rollback()
	doc = frappe.get_doc("Dispute", dispute)
	assert doc.workflow_state == "Mediation at Town" and doc.handling_level == "Town"
	assert len(doc.mediation_sessions) == 2
	# the lead and the case link both ways
	assert frappe.db.get_value("Grid Event", event, ["triaged_to_doctype", "triaged_to", "workflow_state"]) == (
		"Dispute",
		dispute,
		"Triaged",
	)
	assert doc.source_event == event

	county = desk_as(chromium, live_server, people.county_officer, PASSWORD, DESKTOP)
	try:
		# 4. the county supervises the town with a yellow card from the dispute's form
		county.open_form("Dispute", dispute)
		county.page.get_by_role("button", name=zh("Raise Supervision"), exact=True).click()
		county.page.wait_for_function("() => window.cur_dialog && cur_dialog.fields_dict.instruction")
		county.page.evaluate(
			"""(deadline) => { cur_dialog.set_value('kind', 'Yellow Card'); cur_dialog.set_value('deadline', deadline); }""",
			frappe.utils.add_days(frappe.utils.now_datetime(), 3).strftime("%Y-%m-%d %H:%M:%S"),
		)
		county.page.locator(".modal.show [data-fieldname='instruction'] textarea").fill("调解久拖未决，黄牌督办，三日内办结")
		county.page.locator(".modal.show .btn-primary").click()
		county.page.wait_for_function(
			"() => document.querySelector('.new-timeline')?.innerText.includes('SUP-')", timeout=30_000
		)
		clean(county, "county supervisor")
	finally:
		county.page.context.close()
	frappe.db.rollback()
	assert frappe.get_all(
		"Supervision", filters={"case_name": dispute, "kind": "Yellow Card"}, fields=["issued_by"]
	) == [{"issued_by": people.county_officer}]

	town = desk_as(chromium, live_server, people.officer_a, PASSWORD, PHONE)
	try:
		# 5. the town officer records the agreement and closes the dispute
		town.open_form("Dispute", dispute)
		# on a phone Frappe draws the state as a coloured dot beside the title (no text)
		assert shown_colour(town) == state_colour("Mediation at Town")
		# escalation handed the case to the town unit's officer: a Frappe assignment
		assert shown_assignees(town) == [people.officer_a]
		town.select("outcome", "Agreement")
		town.type_into("agreement_text", "双方同意共同出资疏通排水沟，费用各半。")
		# the parties' table: rows of a child grid, set through the form model
		town.page.evaluate(
			"""() => {
				if (!(cur_frm.doc.parties || []).length) {
					const row = cur_frm.add_child('parties');
					frappe.model.set_value(row.doctype, row.name, 'party_name', '张三');
				}
				for (const row of cur_frm.doc.parties) frappe.model.set_value(row.doctype, row.name, 'satisfaction', 'Satisfied');
			}"""
		)
		town.save()
		take_action(town, "Close Case", "Concluded")
		assert shown_colour(town) == state_colour("Concluded")
		clean(town, "town officer")
		town.screenshot(SCREENS / "dispute_concluded_phone.png")
	finally:
		town.page.context.close()
	frappe.db.rollback()
	doc = frappe.get_doc("Dispute", dispute)
	assert doc.workflow_state == "Concluded" and doc.outcome == "Agreement"
