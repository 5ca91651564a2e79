"""A major village decision in the desk, in Chromium: the village staff see that it waits for its risk
assessment and have no button to make one; the town officer's "Assess Stability Risk" creates the
assessment, opens it, and the decision points at it."""

import frappe
import pytest

from tests.case_factories import case_profile, purge_cases  # noqa: F401
from tests.desk import DESKTOP, PHONE, desk_as, zh
from tests.factories import PASSWORD, make_jurisdiction_tree, make_user_at, purge_tree, unique


@pytest.fixture(scope="module")
def world(case_profile):  # noqa: F811
	frappe.set_user("Administrator")
	tree = make_jurisdiction_tree()
	tree.staff = make_user_at("Village Staff", tree.village_a1, prefix="xq-vd-staff")
	tree.officer = make_user_at("Town Officer", tree.town_a, prefix="xq-vd-town")
	tree.decision = (
		frappe.get_doc(
			{
				"doctype": "Village Decision",
				"matter": unique("新建村文化广场"),
				"is_major_decision": 1,
				"meeting_date": frappe.utils.today(),
				"jurisdiction": tree.village_a1,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)
	frappe.db.commit()
	yield tree
	frappe.db.rollback()
	purge_cases(tree, commit=False)  # the assessment made in the desk, and the decision
	purge_tree(tree, users=[tree.staff, tree.officer])


def button(desk):
	return desk.page.get_by_role("button", name=zh("Assess Stability Risk"), exact=True)


def test_the_village_sees_the_decision_wait_for_its_assessment(world, chromium, live_server):
	desk = desk_as(chromium, live_server, world.staff, PASSWORD, PHONE)
	try:
		desk.open_form("Village Decision", world.decision)
		headline = desk.page.locator(".form-message").first
		message = "A major decision is put to the vote only after its social stability risk assessment is approved (Guiding Opinions §4)."
		assert zh(message) in headline.inner_text()
		assert button(desk).count() == 0
		assert desk.take_problems() == []
	finally:
		desk.page.context.close()


def test_the_town_assesses_the_decision_from_its_form(world, chromium, live_server):
	desk = desk_as(chromium, live_server, world.officer, PASSWORD, DESKTOP)
	try:
		desk.open_form("Village Decision", world.decision)
		button(desk).first.click()
		desk.page.wait_for_function("() => window.cur_frm && cur_frm.doctype === 'Stability Risk Assessment'")
		desk.wait_idle()
		assessment = desk.page.evaluate("() => cur_frm.doc.name")
		assert desk.page.evaluate("() => cur_frm.doc.village_decision") == world.decision
		assert desk.take_problems() == []
	finally:
		desk.page.context.close()
	frappe.db.rollback()
	assert frappe.db.get_value("Village Decision", world.decision, "stability_risk_assessment") == assessment
