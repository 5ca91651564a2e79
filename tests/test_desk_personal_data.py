"""ID and phone numbers in the desk's forms, in Chromium (public/js/personal_data.bundle.js): a town
officer sees a resident's numbers masked and reveals one through "Reveal Full Number" after giving a
reason (logged); village staff see the full numbers and no masked copies."""

import frappe
import pytest
from xinqu_governance.governance.personal_data import mask

from tests.case_factories import case_profile  # noqa: F401
from tests.desk import DESKTOP, desk_as, zh
from tests.factories import PASSWORD, make_jurisdiction_tree, make_resident, make_user_at, purge_tree

PHONE_NUMBER = "15309728766"


@pytest.fixture(scope="module")
def village(case_profile):  # noqa: F811
	frappe.set_user("Administrator")
	tree = make_jurisdiction_tree()
	tree.officer = make_user_at("Town Officer", tree.town_a, prefix="xq-pd-desk-town")
	tree.staff = make_user_at("Village Staff", tree.village_a1, prefix="xq-pd-desk-vil")
	tree.resident = make_resident(tree.village_a1, phone=PHONE_NUMBER)
	settings = frappe.get_single("Governance Settings")
	before = [row.role for row in settings.get("reveal_roles")]
	settings.set("reveal_roles", [{"role": "Town Officer"}])
	settings.save(ignore_permissions=True)
	frappe.db.commit()
	yield tree
	frappe.db.rollback()
	settings = frappe.get_single("Governance Settings")
	settings.set("reveal_roles", [{"role": role} for role in before])
	settings.save(ignore_permissions=True)
	frappe.db.delete("Personal Data Reveal", {"user": tree.officer})
	frappe.db.delete("View Log", {"viewed_by": ("in", [tree.officer, tree.staff])})
	frappe.delete_doc("Resident", tree.resident.name, ignore_permissions=True, force=True)
	purge_tree(tree, users=[tree.officer, tree.staff])


def shown_fields(desk) -> dict:
	return desk.page.evaluate(
		"""() => Object.fromEntries(['citizen_id', 'citizen_id_masked', 'phone', 'phone_masked'].map(
			(f) => [f, $(cur_frm.fields_dict[f].wrapper).is(':visible') ? cur_frm.fields_dict[f].get_value
				? String(cur_frm.fields_dict[f].get_value() || '') : '' : null]))"""
	)


def test_a_town_officer_sees_masks_and_reveals_a_number_with_a_reason(village, chromium, live_server):
	number = village.resident.citizen_id
	desk = desk_as(chromium, live_server, village.officer, PASSWORD, DESKTOP)
	try:
		desk.open_form("Resident", village.resident.name)
		assert shown_fields(desk) == {
			"citizen_id": None,
			"citizen_id_masked": mask(number, "id_number"),
			"phone": None,
			"phone_masked": "153****8766",
		}
		assert number not in desk.page.content()
		desk.page.get_by_role("button", name=zh("Reveal Full Number")).click()
		desk.page.locator(".inner-group-button .dropdown-item", has_text=zh("Citizen ID Number")).first.click()
		dialog = desk.page.locator(".modal.show")
		dialog.locator("textarea[data-fieldname='reason']").fill("核实信访人身份")
		dialog.locator(".btn-primary").click()
		desk.page.wait_for_selector(".modal.show .xq-revealed-number")
		assert desk.page.locator(".modal.show .xq-revealed-number").inner_text() == number
		problems = desk.take_problems()
		assert problems == [], "\n".join(problems)
	finally:
		desk.page.context.close()
	frappe.db.rollback()
	assert frappe.get_all(
		"Personal Data Reveal", filters={"user": village.officer}, fields=["reference_name", "fieldname", "reason"]
	) == [{"reference_name": village.resident.name, "fieldname": "citizen_id", "reason": "核实信访人身份"}]


def test_village_staff_see_the_full_numbers_and_no_reveal(village, chromium, live_server):
	desk = desk_as(chromium, live_server, village.staff, PASSWORD, DESKTOP)
	try:
		desk.open_form("Resident", village.resident.name)
		assert shown_fields(desk) == {
			"citizen_id": village.resident.citizen_id,
			"citizen_id_masked": None,
			"phone": PHONE_NUMBER,
			"phone_masked": None,
		}
		assert desk.page.get_by_role("button", name=zh("Reveal Full Number")).count() == 0
		problems = desk.take_problems()
		assert problems == [], "\n".join(problems)
	finally:
		desk.page.context.close()
